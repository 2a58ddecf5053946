#!/usr/bin/env bash
# portal_supervision.sh - the authority's supervision pages in the portal
# with curl: 统计报表 (its tables equal `skillcert stats --format json` cell
# by cell, an SVG chart, no inline style; CSV, XLSX opened by openpyxl,
# PDF passing qpdf --check, RFC 5987 file names), 预警信号 (a planted
# level jump listed with links to its certificates, no full ID number;
# the filters; CSV), 数据共享 (a POST without the CSRF token refused, with
# it an export whose manifest passes `skillcert export verify`, a second
# with nothing new exporting 0 rows, audited); an organization's user gets
# the same 404 as for an unknown page on all of them.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/portal.bash"
SCP=${SKILLCERT_BUILD:?}/skillcert-portald
ISSUE_ON=$SKILLCERT_BUILD/tests/issue_on
PY=/usr/bin/python3
for t in curl oathtool qpdf; do
  command -v $t >/dev/null || { echo "$t is required"; exit 1; }
done
D=$T/reg
# the registry's keys are not passphrase-encrypted (issue_on plants with
# none); the portal still insists on a passphrase file
printf 'portal-supervision-pass-1\n' >"$T/pass"; chmod 600 "$T/pass"
A=S000036000010 B=S000036000011
expect_rc "init" 0 $SC init --db "$D" --province 36 --public-url http://127.0.0.1:9 --quiet
expect_rc "org A" 0 $SC org add --db "$D" --code $A --name 南昌康养评价中心 --region 360100 \
  --scope '养老护理员:5-1,育婴员:5-3' --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
expect_rc "org B" 0 $SC org add --db "$D" --code $B --name 九江康养评价中心 --region 360400 \
  --scope '养老护理员:5-1,育婴员:5-3' --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
YEAR=$(date +%Y) TODAY=$(date +%Y-%m-%d)
printf 'region_code,region_name,year,occupations,target\n360100,南昌,%s,养老护理员,40\n360400,九江,%s,养老护理员,20\n360100,南昌,%s,育婴员,10\n' \
  $YEAR $YEAR $YEAR >"$T/targets.csv"
expect_rc "targets" 0 $SC targets load --db "$D" "$T/targets.csv"
H="姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果,工作单位"
NEXT=100
rows() { # file occ level pass fail
  local f=$1 i; echo "$H" >"$f"
  for i in $(seq 1 $(($4 + $5))); do NEXT=$((NEXT + 1))
    echo "王秀英,居民身份证,$(id_number $NEXT),$2,,$3,过程化考核,$TODAY,$([ $i -le $4 ] && echo 合格 || echo 不合格)," >>"$f"
  done; }
rows "$T/a.csv" 养老护理员 5 12 3; expect_rc "issue A" 0 $ISSUE_ON "$D" $A "$T/a.csv" $TODAY
rows "$T/a2.csv" 育婴员 4 4 0; expect_rc "issue A 育婴员" 0 $ISSUE_ON "$D" $A "$T/a2.csv" $TODAY
rows "$T/b.csv" 养老护理员 3 7 1; expect_rc "issue B" 0 $ISSUE_ON "$D" $B "$T/b.csv" $TODAY
# A planted signal (as tests/cli/signals.sh): 五级 then 三级 within 142 days.
P1=$(id_number 9001)
printf '%s\n刘玉兰,居民身份证,%s,养老护理员,,5,过程化考核,2025-01-09,合格,\n' "$H" "$P1" >"$T/p1.csv"
printf '%s\n刘玉兰,居民身份证,%s,养老护理员,,3,过程化考核,2025-05-31,合格,\n' "$H" "$P1" >"$T/p2.csv"
expect_rc "plant 1" 0 $ISSUE_ON "$D" $A "$T/p1.csv" 2025-01-10
expect_rc "plant 2" 0 $ISSUE_ON "$D" $A "$T/p2.csv" 2025-06-01
expect_rc "signals json" 0 $SC signals --db "$D" --format json
cp "$T/out" "$T/sig.json"
JUMP=$($PY -c "import json; v=[h for h in json.load(open('$T/sig.json'))['signals'] if h['rule']=='level-jump']; print(' '.join(v[0]['certificates']))")
check "the CLI sees the planted jump" test -n "$JUMP"
expect_rc "stats json" 0 $SC stats --db "$D" --format json
cp "$T/out" "$T/stats.json"

