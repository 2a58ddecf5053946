#!/usr/bin/env bash
# portal_browser.sh - starts a portal (--insecure-loopback) and the public
# lookup server over one registry and runs tests/browser/portal_selenium.py
# in headless chromium: TOTP login, bad and good rosters, issue, ZIP, revoke
# seen on the public QR page, logout. Screenshots (1280x800 and 390x844) in
# $SKILLCERT_BUILD/screenshots/portal-*.png.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/portal.bash"
SCP=${SKILLCERT_BUILD:?}/skillcert-portald
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
  { echo "chromium and chromium-driver are required"; exit 1; }
D=$T/reg
printf 'portal-browser-pass-1\n' >"$T/pass"; chmod 600 "$T/pass"
PF=(--passphrase-file "$T/pass")
A=S000036000001
expect_rc "init" 0 $SC init --db "$D" --province 36 --public-url http://127.0.0.1:9 "${PF[@]}" --quiet
expect_rc "org" 0 $SC org add --db "$D" "${PF[@]}" --code $A --name 江西省康养职业技能评价中心 \
  --scope '养老护理员:5-1,育婴员:5-3' --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
PW='Browser-Test-Passw0rd'
printf '%s\n' "$PW" >"$T/pw"; chmod 600 "$T/pw"
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
expect_rc "admin" 0 $SC user add adma --db "$D" --org $A --role admin --password-file "$T/pw" --no-change-required
expect_rc "totp" 0 $SC user totp adma --db "$D" --secret $SECRET
expect_rc "authority" 0 $SC user add auth1 --db "$D" --authority --password-file "$T/pw" --no-change-required
expect_rc "authority totp" 0 $SC user totp auth1 --db "$D" --secret $SECRET
expect_rc "admin to enrol" 0 $SC user add admb --db "$D" --org $A --role admin --password-file "$T/pw" --no-change-required
H=姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期
TODAY=$(date +%Y-%m-%d)
{ echo $H; i=0
  for n in 王秀英 阿依古丽·买买提 张秀兰; do i=$((i+1))
    echo "$n,居民身份证,$(id_number $i),养老护理员,,四级,过程化考核,$TODAY"; done; } >"$T/good.csv"
{ echo $H
  echo "刘芳,居民身份证,$(id_number 7),养老护理员,,四级,过程化考核,$TODAY"
  echo "李<b>x</b>,居民身份证,$(id_number 8),养老护理员,,四级,过程化考核,$TODAY"
  echo "张三,居民身份证,$(id_number 9),养老护理员,,九级,过程化考核,$TODAY"; } >"$T/bad.csv"

# For the supervision pages: this year's targets (the report's bar
# charts) and a planted signal, 五级 then 三级 within 142 days (as
# tests/cli/signals.sh), issued on past days by tests/issue_on.
YEAR=$(date +%Y)
printf 'region_code,region_name,year,occupations,target\n360100,南昌,%s,养老护理员,40\n360400,九江,%s,育婴员,20\n' \
  $YEAR $YEAR >"$T/targets.csv"
expect_rc "targets" 0 $SC targets load --db "$D" "$T/targets.csv"
P1=$(id_number 9001)
HR="姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果,工作单位"
printf '%s\n刘玉兰,居民身份证,%s,养老护理员,,5,过程化考核,2025-01-09,合格,\n' "$HR" "$P1" >"$T/p1.csv"
printf '%s\n刘玉兰,居民身份证,%s,养老护理员,,3,过程化考核,2025-05-31,合格,\n' "$HR" "$P1" >"$T/p2.csv"
expect_rc "plant 1" 0 env ISSUE_ON_PASSPHRASE=portal-browser-pass-1 "$SKILLCERT_BUILD/tests/issue_on" "$D" $A "$T/p1.csv" 2025-01-10
expect_rc "plant 2" 0 env ISSUE_ON_PASSPHRASE=portal-browser-pass-1 "$SKILLCERT_BUILD/tests/issue_on" "$D" $A "$T/p2.csv" 2025-06-01
start_portal "$T/portal.log" $SCP --db "$D" "${PF[@]}" --threads 2
start_server "$T/server.log" --db "$D"
SHOTS=$SKILLCERT_BUILD/screenshots
PORTAL=http://127.0.0.1:$PP PUBLIC=http://127.0.0.1:$PORT SC=$SC DB=$D USER=adma USER2=admb AUTH=auth1 \
  PASSWORD=$PW SECRET=$SECRET PLANTED_ID=$P1 GOOD=$T/good.csv BAD=$T/bad.csv SHOTS=$SHOTS \
  DOWNLOADS=$T/dl /usr/bin/python3 "$SKILLCERT_SRC/tests/browser/portal_selenium.py" >"$T/py.out" 2>&1
RC=$?
cat "$T/py.out"
check "selenium run passes" test $RC = 0
check "screenshots saved" test -s "$SHOTS/portal-batch-phone.png" -a -s "$SHOTS/portal-roster-bad-desktop.png"
for p in stats signals exports; do
  check "supervision screenshots: $p" test -s "$SHOTS/portal-authority-$p-desktop.png" -a -s "$SHOTS/portal-authority-$p-phone.png"
done
if command -v zbarimg >/dev/null; then
  check "enrolment QR decodes to the otpauth URI" bash -c \
    "zbarimg -q '$SHOTS/portal-enrol-desktop.png' 2>/dev/null | grep -q '^QR-Code:otpauth://totp/skillcert:admb?secret='"
fi
finish
