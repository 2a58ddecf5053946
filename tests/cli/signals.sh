#!/usr/bin/env bash
# signals.sh - skillcert signals: for every rule a planted case that must be
# flagged (rule, severity, organization or person, the evidence numbers)
# and a clean registry, near each threshold, on which no rule fires; the
# seeds' "going easy on exams" (100% pass over large batches and a spike);
# the rules file refused with line and field; capacity in the filing.
source "$(dirname "$0")/lib/common.bash"
ISSUE_ON=$SKILLCERT_BUILD/tests/issue_on
PY=/usr/bin/python3
SCOPE='养老护理员:5-1,育婴员:5-3'
H="姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果,工作单位"
NEXT=0
TODAY=$(date +%Y-%m-%d)
ago() { date -d "$TODAY - $1 days" +%Y-%m-%d; }

org() { # db code name [extra org add options...]
  local db=$1 code=$2 name=$3; shift 3
  expect_rc "org $code" 0 $SC org add --db "$db" --code "$code" --name "$name" \
    --scope "$SCOPE" --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet "$@"
}
# rows FILE OCC LEVEL ASSESSED PASS FAIL [EMPLOYER]: new people each row.
rows() {
  local f=$1 occ=$2 lv=$3 ad=$4 pass=$5 fail=$6 emp=${7:-} i
  echo "$H" >"$f"
  for i in $(seq 1 $((pass + fail))); do
    NEXT=$((NEXT + 1))
    echo "王秀英,居民身份证,$(id_number $NEXT),$occ,,$lv,过程化考核,$ad,$([ "$i" -le "$pass" ] && echo 合格 || echo 不合格),$emp" >>"$f"
  done
}
# person FILE NAME ID OCC LEVEL ASSESSED: one row for a given person.
person() { printf '%s\n%s,居民身份证,%s,%s,,%s,过程化考核,%s,合格,\n' "$H" "$2" "$3" "$4" "$5" "$6" >"$1"; }
issue_on() { # db org file day [reason]
  expect_rc "issue $2 $(basename "$3") on $4" 0 "$ISSUE_ON" "$@"
}
# hits DB RULE: the rule's hits as JSON in $T/hits.json (any rule with ALL).
hits() {
  local db=$1 rule=$2; shift 2
  if [ "$rule" = ALL ]; then
    expect_rc "signals" 0 $SC signals --db "$db" --format json --limit-evidence 1000 "$@"
  else
    expect_rc "signals --rule $rule" 0 $SC signals --db "$db" --rule "$rule" --format json --limit-evidence 1000 "$@"
  fi
  cp "$T/out" "$T/hits.json"
}
# expect_hits DESC PYTHON: asserts over v (the signals list).
expect_hits() {
  check "$1" $PY -c "
import json; d=json.load(open('$T/hits.json')); v=d['signals']
def org(c): return [h for h in v if h.get('org_code')==c]
$2"
}

# ---------- the planted registry ----------
D=$T/planted
expect_rc "init" 0 $SC init --db "$D" --province 36 --public-url https://cert.example.cn --quiet
org "$D" S000036000002 放水评价中心            # going easy: spike, 100% pass
org "$D" S000036000003 南昌康养评价中心        # an honest peer
org "$D" S000036000004 高级工评价中心          # high-level share
org "$D" S000036000005 小规模评价中心 --capacity 20
org "$D" S000036000006 补发评价中心            # assessed long before
org "$D" S000036000007 国庆评价中心            # a holiday in bulk
org "$D" S000036000008 将暂停评价中心          # issues, then suspended
org "$D" S000036000009 撤销评价中心            # revocations
org "$D" S000036000010 个人甲评价中心
org "$D" S000036000011 个人乙评价中心
org "$D" S000036000012 个人丙评价中心
org "$D" Y000036000001 江西康养服务有限公司    # type Y, other employers

# Going easy on exams: four ordinary weeks of 10, then a week of 120 in two
# batches of 60 where everyone passed.
for w in 1 2 3 4; do
  rows "$T/a$w.csv" 养老护理员 5 2025-0$w-05 10 0
  issue_on "$D" S000036000002 "$T/a$w.csv" 2025-0$w-06
