#!/usr/bin/env bash
# portal.sh - the issuer portal end to end with curl: login (+TOTP by
# oathtool), a good and a bad roster (markup shown escaped, the bad cells
# marked), issuing, the batch ZIP and print PDF checked with unzip, qpdf
# and pdftotext, a revocation seen as 已撤销 on the public lookup server's
# QR page; POSTs without the CSRF token or from another origin refused;
# another organization's batch, certificate, PDF, roster, job and user
# answer the same 404 as absent ones; an expired session (test clock) and
# a disabled user are refused.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/portal.bash"
SCP=${SKILLCERT_BUILD:?}/skillcert-portald
for t in curl oathtool qpdf pdftotext unzip; do
  command -v $t >/dev/null || { echo "$t is required"; exit 1; }
done
D=$T/reg
printf 'portal-test-passphrase-1\n' >"$T/pass"; chmod 600 "$T/pass"
PF=(--passphrase-file "$T/pass")
A=S000036000001 B=S000036000002
expect_rc "init" 0 $SC init --db "$D" --province 36 --public-url http://127.0.0.1:9 "${PF[@]}" --quiet
for o in "$A 评价中心甲" "$B 评价中心乙"; do
  set -- $o
  expect_rc "org $1" 0 $SC org add --db "$D" "${PF[@]}" --code "$1" --name "$2" \
    --scope '养老护理员:5-1,育婴员:5-3' --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
done
printf 'Correct-Horse-Battery-9\n' >"$T/pw"; chmod 600 "$T/pw"
PW='Correct-Horse-Battery-9'
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
adduser() { # name args...
  local n=$1; shift
  expect_rc "user add $n" 0 $SC user add "$n" --db "$D" "$@" --password-file "$T/pw" --no-change-required
}
adduser opa --org $A --role operator
adduser opb --org $B --role operator
adduser adma --org $A --role admin
adduser auth1 --authority
expect_rc "totp adma" 0 $SC user totp adma --db "$D" --secret $SECRET
expect_rc "totp auth1" 0 $SC user totp auth1 --db "$D" --secret $SECRET

# --- the server: plain HTTP only on loopback --------------------------------
expect_rc "refuses plain HTTP off loopback" 64 $SCP --db "$D" "${PF[@]}" --insecure-loopback --listen 0.0.0.0:0
check "says why" contains "$T/err" "only on 127.0.0.0/8 or ::1"
expect_rc "refuses no TLS without --insecure-loopback" 64 $SCP --db "$D" "${PF[@]}" --listen 127.0.0.1:0
# TLS: a self-signed certificate, HTTPS on 127.0.0.1, HSTS.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1
  $SCP --db "$D" "${PF[@]}" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key" --listen 127.0.0.1:0 \
    --threads 1 2>"$T/tls.log" &
  TPID=$!
  CLEANUP+=("kill -TERM $TPID 2>/dev/null; wait $TPID 2>/dev/null")
  TP=
  for _ in $(seq 100); do
    TP=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/tls.log")
    [ -n "$TP" ] && break; sleep 0.05
  done
  check "TLS portal started" test -n "$TP"
  CODE=$(curl -s --cacert "$T/tls.crt" -o "$T/body" -D "$T/hdr" -w '%{http_code}' "https://127.0.0.1:$TP/login")
  check "login page over TLS" test "$CODE" = 200
  check "HSTS over TLS" grep -q "Strict-Transport-Security: max-age=" "$T/hdr"
  check "plain HTTP to the TLS port fails" bash -c "! curl -s -m 5 -o /dev/null http://127.0.0.1:$TP/login"
  kill -TERM $TPID; wait $TPID 2>/dev/null
fi
printf '0\n' >"$T/clock"
start_portal "$T/portal.log" env SKILLCERT_PORTAL_TEST_CLOCK="$T/clock" $SCP --db "$D" "${PF[@]}" \
  --threads 2