PW='Supervision-Passw0rd-1'
printf '%s\n' "$PW" >"$T/pw"; chmod 600 "$T/pw"
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
expect_rc "authority" 0 $SC user add auth1 --db "$D" --authority --password-file "$T/pw" --no-change-required
expect_rc "authority totp" 0 $SC user totp auth1 --db "$D" --secret $SECRET
expect_rc "operator" 0 $SC user add opa --db "$D" --org $A --role operator --password-file "$T/pw" --no-change-required
expect_rc "admin" 0 $SC user add adma --db "$D" --org $A --role admin --password-file "$T/pw" --no-change-required
expect_rc "admin totp" 0 $SC user totp adma --db "$D" --secret $SECRET

start_portal "$T/portal.log" $SCP --db "$D" --passphrase-file "$T/pass" --threads 2
CX=$(login auth1); XX=$(csrf "$CX")
check "authority logged in" test -n "$XX"
CO=$(login opa); XO=$(csrf "$CO")
check "operator logged in" test -n "$XO"
sleep 31   # a second TOTP login in the same 30 s window is a replay
CM=$(login adma)
check "admin logged in" test -n "$(csrf "$CM")"

# --- navigation -------------------------------------------------------------
get "$CX" /dashboard
for l in /stats /signals /exports /audit /orgs; do
  check "authority menu links $l" contains "$T/body" "<a href=\"$l\">"
done
get "$CO" /dashboard
check "operator's dashboard as before" test "$CODE" = 200
for l in /stats /signals /exports; do
  check "operator menu has no $l" bash -c "! grep -qF '<a href=\"$l\">' '$T/body'"
done

# --- 统计报表 ----------------------------------------------------------------
get "$CX" /stats
check "stats page 200" test "$CODE" = 200
check "report with an SVG chart" contains "$T/body" "<svg"
check "report stylesheet linked" contains "$T/body" '<link rel="stylesheet" href="/static/report.css">'
check "no inline <style>" bash -c "! grep -qi '<style' '$T/body'"
check "no style= attribute" bash -c "! grep -qi ' style=' '$T/body'"
check "download links" contains "$T/body" 'href="/stats.xlsx?year='
cp "$T/body" "$T/stats.html"
check "the page's tables equal skillcert stats --format json" $PY - "$T/stats.html" "$T/stats.json" <<'PYEOF'
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.tables=[]; s.cell=None; s.inbody=False; s.row=None; s.sec=0
    def handle_starttag(s, t, a):
        if t=='section' and ('class','skc-report') in a: s.sec=1
        if not s.sec: return
        if t=='table': s.tables.append([])
        elif t=='tbody': s.inbody=True
        elif t=='tr' and s.inbody: s.row=[]
        elif t=='td' and s.row is not None: s.cell=''
    def handle_endtag(s, t):
        if t=='tbody': s.inbody=False
        elif t=='tr' and s.row is not None: s.tables[-1].append(s.row); s.row=None
        elif t=='td' and s.cell is not None: s.row.append(s.cell); s.cell=None
    def handle_data(s, d):
        if s.cell is not None: s.cell+=d
p=P(); p.feed(open(sys.argv[1]).read())
j=json.load(open(sys.argv[2]))
secs=[j]+j.get('sections',[])
assert len(p.tables)==len(secs), (len(p.tables), len(secs))
def same(h, v):
    if v is None: return h.strip() in ('', '-', '—')
    if isinstance(v, bool): return False
    if isinstance(v, int): return h.strip()==str(v)
    if isinstance(v, float): return abs(float(h)-v) < 0.051
    return h.strip()==str(v)
total=0
for t, s in zip(p.tables, secs):
    assert len(t)==len(s['rows']), (s['title'], len(t), len(s['rows']))
    for hr, jr in zip(t, s['rows']):
        assert len(hr)==len(jr), (hr, jr)
        for h, v in zip(hr, jr):
            assert same(h, v), (s['title'], hr, jr)
            total += isinstance(v, int) and v or 0
