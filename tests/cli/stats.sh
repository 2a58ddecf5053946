#!/usr/bin/env bash
# stats.sh - targets loaded from the seeds' tables (and refused with line
# and field when malformed), a small issuance across regions, occupations
# and levels with failures and revocations, and the quarterly report in
# CSV and JSON compared cell by cell with a table computed here from the
# rosters alone; stats --check after issuance and revocation.
source "$(dirname "$0")/lib/common.bash"
TD=$(dirname "$0")/data
D=$T/reg
expect_rc "init" 0 make_registry "$D"
SCOPE='养老护理员:5-1,育婴员:5-3,保育员:5-2'
for o in "S000036000002 360100 南昌康养评价中心" "S000036000003 360400 九江康养评价中心" \
    "S000036000004 360900 宜春康养评价中心"; do
  set -- $o
  expect_rc "org $1" 0 $SC org add --db "$D" --code "$1" --name "$3" --scope "$SCOPE" \
    --valid-from 2023-01-01 --valid-to 2030-12-31 --region "$2" --quiet
done

# Targets: the seeds' files load; malformed ones name line and field and
# leave the stored targets as they were.
expect_rc "load jiaozuo" 0 $SC targets load --db "$D" "$TD/targets-jiaozuo-2020-2022.csv"
expect_rc "load jiangxi" 0 $SC targets load --db "$D" "$TD/targets-jiangxi-2021-2022.csv"
check "rows counted" contains "$T/out" "(44 rows)"
H=region_code,region_name,year,occupations,target
printf '%s\n360100,南昌,2021,养老护理员,2400\n360100,南昌,20x1,养老护理员,1\n' $H >"$T/bad1.csv"
expect_rc "bad year" 1 $SC targets load --db "$D" "$T/bad1.csv"
check "names line and field" contains "$T/err" "line 3, field 3 (year)"
printf '%s\n369999,x,2021,*,1\n' $H >"$T/bad2.csv"
expect_rc "unknown region" 1 $SC targets load --db "$D" "$T/bad2.csv"
check "region field" contains "$T/err" "line 2, field 1 (region_code)"
printf '%s\n360100,x,2021,养老护理员,0\n' $H >"$T/bad3.csv"
expect_rc "zero target" 1 $SC targets load --db "$D" "$T/bad3.csv"
check "target field" contains "$T/err" "field 5 (target)"
printf 'code,name\n' >"$T/bad4.csv"
expect_rc "wrong header" 1 $SC targets load --db "$D" "$T/bad4.csv"
expect_rc "list --json" 0 $SC targets list --db "$D" --json
check "still the jiangxi rows" python3 -c "
import json,sys; v=json.load(open('$T/out'))
assert len(v)==44 and v[0]['region_code']==360100 and v[1]['occupations']=='育婴员|保育员', v[:2]"

# The same plan moved to this year (everything the CLI issues is today).
Y=$(date +%Y)
sed "s/,2021,/,$Y,/" "$TD/targets-jiangxi-2021-2022.csv" | grep -v ",2022," >"$T/plan.csv"
expect_rc "load this year's" 0 $SC targets load --db "$D" "$T/plan.csv"

# Rosters: org, occupation, level, result per row.
n=0
NAMES=(王秀英 李桂英 张秀兰 刘玉兰 陈丽 杨敏 黄静 赵建华 吴建国 周晓燕 徐春梅 孙海燕 马淑珍 朱红 胡芳 郭霞)
roster() { # file org rows... ("occ level result")
  local f=$1 org=$2; shift 2
  echo "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果" >"$f"
  for row in "$@"; do
    set -- $row; n=$((n+1))
    echo "${NAMES[$((n % 16))]},居民身份证,$(id_number $n),$1,,$2,过程化考核,$(date +%Y-%m-%d),$3" >>"$f"
  done
}
roster "$T/a.csv" S000036000002 "养老护理员 5 合格" "养老护理员 4 合格" "养老护理员 3 不合格" \
  "育婴员 5 合格" "保育员 4 合格" "养老护理员 2 合格"
roster "$T/b.csv" S000036000003 "养老护理员 5 合格" "养老护理员 5 合格" "育婴员 3 合格" \
  "育婴员 4 不合格"
roster "$T/c.csv" S000036000004 "保育员 5 合格" "保育员 5 合格" "保育员 5 合格"
roster "$T/d.csv" S000036000001 "养老护理员 1 合格" "家政服务员 5 合格"
for x in a:S000036000002 b:S000036000003 c:S000036000004 d:S000036000001; do
  expect_rc "issue $x" 0 $SC issue --db "$D" --org "${x#*:}" --roster "$T/${x%%:*}.csv" --json
  cp "$T/out" "$T/${x%%:*}.json"
done
expect_rc "check after issuance" 0 $SC stats --db "$D" --check
R1=$(python3 -c "import json; print(json.load(open('$T/a.json'))['certificates'][0]['certno'])")
R2=$(python3 -c "import json; print(json.load(open('$T/c.json'))['certificates'][1]['certno'])")
expect_rc "revoke 1" 0 $SC revoke --db "$D" "$R1" --reason issued-in-error
expect_rc "revoke 2" 0 $SC revoke --db "$D" "$R2" --reason fraud
expect_rc "check after revocation" 0 $SC stats --db "$D" --check
echo "$R1 $R2" >"$T/revoked"

