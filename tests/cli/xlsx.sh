#!/usr/bin/env bash
# xlsx.sh - `issue --roster FILE.xlsx`: the same certificates as the CSV
# of the same roster, errors on the sheet's row numbers, hostile
# workbooks refused with a message and nothing issued.
source "$(dirname "$0")/lib/common.bash"
Y=$(date +%y)
I1=$(id_number 11); I2=$(id_number 12); I3=$(id_number 13)
check "fixtures (openpyxl)" /usr/bin/python3 "$SKILLCERT_SRC/tests/tool/mk_xlsx.py" "$T" "$I1" "$I2" "$I3"
# What the first sheet of roster.xlsx says, typed as CSV.
cat > "$T/roster.csv" <<CSV
姓名,证件类型,证件号码,职业,等级,评价方式,考核日期,工作单位
张三,居民身份证,$I1,养老护理员,四级,过程化考核,2024-03-15,"<b>&""康养"" 'x'</b>, 一部"
李四,居民身份证,$I2,养老护理员,5,过程化考核,2024-02-29

王五,居民身份证,$I3,育婴员,五级,过程化考核,2024-01-02,第一 第二
CSV
make_registry "$T/a" >/dev/null; make_registry "$T/b" >/dev/null
expect_rc "issue the CSV" 0 $SC issue --db "$T/a" --org S000036000001 --roster "$T/roster.csv" --batch r1 --json
# (each registry has its own keys: signatures, key ids, log roots differ)
strip() { sed -E 's/"(elapsed_ms|issued_at)":[0-9]*//g; s/"(root|key_id|sig|token|url)":"[^"]*"//g' "$@"; }
strip "$T/out" > "$T/a.json"
expect_rc "issue the XLSX" 0 $SC issue --db "$T/b" --org S000036000001 --roster "$T/roster.xlsx" --batch r1 --json
strip "$T/out" > "$T/b.json"
check "3 issued from the XLSX" contains "$T/b.json" '"issued":3'
check "XLSX report = CSV report" cmp "$T/a.json" "$T/b.json"
for n in S000036000001${Y}4000001 S000036000001${Y}5000001 S000036000001${Y}5000002; do
  $SC show --db "$T/a" "$n" --json 2>/dev/null | strip > "$T/sa"
  $SC show --db "$T/b" "$n" --json 2>/dev/null | strip > "$T/sb"
  check "$n: same record either way" cmp "$T/sa" "$T/sb"
  check "$n: exists" test -s "$T/sb"
done
$SC show --db "$T/b" S000036000001${Y}4000001 --json > "$T/show.json"
check "markup characters kept exactly" contains "$T/show.json" '"employer":"<b>&\"康养\" '"'x'"'</b>, 一部"'
check "a line break in a cell became a space" bash -c "$SC show --db '$T/b' S000036000001${Y}5000002 --json | grep -qF '\"employer\":\"第一 第二\"'"
expect_rc "1904 workbook" 0 $SC issue --db "$T/b" --org S000036000001 --roster "$T/roster1904.xlsx" --batch r1 --dry-run --json
check "1904: same rows, already issued" contains "$T/out" '"existing":3'

# Without --batch: the batch is the hash of the sheet's CSV, the same for
# the 1904 copy (other bytes, same cells); so nothing is issued twice.
make_registry "$T/d" >/dev/null
expect_rc "default batch" 0 $SC issue --db "$T/d" --org S000036000001 --roster "$T/roster.xlsx" --json
b1=$(grep -o '"batch":"[^"]*"' "$T/out")
expect_rc "default batch, 1904 copy" 0 $SC issue --db "$T/d" --org S000036000001 --roster "$T/roster1904.xlsx" --json
check "same default batch for the same cells" test "$b1" = "$(grep -o '"batch":"[^"]*"' "$T/out")"
check "and nothing issued again" contains "$T/out" '"existing":3'

# An ID number typed as a number: Excel shows 3.60102E+17; refused on
# the sheet's row, which the CSV line numbers are.
make_registry "$T/c" >/dev/null
expect_rc "ID as a number refused" 1 $SC issue --db "$T/c" --org S000036000001 --roster "$T/idnum.xlsx"
check "names sheet row 2" contains "$T/err" "idnum.xlsx: line 2"
check "names sheet row 3" contains "$T/err" "idnum.xlsx: line 3"

for f in notzip nowb bomb ratio encrypted liar laughs xxe badref; do
  expect_rc "$f.xlsx refused" 1 $SC issue --db "$T/c" --org S000036000001 --roster "$T/$f.xlsx"
  check "$f.xlsx: message names the file" contains "$T/err" "$f.xlsx: "
done
check "badref names the cell" contains "$T/err" "cell A1: shared string index out of range"
check "nothing issued in c" bash -c "! $SC list --db '$T/c' --org S000036000001 2>/dev/null | grep -q S000036000001"
finish
