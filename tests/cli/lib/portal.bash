# portal.bash - shared by the portal's end-to-end tests (sourced after
# common.bash): start a skillcert-portald on loopback and talk to it with
# curl as a browser would (cookie, CSRF field, same Origin).

# start_portal LOG CMD...: runs CMD (the portal and its options, after an
# optional `env VAR=VALUE`) on 127.0.0.1:0 with --insecure-loopback, waits
# for its "listening on" line; sets PPID_, PP (its port) and U (its URL)
# and stops it at exit. A portal that does not start ends the test.
start_portal() {
  local log=$1; shift
  "$@" --insecure-loopback --listen 127.0.0.1:0 2>"$log" &
  PPID_=$!
  CLEANUP+=("kill -TERM $PPID_ 2>/dev/null; wait $PPID_ 2>/dev/null")
  PP=
  for _ in $(seq 200); do
    PP=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$PP" ] && break
    kill -0 $PPID_ 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$PP" ]; then
    echo "portal did not start:"; cat "$log"; FAIL=$((FAIL+1)); finish; exit 1
  fi
  U=http://127.0.0.1:$PP
}

# get COOKIE PATH: body in $T/body, status in $CODE, headers in $T/hdr
get() { CODE=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -H "Cookie: $1" "$U$2"); }
# post COOKIE PATH [curl args...]: same, from the portal's own origin
post() { local c=$1 p=$2; shift 2
  CODE=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -H "Cookie: $c" -H "Origin: $U" "$@" "$U$p"); }
loc() { sed -n 's/^Location: \(.*\)\r$/\1/p' "$T/hdr"; }
csrf() { get "$1" /dashboard; sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/body" | head -1; }
# login NAME: prints the session cookie; answers the TOTP step with
# $SECRET when the portal asks for it. The password is $PW.
login() {
  post "" /login --data-urlencode "name=$1" --data-urlencode "password=$PW"
  local c; c=$(sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p' "$T/hdr")
  if [ "$(loc)" = /login/totp ]; then
    post "$c" /login/totp --data "code=$(oathtool --totp -b $SECRET)"
  fi
  echo "$c"
}
