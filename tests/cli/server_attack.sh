#!/bin/bash
# server_attack.sh - skillcertd against one hostile client, on 127.0.0.1,
# bounded (about 40 s): request-smuggling shapes answered 400 and closed,
# 431/414/501/405 with Allow, then 3,000 idle connections, 1,500 slow heads
# and 4 pipeliners that never read, each while /healthz is probed every
# 100 ms: every probe must be answered (2 s each: no timing beyond that)
# and the server's RSS stay under 150 MB. Then the rate limit shared by
# threads and --trust-proxy. Every server started here is stopped.
#   env: SCD (skillcertd), SKILLCERT_BUILD (for tests/bench_server)
set -u
SCD=${SCD:?path of skillcertd}
GEN=${SKILLCERT_BUILD:?build directory}/tests/bench_server
command -v curl >/dev/null || { echo "curl is required"; exit 1; }
command -v python3 >/dev/null || { echo "python3 is required"; exit 1; }

T=$(mktemp -d /tmp/skillcert-attack.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi; }

start_server() { # start_server LOG ARGS... : sets PORT and PID
	local log=$1; shift
	"$SCD" --listen 127.0.0.1:0 "$@" 2>"$log" &
	PID=$!
	PIDS+=("$PID")
	PORT=
	for _ in $(seq 100); do
		PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		sleep 0.05
	done
	cat "$log" >&2
	exit 1
}

"$GEN" gen "$T/reg" 1000 >/dev/null 2>&1 || { echo "registry failed"; exit 1; }
start_server "$T/s.log" --db "$T/reg" --threads 2 --rate 0 --head-timeout 3 \
	--access-log "$T/access.log"
MAIN=$PID

# raw REQUEST-FILE: the whole answer until the server closes (3 s at most);
# prints "STATUS RESPONSES CLOSED" and saves the bytes in $T/raw.
raw() {
	python3 - "$PORT" "$1" "$T/raw" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(3)
s.sendall(open(sys.argv[2], "rb").read())
data, closed, end = b"", False, time.time() + 3
try:
    while time.time() < end:
        b = s.recv(65536)
        if not b:
            closed = True
            break
        data += b
except (socket.timeout, ConnectionResetError):
    pass
open(sys.argv[3], "wb").write(data)
status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none"
print(status, data.count(b"HTTP/1."), "closed" if closed else "open")
PY
}
req() { printf "$1" >"$T/req"; raw "$T/req"; }

# ---- smuggling shapes: 400, one response, closed ----
while IFS='|' read -r name text; do
	[ -n "$name" ] || continue
	out=$(req "$text")
	check "$name: 400, one reply, closed ($out)" test "$out" = "400 1 closed"
done <<'EOF2'
two Content-Lengths|POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n
equal Content-Lengths|POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello
signed Content-Length|POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n
space before colon|POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n
TE on GET|GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n
TE and CL|POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n
obs-fold|GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n
bare CR|GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n
bare LF|GET /healthz HTTP/1.1\nHost: x\n\n
no Host|GET /healthz HTTP/1.1\r\n\r\n
EOF2
check "400 has security headers" grep -q 'X-Content-Type-Options: nosniff' "$T/raw"
check "400 has CSP" grep -q "Content-Security-Policy: default-src 'none'" "$T/raw"

