#!/usr/bin/env bash
# server_logrotate.sh - SIGHUP reopens the access log, as logrotate expects:
# lines before the rotation stay in the renamed file, lines after it go to
# a new file under the configured name, and the server keeps answering.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
make_registry "$D" >/dev/null
start_server "$T/srv.log" --db "$D" --access-log "$T/access.log" --threads 2
B=http://127.0.0.1:$PORT
for i in 1 2 3; do curl -s -o /dev/null "$B/healthz"; done
sleep 1.5   # threads flush their buffered lines at least once a second
mv "$T/access.log" "$T/access.log.1"
kill -HUP "$SPID"
sleep 0.3
check "still running after SIGHUP" kill -0 "$SPID"
for i in 1 2 3 4; do curl -s -o /dev/null "$B/v1/orgs/S000036000001"; done
# Lines are flushed in batches: a clean stop writes what is left.
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
check "a new log under the configured name" test -s "$T/access.log"
check "the new log has the requests after the rotation" grep -q '/v1/orgs/{code}' "$T/access.log"
check "the new log has none from before" bash -c "! grep -q '/healthz' '$T/access.log'"
check "the rotated log kept the earlier requests" grep -q '/healthz' "$T/access.log.1"
check "the rotated log got nothing after" bash -c "! grep -q '/v1/orgs/{code}' '$T/access.log.1'"
finish