done
rows "$T/a5.csv" 养老护理员 5 2025-06-02 60 0; issue_on "$D" S000036000002 "$T/a5.csv" 2025-06-03
rows "$T/a6.csv" 养老护理员 5 2025-06-03 60 0; issue_on "$D" S000036000002 "$T/a6.csv" 2025-06-04
# The peer: 60% pass in 养老护理员 五级.
rows "$T/b1.csv" 养老护理员 5 2025-03-02 30 20; issue_on "$D" S000036000003 "$T/b1.csv" 2025-03-03
rows "$T/b2.csv" 养老护理员 5 2025-04-02 30 20; issue_on "$D" S000036000003 "$T/b2.csv" 2025-04-03
# High levels: 30 of 60 at 二级 (the province's others: none).
rows "$T/c1.csv" 养老护理员 5 2025-05-10 30 10; rows "$T/c2.csv" 养老护理员 2 2025-05-10 30 0
tail -n +2 "$T/c2.csv" >>"$T/c1.csv"; issue_on "$D" S000036000004 "$T/c1.csv" 2025-05-11
# Capacity 20 a year, 25 issued in 2025.
rows "$T/d1.csv" 育婴员 4 2025-02-10 25 3; issue_on "$D" S000036000005 "$T/d1.csv" 2025-02-11
# 12 assessed 200 days before issue, 3 recent.
rows "$T/e1.csv" 育婴员 5 2025-01-10 12 2; issue_on "$D" S000036000006 "$T/e1.csv" 2025-07-29
rows "$T/e2.csv" 育婴员 5 2025-07-20 3 1; issue_on "$D" S000036000006 "$T/e2.csv" 2025-07-29
# 25 assessed on 国庆 (10-01).
rows "$T/f1.csv" 育婴员 5 2025-10-01 25 4; issue_on "$D" S000036000007 "$T/f1.csv" 2025-10-09
# 6 issued 10 days before the suspension, 2 some 50 days before.
rows "$T/g0.csv" 育婴员 5 "$(ago 51)" 2 1; issue_on "$D" S000036000008 "$T/g0.csv" "$(ago 50)"
rows "$T/g1.csv" 育婴员 4 "$(ago 11)" 6 1; issue_on "$D" S000036000008 "$T/g1.csv" "$(ago 10)"
expect_rc "suspend" 0 $SC org suspend --db "$D" S000036000008 --note 检查中 --quiet
# Type Y: the issuer itself refuses holders employed elsewhere, so the rule
# guards records that came another way (tests/unit/test_signals.c plants
# them in the arrays); here 10 of its own staff, and the refusal.
rows "$T/h1.csv" 养老护理员 4 2025-08-01 10 1 江西康养服务有限公司
issue_on "$D" Y000036000001 "$T/h1.csv" 2025-08-02
rows "$T/h2.csv" 养老护理员 4 2025-08-01 6 0 南昌夕阳红养老院
expect_rc "type Y, other employer refused" 1 "$ISSUE_ON" "$D" Y000036000001 "$T/h2.csv" 2025-08-02
check "refused as not its own staff" contains "$T/err" "certifies only its own staff"
# 50 certificates, 3 revoked for fraud and 1 reissued (not counted).
rows "$T/i1.csv" 育婴员 3 2025-09-01 25 5; issue_on "$D" S000036000009 "$T/i1.csv" 2025-09-02
rows "$T/i2.csv" 育婴员 3 2025-09-08 25 5; issue_on "$D" S000036000009 "$T/i2.csv" 2025-09-09
for s in 000001 000002 000003; do
  expect_rc "revoke $s" 0 $SC revoke --db "$D" S000036000009253$s --reason fraud --quiet
done
expect_rc "revoke reissued" 0 $SC revoke --db "$D" S000036000009253000004 --reason reissued --quiet
# People: 五级 then 三级 in 142 days; 四级 from three bodies in 90 days; one
# ID number under two names (the authority's override recorded).
P1=$(id_number 9001); P2=$(id_number 9002); P3=$(id_number 9003)
person "$T/p1.csv" 刘玉兰 "$P1" 养老护理员 5 2025-01-09; issue_on "$D" S000036000010 "$T/p1.csv" 2025-01-10
person "$T/p2.csv" 刘玉兰 "$P1" 养老护理员 3 2025-05-31; issue_on "$D" S000036000010 "$T/p2.csv" 2025-06-01
for x in 10:2025-02-01 11:2025-03-15 12:2025-05-02; do
  person "$T/q${x%%:*}.csv" 陈丽 "$P2" 育婴员 4 "${x#*:}"; issue_on "$D" S0000360000${x%%:*} "$T/q${x%%:*}.csv" "${x#*:}"
done
person "$T/r1.csv" 张晓燕 "$P3" 育婴员 5 2025-04-01; issue_on "$D" S000036000011 "$T/r1.csv" 2025-04-02
person "$T/r2.csv" 张小燕 "$P3" 育婴员 4 2025-06-01; issue_on "$D" S000036000012 "$T/r2.csv" 2025-06-02 户籍更名

