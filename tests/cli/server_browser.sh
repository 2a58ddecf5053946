#!/bin/bash
# server_browser.sh - the QR verdict page in a real browser at phone size:
# headless Debian chromium loads /v/{token} at 375x812, saves screenshots
# (valid, revoked, unverifiable, search form, search result) to
# $SKILLCERT_BUILD/screenshots/ and checks the rendered DOM: the verdict
# text, the photo loaded under the CSP, no blocked inline style.
#   env: SC, SCD, SKILLCERT_BUILD (screenshots; default the temp dir)
set -u
SC=${SC:?path of the skillcert CLI}
SCD=${SCD:?path of skillcertd}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "chromium is not installed (tools/test installs it)" >&2
	exit 1
fi

T=$(mktemp -d /tmp/skillcert-browser.XXXXXX)
OUT=${SKILLCERT_BUILD:-$T}/screenshots
mkdir -p "$OUT"
SPID=
cleanup() {
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SPID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
check() {
	local what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi
}

# A 1-inch-style portrait PNG.
python3 "$(dirname "$0")/lib/photo.py" "$T/photo.png" 180

D=$T/reg
"$SC" init --db "$D" --province 36 --public-url http://127.0.0.1:8080 >/dev/null &&
"$SC" org add --db "$D" --code S000036000001 --name "江西省康养职业培训评价中心" \
	--scope "养老护理员:5-1,家政服务员:5-2" --valid-from 2020-01-01 \
	--valid-to "$(date -u -d '+2 years' +%F)" >/dev/null || { echo "registry setup failed"; exit 1; }
cat >"$T/roster.csv" <<EOF
姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,照片,工作单位
阿依古丽·买买提,居民身份证,11010519491231002X,养老护理员,,三级,过程化考核,2024-03-01,photo.png,
李秀英,居民身份证,34052419800101001X,家政服务员,母婴护理员,4,模块化考核,2024-03-02,photo.png,
EOF
"$SC" issue --db "$D" --org S000036000001 --roster "$T/roster.csv" --json >"$T/issue.json" ||
	{ echo "issue failed"; cat "$T/issue.json"; exit 1; }
mapfile -t NOS < <(grep -o '"certno":"[^"]*"' "$T/issue.json" | cut -d'"' -f4)
"$SC" revoke --db "$D" "${NOS[1]}" --reason issued-in-error >/dev/null || { echo "revoke failed"; exit 1; }
URL1=$("$SC" token --db "$D" "${NOS[0]}")
URL2=$("$SC" token --db "$D" "${NOS[1]}")
TOK1=${URL1##*/}
TOK2=${URL2##*/}

"$SCD" --db "$D" --listen 127.0.0.1:0 2>"$T/server.log" &
SPID=$!
PORT=
for _ in $(seq 100); do
	PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/server.log" 2>/dev/null)
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || { cat "$T/server.log"; exit 1; }
B=http://127.0.0.1:$PORT

browse() { # browse MODE(--screenshot=F|--dump-dom) URL
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" \
		--window-size=375,812 --hide-scrollbars --enable-logging=stderr "$@" \
		2>>"$T/chromium.log"
}

# The QR URL as the phone camera hands it over: upper case, /V/.
QR=$B/V/$TOK1
browse --screenshot="$OUT/verify-valid.png" "$QR" >/dev/null
check "valid screenshot" test -s "$OUT/verify-valid.png"
check "screenshot is PNG" cmp -s -n 8 "$OUT/verify-valid.png" <(printf '\x89PNG\r\n\x1a\n')
browse --dump-dom "$QR" >"$T/valid.html"
check "DOM has 有效" grep -q '<h1>有效</h1>' "$T/valid.html"
check "DOM has the full name" grep -q '阿依古丽·买买提' "$T/valid.html"
check "DOM has the photo" grep -q "/v/$TOK1/photo" "$T/valid.html"
check "DOM masks the ID" grep -q '1101\*\*\*\*\*\*\*\*\*\*002X' "$T/valid.html"

# The photo and stylesheet load under the CSP: the browser requested the
# photo (server counts it) and applied the stylesheet (verdict is green).
curl -s "$B/metrics" >"$T/metrics"
check "browser fetched the photo" grep -q 'route="page_photo",code="200"' "$T/metrics"
python3 - "$OUT/verify-valid.png" <<'EOF' || { echo "FAIL: verdict banner is not green" >&2; fail=$((fail + 1)); }
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", data[pos + 8:pos + 18])
    if t == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
bpp = 4 if ctype == 6 else 3
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
rows = []
i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
# A pixel in the verdict banner, left margin, 100 CSS px down.
scale = w / 375
px = rows[int(100 * scale)][int(20 * scale) * bpp:int(20 * scale) * bpp + 3]
r, g, b = px[0], px[1], px[2]
print("banner pixel", r, g, b)
sys.exit(0 if g > 90 and r < 60 and b < 90 else 1)
EOF

browse --screenshot="$OUT/verify-revoked.png" "$B/V/$TOK2" >/dev/null
browse --dump-dom "$B/V/$TOK2" >"$T/revoked.html"
check "revoked verdict" grep -q '<h1>已撤销</h1>' "$T/revoked.html"
check "revoked reason" grep -q '误发' "$T/revoked.html"

BAD="${TOK1:0:60}A${TOK1:61}"
[ "$BAD" = "$TOK1" ] && BAD="${TOK1:0:60}B${TOK1:61}"
browse --screenshot="$OUT/verify-invalid.png" "$B/V/$BAD" >/dev/null
browse --dump-dom "$B/V/$BAD" >"$T/invalid.html"
check "tampered verdict" grep -q '<h1>无法验证</h1>' "$T/invalid.html"
check "tampered shows no name" bash -c "! grep -q '阿依古丽' '$T/invalid.html'"

browse --screenshot="$OUT/index.png" "$B/" >/dev/null
check "index screenshot" test -s "$OUT/index.png"
NAME=$(printf '阿依古丽·买买提' | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')
browse --screenshot="$OUT/search.png" "$B/search?no=${NOS[0]}&name=$NAME" >/dev/null
browse --dump-dom "$B/search?no=${NOS[0]}&name=$NAME" >"$T/search.html"
check "search result masked" grep -q '阿\*\*\*·\*\*提' "$T/search.html"
check "search result no full name" bash -c "! grep -q '阿依古丽·买买提' '$T/search.html'"
check "no CSP violation logged" bash -c "! grep -qi 'Content Security Policy' '$T/chromium.log'"

echo "screenshots in $OUT"
echo "server_browser.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
