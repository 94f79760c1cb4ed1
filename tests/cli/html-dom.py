#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check a DOM a browser dumped (chromium --dump-dom) against a report's JSON.

html-dom.py DOM JSON [FIRST]: the table id="layers" has one <tbody> row per
layer of the JSON, each layer's time_ms cell carries the JSON's number in
data-v, the layer names read as the JSON spells them (escaped, not markup),
the total row holds the latency; with FIRST, the first row is that layer
(the page was sorted by its script). Prints what differs; exit 1 if anything.
"""
import json
import sys
from html.parser import HTMLParser


class Tables(HTMLParser):
    """Cells of every table by id: {id: {"head": [...], "body": [[(text, data-v)]], "foot": [...]}}."""

    def __init__(self):
        super().__init__()
        self.tables, self.stack, self.part, self.cell, self.row = {}, [], None, None, None
        self.elements_with_id = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.elements_with_id.add(a["id"])
        if tag == "table":
            self.stack.append(a.get("id", ""))
            self.tables.setdefault(self.stack[-1], {"head": [], "body": [], "foot": []})
        elif tag in ("thead", "tbody", "tfoot") and self.stack:
            self.part = {"thead": "head", "tbody": "body", "tfoot": "foot"}[tag]
        elif tag == "tr" and self.stack and self.part:
            self.row = []
            self.tables[self.stack[-1]][self.part].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ["", a.get("data-v")]
            self.row.append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table" and self.stack:
            self.stack.pop()
            self.part = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def main():
    dom, js = sys.argv[1], sys.argv[2]
    first = sys.argv[3] if len(sys.argv) > 3 else None
    p = Tables()
    with open(dom, encoding="utf-8") as f:
        p.feed(f.read())
    with open(js, encoding="utf-8") as f:
        rep = json.load(f)
    bad = []
    t = p.tables.get("layers")
    if not t:
        print("no table id=layers")
        return 1
    head = [c[0] for c in t["head"][0]]
    col_name, col_time = head.index("layer"), head.index("time_ms")
    rows = t["body"]
    if len(rows) != len(rep["layers"]):
        bad.append(f"{len(rows)} rows, the JSON has {len(rep['layers'])} layers")
    by_name = {r[col_name][0]: r for r in rows}
    for layer in rep["layers"]:
        r = by_name.get(layer["name"])
        if r is None:
            bad.append(f"layer {layer['name']!r} not in the table")
            continue
        v = r[col_time][1]
        if v is None or abs(float(v) - layer["time_ms"]) > 1e-9 * max(1, abs(layer["time_ms"])):
            bad.append(f"{layer['name']}: time_ms {v}, JSON {layer['time_ms']}")
    total = [r for r in t["foot"] if r[col_name][0] == "total"]
    if not total or abs(float(total[0][col_time][1]) - rep["total"]["latency_ms"]) > 1e-9:
        bad.append("total row does not hold the latency")
    if first and rows and rows[0][col_name][0] != first:
        bad.append(f"first row {rows[0][col_name][0]!r}, expected {first!r}")
    if "evil" in p.elements_with_id:
        bad.append("a layer name became markup")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