cert() { $PY -c "import json; print(json.load(open('$T/$1'))['certificates'][$2]['certno'])" 2>/dev/null; }

hits "$D" org-weekly-spike
expect_hits "spike: the going-easy org only, week 2025-W23, 120 vs median 10" "
assert [h['org_code'] for h in v]==['S000036000002'], v
h=v[0]; assert h['severity']=='high' and h['count']==120, h
assert '2025-W23' in h['description'] and '120' in h['description'] and 'median week 10' in h['description'], h
assert h['from']=='2025-06-03' and h['to']=='2025-06-04' and len(h['certificates'])==120"
hits "$D" pass-all
expect_hits "100% pass: the going-easy org, 2 batches of 60" "
assert [h['org_code'] for h in v]==['S000036000002'], v
h=v[0]; assert h['severity']=='high' and h['count']==120 and '2 batches' in h['description'], h
assert h['details'].count('60/60')==2, h"
hits "$D" pass-above-province
expect_hits "pass rate above the province's: 100% (160) against 60.4% (61 of 101)" "
assert [h['org_code'] for h in v]==['S000036000002'], v
h=v[0]; assert h['severity']=='medium' and h['count']==160, h
assert '100.0% (160 of 160)' in h['description'] and 'against 60.4%' in h['description'], h"
hits "$D" high-level-share
expect_hits "high-level share: 30 of 60 at 二级" "
assert [h['org_code'] for h in v]==['S000036000004'], v
h=v[0]; assert h['severity']=='medium' and h['count']==30 and '(30 of 60)' in h['description'], h"
hits "$D" org-capacity
expect_hits "capacity: 25 against 20 stated" "
assert [h['org_code'] for h in v]==['S000036000005'], v
h=v[0]; assert h['count']==25 and '2025: 25 certificates' in h['description'] and '20 a year' in h['description'], h"
hits "$D" assess-gap
expect_hits "assessment long before issue: 12, longest 200 days" "
assert [h['org_code'] for h in v]==['S000036000006'], v
h=v[0]; assert h['count']==12 and 'longest 200 days' in h['description'], h"
hits "$D" assess-day
expect_hits "holiday in bulk: 25 certificates assessed on 2025-10-01" "
assert [h['org_code'] for h in v]==['S000036000007'], v
h=v[0]; assert h['severity']=='low' and h['count']==25 and '2025-10-01 (a holiday): 25' in h['description'], h"
hits "$D" pre-suspension
expect_hits "before the suspension: 6 in 30 days, 2 before" "
assert [h['org_code'] for h in v]==['S000036000008'], v
h=v[0]; assert h['severity']=='high' and h['count']==6 and '(2 in the 30 days before those)' in h['description'], h
assert h['from']=='$(ago 10)', h"
hits "$D" employer-mismatch
expect_hits "type Y with its own staff: no hit" "assert v==[], v"
hits "$D" revocation-rate
expect_hits "revocations: 3 of 50 (fraud), the reissue not counted" "
assert [h['org_code'] for h in v]==['S000036000009'], v
h=v[0]; assert h['count']==3 and '3 of 50' in h['description'] and '3 fraud' in h['description'], h
assert sorted(h['certificates'])==['S000036000009253000001','S000036000009253000002','S000036000009253000003'], h"
hits "$D" level-jump
expect_hits "level jump: 5 to 3 in 142 days, masked" "
assert len(v)==1, v
h=v[0]; assert h['severity']=='high' and h['count']==2 and 'level 5 to level 3 (2 levels) in 142 days' in h['description'], h
assert h['person_id']=='${P1:0:4}**********${P1:14:4}' and h['person_name']=='刘*兰', h"
hits "$D" multi-org
expect_hits "multi-org: 3 bodies in 90 days" "
assert len(v)==1, v
h=v[0]; assert h['severity']=='medium' and h['count']==3 and 'by 3 organizations within 90 days' in h['description'], h
assert h['person_id']=='${P2:0:4}**********${P2:14:4}', h"
hits "$D" id-names
expect_hits "id-names: one number, two names" "
assert len(v)==1, v
h=v[0]; assert h['severity']=='high' and h['count']==2 and '2 different names' in h['description'], h
assert h['person_id']=='${P3:0:4}**********${P3:14:4}', h"
check "no full ID number in any output" bash -c "! grep -qE '$P1|$P2|$P3' '$T/hits.json'"

