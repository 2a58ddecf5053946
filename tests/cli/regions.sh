#!/usr/bin/env bash
# regions.sh - organizations filed with a county or prefecture, their
# changes of region, rosters with 结果 (assessed and passed), and the
# organization record of earlier releases still read; the shipped
# catalog's hierarchy and a county's roll-up in stats.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
expect_rc "init" 0 make_registry "$D"
SCOPE='养老护理员:5-1'

# Filing with a region: inside the code's province and in the catalog.
expect_rc "add with a prefecture" 0 $SC org add --db "$D" --code S000036000002 \
  --name 南昌康养评价中心 --scope "$SCOPE" --valid-from 2023-01-01 --valid-to 2030-12-31 --region 360100 --quiet
expect_rc "add with a county of 焦作" 0 $SC org add --db "$D" --code S000041000001 \
  --name 沁阳市康养培训学校 --scope "$SCOPE" --valid-from 2023-01-01 --valid-to 2030-12-31 --region 410882 --quiet
expect_rc "unknown region" 1 $SC org add --db "$D" --code S000036000003 \
  --name x --scope "$SCOPE" --region 369999
check "says not in the catalog" contains "$T/err" "not in the region catalog"
expect_rc "region of another province" 1 $SC org add --db "$D" --code S000036000003 \
  --name x --scope "$SCOPE" --region 410882
check "says which province" contains "$T/err" "not inside province 36"
expect_rc "not six digits" 64 $SC org add --db "$D" --code S000036000003 \
  --name x --scope "$SCOPE" --region 3601
expect_rc "nothing filed on failure" 66 $SC org show --db "$D" S000036000003

expect_rc "show --json" 0 $SC org show --db "$D" S000041000001 --json
check "region code" contains "$T/out" '"region_code":"410882"'
check "region name" contains "$T/out" '"region_name":"沁阳市"'
check "province still named" contains "$T/out" '"region":"河南省"'
expect_rc "list" 0 $SC org list --db "$D"
check "list shows the county" contains "$T/out" "410882 沁阳市"
check "default is the province" grep -q "S000036000001.*360000 江西省" "$T/out"
expect_rc "list --json" 0 $SC org list --db "$D" --json
check "list --json region" contains "$T/out" '"region_code":"360100","region_name":"南昌市"'

# Changing the region needs a reason, which is kept with the date.
expect_rc "set-region without reason" 64 $SC org set-region --db "$D" S000036000002 --region 360400
expect_rc "set-region to another province" 1 $SC org set-region --db "$D" S000036000002 \
  --region 510100 --reason x
expect_rc "set-region" 0 $SC org set-region --db "$D" S000036000002 --region 360400 \
  --reason "迁址九江" --quiet
expect_rc "set-region to where it is" 67 $SC org set-region --db "$D" S000036000002 \
  --region 360400 --reason again
expect_rc "show after" 0 $SC org show --db "$D" S000036000002 --json
check "new region" contains "$T/out" '"region_code":"360400","region_name":"九江市"'
check "history with reason" grep -q '"region_history":"[0-9-]* 360100->360400 迁址九江"' "$T/out"
expect_rc "show text" 0 $SC org show --db "$D" S000036000002
check "text history" grep -q "360100->360400 迁址九江" "$T/out"

# A roster with 结果: numbers for the passes only, in sequence.
{
  echo "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果"
  echo "甲一,居民身份证,$(id_number 1),养老护理员,,五级,过程化考核,2024-03-15,合格"
  echo "乙二,居民身份证,$(id_number 2),养老护理员,,五级,过程化考核,2024-03-15,不合格"
  echo "丙三,居民身份证,$(id_number 3),养老护理员,,五级,过程化考核,2024-03-15,"
  echo "丁四,居民身份证,$(id_number 4),养老护理员,,五级,过程化考核,2024-03-15,fail"
  echo "戊五,居民身份证,$(id_number 5),养老护理员,,五级,过程化考核,2024-03-15,pass"
} >"$T/r1.csv"
year=$(date +%y)
expect_rc "issue with 结果" 0 $SC issue --db "$D" --org S000036000002 --roster "$T/r1.csv" --json
cp "$T/out" "$T/i1.json"
check "3 issued" contains "$T/i1.json" '"issued":3'
check "none rejected" contains "$T/i1.json" '"rejected":0'
check "assessed and passed" contains "$T/i1.json" '"assessed":5,"passed":3'
check "failed rows reported" test "$(grep -o '"status":"failed-assessment"' "$T/i1.json" | wc -l)" = 2
check "failed rows have no number" bash -c "! grep -q '\"line\":3,\"status\":\"failed-assessment\",\"certno\"' '$T/i1.json'"
for n in 1 2 3; do
  check "number 00000$n given" contains "$T/i1.json" "\"certno\":\"S000036000002${year}500000$n\""