expect_rc "csv" 0 $SC stats --db "$D" --format csv
cp "$T/out" "$T/report.csv"
check "csv has a BOM" python3 -c "assert open('$T/report.csv','rb').read(3)==b'\xef\xbb\xbf'"
expect_rc "json" 0 $SC stats --db "$D" --format json
cp "$T/out" "$T/report.json"
expect_rc "table" 0 $SC stats --db "$D"
check "table names the province" contains "$T/out" "江西省"
check "table notes 人次" contains "$T/out" "人次"
expect_rc "xlsx" 0 $SC stats --db "$D" --format xlsx --out "$T/report.xlsx"
expect_rc "xlsx needs --out" 64 $SC stats --db "$D" --format xlsx
check "expected table (csv, json, xlsx)" /usr/bin/python3 "$(dirname "$0")/lib/stats_expect.py" \
  "$SKILLCERT_SRC/src/data/regions.csv" "$T/plan.csv" "$T" "$T/report.csv" "$T/report.json" \
  "$T/report.xlsx"
check "xlsx: merged group headers, frozen header, percent format" /usr/bin/python3 -c "
import openpyxl; wb=openpyxl.load_workbook('$T/report.xlsx'); ws=wb['季度统计']
assert [str(r) for r in ws.merged_cells.ranges if r.min_row==2 and r.max_col-r.min_col==4], ws.merged_cells
assert ws.freeze_panes=='C4', ws.freeze_panes
assert ws.cell(4,6).number_format=='0.0%', ws.cell(4,6).number_format
assert wb.sheetnames[2].startswith('按月发证'), wb.sheetnames"

# HTML: one page, well formed, no script, a bar per region and group,
# every text escaped (an organization named with markup, --by org).
expect_rc "html" 0 $SC stats --db "$D" --format html --out "$T/report.html"
check "html well formed, charts" /usr/bin/python3 "$(dirname "$0")/lib/html_check.py" \
  "$T/report.html" "$T/report.csv"
# PDF: A4, the region names and totals as text, fonts embedded.
expect_rc "pdf" 0 $SC stats --db "$D" --format pdf --out "$T/report.pdf"
check "qpdf --check" qpdf --check "$T/report.pdf"
pdftotext -layout "$T/report.pdf" "$T/report.txt"
check "pdf text: regions and totals" /usr/bin/python3 -c "
import csv; t=open('$T/report.txt').read()
rows=[r for r in csv.reader(open('$T/report.csv',encoding='utf-8-sig'))]
end=rows.index([]); q=rows[1:end]
for r in q: assert r[1] in t, r[1]
tot=q[-1]; assert tot[1]=='合计' and tot[2] in t and tot[-4] in t, tot
assert '累计有效证书（按月）' in t and '人次' in t"
check "pdf page size A4" /usr/bin/python3 -c "
import subprocess; o=subprocess.run(['pdfinfo','$T/report.pdf'],capture_output=True,text=True).stdout
assert '(A4)' in o and o.index('841.89') < o.index('595.2'), o"
pdffonts "$T/report.pdf" >"$T/fonts.txt" 2>/dev/null
check "pdf fonts embedded" /usr/bin/python3 -c "
l=open('$T/fonts.txt').read().splitlines()[2:]
assert l and all(x.split()[-5]=='yes' for x in l), l"
expect_rc "by level" 0 $SC stats --db "$D" --by level --format json
check "levels" python3 -c "
import json; v=json.load(open('$T/out'))
rows={r[0]: r[2:] for r in v['rows']}
assert rows['5']==[6,2,8] and rows['total']==[11,2,13], rows"
expect_rc "org with markup" 0 $SC org add --db "$D" --code S000036000009 --name '<i>康养&评价</i>' \
  --scope "$SCOPE" --valid-from 2023-01-01 --valid-to 2030-12-31 --region 360100 --quiet
roster "$T/e.csv" S000036000009 "养老护理员 5 合格"
expect_rc "issue e" 0 $SC issue --db "$D" --org S000036000009 --roster "$T/e.csv"
expect_rc "html by org" 0 $SC stats --db "$D" --by org --format html
check "org name escaped" contains "$T/out" "&lt;i&gt;康养&amp;评价&lt;/i&gt;"
check "no raw markup" python3 -c "import sys; assert '<i>' not in open('$T/out').read()"
expect_rc "bad --by" 64 $SC stats --db "$D" --by colour
expect_rc "bad --quarter" 64 $SC stats --db "$D" --quarter 2021Q5
expect_rc "repair" 0 $SC stats --db "$D" --check --repair
expect_rc "check after repair" 0 $SC stats --db "$D" --check
[ -n "${STATS_KEEP:-}" ] && cp -r "$T" "$STATS_KEEP"
finish