get "" /login
check "login page 200" test "$CODE" = 200
check "CSP header" grep -q "Content-Security-Policy: default-src 'none'; style-src 'self'" "$T/hdr"
check "nosniff" grep -q "X-Content-Type-Options: nosniff" "$T/hdr"
check "no-referrer" grep -q "Referrer-Policy: no-referrer" "$T/hdr"
check "no-store" grep -q "Cache-Control: no-store" "$T/hdr"
check "no script on the page" bash -c "! grep -qi '<script' '$T/body'"
get "" /static/portal.css
check "stylesheet" test "$CODE" = 200
get "" /dashboard
check "anonymous -> login" test "$CODE" = 303 -a "$(loc)" = /login
post "" /login --data 'name=opa&password=wrong-password-123'
check "bad password 401" test "$CODE" = 401
check "one failure text" contains "$T/body" "账号或密码错误，或账号已停用"
cp "$T/body" "$T/fail1"
post "" /login --data 'name=nobody&password=wrong-password-123'
check "unknown account: same text" contains "$T/body" "账号或密码错误，或账号已停用"
CA=$(login opa)
check "cookie attributes" grep -q "Set-Cookie: __Host-skillcert=[0-9a-f]\{64\}; Path=/; Secure; HttpOnly; SameSite=Strict" "$T/hdr"
XA=$(csrf "$CA")
check "operator dashboard" test -n "$XA"
CB=$(login opb); XB=$(csrf "$CB")
CM=$(login adma)
check "admin passed TOTP" test "$(loc)" = /dashboard
XM=$(csrf "$CM")

# --- rosters ----------------------------------------------------------------
H=姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期
TODAY=$(date +%Y-%m-%d)
{ echo $H
  i=0; for n in 王秀英 李桂英 张秀兰; do i=$((i+1))
    echo "$n,居民身份证,$(id_number $i),养老护理员,,五级,过程化考核,$TODAY"; done
} >"$T/good.csv"
{ echo $H
  echo "李<b>x</b>,居民身份证,$(id_number 7),养老护理员,,四级,过程化考核,$TODAY"
  echo "张三,居民身份证,$(id_number 8),养老护理员,,九级,过程化考核,$TODAY"
  echo "赵四,居民身份证,$(id_number 9),育婴员,,三级,过程化考核,$TODAY"
} >"$T/bad.csv"
{ echo $H; echo "周晓燕,居民身份证,$(id_number 11),养老护理员,,四级,过程化考核,$TODAY"; } >"$T/good2.csv"
post "$CA" /upload -F csrf=$XA -F roster=@"$T/bad.csv"
check "upload bad -> roster page" test "$CODE" = 303
RBAD=$(loc)
get "$CA" "$RBAD"
check "bad roster shown" test "$CODE" = 200
check "markup escaped" contains "$T/body" "李&lt;b&gt;x&lt;/b&gt;"
check "no raw markup" bash -c "! grep -q '<b>x</b>' '$T/body'"
check "name cell marked" contains "$T/body" '<td data-label="姓名" class="badcell">李&lt;b&gt;x&lt;/b&gt;</td>'
check "level cell marked" contains "$T/body" '<td data-label="等级" class="badcell">九级</td>'
check "ID numbers masked" bash -c "! grep -q '$(id_number 8)' '$T/body'"
check "only the good rows offered" contains "$T/body" "仅签发无误的行"
check "not all" bash -c "! grep -q '全部签发' '$T/body'"
# The same bad roster saved by Excel: text cells, the assessment date a
# real date cell; the page marks the same cells as for the CSV.
/usr/bin/python3 - "$T/bad.csv" "$T/bad.xlsx" <<'PY'
import csv, datetime, sys, openpyxl
wb = openpyxl.Workbook(); ws = wb.active
for i, row in enumerate(csv.reader(open(sys.argv[1], encoding="utf-8"))):
    if i and row[7]:
        row[7] = datetime.datetime.strptime(row[7], "%Y-%m-%d")
    ws.append(row)
    if i:
        ws.cell(i + 1, 8).number_format = "yyyy-mm-dd"