# The seeds' case in one run: the going-easy org flagged high, twice.
hits "$D" ALL --org S000036000002
expect_hits "going easy on exams: flagged by spike, pass-all and pass-above" "
r=sorted(h['rule'] for h in v); assert r==['org-weekly-spike','pass-above-province','pass-all'], r
assert v[0]['severity']=='high'"
# --since/--until narrow the window: the spike week alone has no baseline.
hits "$D" org-weekly-spike --since 2025-06-01
expect_hits "--since drops the baseline weeks" "assert v==[], v"
hits "$D" pass-all --until 2025-05-31
expect_hits "--until before the big batches" "assert v==[], v"
# Table and CSV; --fail-on; --limit-evidence.
expect_rc "table" 0 $SC signals --db "$D"
check "table counts" contains "$T/out" "high, "
check "table names the rule" contains "$T/out" "[high] pass-all  S000036000002 放水评价中心"
check "table: first 10 and the rest" contains "$T/out" "(+110 more)"
expect_rc "csv" 0 $SC signals --db "$D" --format csv --limit-evidence 3
check "csv BOM and rows" $PY -c "
import csv,io; b=open('$T/out','rb').read(); assert b[:3]==b'\xef\xbb\xbf'
rows=list(csv.DictReader(io.StringIO(b[3:].decode())))
r=[x for x in rows if x['rule']=='pass-all'][0]
assert r['count']=='120' and len(r['certificates'].split())==3 and r['org_code']=='S000036000002', r
assert len(rows)==12, len(rows)"
expect_rc "fail-on high" 1 $SC signals --db "$D" --fail-on high --quiet
expect_rc "fail-on medium with only a low hit" 0 $SC signals --db "$D" --rule assess-day --fail-on medium
expect_rc "bad --format" 64 $SC signals --db "$D" --format xml
expect_rc "bad --fail-on" 64 $SC signals --db "$D" --fail-on severe
expect_rc "unknown --org" 66 $SC signals --db "$D" --org S000036000099

# A rules file the authority edits: thresholds raised, a rule disabled.
sed -e 's/^pass-all,1,high,min_assessed=30/pass-all,1,high,min_assessed=61/' \
    -e 's/^org-weekly-spike,1,/org-weekly-spike,0,/' "$SKILLCERT_SRC/src/data/signals.csv" >"$T/rules.csv"
hits "$D" ALL --rules "$T/rules.csv" --org S000036000002
expect_hits "edited rules: 60-candidate batches no longer large, spike off" "
r=sorted(h['rule'] for h in v); assert r==['pass-above-province'], r"
cp "$T/rules.csv" "$D/signals.csv"
hits "$D" ALL --org S000036000002
expect_hits "the registry's own signals.csv is used" "assert len(v)==1, v"
rm "$D/signals.csv"
badrule() { # desc line-to-append expected-message
  { echo "rule,enabled,severity,params"; echo "$2"; } >"$T/bad.csv"
  expect_rc "bad rules: $1" 1 $SC signals --db "$D" --rules "$T/bad.csv"
  check "bad rules: $1 message" contains "$T/err" "$3"
}
badrule "unknown rule" "pass-everything,1,high," "line 2, field 1 (rule): unknown rule 'pass-everything'"
badrule "enabled" "pass-all,yes,high," "line 2, field 2 (enabled)"
badrule "severity" "pass-all,1,severe," "line 2, field 3 (severity)"
badrule "unknown key" "pass-all,1,high,min_asessed=3" "line 2, field 4 (params): rule pass-all has no parameter 'min_asessed'"
badrule "not a number" "pass-all,1,high,min_assessed=3x" "line 2, field 4 (params): min_assessed='3x'"
badrule "holidays" "assess-day,1,low,holidays=13-01" "line 2, field 4 (params): holidays"
badrule "fields" "pass-all,1,high" "line 2: 3 fields"

# Capacity in the filing: shown, changed, refused when not a number.
expect_rc "set-capacity" 0 $SC org set-capacity --db "$D" S000036000005 30 --quiet
hits "$D" org-capacity
expect_hits "capacity 30 now: no hit" "assert v==[], v"
expect_rc "show capacity" 0 $SC org show --db "$D" S000036000005 --json
check "capacity in JSON" $PY -c "import json; assert json.load(open('$T/out'))['org']['capacity']==30"
expect_rc "bad capacity" 64 $SC org set-capacity --db "$D" S000036000005 lots
expect_rc "bad --capacity" 64 $SC org add --db "$D" --code S000036000020 --name x --scope 养老护理员:5 --capacity -1