done
check "no fourth number" bash -c "! grep -q 'S000036000002${year}5000004' '$T/i1.json'"
expect_rc "text report" 0 $SC issue --db "$D" --org S000036000002 --roster "$T/r1.csv" --dry-run
check "text assessed/passed" contains "$T/out" "5 assessed, 3 passed"
check "text failed" contains "$T/out" "failed-assessment  乙二"
# The next batch continues the sequence: no gap where the failures were.
{
  echo "姓名,证件类型,证件号码,职业,等级,评价方式,考核日期,考核结果"
  echo "己六,居民身份证,$(id_number 6),养老护理员,五级,过程化考核,2024-03-16,合格"
} >"$T/r2.csv"
expect_rc "second batch" 0 $SC issue --db "$D" --org S000036000002 --roster "$T/r2.csv" --json
check "continues at 000004" contains "$T/out" "\"certno\":\"S000036000002${year}5000004\""
check "roster without failures" contains "$T/out" '"assessed":1,"passed":1'
# A 结果 that is neither is a rejected row naming the column.
sed 's/,合格$/,优秀/' "$T/r2.csv" >"$T/r3.csv"
expect_rc "bad 结果" 1 $SC issue --db "$D" --org S000036000002 --roster "$T/r3.csv"
check "names 结果" contains "$T/err" "结果"

# The organization record of earlier releases (version 1, no region) is
# read as filed with its province, and still goes into trust bundles.
if command -v mdb_dump >/dev/null && command -v mdb_load >/dev/null && command -v python3 >/dev/null; then
  mdb_dump -s orgs "$D" >"$T/orgs.dump"
  python3 - "$T/orgs.dump" >"$T/orgs.v1" <<'PY'
import sys, binascii
lines = open(sys.argv[1]).read().rstrip("\n").split("\n")
out, i, key = [], 0, None
for l in lines:
    if l.startswith(" ") and key is None:
        key = l; continue
    if l.startswith(" "):
        v = bytearray(binascii.unhexlify(l[1:]))
        if binascii.unhexlify(key[1:]) == b"S000036000001":
            tail = 10 if v[0] == 3 else 6  # version 3 appends a u32 capacity
            n = len(v) - tail
            assert int.from_bytes(v[n + 4:n + 6], "big") == 0
            v = bytearray([1]) + v[1:n]
        out += [key, " " + binascii.hexlify(v).decode()]
        key = None; continue
    out.append(l)
print("\n".join(out))
PY
  expect_rc "load a version 1 record" 0 mdb_load -s orgs -f "$T/orgs.v1" "$D"
  expect_rc "v1 record shows" 0 $SC org show --db "$D" S000036000001 --json
  check "v1 region is the province" contains "$T/out" '"region_code":"360000","region_name":"江西省"'
  expect_rc "v1 org still issues" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/r2.csv" --json
  no=$(grep -o '"certno":"[^"]*"' "$T/out" | head -1 | cut -d'"' -f4)
  expect_rc "trust export" 0 $SC trust export --db "$D" --out "$T/trust.bundle"
  expect_rc "verify through the bundle" 0 $SC verify --trust "$T/trust.bundle" "$($SC token --db "$D" "$no")"
  expect_rc "v1 org set-region" 0 $SC org set-region --db "$D" S000036000001 --region 360100 --reason 补录 --quiet
fi
# A registry whose stored regions catalog is the old two-column file.
printf '# 省级行政区\ncode,name\n36,江西省\n41,河南省\n' >"$T/old-regions.csv"
expect_rc "load the old shape" 0 $SC catalog load regions "$T/old-regions.csv" --db "$D" --quiet
expect_rc "opens and lists" 0 $SC org list --db "$D"
check "a county the old file lacks shows ?" contains "$T/out" "410882 ?"
expect_rc "province code filed" 0 $SC org add --db "$D" --code S000036000009 \
  --name 旧目录机构 --scope "$SCOPE" --region 360000 --quiet
expect_rc "no prefectures in the old file" 1 $SC org add --db "$D" --code S000036000010 \
  --name x --scope "$SCOPE" --region 360100
