#!/usr/bin/env python3
"""html_check.py HTML CSV - the stats HTML page is well formed (every
element closed in order), holds no script or event handler, and its SVG
bar charts draw one bar per region row of the CSV's quarterly table for
each target group, plus the monthly line."""
import csv, re, sys
from html.parser import HTMLParser

VOID = {"meta", "br", "img", "input", "link", "hr", "line", "rect", "circle",
        "polyline", "path"}

class Check(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad, self.bars, self.svgs = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "script" or any(a.startswith("on") for a, _ in attrs):
            self.bad.append(f"script: <{tag}>")
        if tag == "svg":
            self.svgs += 1
        if tag == "rect" and ("class", "bar") in attrs:
            self.bars += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.bad.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
        else:
            self.stack.pop()

html_path, csv_path = sys.argv[1:3]
text = open(html_path, encoding="utf-8").read()
c = Check()
c.feed(text)
c.close()
rows = list(csv.reader(open(csv_path, encoding="utf-8-sig")))
q = rows[:rows.index([])]
groups = len({h.rsplit(" ", 1)[0] for h in q[0] if h.endswith(" 目标")})
regions = len(q) - 2  # header and total
assert not c.bad, c.bad
assert not c.stack, f"unclosed: {c.stack}"
assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
assert c.svgs == groups + 1, (c.svgs, groups)
assert c.bars == groups * regions, (c.bars, groups, regions)
assert "<polyline" in text and "name=\"viewport\"" in text
for r in q[1:-1]:
    assert r[1] in text, r[1]
