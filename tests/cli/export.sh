#!/usr/bin/env bash
# export.sh - signed incremental exports for other departments: rows cut
# by log position (each issuance and revocation exactly once), profiles
# limiting occupations and fields, manifests that verify and fail when
# one byte of the file changes; in CSV, JSON Lines and XLSX.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
O=$T/out.d
mkdir -p "$O"
expect_rc "init" 0 make_registry "$D"
ORG=S000036000001

NAMES=(甲 乙 丙 丁 戊 己 庚 辛 壬 癸)
name() { # N -> 王 and N's digits as 甲..癸 (names hold letters only)
  local s=王 i
  for ((i = 0; i < ${#1}; i++)); do s+=${NAMES[${1:$i:1}]}; done
  echo "$s"
}
roster() { # file first count occupation
  { echo "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期"
    for i in $(seq "$2" $(($2 + $3 - 1))); do
      echo "$(name "$i"),居民身份证,$(id_number "$i"),$4,,五级,过程化考核,2024-03-15"
    done; } >"$1"
}
rows() { # csv file -> "certno event" lines, header dropped
  python3 -c '
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    r = list(csv.DictReader(f))
for x in r:
    print(x["event"], x["certno"], x.get("status", ""), x.get("name", ""), x.get("occupation", ""))
' "$1"
}

roster "$T/a.csv" 1 3 养老护理员
roster "$T/b.csv" 10 2 家政服务员
expect_rc "issue 养老护理员" 0 $SC issue --db "$D" --org $ORG --roster "$T/a.csv" --quiet
expect_rc "issue 家政服务员" 0 $SC issue --db "$D" --org $ORG --roster "$T/b.csv" --quiet

expect_rc "no --since" 64 $SC export --db "$D" --to 民政 --out "$O"
expect_rc "unknown department" 64 $SC export --db "$D" --to 公安 --since LAST --out "$O"
expect_rc "first export to 民政" 0 $SC export --db "$D" --to 民政 --since LAST --out "$O" --json
check "range 0-5" contains "$T/out" '"log_from":0,"log_to":5,"rows":5'
F1="$O/民政-0-5.csv"
check "file written" test -f "$F1"
check "manifest written" test -f "$F1.manifest"
check "file mode 0600" test "$(stat -c %a "$F1")" = 600
check "manifest mode 0600" test "$(stat -c %a "$F1.manifest")" = 600
check "UTF-8 BOM" test "$(head -c 3 "$F1" | od -An -tx1 | tr -d ' ')" = efbbbf
rows "$F1" >"$T/r1"
check "five issue rows" test "$(grep -c '^issue ' "$T/r1")" = 5
check "names" contains "$T/r1" "$(name 1)"
check "家政服务员 rows" test "$(grep -c '家政服务员' "$T/r1")" = 2
check "民政 gets ID numbers" contains "$F1" "$(id_number 2)"
check "every cell quoted" grep -q '^"0","issue",' "$F1"

expect_rc "verify" 0 $SC export verify "$F1.manifest" "$F1" --db "$D"
check "says intact" contains "$T/out" "intact, 5 rows"

expect_rc "again: nothing new" 0 $SC export --db "$D" --to 民政 --since LAST --out "$O"
check "says nothing new" contains "$T/out" "nothing new"
check "no new file" test "$(ls "$O" | wc -l)" = 2

roster "$T/c.csv" 20 2 养老护理员
expect_rc "issue more" 0 $SC issue --db "$D" --org $ORG --roster "$T/c.csv" --quiet
expect_rc "second export" 0 $SC export --db "$D" --to 民政 --since LAST --out "$O" --json
check "range 5-7" contains "$T/out" '"log_from":5,"log_to":7,"rows":2'
F2="$O/民政-5-7.csv"
rows "$F2" >"$T/r2"
check "only the new ones" test "$(wc -l <"$T/r2")" = 2
check "new roster there" contains "$T/r2" "$(name 20)"
check "first roster not again" sh -c "! grep -q '$(name 1) ' '$T/r2'"

N2=$(name 2)
C1=$(sed -n "s/^issue \([^ ]*\) valid $N2 .*/\1/p" "$T/r1")
expect_rc "revoke one" 0 $SC revoke --db "$D" "$C1" --reason issued-in-error --note 录入错误 --quiet
expect_rc "third export" 0 $SC export --db "$D" --to 民政 --since LAST --out "$O" --json
check "range 7-8" contains "$T/out" '"log_from":7,"log_to":8,"rows":1'
F3="$O/民政-7-8.csv"
rows "$F3" >"$T/r3"
check "the revocation row" grep -q "^revoke $C1 revoked $N2 " "$T/r3"
check "reason given" contains "$F3" "issued-in-error"
expect_rc "fourth export: nothing new" 0 $SC export --db "$D" --to 民政 --since LAST --out "$O"
check "revocation once" test "$(cat "$O"/民政-*.csv | grep -c '"revoke"')" = 1

# One changed byte fails; so do a swapped manifest and a forged signature.
cp "$F2" "$T/f2.csv"
python3 -c '
import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read())
n=sys.argv[2].encode(); i=b.index(n); b[i+len(n)-1]^=1; open(p,"wb").write(b)' "$T/f2.csv" "$(name 20)"
expect_rc "one changed byte" 1 $SC export verify "$F2.manifest" "$T/f2.csv" --db "$D"
check "says altered" contains "$T/err" "altered"
expect_rc "other file's manifest" 1 $SC export verify "$F1.manifest" "$F2" --db "$D"
sed 's/^rows: 2$/rows: 3/' "$F2.manifest" >"$T/m2"
expect_rc "edited manifest" 1 $SC export verify "$T/m2" "$F2" --db "$D"
check "says signature" contains "$T/err" "signature"
expect_rc "original still verifies" 0 $SC export verify "$F2.manifest" "$F2" --db "$D"

# The receiving side: no registry, the keys of a trust bundle.
expect_rc "trust export" 0 $SC trust export --db "$D" --out "$T/trust.bin" --quiet
expect_rc "verify with the bundle" 0 $SC export verify "$F2.manifest" "$F2" --trust "$T/trust.bin"
check "names the authority" contains "$T/out" "signed by authority"
expect_rc "altered, with the bundle" 1 $SC export verify "$F2.manifest" "$T/f2.csv" --trust "$T/trust.bin"
expect_rc "another registry" 0 make_registry "$T/other"
expect_rc "other trust" 0 $SC trust export --db "$T/other" --out "$T/other.bin" --quiet
expect_rc "another authority's bundle" 1 $SC export verify "$F2.manifest" "$F2" --trust "$T/other.bin"
check "says authority" contains "$T/err" "authority"

# The profile limits 妇联 to 家政服务员 and to its fields.
expect_rc "export to 妇联" 0 $SC export --db "$D" --to 妇联 --since LAST --out "$O" --json
check "妇联 range 0-8" contains "$T/out" '"log_from":0,"log_to":8,"rows":2'
F4="$O/妇联-0-8.csv"
rows "$F4" >"$T/r4"
check "家政服务员 only" test "$(grep -c 家政服务员 "$T/r4")" = 2
check "no ID numbers" sh -c "! grep -q '$(id_number 10)' '$F4'"
check "no id_number column" sh -c "! head -1 '$F4' | grep -q id_number"
check "妇联 header" grep -q '"log_index","event","certno","name","occupation","level","org_name","issued_on","status","revoked_on"' "$F4"
expect_rc "妇联 verifies" 0 $SC export verify "$F4.manifest" "$F4" --db "$D"

# all: each department from its own position; JSON Lines.
expect_rc "export all jsonl" 0 $SC export --db "$D" --to all --since LAST --format jsonl --out "$O" --json
check "商务 from 0" test -f "$O/商务-0-8.jsonl"
check "卫健 from 0" test -f "$O/卫健-0-8.jsonl"
check "民政 nothing new" python3 -c '
import json, sys
d = {x["department"]: x for x in json.load(open(sys.argv[1]))["exports"]}
assert d["民政"]["file"] is None and d["妇联"]["file"] is None
assert d["卫健"]["rows"] == 6, d
' "$T/out"
check "jsonl parses, no 家政服务员 for 卫健" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 6 and all(r["occupation"] == "养老护理员" for r in rows)
assert [r["event"] for r in rows].count("revoke") == 1
' "$O/卫健-0-8.jsonl"
expect_rc "jsonl verifies" 0 $SC export verify "$O/卫健-0-8.jsonl.manifest" "$O/卫健-0-8.jsonl" --db "$D"

# XLSX: the same columns and cells as the CSV of the same range, every
# cell text; the manifest's SHA-256 is over the workbook's bytes.
expect_rc "export xlsx" 0 $SC export --db "$D" --to 民政 --since 0 --format xlsx --out "$O" --json
check "xlsx 0-8" contains "$T/out" '"log_from":0,"log_to":8,"rows":8'
FX="$O/民政-0-8.xlsx"
check "xlsx mode 0600" test "$(stat -c %a "$FX")" = 600
check "manifest says xlsx" grep -qx "format: xlsx" "$FX.manifest"
expect_rc "csv of the same range" 0 $SC export --db "$D" --to 民政 --since 0 --out "$O"
check "xlsx cells = csv cells" /usr/bin/python3 -c '
import csv, sys, openpyxl
c = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
ws = openpyxl.load_workbook(sys.argv[2]).active
x = [[("" if v is None else v) for v in r] for r in ws.iter_rows(values_only=True)]
assert all(isinstance(v, str) for r in x for v in r), "a cell is not text"
assert len(c) == 9 and x == c, (len(x), len(c), [(a, b) for a, b in zip(x, c) if a != b][:2])
assert ws.freeze_panes == "A2"
' "$O/民政-0-8.csv" "$FX"
expect_rc "xlsx verifies" 0 $SC export verify "$FX.manifest" "$FX" --db "$D"
check "says intact" contains "$T/out" "intact, 8 rows"
cp "$FX" "$T/x.xlsx"
python3 -c '
import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$T/x.xlsx"
expect_rc "xlsx: one changed byte" 1 $SC export verify "$FX.manifest" "$T/x.xlsx" --db "$D"
check "xlsx says altered" contains "$T/err" "altered"
expect_rc "xlsx with the bundle" 0 $SC export verify "$FX.manifest" "$FX" --trust "$T/trust.bin"

# --since SIZE re-cuts a range without lowering the position; never
# overwrites a file already there.
expect_rc "since 7 exists" 67 $SC export --db "$D" --to 民政 --since 7 --out "$O"
check "file kept" grep -q "^revoke $C1 " <(rows "$F3")
rm "$F3" "$F3.manifest"
expect_rc "since 7 re-cut" 0 $SC export --db "$D" --to 民政 --since 7 --out "$O" --json
check "7-8" contains "$T/out" '"log_from":7,"log_to":8,"rows":1'
expect_rc "since 5" 0 $SC export --db "$D" --to 民政 --since 5 --out "$O" --json
check "5-8" contains "$T/out" '"log_from":5,"log_to":8,"rows":3'
expect_rc "position kept" 0 $SC export --db "$D" --to 民政 --since LAST --out "$O"
check "still nothing new" contains "$T/out" "nothing new"
expect_rc "beyond the head" 1 $SC export --db "$D" --to 民政 --since 99 --out "$O"

# A registry's own profiles file replaces the built-in one.
printf 'department,occupations,fields\n审计,*,certno|level\n' >"$D/export_profiles.csv"
expect_rc "own profiles" 0 $SC export --db "$D" --to 审计 --since LAST --out "$O" --json
check "审计 all rows" contains "$T/out" '"rows":8'
printf 'department,occupations,fields\n审计,*,certno|salt\n' >"$T/bad.csv"
expect_rc "unknown field refused" 1 $SC export --db "$D" --to 审计 --since LAST --out "$O" --profiles "$T/bad.csv"
check "names the field" contains "$T/err" "unknown field salt"
finish