expect_rc "the new file back" 0 $SC catalog load regions "$SKILLCERT_SRC/src/data/regions.csv" --db "$D" --quiet
expect_rc "prefecture again" 0 $SC org set-region --db "$D" S000036000009 --region 360100 --reason 目录更新 --quiet
# The catalog as shipped: codes unique, every parent listed, and every
# county of the seeds' provinces under its prefecture (重庆's and the
# 省直辖 济源 under the province), so its certificates roll up.
check "catalog hierarchy" /usr/bin/python3 - "$SKILLCERT_SRC/src/data/regions.csv" <<'PY'
import csv, sys
rows = [r for r in csv.reader(l for l in open(sys.argv[1], encoding="utf-8")
                              if not l.startswith("#"))][1:]
codes = [r[0] for r in rows if r]
assert len(codes) == len(set(codes)), "duplicate codes"
names = {r[0]: r[1] for r in rows if r}
n = {}
for c, name, p in (r for r in rows if r):
    assert len(c) == 6 and c.isdigit() and name, c
    if c.endswith("0000"):
        assert p == "", c
        continue
    pref, prov = c[:4] + "00", c[:2] + "0000"
    if not p:
        p = pref if not c.endswith("00") and pref in names else prov
    assert p in names and p[:2] == c[:2], (c, p)
    if c[:2] in ("36", "51", "15", "50", "41") and not c.endswith("00"):
        want = prov if c[:2] == "50" or c[:4] == "4190" else pref
        assert p == want, (c, p, want)
        n[c[:2]] = n.get(c[:2], 0) + 1
assert n == {"36": 100, "51": 183, "15": 103, "50": 38, "41": 157}, n
PY

# A county-filed organization counts toward its prefecture and province;
# the home region of an ID number is named down to its county.
idn() { # first 17 digits -> with the GB 11643 check digit
  local w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) s=0 i c="10X98765432"
  for i in $(seq 0 16); do s=$((s + ${1:$i:1} * ${w[$i]})); done
  echo "$1${c:$((s % 11)):1}"
}
Q=$T/county
expect_rc "init (county)" 0 make_registry "$Q"
expect_rc "add with a county of 南昌" 0 $SC org add --db "$Q" --code S000036000011 \
  --name 进贤县康养培训学校 --scope "$SCOPE" --valid-from 2023-01-01 --valid-to 2030-12-31 --region 360124 --quiet
{
  echo "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期,结果"
  echo "甲一,居民身份证,$(idn 36012419800101001),养老护理员,,五级,过程化考核,$(date +%F),合格"
  echo "乙二,居民身份证,$(idn 36012419800102002),养老护理员,,五级,过程化考核,$(date +%F),合格"
  echo "丙三,居民身份证,$(idn 51010419800103003),养老护理员,,五级,过程化考核,$(date +%F),合格"
  echo "丁四,居民身份证,$(idn 36012219800104004),养老护理员,,五级,过程化考核,$(date +%F),合格"
} >"$T/county.csv"
expect_rc "issue (county)" 0 $SC issue --db "$Q" --org S000036000011 --roster "$T/county.csv" --quiet
expect_rc "quarterly report" 0 $SC stats --db "$Q" --format json
check "county counts in 南昌市, no row of its own" /usr/bin/python3 -c "
import json; v=json.load(open('$T/out'))
rows={r[0]: r for r in v['rows']}
assert rows['360100'][1]=='南昌市' and rows['360100'][2]==4, rows['360100']
assert rows['360000'][1]=='合计' and rows['360000'][2]==4, rows['360000']
assert '360124' not in rows and all(c[4:]=='00' for c in rows), sorted(rows)
assert sum(r[2] for c, r in rows.items() if c!='360000')==4"
expect_rc "report below 南昌市" 0 $SC stats --db "$Q" --region 360100 --format json
check "county row below its prefecture" /usr/bin/python3 -c "
import json; v=json.load(open('$T/out'))
rows={r[0]: r for r in v['rows']}
assert rows['360124'][1:3]==['进贤县', 4] and rows['360100'][1:3]==['合计', 4], rows
assert set(rows) >= {'360102','360113','360121','360123'} and '360122' not in rows, sorted(rows)"
expect_rc "by home-region" 0 $SC stats --db "$Q" --by home-region --format json
check "home regions named to the county" /usr/bin/python3 -c "
import json; v=json.load(open('$T/out'))
rows={r[0]: r[1:3] for r in v['rows']}
assert rows['360124']==['进贤县', 2] and rows['510104']==['锦江区', 1], rows
assert rows['360122']==['南昌市', 1], rows  # 新建县's old code: its prefecture"
expect_rc "by region" 0 $SC stats --db "$Q" --by region --format json
check "by region names the county" contains "$T/out" '["360124","进贤县",4'
finish