assert total > 0, "the report counted nothing"
PYEOF
get "" /static/report.css
check "report.css served" test "$CODE" = 200
check "report.css is the report's CSS" contains "$T/body" ".skc-report .sw.bar"
get "$CX" "/stats.xlsx"
check "xlsx 200" test "$CODE" = 200
check "xlsx attachment, ASCII and RFC 5987 names" grep -q "Content-Disposition: attachment; filename=\"skillcert-stats-360000-${YEAR}Q[1-4].xlsx\"; filename\*=UTF-8''%E7%BB%9F%E8%AE%A1" "$T/hdr"
cp "$T/body" "$T/r.xlsx"
check "openpyxl opens the workbook" $PY -c "
import openpyxl; wb=openpyxl.load_workbook('$T/r.xlsx'); assert len(wb.sheetnames)>=1
ws=wb[wb.sheetnames[0]]; assert ws.max_row>5, ws.max_row"
get "$CX" "/stats.pdf"
check "pdf 200" test "$CODE" = 200
check "pdf content type" grep -qi "Content-Type: application/pdf" "$T/hdr"
cp "$T/body" "$T/r.pdf"
check "qpdf --check passes" qpdf --check "$T/r.pdf"
get "$CX" "/stats.csv"
check "csv 200" test "$CODE" = 200
expect_rc "CLI csv" 0 $SC stats --db "$D" --format csv
check "CSV download equals skillcert stats --format csv" cmp -s "$T/body" "$T/out"
get "$CX" "/stats?year=$YEAR&quarter=1&region=360100"
check "a chosen quarter and region" test "$CODE" = 200
check "its title" contains "$T/body" "南昌市 ${YEAR}年第1季度"
get "$CX" "/stats?year=1999"
check "a bad year: 400" test "$CODE" = 400
get "$CX" "/stats?region=110000"
check "a region outside the province: 400" test "$CODE" = 400

# --- 预警信号 ----------------------------------------------------------------
get "$CX" /signals
check "signals page 200" test "$CODE" = 200
cp "$T/body" "$T/signals.html"
check "the planted level jump listed" contains "$T/body" "level-jump"
for n in $JUMP; do
  check "evidence $n links to its certificate page" contains "$T/body" "<a href=\"/cert/$n\">$n</a>"
done
check "the person masked" contains "$T/body" "${P1:0:4}**********${P1:14:4}"
check "no full ID number" bash -c "! grep -q '$P1' '$T/body'"
FIRST=${JUMP%% *}
get "$CX" "/cert/$FIRST"
check "the linked certificate page exists" test "$CODE" = 200
NALL=$($PY -c "import json; print(len(json.load(open('$T/sig.json'))['signals']))")
NHIGH=$($PY -c "import json; print(len([h for h in json.load(open('$T/sig.json'))['signals'] if h['severity']=='high']))")
check "every hit of the CLI on the page ($NALL)" test "$(grep -o 'class="sev sev-' "$T/signals.html" | wc -l)" = "$NALL"
get "$CX" "/signals?severity=high"
check "high only: the jump (high) stays" contains "$T/body" "level-jump"
check "high only: as many as the CLI's high hits" test "$(grep -o 'class="sev sev-high"' "$T/body" | wc -l)" = "$NHIGH"
check "high only: no medium or low" bash -c "! grep -q 'class=\"sev sev-medium\"\\|class=\"sev sev-low\"' '$T/body'"
get "$CX" "/signals?org=$B"
check "org B: not the jump" bash -c "! grep -q 'level-jump' '$T/body'"
get "$CX" "/signals?since=$YEAR-01-01"
check "since this year: not the 2025 jump" bash -c "! grep -q 'level-jump' '$T/body'"
get "$CX" "/signals?org=S000036999999"
check "unknown org: 400" test "$CODE" = 400
get "$CX" /signals.csv
check "signals csv 200" test "$CODE" = 200
check "signals csv attachment" grep -q "Content-Disposition: attachment; filename=\"skillcert-signals.csv\"" "$T/hdr"
check "csv has the jump" contains "$T/body" "level-jump"
check "csv: no full ID number" bash -c "! grep -q '$P1' '$T/body'"

