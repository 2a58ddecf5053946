#!/usr/bin/env bash
# render_verify.sh - issue with --pdf, render read-only, then verify offline
# from every kind of input: QR URL, bare token, PDF, and a photo of the QR.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
P=$T/pdf
Y=$(date +%y)
make_registry "$D" >/dev/null
cp -r "$DATA" "$T/data"

expect_rc "issue --pdf" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --batch jx --pdf "$P" --quiet
check "8 PDFs" test "$(ls "$P"/*.pdf | wc -l)" = 8
C1=S000036000001${Y}5000001   # 张晓华, photo, 江西表嫂
C2=S000036000001${Y}5000002   # 吉𠮷 (CJK Ext B)
C3=S000036000001${Y}4000002   # 刘𫖯 (CJK Ext B), no photo
pdftotext -raw "$P/$C2.pdf" "$T/c2.txt" 2>/dev/null
for f in 职业技能等级证书 吉𠮷 居民身份证 360702199201011026 育婴员 五级/初级工 "$C2" 江西省康养职业技能评价中心 江西表嫂 扫码验证; do
  check "PDF text has $f" contains "$T/c2.txt" "$f"
done
pdftotext -raw "$P/$C3.pdf" "$T/c3.txt" 2>/dev/null
check "𫖯 extracts" contains "$T/c3.txt" "刘𫖯"
check "qpdf --check" qpdf --check "$P/$C1.pdf"

# The registry is read-only for rendering: no key needed.
mv "$D/keys" "$T/keys.away"
before=$(md5sum < "$P/$C1.pdf")
expect_rc "render without any key file" 0 $SC render --db "$D" --out "$P" --batch jx --quiet
check "re-render is byte-identical" test "$(md5sum < "$P/$C1.pdf")" = "$before"
check "no temp files left" bash -c "! ls '$P' | grep -q tmp"
mv "$T/keys.away" "$D/keys"
expect_rc "render unknown" 66 $SC render --db "$D" --out "$P" S000036000001${Y}5999999

# Verify offline.
expect_rc "revoke one" 0 $SC revoke --db "$D" "$C3" --reason holder-request
expect_rc "trust export" 0 $SC trust export --db "$D" --out "$T/trust.bundle"
url=$($SC token --db "$D" "$C1")
tok=${url##*/V/}
expect_rc "verify URL" 0 $SC verify --trust "$T/trust.bundle" "$url"
check "says 有效" contains "$T/out" "有效 (valid)"
expect_rc "verify lower-case URL" 0 $SC verify --trust "$T/trust.bundle" "$(tr 'A-Z' 'a-z' <<<"$url")"
expect_rc "verify token" 0 $SC verify --trust "$T/trust.bundle" "$tok"
expect_rc "verify PDF" 0 $SC verify --trust "$T/trust.bundle" "$P/$C1.pdf"
pdftoppm -r 150 -png "$P/$C1.pdf" "$T/page" 2>/dev/null
expect_rc "verify a photo of the page (QR decoded)" 0 $SC verify --trust "$T/trust.bundle" "$T/page-1.png"
zbarimg --raw -q "$T/page-1.png" > "$T/qr.txt" 2>/dev/null
check "QR holds exactly the token URL" test "$(cat "$T/qr.txt")" = "$url"
expect_rc "revoked exits 2" 2 $SC verify --trust "$T/trust.bundle" "$P/$C3.pdf"
bad="${tok:0:30}$( [ "${tok:30:1}" = A ] && echo B || echo A )${tok:31}"
expect_rc "tampered token exits 1" 1 $SC verify --trust "$T/trust.bundle" "$bad" --json
check "json verdict invalid" contains "$T/out" '"verdict":"invalid"'
expect_rc "garbage exits 1" 1 $SC verify --trust "$T/trust.bundle" "HTTPS://X.CN/V/NOTATOKEN"
# An organization the bundle does not know: a second registry's certificate.
make_registry "$T/other" >/dev/null
$SC org add --db "$T/other" --code S000051000042 --name 别处机构 --scope 养老护理员:5 --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n陈某,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01\n' "$(id_number 5)" > "$T/o.csv"
$SC issue --db "$T/other" --org S000051000042 --roster "$T/o.csv" --quiet
expect_rc "unknown organization exits 3" 3 $SC verify --trust "$T/trust.bundle" "$($SC token --db "$T/other" S000051000042${Y}5000001)"
# Same code, another authority's key: the bundle's org never had that key.
$SC issue --db "$T/other" --org S000036000001 --roster "$T/o.csv" --quiet
expect_rc "foreign key exits 1" 1 $SC verify --trust "$T/trust.bundle" "$($SC token --db "$T/other" S000036000001${Y}5000001)"
check "names the key" contains "$T/out" "never had"
# Pinning the authority key.
kid=$($SC verify --trust "$T/trust.bundle" "$url" --json | grep -o '"authority_key":"[0-9a-f]*"' | cut -d'"' -f4)
expect_rc "pinned authority" 0 $SC verify --trust "$T/trust.bundle" --pin "$kid" "$url"
expect_rc "wrong pin exits 3" 3 $SC verify --trust "$T/trust.bundle" --pin 0000000000000000 "$url"
# A bundle altered by one byte is refused.
cp "$T/trust.bundle" "$T/bad.bundle"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[200]^=1; open(p,'wb').write(b)" "$T/bad.bundle"  # flip a bit: writing a value could leave the byte as it was
expect_rc "altered bundle exits 3" 3 $SC verify --trust "$T/bad.bundle" "$url"
check "says signature" contains "$T/err" "signature does not verify"
expect_rc "log audit clean" 0 $SC log audit --db "$D"
finish
