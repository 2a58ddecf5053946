#!/usr/bin/env bash
# render_batch.sh - a batch as one multi-page PDF (--pdf-all) and as a ZIP
# of single PDFs (--zip): every page there, with its fonts, and the same
# certificates as the one-file-each output.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
Y=$(date +%y)
make_registry "$D" >/dev/null
cp -r "$DATA" "$T/data"
expect_rc "issue" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --batch jx --quiet
expect_rc "render one each" 0 $SC render --db "$D" --out "$T/pdf" --batch jx --quiet
N=$(ls "$T/pdf"/*.pdf | wc -l)
check "several certificates in the batch" test "$N" -ge 3

expect_rc "render --pdf-all" 0 $SC render --db "$D" --batch jx --pdf-all "$T/all.pdf" --json
check "json says rendered N" contains "$T/out" "\"rendered\":$N"
check "qpdf --check multi-page" qpdf --check "$T/all.pdf"
check "pdfinfo pages = N" test "$(pdfinfo "$T/all.pdf" | sed -n 's/^Pages: *//p')" = "$N"
check "written 0600" test "$(stat -c %a "$T/all.pdf")" = 600
# Each page shows its own certificate number (batch order), and its text
# is that of the certificate's single PDF.
for i in $(seq "$N"); do
  pdftotext -f $i -l $i -raw "$T/all.pdf" "$T/p$i.txt" 2>/dev/null
  no=$(grep -oE 'S000036000001[0-9]{9}' "$T/p$i.txt" | head -1)
  echo "$no" >> "$T/pages.txt"
  check "page $i shows a number of the batch ($no)" test -n "$no" -a -f "$T/pdf/$no.pdf"
  pdftotext -raw "$T/pdf/$no.pdf" "$T/s$i.txt" 2>/dev/null
  check "page $i text = its single PDF's" cmp "$T/p$i.txt" "$T/s$i.txt"
done
check "every certificate has its page" test "$(sort -u "$T/pages.txt" | wc -l)" = "$N"
# Pages after the first draw their text with the document's fonts: no
# font warnings, and the last page's picture has ink in the table area.
pdffonts "$T/all.pdf" > "$T/fonts.txt" 2>&1
check "fonts embedded (subset)" bash -c "grep -q ' yes ' '$T/fonts.txt' && ! grep -qi 'error' '$T/fonts.txt'"
# One subset per font of the chain for the whole document, not per page.
check "at most 3 fonts (the chain) for $N pages" test "$(tail -n +3 "$T/fonts.txt" | grep -vc Warning)" -le 3
check "one document is smaller than the PDFs apart" test "$(stat -c %s "$T/all.pdf")" -lt "$(cat "$T"/pdf/*.pdf | wc -c)"
check "no poppler errors on the last page" bash -c "pdftoppm -f $N -l $N -png -r 60 '$T/all.pdf' '$T/last' 2>&1 | grep -v begincidrange | (! grep -q .)"
check "last page rendered" test -s "$(ls "$T"/last*.png | head -1)"
check "last page text = its single PDF's text" cmp "$T/p$N.txt" "$T/s$N.txt"
C2=S000036000001${Y}5000002
check "𠮷 extracts from the multi-page PDF" bash -c "pdftotext -raw '$T/all.pdf' - | grep -q '吉𠮷'"
expect_rc "render --pdf-all again" 0 $SC render --db "$D" --batch jx --pdf-all "$T/all2.pdf" --quiet
check "multi-page PDF is deterministic" cmp "$T/all.pdf" "$T/all2.pdf"
expect_rc "one number --pdf-all" 0 $SC render --db "$D" --pdf-all "$T/one.pdf" "$C2" --quiet
check "a one-page --pdf-all is the single PDF, byte for byte" cmp "$T/one.pdf" "$T/pdf/$C2.pdf"

expect_rc "render --zip" 0 $SC render --db "$D" --batch jx --zip "$T/all.zip" --quiet
check "zip lists N entries" test "$(unzip -Z1 "$T/all.zip" | wc -l)" = "$N"
check "zip test passes" unzip -tq "$T/all.zip"
mkdir "$T/unz"
check "unzip" unzip -q "$T/all.zip" -d "$T/unz"
for f in "$T/unz"/*.pdf; do
  no=$(basename "$f" .pdf)
  check "$no.pdf valid" qpdf --check "$f"
  check "$no.pdf holds $no" bash -c "pdftotext -raw '$f' - | grep -qF '$no'"
  check "$no.pdf = rendered alone" cmp "$f" "$T/pdf/$no.pdf"
done
check "entries stored, dated" /usr/bin/python3 -c "
import zipfile,sys
z=zipfile.ZipFile(sys.argv[1])
assert all(i.compress_type==zipfile.ZIP_STORED for i in z.infolist())
assert all(i.date_time[0]>=2020 and i.date_time[3:]==(0,0,0) for i in z.infolist())
" "$T/all.zip"
expect_rc "render --zip again, other TZ" 0 env TZ=America/New_York $SC render --db "$D" --batch jx --zip "$T/all2.zip" --quiet
check "zip is deterministic" cmp "$T/all.zip" "$T/all2.zip"
expect_rc "unknown number" 66 $SC render --db "$D" --zip "$T/x.zip" S000036000001${Y}5999999
check "no zip left behind" test ! -e "$T/x.zip"
check "error names the number" contains "$T/err" "S000036000001${Y}5999999"
finish
