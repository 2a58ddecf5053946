#!/usr/bin/env bash
# portal_api.sh - the portal's JSON API from its own OpenAPI document: every
# operation /api/openapi.json lists is called with real ids (its status
# documented, its JSON fitting the documented schema); tokens work only
# for their organization (another's roster, batch, certificate, PDF, ZIP,
# revocation: the same 404 as an absent one); missing, malformed, revoked
# and expired tokens get 401; an oversize body 413, a wrong type 415; a
# malformed roster row is reported with its line and field.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/portal.bash"
SCPD=${SCPD:-$SKILLCERT_BUILD/skillcert-portald}
TOK=$SKILLCERT_BUILD/tests/api_token
D=$T/reg
expect_rc "init" 0 make_registry "$D"
A=S000036000001 B=Y000051000001
printf 'portal test passphrase\n' >"$T/pass"; chmod 600 "$T/pass"

# Tokens, as an organization admin makes them.
mk() { "$TOK" "$D" create "$1" "$2" | cut -d' ' -f2; }
read -r AID TA < <("$TOK" "$D" create $A 0)
TB=$(mk $B 0); TE=$(mk $A 2)
read -r RID TR < <("$TOK" "$D" create $A 0)
expect_rc "revoke a token" 0 "$TOK" "$D" revoke $A "$RID"
check "tokens made" test -n "$TA" -a -n "$TB" -a -n "$TE" -a -n "$TR"

# Rosters: a good one, one with bad rows (line 3: ID check character,
# line 5: a level 育婴员 does not have), one the parser refuses, an XLSX.
TODAY=$(date +%Y-%m-%d)
H=姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果
{ echo $H
  N=(x 王秀英 李桂兰 张玉兰 刘春梅 陈海燕)
  for i in 1 2 3 4 5; do
    echo "${N[$i]},居民身份证,$(id_number $((100 + i))),养老护理员,,$((6 - i)),过程化考核,$TODAY,合格"
  done; } >"$T/good.csv"
BADID=$(id_number 202); BADID=${BADID:0:17}$([ "${BADID:17}" = 1 ] && echo 2 || echo 1)
{ echo $H
  echo "李桂英,居民身份证,$(id_number 201),养老护理员,,5,过程化考核,$TODAY,合格"
  echo "张秀兰,居民身份证,$BADID,养老护理员,,4,过程化考核,$TODAY,合格"
  echo "刘玉兰,居民身份证,$(id_number 203),育婴员,,5,过程化考核,$TODAY,合格"
  echo "陈丽,居民身份证,$(id_number 204),育婴员,,1,过程化考核,$TODAY,合格"
  echo "杨敏,居民身份证,$(id_number 205),养老护理员,,3,过程化考核,$TODAY,不合格"
} >"$T/bad.csv"
check "xlsx made" /usr/bin/python3 - "$T/good.xlsx" "$(id_number 301)" "$(id_number 302)" "$(id_number 303)" <<'EOF'
import sys, datetime, openpyxl
wb = openpyxl.Workbook(); ws = wb.active
ws.append("姓名 证件类型 证件号码 职业 工种 等级 评价方式 考核日期".split())
for i, idn in enumerate(sys.argv[2:]):
    ws.append(["赵建" + "华国军"[i], "居民身份证", idn, "养老护理员", None, 5 - i,
               "过程化考核", datetime.datetime.now().replace(hour=0, minute=0,
               second=0, microsecond=0)])
    ws.cell(row=i + 2, column=8).number_format = "yyyy-mm-dd"
wb.save(sys.argv[1])
EOF

# The portal, on loopback, with a 1 MiB body bound (rosters: 512 KiB).
start_portal "$T/portal.log" "$SCPD" --db "$D" --passphrase-file "$T/pass" --max-body 1048576
PORT=$PP

sleep 2   # TE (2 s) has expired by now
cat >"$T/cfg.json" <<EOF
{"token_a": "$TA", "token_b": "$TB", "token_revoked": "$TR",
 "token_expired": "$TE",
 "good_csv": "$T/good.csv", "good_rows": 5,
 "bad_csv": "$T/bad.csv", "bad_rows": [[3, "证件号码"], [5, "等级"]],
 "failed_rows": [6],
 "broken_csv": "$H\n\"王秀英,居民身份证,$(id_number 401),养老护理员,,5,过程化考核,$TODAY,合格\n",
 "good_xlsx": "$T/good.xlsx", "xlsx_rows": 3,
 "over_size": 600000,
 "id_numbers": [$(for i in 101 102 103 104 105 201 203 204; do printf '"%s",' "$(id_number $i)"; done) "$(id_number 205)"],
 "absent_number": "S000036000001265999999",
 "expect_ops": ["getOpenApi", "submitRoster", "getRoster", "issueRoster",
   "getBatch", "getBatchZip", "getBatchPdf", "getCertificate",
   "getCertificatePdf", "revokeCertificate"]}
EOF
/usr/bin/python3 "$SKILLCERT_SRC/tests/cli/lib/api_check.py" \
  "http://127.0.0.1:$PORT" "$T/cfg.json" >"$T/api.out" 2>&1
rc=$?
cat "$T/api.out"
check "api_check passes" test $rc = 0

# The document served is the one in the tree (embedded at build time).
check "served document is openapi.json" /usr/bin/python3 -c "
import json, urllib.request, sys
a = json.load(urllib.request.urlopen('http://127.0.0.1:$PORT/api/openapi.json'))
b = json.load(open('$SKILLCERT_SRC/src/portal/openapi.json'))
sys.exit(a != b)"
# A cookie is no credential here: a session cookie alone gets 401.
check "cookie alone is 401" /usr/bin/python3 -c "
import urllib.request, urllib.error, sys
r = urllib.request.Request('http://127.0.0.1:$PORT/api/v1/batches/x',
    headers={'Cookie': '__Host-sid=abc'})
try: urllib.request.urlopen(r); sys.exit(1)
except urllib.error.HTTPError as e: sys.exit(e.code != 401)"

# Every state change is in the audit trail under the token that made it.
"$TOK" "$D" audit - - >"$T/audit" 2>&1
for act in roster_submit issue revoke; do
  check "audit: $act by token:$AID" grep -q "^token:$AID .* $A $act .* ok\$" "$T/audit"
done
check "audit: B's refused revoke changed nothing" sh -c "! grep -q ' $B revoke .* ok\$' '$T/audit'"
finish
