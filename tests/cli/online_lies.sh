#!/usr/bin/env bash
# online_lies.sh - `verify --online` against servers that lie: a proxy
# (lib/liar.py) rewrites a real skillcertd's answers, a fork of the log
# signed by the same key, and another log. Nothing unproven is "valid"
# (0) and nothing unproven is "revoked" (2): each lie is exit 3.
source "$(dirname "$0")/lib/common.bash"
LIAR=$(dirname "$0")/lib/liar.py
D=$T/reg
Y=$(date +%y)
make_registry "$D" >/dev/null
cp -r "$DATA" "$T/data"
$SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --quiet
C1=S000036000001${Y}5000001
C2=S000036000001${Y}3000001
C3=S000036000001${Y}5000002
# A fork: a copy of the registry, keys and all, that goes its own way.
cp -a "$D" "$T/fork"
$SC issue --db "$D" --org Y000051000001 --roster "$T/data/roster-sichuan.csv" --quiet
expect_rc "trust export" 0 $SC trust export --db "$D" --out "$T/trust.bundle"
expect_rc "fork: revoke another" 0 $SC revoke --db "$T/fork" "$C3" --reason fraud
$SC issue --db "$T/fork" --org Y000051000001 --roster "$T/data/roster-sichuan.csv" --quiet
# A revocation newer than the bundle.
expect_rc "revoke after export" 0 $SC revoke --db "$D" "$C2" --reason fraud
# Another log: the same organizations and numbers, another log key.
make_registry "$T/other" >/dev/null
$SC issue --db "$T/other" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --quiet
url1=$($SC token --db "$D" "$C1")
url2=$($SC token --db "$D" "$C2")
B=$T/trust.bundle

start_server "$T/honest.log" --db "$D" || { finish; exit 1; }
U=http://127.0.0.1:$PORT
start_server "$T/fork.log" --db "$T/fork" || { finish; exit 1; }
UF=http://127.0.0.1:$PORT
start_server "$T/other.log" --db "$T/other" || { finish; exit 1; }
UO=http://127.0.0.1:$PORT

# liar MODE [CERT KEY]: a liar in front of the honest server; sets L.
NLIAR=0
liar() {
  NLIAR=$((NLIAR + 1))
  local pf=$T/liar.$NLIAR.port
  python3 "$LIAR" "$pf" "$U" "$@" 2>>"$T/liar.err" &
  local pid=$!
  CLEANUP+=("kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null")
  for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.05; done
  L=127.0.0.1:$(cat "$pf")
}

# The honest server.
expect_rc "honest: valid" 0 $SC verify --trust "$B" --online "$U" "$url1"
check "honest: inclusion" contains "$T/out" "[ ok ] log inclusion"
check "honest: consistency" contains "$T/out" "[ ok ] log consistency"
check "honest: not revoked, proven" contains "$T/out" "not revoked as of the head"
expect_rc "honest: revoked" 2 $SC verify --trust "$B" --online "$U" "$url2"
check "honest: revocation proven" contains "$T/out" "revoked: leaf"
curl -s "$U/v1/status/$C2" >"$T/status.json"
check "status route: a bitstring" contains "$T/status.json" '"bitstring":"'
check "status route: signed commitment" contains "$T/status.json" '"status":{'
liar pass
expect_rc "pass-through proxy: valid" 0 $SC verify --trust "$B" --online "http://$L" "$url1"

# Hides a revocation: never valid.
liar hide
expect_rc "hides the revocation proof: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url2"
check "says the proof was withheld" contains "$T/out" "withheld the revocation's proof"
liar hide_bits
expect_rc "hides proof and clears the bit: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url2"
check "the status list does not verify" contains "$T/out" "status list does not verify"

# Invents one: never revoked without a proof.
liar invent
expect_rc "invents a revocation: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url1"
check "names the unproven claim" contains "$T/out" "claimed without a valid proof"
liar invent_bits
expect_rc "sets the status bit: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url1"

# A forked log under the same key, and another log.
expect_rc "forked head: cannot tell" 3 $SC verify --trust "$B" --online "$UF" "$url1"
check "consistency fails" contains "$T/out" "a forked log"
expect_rc "another log's head: cannot tell" 3 $SC verify --trust "$B" --online "$UO" "$url1"
check "not the bundle's log key" contains "$T/out" "not signed by the log key"

# Broken transport.
liar truncate
expect_rc "truncated body: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url1"
liar truncate_json
expect_rc "truncated JSON: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url1"
check "JSON refused" contains "$T/out" "not a JSON object"
liar huge
expect_rc "oversized body: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url1"
check "size capped" contains "$T/out" "the answer is over"
liar redirect
expect_rc "redirect: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" "$url1"
check "redirect refused" contains "$T/out" "redirect"
liar stall
t0=$(date +%s)
expect_rc "stalls: cannot tell" 3 $SC verify --trust "$B" --online "http://$L" --timeout 2 "$url1"
t1=$(date +%s)
check "stall bounded by the timeout" test $((t1 - t0)) -le 6
check "says it timed out" grep -qi "timeout\|timed out" "$T/out"

# Plain HTTP off loopback is refused before any connection.
expect_rc "http:// to a non-loopback host: cannot tell" 3 $SC verify --trust "$B" --online "http://192.0.2.1" "$url1"
check "clear refusal" contains "$T/out" "refuses plain http://"
# HTTPS with a CA given by --ca, and refused without it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null
liar pass "$T/tls.crt" "$T/tls.key"
expect_rc "https with --ca: valid" 0 $SC verify --trust "$B" --online "https://$L" --ca "$T/tls.crt" "$url1"
expect_rc "https, untrusted certificate: cannot tell" 3 $SC verify --trust "$B" --online "https://$L" "$url1"
finish