# ---------- the clean registry: each rule near, not over, its threshold ----------
C=$T/clean
expect_rc "init clean" 0 $SC init --db "$C" --province 36 --public-url https://cert.example.cn --quiet
org "$C" S000036000002 甲评价中心 --capacity 100
org "$C" S000036000003 乙评价中心
org "$C" S000036000004 丙评价中心
org "$C" Y000036000001 江西康养服务有限公司
# Weeks of 10 and one of 45 (4.5x, under 50); batches with failures but one
# of 40 all passed (one is not two); 88.5% pass (85 of 96) against 70%.
for w in 1 2 3 4; do
  rows "$T/ca$w.csv" 养老护理员 5 2025-0$w-05 10 2; issue_on "$C" S000036000002 "$T/ca$w.csv" 2025-0$w-06
done
rows "$T/ca5.csv" 养老护理员 5 2025-06-02 40 0; issue_on "$C" S000036000002 "$T/ca5.csv" 2025-06-03
rows "$T/ca6.csv" 养老护理员 5 2025-06-03 5 3; issue_on "$C" S000036000002 "$T/ca6.csv" 2025-06-04
rows "$T/cb1.csv" 养老护理员 5 2025-03-02 35 15; issue_on "$C" S000036000003 "$T/cb1.csv" 2025-03-03
rows "$T/cb2.csv" 养老护理员 5 2025-04-02 35 15; issue_on "$C" S000036000003 "$T/cb2.csv" 2025-04-03
# 二级 share 10% (5 of 50) against none elsewhere: under the 20-point margin;
# 12 assessed 150 days before issue; 19 on 10-01.
rows "$T/cc1.csv" 育婴员 5 2025-01-10 12 2; issue_on "$C" S000036000004 "$T/cc1.csv" 2025-06-09
rows "$T/cc2.csv" 育婴员 4 2025-10-01 19 3; issue_on "$C" S000036000004 "$T/cc2.csv" 2025-10-09
rows "$T/cc3.csv" 养老护理员 2 2025-05-10 5 1; rows "$T/cc4.csv" 养老护理员 4 2025-05-10 45 5
tail -n +2 "$T/cc4.csv" >>"$T/cc3.csv"; issue_on "$C" S000036000004 "$T/cc3.csv" 2025-05-11
# Type Y: its own staff.
rows "$T/cy.csv" 养老护理员 4 2025-08-01 8 1 江西康养服务有限公司; issue_on "$C" Y000036000001 "$T/cy.csv" 2025-08-02
# 2 of 75 revoked in error (2.7%), 1 at the holder's request.
for s in 000001 000002; do expect_rc "revoke $s" 0 $SC revoke --db "$C" S000036000003255$s --reason issued-in-error --quiet; done
expect_rc "revoke holder" 0 $SC revoke --db "$C" S000036000003255000003 --reason holder-request --quiet
# Suspended 60 days after its last certificate.
rows "$T/cs.csv" 育婴员 3 "$(ago 61)" 3 1; issue_on "$C" S000036000003 "$T/cs.csv" "$(ago 60)"
# People: 五级 to 四级 in 100 days, 五级 to 三级 in 387, 四级 to 二级 in 400;
# two bodies for one occupation; the same name throughout.
person "$T/cp1.csv" 刘玉兰 "$P1" 育婴员 5 2025-01-09; issue_on "$C" S000036000002 "$T/cp1.csv" 2025-01-10
person "$T/cp2.csv" 刘玉兰 "$P1" 育婴员 4 2025-04-19; issue_on "$C" S000036000002 "$T/cp2.csv" 2025-04-20
person "$T/cp3.csv" 刘玉兰 "$P1" 养老护理员 4 2024-01-09; issue_on "$C" S000036000003 "$T/cp3.csv" 2024-01-10
person "$T/cp4.csv" 刘玉兰 "$P1" 养老护理员 2 2025-02-12; issue_on "$C" S000036000003 "$T/cp4.csv" 2025-02-13
person "$T/cp5.csv" 刘玉兰 "$P1" 育婴员 3 2026-01-31; issue_on "$C" S000036000004 "$T/cp5.csv" 2026-02-01
expect_rc "suspend clean" 0 $SC org suspend --db "$C" S000036000003 --quiet
hits "$C" ALL
expect_hits "clean registry: no signal at all" "assert v==[], [(h['rule'], h['description']) for h in v]"
expect_rc "clean table" 0 $SC signals --db "$C"
check "clean: 0 signals" contains "$T/out" "0 signals (0 high, 0 medium, 0 low)"
expect_rc "clean fail-on low" 0 $SC signals --db "$C" --fail-on low
[ -n "${SIGNALS_KEEP:-}" ] && cp -r "$T" "$SIGNALS_KEEP"
finish
