#!/usr/bin/env bash
# token_v2.sh - the QR token carries no full ID number (token v2): not in
# the decoded token bytes, not in `skillcert verify` (text or JSON), not
# on the server's QR page; `skillcert show` has it and checks the
# commitment. A v1 token (full number inside) still verifies, with a note.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
year=$(date +%y)
expect_rc "init" 0 make_registry "$D"

# A roster of 6 without photos; ID numbers from id_number.
{
	echo "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,照片,工作单位"
	i=0
	for n in 张晓华 王秀英 李建国 刘芳 陈静 赵丽; do
		i=$((i + 1))
		echo "$n,居民身份证,$(id_number "$i"),养老护理员,,五级,过程化考核,2024-03-15,,南昌市颐康养老院"
	done
} >"$T/roster.csv"
expect_rc "issue roster" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/roster.csv" --json
check "6 issued" contains "$T/out" '"issued":6'

C1=S000036000001${year}5000001
ID1=$(id_number 1)
MASK1="${ID1:0:4}**********${ID1:14:4}"
expect_rc "token" 0 $SC token --db "$D" "$C1"
URL=$(cat "$T/out")
TOK=${URL##*/V/}
check "URL QR-alphanumeric" bash -c "[[ '$URL' =~ ^[0-9A-Z\ \$%*+./:-]+$ ]]"
check "URL <= 300" test ${#URL} -le 300

# The token's bytes, base32-decoded: version 2, and no ID number in them
# as text nor as the v1 nibble packing.
python3 - "$TOK" "$ID1" >"$T/dec" <<'EOF'
import base64, sys
tok, idn = sys.argv[1], sys.argv[2]
raw = base64.b32decode(tok + "=" * (-len(tok) % 8))
nib = bytes.fromhex(idn.replace("X", "a"))
print("version", raw[0])
print("text", idn.encode() in raw)
print("packed", nib in raw)
print("digits", idn[4:14].encode() in raw)
EOF
check "token is version 2" contains "$T/dec" "version 2"
check "no ID number as text" contains "$T/dec" "text False"
check "no ID number packed" contains "$T/dec" "packed False"
check "no hidden digits" contains "$T/dec" "digits False"

$SC trust export --db "$D" --out "$T/trust.bundle" --quiet
expect_rc "verify valid" 0 $SC verify --trust "$T/trust.bundle" "$URL"
cp "$T/out" "$T/verify.txt"
check "verify shows the masked number" contains "$T/verify.txt" "$MASK1"
check "verify never the full number" test "$(grep -c "$ID1" "$T/verify.txt")" = 0
check "verify says token version 2" contains "$T/verify.txt" "token version 2"
expect_rc "verify --json" 0 $SC verify --trust "$T/trust.bundle" --json "$URL"
cp "$T/out" "$T/verify.json"
check "json masked number" contains "$T/verify.json" "\"id_number\":\"$MASK1\""
check "json never the full number" test "$(grep -c "$ID1" "$T/verify.json")" = 0
check "json token_version 2" contains "$T/verify.json" '"token_version":2'

# An invalid token: the verdict and why, none of its fields.
BAD="${TOK:0:60}$([ "${TOK:60:1}" = A ] && echo B || echo A)${TOK:61}"
expect_rc "tampered is invalid" 1 $SC verify --trust "$T/trust.bundle" "$BAD"
check "tampered: no name" test "$(grep -c '张晓华' "$T/out")" = 0
check "tampered: no fields" test "$(grep -c '证件号码' "$T/out")" = 0
expect_rc "tampered --json" 1 $SC verify --trust "$T/trust.bundle" --json "$BAD"
check "tampered json: no certificate" test "$(grep -c '"certificate"' "$T/out")" = 0

# The authority's view: the full number, the commitment checked.
expect_rc "show" 0 $SC show --db "$D" "$C1"
check "show has the full number" contains "$T/out" "$ID1"
check "show: commitment ok" contains "$T/out" "commitment ok"
expect_rc "show --json" 0 $SC show --db "$D" --json "$C1"
check "show json full number" contains "$T/out" "\"id_number\":\"$ID1\""
check "show json commitment ok" contains "$T/out" '"commitment":"ok"'
check "show json no salt" test "$(grep -ci salt "$T/out")" = 0
expect_rc "list by number" 0 $SC list --db "$D" --id-number "$ID1" --json
check "persons index finds it" contains "$T/out" "\"certno\":\"$C1\""

# The QR page: the number masked; the name in full (the scanner holds the
# certificate and compares it with the person; it is in the token anyway).
start_server "$T/server.log" --db "$D"
curl -s "http://127.0.0.1:$PORT/V/$TOK" >"$T/page.html"
check "page valid" contains "$T/page.html" '有效'
check "page masked number" contains "$T/page.html" "$MASK1"
check "page full name" contains "$T/page.html" '张晓华'
check "page never the full number" test "$(grep -c "$ID1" "$T/page.html")" = 0

# A v1 token (made by the old encoder, its full number inside, stored in
# the registry as one issued before token v2): still verifies offline with
# a note, and the QR page shows it masked like a v2.
stop_server() { kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
stop_server
C9=S000036000001${year}5000900
V1=$("$SKILLCERT_BUILD/tests/mk_v1_token" "$D" "$C9" 刘建华 11010519491231002X)
check "v1 token made" test -n "$V1"
check "v1 token holds the number" python3 -c "
import base64, sys
t = sys.argv[1].split('/V/')[1]
raw = base64.b32decode(t + '=' * (-len(t) % 8))
sys.exit(0 if raw[0] == 1 and bytes.fromhex('11010519491231002a') in raw else 1)" "$V1"
$SC trust export --db "$D" --out "$T/trust.bundle" --quiet
expect_rc "v1 token verifies" 0 $SC verify --trust "$T/trust.bundle" "$V1"
check "v1 note" contains "$T/out" "carries a full ID number"
check "v1 number masked" contains "$T/out" "1101**********002X"
check "v1 never the full number" test "$(grep -c 11010519491231002X "$T/out")" = 0
expect_rc "v1 --json" 0 $SC verify --trust "$T/trust.bundle" --json "$V1"
check "v1 json version" contains "$T/out" '"token_version":1'
check "v1 json note" contains "$T/out" '"note":"a version 1 token'
check "v1 json no full number" test "$(grep -c 11010519491231002X "$T/out")" = 0
expect_rc "v1 show" 0 $SC show --db "$D" --json "$C9"
check "v1 show full number" contains "$T/out" '"id_number":"11010519491231002X"'
check "v1 show no commitment" contains "$T/out" '"commitment":"none"'
start_server "$T/server2.log" --db "$D"
curl -s "http://127.0.0.1:$PORT/V/${V1##*/V/}" >"$T/page1.html"
check "v1 page valid" contains "$T/page1.html" '有效'
check "v1 page masked number" contains "$T/page1.html" '1101**********002X'
check "v1 page full name" contains "$T/page1.html" '刘建华'
check "v1 page no full number" test "$(grep -c 11010519491231002X "$T/page1.html")" = 0
finish
