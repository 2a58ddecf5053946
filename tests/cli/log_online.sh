#!/usr/bin/env bash
# log_online.sh - the transparency log through the CLI and the server:
# heads, proofs, consistency, leaves, the trust bundle with its ETag, and
# `verify --online` (including a revocation newer than the bundle).
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
Y=$(date +%y)
make_registry "$D" >/dev/null
cp -r "$DATA" "$T/data"
$SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --quiet
$SC issue --db "$D" --org Y000051000001 --roster "$T/data/roster-sichuan.csv" --quiet
C1=S000036000001${Y}5000001
C2=S000036000001${Y}3000001
expect_rc "trust export" 0 $SC trust export --db "$D" --out "$T/trust.bundle"

expect_rc "log head" 0 $SC log head --db "$D"
check "head has 11 leaves" contains "$T/out" '"tree_size":11'
expect_rc "log proof" 0 $SC log proof --db "$D" "$C1"
check "proof has a path" contains "$T/out" '"path":["'
expect_rc "consistency" 0 $SC log consistency --db "$D" 8 11
expect_rc "consistency backwards" 1 $SC log consistency --db "$D" 11 8
expect_rc "leaves" 0 $SC log leaves --db "$D" 0 3
check "leaves hold no names" bash -c "! grep -q 张晓华 '$T/out'"
check "leaves hold no ID numbers" bash -c "! grep -q 360102198503121231 '$T/out'"
expect_rc "audit" 0 $SC log audit --db "$D" --json
check "audit clean" contains "$T/out" '"problem_count":0'

# The server needs no key: move them away.
mv "$D/keys" "$T/keys.away"
start_server "$T/server.log" --db "$D" || { finish; exit 1; }
U=http://127.0.0.1:$PORT
check "GET /v1/log/head" bash -c "curl -sf $U/v1/log/head | grep -q '\"tree_size\":11'"
check "GET /v1/log/proof" bash -c "curl -sf $U/v1/log/proof/$C1 | grep -q '\"leaf_index\":0'"
check "proof of unknown is 404" test "$(curl -s -o /dev/null -w '%{http_code}' $U/v1/log/proof/S000036000001${Y}5999999)" = 404
check "consistency" bash -c "curl -sf '$U/v1/log/consistency?from=8&to=11' | grep -q '\"path\"'"
check "consistency bad query is 400" test "$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/log/consistency?from=x")" = 400
check "leaves" bash -c "curl -sf '$U/v1/log/leaves?start=0&end=2' | grep -q '\"event\":\"issue\"'"
curl -s -D "$T/h" -o "$T/served.bundle" "$U/v1/trust"
check "trust bundle served" cmp -s "$T/served.bundle" "$T/trust.bundle"
etag=$(grep -i '^etag:' "$T/h" | cut -d' ' -f2 | tr -d '\r')
check "ETag present" test -n "$etag"
check "If-None-Match gives 304" test "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$U/v1/trust")" = 304
check "cacheable" grep -qi '^cache-control: public' "$T/h"

url=$($SC token --db "$D" "$C1")
expect_rc "verify --online" 0 $SC verify --trust "$T/served.bundle" --online "$U" "$url"
check "inclusion checked" contains "$T/out" "[ ok ] log inclusion"
check "consistency checked" contains "$T/out" "[ ok ] log consistency"
check "status proven" contains "$T/out" "not revoked as of the head"
# A revocation after the bundle was exported: offline cannot know, online does.
mv "$T/keys.away" "$D/keys"
expect_rc "revoke after export" 0 $SC revoke --db "$D" "$C2" --reason fraud
url2=$($SC token --db "$D" "$C2")
expect_rc "offline still says valid" 0 $SC verify --trust "$T/served.bundle" "$url2"
expect_rc "online says revoked" 2 $SC verify --trust "$T/served.bundle" --online "$U" "$url2"
check "names the newer revocation" contains "$T/out" "newer than the trust bundle"
# No server to ask: --online asked for a proof and got none: cannot tell.
expect_rc "online against a dead server" 3 $SC verify --trust "$T/served.bundle" --online http://127.0.0.1:1 "$url"
check "says it could not tell" contains "$T/out" "[ ?? ] log inclusion"
finish
