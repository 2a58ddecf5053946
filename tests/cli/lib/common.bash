# common.bash - shared by the end-to-end shell tests (sourced, not run).
# Gives: $SC (CLI), $SCD (daemon), $T (temp dir, removed on exit), check(),
# expect_rc(), the demo data in $DATA, and a TAP-like tally that ends with
# "N passed, N failed".
set -u
: "${SC:?SC must name the skillcert binary}"
: "${SKILLCERT_SRC:?}"
DATA=$SKILLCERT_SRC/tools/data
T=$(mktemp -d /tmp/sctest.XXXXXX)
PASS=0; FAIL=0
CLEANUP=()
cleanup() {
  for c in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do eval "$c" || true; done
  rm -rf "$T"
}
trap cleanup EXIT

check() { # description command...
  local d=$1; shift
  if "$@" >/dev/null 2>&1; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); echo "not ok: $d"; fi
}
expect_rc() { # description expected_rc command...
  local d=$1 want=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then PASS=$((PASS+1)); else
    FAIL=$((FAIL+1)); echo "not ok: $d (exit $got, expected $want)"; sed 's/^/    /' "$T/err" | head -5; fi
}
contains() { grep -qF -- "$2" "$1"; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; }

# id_number N: a valid resident ID number (GB 11643), distinct per N.
id_number() {
  local base; base=$(printf '3601021980%04d%03d' $((101 + $1 % 28)) $(( $1 % 1000 )))
  base=${base:0:17}
  local w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) s=0 i
  for i in $(seq 0 16); do s=$((s + ${base:$i:1} * ${w[$i]})); done
  local c="10X98765432"; echo "$base${c:$((s % 11)):1}"
}

# A registry with the two demo organizations.
make_registry() { # dir [public_url]
  $SC init --db "$1" --province 36 --public-url "${2:-https://cert.example.cn}" --quiet &&
  $SC org add --db "$1" --code S000036000001 --name 江西省康养职业技能评价中心 \
    --scope '养老护理员:5-1,育婴员:5-3,家政服务员:5-2' --valid-from 2023-01-01 \
    --valid-to 2030-12-31 --quiet &&
  $SC org add --db "$1" --code Y000051000001 --name 四川天府康养服务有限公司 \
    --scope '养老护理员:5-3,家政服务员:5-3' --valid-from 2023-06-01 \
    --valid-to 2030-12-31 --alg sm2 --quiet
}

# start_server LOG ARGS...: skillcertd on a free 127.0.0.1 port; sets PORT
# and SPID, and stops it when the test exits.
start_server() {
  local log=$1; shift
  "${SCD:?SCD must name skillcertd}" --listen 127.0.0.1:0 "$@" 2>"$log" &
  SPID=$!
  CLEANUP+=("kill -TERM $SPID 2>/dev/null; wait $SPID 2>/dev/null")
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*listening on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" 2>/dev/null)
    [ -n "$PORT" ] && return 0
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  echo "server did not start:" >&2; cat "$log" >&2; return 1
}