# --- 数据共享 ----------------------------------------------------------------
get "$CX" /exports
check "exports page 200" test "$CODE" = 200
check "lists 民政" contains "$T/body" "民政"
check "lists 卫健" contains "$T/body" "卫健"
post "$CX" /exports --data-urlencode "dept=民政" --data "format=csv"
check "export without CSRF: 403" test "$CODE" = 403
post "$CX" /exports --data-urlencode "dept=民政" --data "format=csv&csrf=0000000000000000000000000000000000000000000000000000000000000000"
check "export with a wrong CSRF: 403" test "$CODE" = 403
check "nothing written when refused" bash -c "! ls '$D/exports/'*.manifest 2>/dev/null | grep -q ."
post "$CX" /exports --data-urlencode "dept=民政" --data "format=csv&csrf=$XX"
check "export with CSRF: 200" test "$CODE" = 200
unq() { $PY -c "import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))" "$1"; }
FL=$(sed -n 's/.*href="\/exports\/file\/\([^"]*\.csv\)">下载文件.*/\1/p' "$T/body" | head -1)
check "offers the file" test -n "$FL"
ML=$(sed -n 's/.*href="\/exports\/file\/\([^"]*\.manifest\)">下载签名清单.*/\1/p' "$T/body" | head -1)
check "offers the manifest" test -n "$ML"
curl -s -o "$T/exp.csv" -D "$T/hdr" -H "Cookie: $CX" "$U/exports/file/$FL"
check "file attachment (ASCII + RFC 5987)" grep -q "Content-Disposition: attachment; filename=\"export-.*\.csv\"; filename\*=UTF-8''%E6%B0%91%E6%94%BF" "$T/hdr"
curl -s -o "$T/exp.csv.manifest" -H "Cookie: $CX" "$U/exports/file/$ML"
expect_rc "the downloaded manifest passes export verify" 0 $SC export verify "$T/exp.csv.manifest" "$T/exp.csv" --db "$D"
ROWS=$(sed -n 's/^rows: //p' "$T/exp.csv.manifest")
check "the export has rows" test "${ROWS:-0}" -gt 0
check "exported files are 0600" bash -c "test \"\$(stat -c %a '$D/exports/$(unq "$FL")')\" = 600"
check "the export dir is 0700" bash -c "test \"\$(stat -c %a '$D/exports')\" = 700"
get "$CX" /exports
SHA=$(sed -n 's/^sha256: //p' "$T/exp.csv.manifest")
check "past exports list the SHA-256" contains "$T/body" "$SHA"
check "past exports list the row count" contains "$T/body" "<td data-label=\"行数\">$ROWS</td>"
check "the position moved" bash -c "grep -q '日志 [1-9]' '$T/body'"
post "$CX" /exports --data-urlencode "dept=民政" --data "format=csv&csrf=$XX"
check "second export 200" test "$CODE" = 200
check "nothing new: 0 rows" contains "$T/body" "（0 行）"
check "no new file" test "$(ls "$D/exports/"*.manifest | wc -l)" = 1
post "$CX" /exports --data-urlencode "dept=卫健" --data "format=xlsx&csrf=$XX"
FX=$(sed -n 's/.*href="\/exports\/file\/\([^"]*\.xlsx\)">下载文件.*/\1/p' "$T/body" | head -1)
check "xlsx export offered" test -n "$FX"
FX=$(unq "$FX")
expect_rc "xlsx export verifies in place" 0 $SC export verify "$D/exports/$FX.manifest" "$D/exports/$FX" --db "$D"
post "$CX" /exports --data-urlencode "dept=公安" --data "format=csv&csrf=$XX"
check "unknown department refused" test "$CODE" != 200
get "$CX" "/exports/file/..%2Freg.mdb"
check "no path out of the exports dir" test "$CODE" = 404
get "$CX" "/audit.csv?action=export"
check "exports audited: who, department, outcome" $PY -c "
import csv; r=[x for x in csv.DictReader(open('$T/body', encoding='utf-8-sig')) if x['action']=='export']
got=[(x['who'], x['object'], x['outcome']) for x in r]
for w in [('auth1','民政','ok'), ('auth1','民政','empty'), ('auth1','卫健','ok'), ('auth1','公安','error')]:
    assert w in got, (w, got)"
get "$CX" "/audit.csv?action=export_download"
check "downloads audited with the file name" contains "$T/body" "$(unq "$FL")"

# --- organization users: the same 404 as an unknown page ---------------------
for c in "$CO" "$CM"; do
  get "$c" /no-such-page; cp "$T/body" "$T/nf"
  for p in /stats /stats.xlsx /stats.pdf /stats.csv /signals /signals.csv /exports "/exports/file/$FL"; do
    get "$c" "$p"
    check "org user: $p is 404" test "$CODE" = 404
    check "org user: $p same bytes as unknown" cmp -s "$T/body" "$T/nf"
  done
  post "$c" /exports --data-urlencode "dept=民政" --data "format=csv&csrf=$(csrf "$c")"
  check "org user: export POST is 404" test "$CODE" = 404
done
check "org users exported nothing" test "$(ls "$D/exports/"*.manifest | wc -l)" = 2
get "" /stats
check "anonymous: to login" test "$CODE" = 303
finish