big=$(head -c 10000 /dev/zero | tr '\0' a)
out=$(req "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n")
check "oversized headers 431 ($out)" test "$out" = "431 1 closed"
out=$(req "GET /$(head -c 1500 /dev/zero | tr '\0' a) HTTP/1.1\r\nHost: x\r\n\r\n")
check "long target 414 ($out)" test "$out" = "414 1 closed"
out=$(req "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
check "unknown method 501 ($out)" test "${out% *}" = "501 1"
check "501 Allow" grep -q 'Allow: GET, HEAD' "$T/raw"
out=$(req "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n")
check "CONNECT 405 and closed at once ($out)" test "$out" = "405 1 closed"
check "CONNECT Allow" grep -q 'Allow: GET, HEAD' "$T/raw"
out=$(req "GET /healthz HTTP/1.0\r\n\r\n")
check "HTTP/1.0 answered and closed ($out)" test "$out" = "200 1 closed"
check "HTTP/1.0 status line" grep -q '^HTTP/1.0 200 OK' "$T/raw"
out=$(req "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check "pipelined: three replies, closed ($out)" test "$out" = "200 3 closed"
# A head that never ends: 408 after --head-timeout, however it trickles.
python3 - "$PORT" >"$T/slow" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /healthz HTTP/1.1\r\n")
t0 = time.time(); data = b""
s.settimeout(0.5)
while time.time() - t0 < 8:
    try:
        s.sendall(b"X-A: b\r\n")
    except OSError:
        break
    try:
        b = s.recv(4096)
        if not b:
            break
        data += b
    except socket.timeout:
        pass
    except OSError:
        break
print("%s %.0f" % (data.split(b" ")[1].decode() if data else "none", time.time() - t0))
PY
read -r code secs <"$T/slow"
check "trickled head: 408 ($code)" test "$code" = 408
check "trickled head: closed within 6 s ($secs s)" test "$secs" -le 6
check "refusals logged" grep -q ' 400 ' "$T/access.log"
curl -s "http://127.0.0.1:$PORT/metrics" >"$T/metrics"
check "refusals counted" grep -q 'code="400"' "$T/metrics"
check "431 counted" grep -q 'code="431"' "$T/metrics"

# ---- attacks, with /healthz probed every 100 ms ----
attack() { # attack NAME MODE CONNS ADDRS SECONDS [INTERVAL]
	local name=$1; shift
	"$GEN" attack "$PORT" "$MAIN" "$@" >"$T/atk" 2>&1
	cat "$T/atk"
	local probes answered rss
	probes=$(sed -n 's/.*probes \([0-9]*\),.*/\1/p' "$T/atk")
	answered=$(sed -n 's/.*answered \([0-9]*\),.*/\1/p' "$T/atk")
	rss=$(sed -n 's/.*RSS max \([0-9]*\).*/\1/p' "$T/atk")
	check "$name: probes sent" test "${probes:-0}" -gt 10
	check "$name: every probe answered ($answered of $probes)" test "${answered:-x}" = "${probes:-y}"
	check "$name: RSS under 150 MB ($rss MB)" test "${rss:-999}" -lt 150
}
attack "3000 idle" idle 3000 15 6
attack "1500 slow" slow 1500 8 8 1000
attack "4 pipeliners" pipe 4 1 6
curl -s "http://127.0.0.1:$PORT/metrics" >"$T/metrics"
check "non-readers paused" grep -q '^skillcert_reads_paused_total [1-9]' "$T/metrics"
check "slow heads timed out" grep -q '^skillcert_connections_timed_out_total [1-9]' "$T/metrics"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
check "serving after the attacks" test "$CODE" = 200
kill -TERM "$MAIN"; wait "$MAIN"; rc=$?
check "clean stop after the attacks" test "$rc" = 0

# ---- per-address cap ----
start_server "$T/cap.log" --db "$T/reg" --threads 2 --rate 0 --max-conns-per-addr 50
"$GEN" attack "$PORT" "$PID" idle 200 1 2 >"$T/atk" 2>&1
curl -s "http://127.0.0.1:$PORT/metrics" >"$T/metrics"
check "per-address cap refuses" grep -q '^skillcert_connections_refused_total [1-9]' "$T/metrics"

# ---- one rate limit for all threads; --trust-proxy ----
start_server "$T/rl.log" --db "$T/reg" --threads 4 --rate 1/m --burst 5 \
	--trust-proxy 127.0.0.1/32
P1=$(head -1 "$T/reg.sample")
n200=0
for i in $(seq 12); do
	c=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.1' "http://127.0.0.1:$PORT$P1")
	[ "$c" = 200 ] && n200=$((n200 + 1))
done
check "4 threads, one limit: 5 of 12 answered ($n200)" test "$n200" = 5
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.2' "http://127.0.0.1:$PORT$P1")
check "another client behind the proxy is served ($c)" test "$c" = 200
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.1' "http://127.0.0.1:$PORT/v1/log/head")
check "/v1/log/* limited too ($c)" test "$c" = 429
c=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.1' "http://127.0.0.1:$PORT/v1/trust")
check "/v1/trust limited too ($c)" test "$c" = 429

echo "server_attack.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
