#!/usr/bin/env python3
"""stats_expect.py REGIONS PLAN DIR CSV JSON - the quarterly report that
stats.sh expects, computed from the rosters it wrote (DIR/[abcd].csv),
the issue reports (DIR/[abcd].json), the revoked numbers (DIR/revoked),
the region catalog and the plan alone, compared cell by cell with the
CSV and JSON that `skillcert stats` wrote."""
import csv, datetime, json, sys

regions_path, plan_path, d, csv_path, json_path = sys.argv[1:6]
ORGS = {"a": "360100", "b": "360400", "c": "360900", "d": "360000"}

def load_regions(path):
    rows = [r for r in csv.reader(l for l in open(path, encoding="utf-8")
                                  if not l.startswith("#"))][1:]
    names = {r[0]: r[1] for r in rows if r}
    parent = {}
    for r in rows:
        if not r:
            continue
        c = r[0]
        p = r[2] if len(r) > 2 else ""
        if not p and not c.endswith("0000"):
            pref = c[:4] + "00"
            p = pref if not c.endswith("00") and pref in names else c[:2] + "0000"
        parent[c] = p
    return names, parent

names, parent = load_regions(regions_path)

def within(code, outer):
    while code:
        if code == outer:
            return True
        code = parent.get(code, "")
    return False

today = datetime.date.today()
Y, Q = today.year, (today.month + 2) // 3
scope = "360000"
children = sorted(c for c, p in parent.items() if p == scope)
rows = children + [scope]

def row_of(code):
    for r in children:
        if within(code, r):
            return r
    return scope if within(code, scope) else None

plan = list(csv.DictReader(open(plan_path, encoding="utf-8")))
groups = []
for t in plan:
    key = (t["occupations"], t["year"])
    if t["year"] == str(Y) and row_of(t["region_code"]) and key not in groups:
        groups.append(key)

def covers(g, occ):
    return g[0] == "*" or occ in g[0].split("|")

tgt = {(r, g): 0 for r in rows for g in groups}
done = dict.fromkeys(tgt, 0)
extra = {r: [0, 0, 0, 0] for r in rows}  # valid, revoked, assessed, passed
for t in plan:
    key = (t["occupations"], t["year"])
    if key in groups:
        tgt[(row_of(t["region_code"]), key)] += int(t["target"])
revoked = set(open(d + "/revoked").read().split())
for f, region in ORGS.items():
    lines = list(csv.DictReader(open(f"{d}/{f}.csv", encoding="utf-8")))
    issued = json.load(open(f"{d}/{f}.json"))["certificates"]
    r = row_of(region)
    for line, rep in zip(lines, issued):
        extra[r][2] += 1
        if line["结果"] != "合格":
            continue
        extra[r][3] += 1
        if rep["certno"] in revoked:
            extra[r][1] += 1
            continue
        extra[r][0] += 1
        for g in groups:
            if covers(g, line["职业"]):
                done[(r, g)] += 1

start = datetime.date(Y, 1, 1)
span = (datetime.date(Y, 12, 31) - start).days + 1
qend = (datetime.date(Y + 1, 1, 1) if Q == 4 else datetime.date(Y, 3 * Q + 1, 1)) - datetime.timedelta(days=1)
el = (min(today, qend) - start).days + 1

def line_of(code, name, tg, dn, ex):
    out = [code, name]
    for g in groups:
        t, n = tg[g], dn[g]
        out += [str(t), str(n), str(n), f"{n * 100 / t:.1f}" if t else "",
                str((n * span * 2 + el) // (2 * el))]
    return out + [str(x) for x in ex]

expect = [["地区代码", "地区"]]
for g in groups:
    label = "全部康养职业" if g[0] == "*" else g[0]
    expect[0] += [f"{label} {c}" for c in ("目标", "本季度", "累计", "完成率%", "预计期末")]
expect[0] += ["有效证书(年累计)", "吊销(年累计)", "参评(年累计)", "合格(年累计)"]
tot_t = dict.fromkeys(groups, 0); tot_d = dict.fromkeys(groups, 0); tot_x = [0] * 4
for r in rows:
    tg = {g: tgt[(r, g)] for g in groups}
    dn = {g: done[(r, g)] for g in groups}
    for g in groups:
        tot_t[g] += tg[g]; tot_d[g] += dn[g]
    tot_x = [a + b for a, b in zip(tot_x, extra[r])]
    if r == scope:
        if not any(tg.values()) and not any(dn.values()) and not any(extra[r]):
            continue
        expect.append(line_of(r, names[r] + "（本级）", tg, dn, extra[r]))
    else:
        expect.append(line_of(r, names[r], tg, dn, extra[r]))
expect.append(line_of(scope, "合计", tot_t, tot_d, tot_x))

got = list(csv.reader(open(csv_path, encoding="utf-8-sig")))
js = json.load(open(json_path))
jrows = [js["columns"]] + [[str(c) for c in row] for row in js["rows"]]
ok = True
for what, table in (("csv", got), ("json", jrows)):
    if len(table) != len(expect):
        print(f"{what}: {len(table)} rows, expected {len(expect)}"); ok = False
    for i, (a, b) in enumerate(zip(table, expect)):
        if a != b:
            for j, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    print(f"{what} row {i} col {j} ({expect[0][j]}): {x!r}, expected {y!r}")
            if len(a) != len(b):
                print(f"{what} row {i}: {len(a)} cells, expected {len(b)}")
            ok = False
            break
assert len(groups) == 2 and expect[-1][3] != "0", "the test issued nothing that counts"
sys.exit(0 if ok else 1)
