#!/bin/bash
# server.sh - end-to-end test of skillcertd: builds a registry with the CLI,
# starts the server on a free 127.0.0.1 port and checks every endpoint and
# status with curl. Every server started here is stopped by the trap.
#   env: SC (skillcert CLI), SCD (skillcertd), SKILLCERT_SRC
set -u
SC=${SC:?path of the skillcert CLI}
SCD=${SCD:?path of skillcertd}
command -v curl >/dev/null || { echo "curl is required"; exit 1; }

T=$(mktemp -d /tmp/skillcert-server.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	exec 3>&- 4>&- 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }

# start_server LOG ARGS... : starts skillcertd on port 0, sets PORT and PID.
start_server() {
	local log=$1; shift
	"$SCD" --listen 127.0.0.1:0 "$@" 2>"$log" &
	PID=$!
	PIDS+=("$PID")
	PORT=
	for _ in $(seq 100); do
		PORT=$(sed -n 's/.*listening on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "server did not start:" >&2
	cat "$log" >&2
	exit 1
}

# get URL [curl args] : status in $CODE, body in $T/body, headers in $T/hdr
get() {
	local url=$1; shift
	CODE=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" "$url")
}

# A small portrait PNG (grey figure on blue), written with zlib only.
python3 "$(dirname "$0")/lib/photo.py" "$T/photo.png" 90

D=$T/reg
FROM=2020-01-01
TO=$(date -u -d '+2 years' +%F)
ORG=S000036000001
"$SC" init --db "$D" --province 36 --public-url http://127.0.0.1:8080 >/dev/null ||
	{ echo "init failed"; exit 1; }
"$SC" org add --db "$D" --code $ORG --name "江西省康养职业培训评价中心" \
	--scope "养老护理员:5-1,家政服务员:5-2" --valid-from $FROM --valid-to "$TO" \
	>/dev/null || { echo "org add failed"; exit 1; }
cat >"$T/roster.csv" <<EOF
姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,照片,工作单位
张三华,居民身份证,11010519491231002X,养老护理员,,三级,过程化考核,2024-03-01,photo.png,
李四,居民身份证,34052419800101001X,家政服务员,母婴护理员,4,模块化考核,2024-03-02,,
阿依古丽·买买提,居民身份证,360102198511114568,养老护理员,,五级,过程化考核,2024-03-03,,
EOF
"$SC" issue --db "$D" --org $ORG --roster "$T/roster.csv" --json >"$T/issue.json" ||
	{ echo "issue failed"; cat "$T/issue.json"; exit 1; }
mapfile -t NOS < <(grep -o '"certno":"[^"]*"' "$T/issue.json" | cut -d'"' -f4)
[ "${#NOS[@]}" = 3 ] || { echo "expected 3 certificates"; cat "$T/issue.json"; exit 1; }
N1=${NOS[0]} N2=${NOS[1]} N3=${NOS[2]}
"$SC" revoke --db "$D" "$N2" --reason fraud --note "test" >/dev/null ||
	{ echo "revoke failed"; exit 1; }
tok() { "$SC" token --db "$1" "$2" --json | sed 's/.*"token":"\([A-Z2-7]*\)".*/\1/'; }
TOK1=$(tok "$D" "$N1")
TOK2=$(tok "$D" "$N2")
TOK3=$(tok "$D" "$N3")
URL1=$("$SC" token --db "$D" "$N1")
check "token URL is upper case /V/" test "${URL1#*/V/}" = "$TOK1"

# A second registry with another organization: its tokens are unknown here.
D2=$T/reg2
"$SC" init --db "$D2" --province 36 --public-url http://127.0.0.1:8080 >/dev/null &&
"$SC" org add --db "$D2" --code S000036000002 --name "另一家机构" \
	--scope "养老护理员:5-1" --valid-from $FROM --valid-to "$TO" >/dev/null &&
sed -e 's/photo.png//' "$T/roster.csv" | head -2 >"$T/roster2.csv" &&
"$SC" issue --db "$D2" --org S000036000002 --roster "$T/roster2.csv" --json >"$T/issue2.json" ||
	{ echo "second registry failed"; exit 1; }
NX=$(grep -o '"certno":"[^"]*"' "$T/issue2.json" | head -1 | cut -d'"' -f4)
TOKX=$(tok "$D2" "$NX")

# The server must run without any private key: hide the keys directory.
mv "$D/keys" "$T/keys.hidden"
start_server "$T/server.log" --db "$D" --threads 2 --rate 1000/s \
	--access-log "$T/access.log"
MAIN_PID=$PID
B=http://127.0.0.1:$PORT
NAME1=$(printf '张三华' | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')

# ---- /healthz, security headers ----
get "$B/healthz"
check "healthz 200" test "$CODE" = 200
check "healthz body" has "$T/body" '"status":"ok"'
for h in "Content-Security-Policy: default-src 'none'" "frame-ancestors 'none'" \
    "img-src 'self' data:" "form-action 'self'" "X-Content-Type-Options: nosniff" \
    "Referrer-Policy: no-referrer" "X-Frame-Options: DENY" \
    "Content-Type: application/json; charset=utf-8"; do
	check "header $h" has "$T/hdr" "$h"
done

# ---- certificate lookup ----
get "$B/v1/certificates/$N1?name=$NAME1"
check "lookup 200" test "$CODE" = 200
check "lookup valid" has "$T/body" '"status":"valid"'
check "lookup masked name" has "$T/body" '"name":"张\*华"'
check "lookup masked id" has "$T/body" '"id_number":"1101\*\*\*\*\*\*\*\*\*\*002X"'
check "lookup no full name" hasnt "$T/body" '张三华'
check "lookup no full id" hasnt "$T/body" '11010519491231002X'
check "lookup occupation" has "$T/body" '"name":"养老护理员"'
check "lookup occupation code" has "$T/body" '"code":"4-10-01-05"'
check "lookup level name" has "$T/body" '"level_name":"三级/高级工"'
check "lookup trade" has "$T/body" '"trade":"--"'
check "lookup org" has "$T/body" '"code":"S000036000001","name":"江西省康养职业培训评价中心"'
check "lookup brand" has "$T/body" '"brand":"江西表嫂"'
check "lookup no-store" has "$T/hdr" 'Cache-Control: no-store'
# The name with spaces around it and '+' for space still matches.
get "$B/v1/certificates/$N1?name=+$NAME1%E3%80%80"
check "lookup trims spaces" test "$CODE" = 200
# Middle-dot look-alikes match (. for ·).
get "$B/v1/certificates/$N3?name=%E9%98%BF%E4%BE%9D%E5%8F%A4%E4%B8%BD.%E4%B9%B0%E4%B9%B0%E6%8F%90"
check "lookup dot variant" test "$CODE" = 200
check "lookup dot name masked" has "$T/body" '"name":"阿\*\*\*·\*\*提"'

# Wrong name and unknown number: the same 404, byte for byte.
get "$B/v1/certificates/$N1?name=%E6%9D%8E%E5%9B%9B"
c1=$CODE; cp "$T/body" "$T/body.wrongname"
UNK=${N1:0:16}999999
get "$B/v1/certificates/$UNK?name=$NAME1"
check "wrong name 404" test "$c1" = 404
check "unknown number 404" test "$CODE" = 404
check "wrong name == unknown number" cmp -s "$T/body" "$T/body.wrongname"
check "404 error JSON" has "$T/body" '{"error":{"code":"not_found","message":'
get "$B/v1/certificates/$N1"
check "name required 400" test "$CODE" = 400
get "$B/v1/certificates/X123?name=a"
check "malformed number 404" test "$CODE" = 404
get "$B/v1/certificates/$N1?name=a&name=b"
check "duplicate key 400" test "$CODE" = 400
get "$B/v1/certificates/$N1?name=%FF%FE"
check "bad UTF-8 400" test "$CODE" = 400
get "$B/v1/certificates/$N1?name=%E5%BC"
check "truncated UTF-8 400" test "$CODE" = 400
get "$B/v1/certificates/$N1?name=%ZZ"
check "bad percent 400" test "$CODE" = 400

# Revoked.
get "$B/v1/certificates/$N2?name=%E6%9D%8E%E5%9B%9B"
check "revoked 200" test "$CODE" = 200
check "revoked status" has "$T/body" '"status":"revoked"'
check "revoked reason" has "$T/body" '"reason":"fraud"'
check "revoked reason name" has "$T/body" '"reason_name":"弄虚作假"'
check "revoked date" grep -q '"date":"20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]"' "$T/body"
check "trade shown" has "$T/body" '"trade":"母婴护理员"'

# ---- /v1/verify ----
get "$B/v1/verify?token=$TOK1"
check "verify 200" test "$CODE" = 200
check "verify valid" has "$T/body" '"verdict":"valid"'
check "verify checks" has "$T/body" '"checks":{"credential":true,"signature":true,"key":true,"registry":true}'
check "verify id masked" has "$T/body" '"id_number":"1101\*\*\*\*\*\*\*\*\*\*002X"'
LOWER=$(printf '%s' "$TOK1" | tr 'A-Z' 'a-z')
get "$B/v1/verify?token=$LOWER"
check "verify lower-case token" has "$T/body" '"verdict":"valid"'
get "$B/v1/verify?token=$TOK2"
check "verify revoked" has "$T/body" '"verdict":"revoked"'
check "verify revoked reason" has "$T/body" '"code":"revoked"'
# One character changed, at several places (fields, signature, tail).
for pos in 10 40 100 $(( ${#TOK1} - 20 )); do
	c=${TOK1:$pos:1}
	[ "$c" = A ] && r=B || r=A
	TAMP="${TOK1:0:$pos}$r${TOK1:$((pos + 1))}"
	get "$B/v1/verify?token=$TAMP"
	check "tampered@$pos 200" test "$CODE" = 200
	check "tampered@$pos invalid" has "$T/body" '"verdict":"invalid"'
	check "tampered@$pos no fields" hasnt "$T/body" '"certificate"'
	get "$B/v/$TAMP"
	check "tampered@$pos page" has "$T/body" '无法验证'
	check "tampered@$pos page no name" hasnt "$T/body" '张三华'
done
get "$B/v1/verify?token=$TOKX"
check "unknown org verdict" has "$T/body" '"verdict":"unknown"'
check "unknown org reason" has "$T/body" '"code":"unknown_org"'
get "$B/v1/verify?token=AAAA"
check "short token invalid" has "$T/body" '"verdict":"invalid"'
get "$B/v1/verify"
check "verify without token 400" test "$CODE" = 400

# ---- /v1/orgs ----
get "$B/v1/orgs/$ORG"
check "org 200" test "$CODE" = 200
check "org name" has "$T/body" '"name":"江西省康养职业培训评价中心"'
check "org region" has "$T/body" '"region":"江西省"'
check "org scope" has "$T/body" '"scope":"养老护理员:5-1,家政服务员:5-2"'
check "org status" has "$T/body" '"status":"active"'
check "org validity" has "$T/body" "\"from\":\"$FROM\""
get "$B/v1/orgs/S000036000099"
check "unknown org 404" test "$CODE" = 404

# ---- pages ----
get "$B/"
check "index 200" test "$CODE" = 200
check "index form" has "$T/body" 'action="/search"'
check "index html utf-8" has "$T/hdr" 'Content-Type: text/html; charset=utf-8'
check "index no script" hasnt "$T/body" '<script'
get "$B/search?no=$N1&name=$NAME1"
check "search 200" test "$CODE" = 200
check "search masked" has "$T/body" '张\*华'
check "search no full name" hasnt "$T/body" '张三华'
check "search no-store" has "$T/hdr" 'Cache-Control: no-store'
get "$B/search?no=$N1&name=%E6%9D%8E%E5%9B%9B"
check "search wrong name 404" test "$CODE" = 404
check "search wrong name text" has "$T/body" '未查到'
get "$B/search?no=%3Cscript%3E&name=%3Cimg%20src%3Dx%3E"
check "search escapes" hasnt "$T/body" '<img src=x>'
check "search escapes 2" has "$T/body" '&lt;img src=x&gt;'
get "$B/V/$TOK1"
check "page valid 200" test "$CODE" = 200
check "page valid verdict" has "$T/body" '有效'
check "page full name" has "$T/body" '张三华'
check "page photo" has "$T/body" "/v/$TOK1/photo"
check "page no-store" has "$T/hdr" 'Cache-Control: no-store'
check "page csp" has "$T/hdr" "style-src 'sha256-"
get "$B/v/$LOWER"
check "page lower-case" has "$T/body" '有效'
get "$B/V/$TOK2"
check "page revoked" has "$T/body" '已撤销'
check "page revoked reason" has "$T/body" '弄虚作假'
get "$B/V/$TOKX"
check "page unknown org" has "$T/body" '无法验证'
check "page unknown org reason" has "$T/body" '未在本登记系统备案'
get "$B/v/$TOK1/photo"
check "photo 200" test "$CODE" = 200
check "photo png" has "$T/hdr" 'Content-Type: image/png'
check "photo bytes" cmp -s "$T/body" "$T/photo.png"
check "photo no-store" has "$T/hdr" 'Cache-Control: no-store'
get "$B/v/${TOK1:0:50}A${TOK1:51}/photo"
check "photo tampered 404" test "$CODE" = 404
get "$B/v/$TOK3/photo"
check "no photo 404" test "$CODE" = 404

# ---- methods, limits ----
get "$B/v1/certificates/$N1?name=$NAME1" -X POST
check "POST 405" test "$CODE" = 405
check "405 Allow" has "$T/hdr" 'Allow: GET, HEAD'
get "$B/" -X POST -d 'a=b'
check "POST with body 405" test "$CODE" = 405
get "$B/" -X DELETE
check "DELETE 405" test "$CODE" = 405
get "$B/v1/certificates/$N1?name=$NAME1" -I
check "HEAD 200" test "$CODE" = 200
SIZE=$(curl -s -I -o /dev/null -w '%{size_download}' "$B/v1/certificates/$N1?name=$NAME1")
check "HEAD no body ($SIZE)" test "$SIZE" = 0
check "HEAD length" grep -q '^Content-Length: [1-9]' "$T/hdr"
get "$B/nope"
check "unknown path 404" test "$CODE" = 404
check "404 security headers" has "$T/hdr" 'X-Content-Type-Options: nosniff'
get "$B/$(head -c 1500 /dev/zero | tr '\0' a)"
check "long URI 414" test "$CODE" = 414
get "$B/$(head -c 20000 /dev/zero | tr '\0' a)"
check "huge URI 4xx" test "${CODE:0:1}" = 4
get "$B/healthz" -H "X-Big: $(head -c 10000 /dev/zero | tr '\0' a)"
check "huge header 4xx" test "${CODE:0:1}" = 4
get "$B/healthz"
check "still serving after abuse" test "$CODE" = 200
# A request line that is not HTTP at all.
printf 'GARBAGE\r\n\r\n' | timeout 3 bash -c "cat >/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
get "$B/healthz"
check "still serving after garbage" test "$CODE" = 200

# Pipelined requests on one connection, the last asking to close.
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /v1/orgs/%s HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/verify?token=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
	"$ORG" "$TOK1" >&5
timeout 5 cat <&5 >"$T/pipelined"
exec 5>&-
check "pipelined: three responses" test "$(grep -c '^HTTP/1.1 200 OK' "$T/pipelined")" = 3
check "pipelined: in order" bash -c "grep -o '\"status\":\"ok\"\|\"verdict\":\"valid\"' '$T/pipelined' | tr '\n' ' ' | grep -q '^\"status\":\"ok\" \"verdict\":\"valid\" \$'"
check "pipelined: closed" has "$T/pipelined" 'Connection: close'
# HTTP/1.0 without keep-alive is answered and closed.
printf 'GET /healthz HTTP/1.0\r\n\r\n' | timeout 5 bash -c "exec 6<>/dev/tcp/127.0.0.1/$PORT; cat >&6; cat <&6" >"$T/http10"
check "HTTP/1.0 answered" grep -q '^HTTP/1.0 200 OK' "$T/http10"

# ---- issuance and revocation visible on the next request ----
mv "$T/keys.hidden" "$D/keys"
printf '%s\n%s\n' "$(head -1 "$T/roster.csv")" \
	"王五,居民身份证,360102199003071236,养老护理员,,四级,过程化考核,2024-04-01,," >"$T/roster3.csv"
"$SC" issue --db "$D" --org $ORG --roster "$T/roster3.csv" --json >"$T/issue3.json" ||
	bad "live issue"
N4=$(grep -o '"certno":"[^"]*"' "$T/issue3.json" | head -1 | cut -d'"' -f4)
get "$B/v1/certificates/$N4?name=%E7%8E%8B%E4%BA%94"
check "new issuance visible" test "$CODE" = 200
"$SC" revoke --db "$D" "$N4" --reason issued-in-error >/dev/null || bad "live revoke"
get "$B/v1/certificates/$N4?name=%E7%8E%8B%E4%BA%94"
check "new revocation visible" has "$T/body" '"status":"revoked"'
TOK4=$(tok "$D" "$N4")
get "$B/v1/verify?token=$TOK4"
check "new revocation verdict" has "$T/body" '"verdict":"revoked"'

# ---- metrics ----
get "$B/metrics"
check "metrics 200" test "$CODE" = 200
check "metrics type" has "$T/hdr" 'Content-Type: text/plain; version=0.0.4'
check "metrics by route" has "$T/body" 'skillcert_http_requests_total{route="certificate",code="200"}'
check "metrics 404" has "$T/body" 'skillcert_http_requests_total{route="certificate",code="404"}'
check "metrics 405" has "$T/body" 'code="405"'
check "metrics histogram" has "$T/body" 'skillcert_http_request_duration_seconds_bucket{route="verify",le="+Inf"}'
check "metrics certificates" grep -q '^skillcert_certificates 4$' "$T/body"
check "metrics revocations" grep -q '^skillcert_revocations 2$' "$T/body"
check "metrics threads" grep -q '^skillcert_threads 2$' "$T/body"
check "metrics connections" grep -q '^skillcert_connections_total [1-9]' "$T/body"

# ---- access log: patterns only, no personal data or tokens ----
kill -TERM "$MAIN_PID"
wait "$MAIN_PID"
rc=$?
check "SIGTERM exit 0" test "$rc" = 0
check "stopped message" has "$T/server.log" 'stopped'
check "access log written" has "$T/access.log" '/v1/certificates/{no} 200'
check "access log verify" has "$T/access.log" '/v1/verify 200'
for secret in "$N1" "$TOK1" "$LOWER" 张三华 "$NAME1" 11010519491231002X 1101; do
	check "access log has no ${secret:0:12}" hasnt "$T/access.log" "$secret"
done

# ---- rate limit ----
# One thread: until the limiter is shared by all threads, a second thread
# would hold a bucket of its own (the lookup-server issue).
start_server "$T/rl.log" --db "$D" --rate 1/s --burst 3 --threads 1
B=http://127.0.0.1:$PORT
codes=
for i in 1 2 3 4 5; do
	get "$B/v1/certificates/$N1?name=$NAME1"
	codes="$codes $CODE"
done
check "rate limit after burst ($codes)" test "$codes" = " 200 200 200 429 429"
check "429 Retry-After" grep -q '^Retry-After: [1-9]' "$T/hdr"
check "429 JSON" has "$T/body" '"code":"rate_limited"'
get "$B/V/$TOK1"
check "page limited too" test "$CODE" = 429
get "$B/healthz"
check "healthz not limited" test "$CODE" = 200
get "$B/v1/orgs/$ORG"
check "orgs limited too (they read the registry)" test "$CODE" = 429
sleep 1.1
get "$B/v1/certificates/$N1?name=$NAME1"
check "refilled after 1 s" test "$CODE" = 200
get "$B/metrics"
check "metrics 429" has "$T/body" 'skillcert_http_requests_total{route="certificate",code="429"}'
check "metrics rate limited" grep -q '^skillcert_rate_limited_total [1-9]' "$T/body"

# ---- connection cap: the third client waits until one closes ----
start_server "$T/cap.log" --db "$D" --threads 1 --max-conns 2 --rate 0
B=http://127.0.0.1:$PORT
exec 3<>"/dev/tcp/127.0.0.1/$PORT" 4<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.3
CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$B/healthz")
check "cap holds the third connection (got $CODE)" test "$CODE" = 000
exec 3>&- 4>&-
sleep 0.3
get "$B/healthz"
check "served after a slot frees" test "$CODE" = 200
get "$B/metrics"
check "metrics paused" grep -q '^skillcert_listener_paused_total [1-9]' "$T/body"

# ---- TLS ----
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/tls.key" -out "$T/tls.crt" -days 1 -subj /CN=127.0.0.1 \
    >/dev/null 2>&1; then
	start_server "$T/tls.log" --db "$D" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key"
	get "https://127.0.0.1:$PORT/v1/verify?token=$TOK1" -k
	check "TLS verify" has "$T/body" '"verdict":"valid"'
	check "TLS HSTS" has "$T/hdr" 'Strict-Transport-Security'
	CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/healthz")
	check "plain HTTP on TLS port refused" test "$CODE" != 200
else
	bad "openssl could not make a test certificate"
fi

# ---- usage ----
"$SCD" --help >"$T/help" 2>&1
check "--help exit 0" test $? = 0
check "--help text" has "$T/help" '--listen'
"$SCD" --threads 0 >/dev/null 2>&1
check "bad --threads exit 64" test $? = 64
"$SCD" --db "$T/nonexistent" --listen 127.0.0.1:0 >/dev/null 2>&1
check "missing registry exit 66" test $? = 66

echo "server.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