wb.save(sys.argv[2])
PY
post "$CA" /upload -F csrf=$XA -F "roster=@$T/bad.xlsx;type=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
check "upload xlsx -> roster page" test "$CODE" = 303
get "$CA" "$(loc)"
check "xlsx: markup escaped and marked" contains "$T/body" '<td data-label="姓名" class="badcell">李&lt;b&gt;x&lt;/b&gt;</td>'
check "xlsx: level cell marked" contains "$T/body" '<td data-label="等级" class="badcell">九级</td>'
check "xlsx: the date cell read as a date" contains "$T/body" "$TODAY"
check "xlsx: one good row" contains "$T/body" "仅签发无误的行"
post "$CA" /upload -F csrf=$XA -F roster=@"$T/good.csv"
RGOOD=$(loc)
get "$CA" "$RGOOD"
check "good roster: issue all" contains "$T/body" "全部签发"
post "$CA" "$RGOOD/issue" --data "csrf=$XA&partial=0"
check "issue -> job" test "$CODE" = 303
JOB=$(loc)
for _ in $(seq 100); do get "$CA" "$JOB"; grep -q '签发完成\|签发失败' "$T/body" && break; sleep 0.1; done
check "job done" contains "$T/body" "签发完成：新签发 3 张"
BATCH=$(sed -n 's/.*href="\/batch\/\([A-Za-z0-9_-]*\)".*/\1/p' "$T/body" | head -1)
get "$CA" "/batch/$BATCH"
check "batch page" test "$CODE" = 200
NO=$(grep -o "/cert/${A}[0-9]\{9\}\"" "$T/body" | head -1 | tr -d '"' | sed 's/\/cert\///')
check "batch lists 3" test "$(grep -o "/cert/${A}[0-9]\{9\}\.pdf" "$T/body" | sort -u | wc -l)" = 3
check "batch masks IDs" bash -c "! grep -q '$(id_number 1)' '$T/body'"
get "$CA" "/batch/$BATCH.zip"
cp "$T/body" "$T/b.zip"
check "zip 200" test "$CODE" = 200
check "zip has 3 PDFs" test "$(unzip -Z1 "$T/b.zip" | grep -c '\.pdf$')" = 3
(cd "$T" && mkdir z && cd z && unzip -q ../b.zip)
for f in "$T"/z/*.pdf; do check "qpdf $(basename $f)" qpdf --check "$f"; done
check "pdf text names the holder" bash -c "pdftotext '$T/z/$NO.pdf' - 2>/dev/null | grep -Eq '王秀英|李桂英|张秀兰'"
get "$CA" "/batch/$BATCH.pdf"
cp "$T/body" "$T/all.pdf"
check "print PDF valid" qpdf --check "$T/all.pdf"
check "print PDF 3 pages" test "$(qpdf --show-npages "$T/all.pdf")" = 3
get "$CA" "/cert/$NO.pdf"
check "one PDF" test "$CODE" = 200 -a "$(head -c 5 "$T/body")" = "%PDF-"
post "$CA" /search --data "csrf=$XA" --data-urlencode "q=$(id_number 2)"
check "search by ID number" contains "$T/body" "李桂英"
check "search result masked" bash -c "! grep -q '$(id_number 2)' '$T/body'"
post "$CA" /search --data "csrf=$XA" --data-urlencode "q=张秀兰"
check "search by name" contains "$T/body" "张秀兰"

# --- CSRF and origin ----------------------------------------------------------
post "$CA" "/cert/$NO/revoke" --data "reason=fraud&note=x"
check "no token 403" test "$CODE" = 403
post "$CA" "/cert/$NO/revoke" --data "csrf=$XB&reason=fraud&note=x"
check "another session's token 403" test "$CODE" = 403
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $CA" -H "Origin: http://evil.example" \
  --data "csrf=$XA&reason=fraud&note=x" "$U/cert/$NO/revoke")
check "foreign origin 403" test "$CODE" = 403
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $CA" -H "Sec-Fetch-Site: cross-site" \
  --data "csrf=$XA&reason=fraud&note=x" "$U/cert/$NO/revoke")
check "cross-site without Origin 403" test "$CODE" = 403
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $CA" --data "csrf=$XA&reason=fraud&note=x" "$U/cert/$NO/revoke")
check "no Origin, no Sec-Fetch-Site 403" test "$CODE" = 403
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $CA" -H "Origin: null" -H "Sec-Fetch-Site: same-origin" \
  -F csrf=$XA -F roster=@"$T/good.csv" "$U/upload")
check "Origin null + same-origin (no-referrer forms) accepted" test "$CODE" = 303
get "$CA" "/cert/$NO"
check "still valid after refused posts" contains "$T/body" '<td class="wrap">有效</td>'

# --- isolation: B's operator on A's objects = the absent object's 404 -------
JOBID=${JOB#/job/}; RID=${RGOOD#/roster/}
FAKEB=R0000000000000000; FAKENO=${B}269000001; FAKEID=0123456789abcdef0123456789abcdef
same404() { # what cookie path-of-A path-absent [post data]
  local what=$1 c=$2 pa=$3 pz=$4
  if [ $# -gt 4 ]; then post "$c" "$pa" --data "$5"; else get "$c" "$pa"; fi
  local ca=$CODE; cp "$T/body" "$T/a404"
  if [ $# -gt 4 ]; then post "$c" "$pz" --data "$5"; else get "$c" "$pz"; fi
  check "$what: 404" test "$ca" = 404 -a "$CODE" = 404
  check "$what: same page as absent" cmp -s "$T/a404" "$T/body"
}
same404 "foreign batch" "$CB" "/batch/$BATCH" "/batch/$FAKEB"
same404 "foreign batch zip" "$CB" "/batch/$BATCH.zip" "/batch/$FAKEB.zip"
same404 "foreign batch pdf" "$CB" "/batch/$BATCH.pdf" "/batch/$FAKEB.pdf"
same404 "foreign cert" "$CB" "/cert/$NO" "/cert/$FAKENO"
same404 "foreign cert pdf" "$CB" "/cert/$NO.pdf" "/cert/$FAKENO.pdf"
same404 "foreign revoke" "$CB" "/cert/$NO/revoke" "/cert/$FAKENO/revoke" "csrf=$XB&reason=fraud&note=x"
same404 "foreign roster" "$CB" "/roster/$RID" "/roster/$FAKEID"
same404 "foreign roster issue" "$CB" "/roster/$RID/issue" "/roster/$FAKEID/issue" "csrf=$XB&partial=0"
same404 "foreign job" "$CB" "/job/$JOBID" "/job/$FAKEID"
post "$CB" /search --data "csrf=$XB&q=$NO"
check "foreign cert not found by search" bash -c "! grep -q '$NO' '$T/body'"
same404 "operator on users page" "$CB" /users /no-such-page
same404 "foreign user (admin)" "$CM" /users /users "csrf=$XM&op=disable&name=opb"
post "$CM" /users --data "csrf=$XM&op=disable&name=nosuchuser"
cp "$T/body" "$T/z404"; post "$CM" /users --data "csrf=$XM&op=disable&name=opb"
check "foreign user = absent user" cmp -s "$T/z404" "$T/body"
check "opb still works" bash -c "curl -s -o /dev/null -w '%{http_code}' -H 'Cookie: $CB' $U/dashboard | grep -q 200"
same404 "operator on orgs" "$CA" /orgs /no-such-page
same404 "operator on audit" "$CA" /audit /no-such-page

# --- an admin's pages: users (one-time password shown once), API tokens ---
post "$CM" /users --data "csrf=$XM&op=add&name=opa2&role=operator"
check "user added, one-time password shown" grep -q "账号 opa2 的一次性密码：" "$T/body"
check "new user listed in A" bash -c "$SC user list --db '$D' --org $A | grep -q opa2"
OTP=$(sed -n 's/.*账号 opa2 的一次性密码：\([^（]*\)（.*/\1/p' "$T/body")
post "" /login --data-urlencode "name=opa2" --data-urlencode "password=$OTP"
C2=$(sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p' "$T/hdr")
check "one-time password: change required" test "$(loc)" = /password
get "$C2" /dashboard
check "no dashboard before the change" test "$CODE" = 303 -a "$(loc)" = /password
post "$C2" /password --data-urlencode "old=$OTP" --data-urlencode "new=Another-Good-Passw0rd" \
  --data-urlencode "new2=Another-Good-Passw0rd"
check "password changed -> dashboard" test "$CODE" = 303 -a "$(loc)" = /dashboard
get "$C2" /dashboard
check "new operator's dashboard" test "$CODE" = 200
post "$CM" /tokens --data "csrf=$XM&op=create&label=erp&days=30"
TOKEN=$(sed -n 's/.*<code class="secret">\([A-Za-z0-9_-]\{43\}\)<\/code>.*/\1/p' "$T/body")
check "token shown once" test ${#TOKEN} = 43
get "$CM" /tokens
check "token not shown again" bash -c "! grep -q '$TOKEN' '$T/body'"
TID=$(grep -o '<code>[0-9a-f]\{16\}</code>' "$T/body" | head -1 | sed 's/<[^>]*>//g')
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$U/api/v1/batches/$BATCH")
check "the token reads its org's batch" test "$CODE" = 200
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$U/api/v1/certificates/$FAKENO")
check "the token: another org's number is 404" test "$CODE" = 404
post "$CM" /tokens --data "csrf=$XM&op=revoke&id=$TID"
check "token revoked" test "$CODE" = 303
CODE=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$U/api/v1/batches/$BATCH")
check "revoked token refused" test "$CODE" = 401
BTOK=$($SC user token create --db "$D" --org $B --label other | grep -o '[A-Za-z0-9_-]\{43\}' | head -1)
BTID=$($SC user token list --db "$D" | awk '/other/ {print $1; exit}')
same404 "foreign token revoke" "$CM" /tokens /tokens "csrf=$XM&op=revoke&id=$BTID"
post "$CM" /tokens --data "csrf=$XM&op=revoke&id=0000000000000000"
cp "$T/body" "$T/t404"; post "$CM" /tokens --data "csrf=$XM&op=revoke&id=$BTID"
check "foreign token = absent token" cmp -s "$T/t404" "$T/body"

# --- revoke, and the public QR page says 已撤销 ------------------------------
post "$CA" "/cert/$NO/revoke" --data "csrf=$XA&reason=fraud" --data-urlencode "note=测试撤销"
check "revoke -> cert page" test "$CODE" = 303
get "$CA" "/cert/$NO"
check "shown revoked" contains "$T/body" "已撤销"
start_server "$T/server.log" --db "$D"
TOKURL=$($SC token --db "$D" "$NO")
CODE=$(curl -s -o "$T/qr.html" -w '%{http_code}' "http://127.0.0.1:$PORT/${TOKURL#*://*/}")
check "public QR page 200" test "$CODE" = 200
check "public QR page says 已撤销" contains "$T/qr.html" "已撤销"

# --- authority ---------------------------------------------------------------
# The logins above spent this address's budget (0.5/s, burst 10) on a fast
# machine; the authority's password and TOTP steps need two attempts.
sleep 4
CU=$(login auth1); XU=$(csrf "$CU")
check "authority logged in" test -n "$XU"
get "$CU" /orgs
check "authority orgs" contains "$T/body" "评价中心乙"
post "$CU" /trace --data "csrf=$XU" --data-urlencode "q=$(id_number 1)"
check "trace finds A's certificate" contains "$T/body" "王秀英"
get "$CU" "/audit?action=lookup_person"
check "look-ups audited" contains "$T/body" "lookup_person"
check "audit masks the ID" bash -c "! grep -q '$(id_number 1)' '$T/body'"
get "$CU" /audit.csv
check "audit CSV has the issue and revoke" bash -c "grep -q '\"issue\"' '$T/body' && grep -q '\"revoke\",\"$NO\",\"ok\"' '$T/body'"
check "audit CSV has failed logins" grep -q '"login_failed"' "$T/body"

post "$CU" "/org/$B/suspend" --data "csrf=$XU" --data-urlencode "note=检查整改"
check "authority suspends B" test "$CODE" = 303
get "$CU" "/org/$B"
check "B shown suspended" contains "$T/body" "暂停原因：检查整改"
post "$CU" "/org/$B/resume" --data "csrf=$XU"
check "authority resumes B" test "$CODE" = 303
post "$CU" "/org/$A/rekey" --data "csrf=$XU"
check "authority rekeys A" test "$CODE" = 303
get "$CU" "/org/$A"
check "A has a retired and a current key" bash -c "grep -q '已停用' '$T/body' && grep -q '在用' '$T/body'"
check "A's users listed on its page" bash -c "grep -q '<li>opa（经办人）</li>' '$T/body' && grep -q '<li>adma（机构管理员）</li>' '$T/body'"
post "$CA" /upload -F csrf=$XA -F roster=@"$T/good2.csv"
post "$CA" "$(loc)/issue" --data "csrf=$XA&partial=0"
JOB2=$(loc)
for _ in $(seq 100); do get "$CA" "$JOB2"; grep -q '签发完成\|签发失败' "$T/body" && break; sleep 0.1; done
check "issuing after the rekey" contains "$T/body" "签发完成：新签发 1 张"
post "$CU" /org/new --data "csrf=$XU&code=S000036000009&name=新机构&region=360100" --data-urlencode "scope=养老护理员:5-3"
check "authority files an organization" test "$CODE" = 303 -a "$(loc)" = /org/S000036000009
check "filed org in the registry" bash -c "$SC org show --db '$D' S000036000009 | grep -q 新机构"
get "$CU" "/audit?action=org_rekey"
check "rekey audited" contains "$T/body" "org_rekey"

# --- disabled user and expired session ----------------------------------------
expect_rc "disable opb" 0 $SC user disable opb --db "$D"
get "$CB" /dashboard
check "disabled user's session refused" test "$CODE" = 303 -a "$(loc)" = /login
sleep 4   # the per-address login bucket (0.5/s, burst 10) refills: 401, not 429
post "" /login --data "name=opb&password=$PW"
check "disabled user cannot log in" test "$CODE" = 401
check "same failure text" cmp -s "$T/fail1" "$T/body"
get "$CA" /dashboard
check "session live before expiry" test "$CODE" = 200
printf '%d\n' $((31 * 60)) >"$T/clock"
get "$CA" /dashboard
check "idle session expired" test "$CODE" = 303 -a "$(loc)" = /login
post "$CM" /logout --data "csrf=$XM"
check "logout" test "$CODE" = 303
# A half-logged-in session (password done, TOTP owed), then the flood.
post "" /login --data-urlencode "name=adma" --data-urlencode "password=$PW"
CP=$(sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p' "$T/hdr")
got429=0
for _ in $(seq 14); do
  post "" /login --data 'name=opa&password=wrong-password-123'
  [ "$CODE" = 429 ] && { got429=1; break; }
done
check "a login flood from one address is throttled (429)" test $got429 = 1
check "throttled page says when to retry" contains "$T/body" "秒后再试"
post "$CP" /login/totp --data "code=$(oathtool --totp -b $SECRET)"
check "throttled TOTP step: 429, not 'wrong code'" test "$CODE" = 429
check "throttled TOTP step says so" contains "$T/body" "尝试过于频繁"
finish
