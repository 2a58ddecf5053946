#!/usr/bin/env python3
"""stats_expect.py REGIONS PLAN DIR CSV JSON [XLSX] - the quarterly report
that stats.sh expects, computed from the rosters it wrote (DIR/[abcd].csv),
the issue reports (DIR/[abcd].json), the revoked numbers (DIR/revoked),
the region catalog and the plan alone, compared cell by cell with the
CSV, JSON and XLSX (read back with openpyxl) that `skillcert stats` wrote:
the regions against the targets, the level breakdown and the months."""
import csv, datetime, json, sys

regions_path, plan_path, d, csv_path, json_path = sys.argv[1:6]
xlsx_path = sys.argv[6] if len(sys.argv) > 6 else None
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
LEVELS = [5, 4, 3, 2, 1, 0]
lvl = {r: dict.fromkeys(LEVELS, 0) for r in rows}
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
        lvl[r][int(line["等级"] or 0)] += 1
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

# The level breakdown: the same rows, valid certificates per level.
LNAMES = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师",
          1: "一级/高级技师", 0: "专项能力"}
levels = [["地区代码", "地区"] + [LNAMES[l] for l in LEVELS] + ["合计"]]
ltot = dict.fromkeys(LEVELS, 0)
for r in rows:
    for l in LEVELS:
        ltot[l] += lvl[r][l]
    if r == scope and not any(tgt[(r, g)] or done[(r, g)] for g in groups) and not any(extra[r]):
        continue
    nm = names[r] + ("（本级）" if r == scope else "")
    levels.append([r, nm] + [str(lvl[r][l]) for l in LEVELS] + [str(sum(lvl[r].values()))])
levels.append([scope, "合计"] + [str(ltot[l]) for l in LEVELS] + [str(sum(ltot.values()))])
# Months: everything stats.sh issues is today.
months = [["月份", "有效证书", "吊销", "累计有效证书"]]
cum = 0
for m in range(1, Q * 3 + 1):
    v = tot_x[0] if m == today.month else 0
    rv = tot_x[1] if m == today.month else 0
    cum += v
    months.append([f"{Y:04d}-{m:02d}", str(v), str(rv), str(cum)])

def sections_of_csv(path):
    out, cur = [], []
    for row in csv.reader(open(path, encoding="utf-8-sig")):
        if not row:
            out.append(cur); cur = []
        elif len(row) == 1 and out and not cur:
            continue  # the section's title line
        else:
            cur.append(row)
    return out + [cur]

def sections_of_xlsx(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "季度统计" and wb.sheetnames[1].startswith("等级分布"), wb.sheetnames
    out = []
    for k, ws in enumerate(wb.worksheets):
        vals = {}
        for rng in ws.merged_cells.ranges:
            v = ws.cell(rng.min_row, rng.min_col).value
            for rr in range(rng.min_row, rng.max_row + 1):
                for cc in range(rng.min_col, rng.max_col + 1):
                    vals[(rr, cc)] = v
        cell = lambda rr, cc: vals.get((rr, cc), ws.cell(rr, cc).value)
        ncol = ws.max_column
        two = k == 0
        head = []
        for cc in range(1, ncol + 1):
            a, b = cell(2, cc), cell(3, cc) if two else None
            head.append(a if b is None or b == a else f"{a} {b}")
        table, rr = [head], 4 if two else 3
        while cell(rr, 1) not in (None, ""):
            line = []
            for cc in range(1, ncol + 1):
                v = cell(rr, cc)
                h = head[cc - 1]
                if v is None:
                    v = ""
                elif h.endswith("完成率%"):
                    assert isinstance(v, (int, float)), (rr, cc, v)
                    v = f"{v * 100:.1f}"
                elif isinstance(v, (int, float)):
                    assert float(v).is_integer(), (rr, cc, v)
                    v = str(int(v))
                line.append(v)
            table.append(line); rr += 1
        out.append(table)
    return out

def compare(what, table, exp):
    good = True
    if len(table) != len(exp):
        print(f"{what}: {len(table)} rows, expected {len(exp)}"); good = False
    for i, (a, b) in enumerate(zip(table, exp)):
        if a != b:
            for j, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    print(f"{what} row {i} col {j} ({exp[0][j]}): {x!r}, expected {y!r}")
            if len(a) != len(b):
                print(f"{what} row {i}: {len(a)} cells, expected {len(b)}")
            return False
    return good

js = json.load(open(json_path))
jsec = [[js["columns"]] + [[str(c) for c in row] for row in js["rows"]]]
jsec += [[s_["columns"]] + [[str(c) for c in row] for row in s_["rows"]] for s_ in js["sections"]]
ok = True
tables = [("csv", sections_of_csv(csv_path)), ("json", jsec)]
if xlsx_path:
    tables.append(("xlsx", sections_of_xlsx(xlsx_path)))
for what, secs in tables:
    if len(secs) != 3:
        print(f"{what}: {len(secs)} sections, expected 3"); ok = False; continue
    for name, got_, exp in (("quarterly", secs[0], expect), ("levels", secs[1], levels),
                            ("months", secs[2], months)):
        ok = compare(f"{what} {name}", got_, exp) and ok
assert len(groups) == 2 and expect[-1][3] != "0", "the test issued nothing that counts"
assert int(levels[-1][-1]) == tot_x[0] > 0 and int(months[-1][-1]) == tot_x[0]
sys.exit(0 if ok else 1)
