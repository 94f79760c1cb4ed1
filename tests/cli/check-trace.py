#!/usr/bin/env python3
# check-trace.py TRACE.json REPORT.json: the Chrome trace is trace-event
# JSON (ph, ts, dur, pid, tid), slices do not overlap on a track, and the
# per-layer slice durations agree with the report's layer times (their sum,
# within 5%). Prints one line per failed check; exits 1 if any failed.
import json, statistics, sys

trace = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
fail = []
evs = trace.get("traceEvents")
if not isinstance(evs, list) or not evs:
    print("no traceEvents array"); sys.exit(1)
tracks, names = {}, {}
for e in evs:
    for k in ("ph", "pid", "tid", "name"):
        if k not in e:
            fail.append("event without %s: %s" % (k, e))
    if e.get("ph") == "X":
        if not isinstance(e.get("ts"), (int, float)) or not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0:
            fail.append("complete event without ts/dur: %s" % e)
            continue
        for k in ("kind", "layout", "impl", "flops", "counts"):
            if k not in e.get("args", {}):
                fail.append("slice args without %s" % k)
        tracks.setdefault((e["pid"], e["tid"]), []).append(e)
    elif e.get("ph") == "M" and e.get("name") == "thread_name":
        names[(e["pid"], e["tid"])] = e["args"]["name"]
    elif e.get("ph") in ("C", "i"):
        if not isinstance(e.get("ts"), (int, float)):
            fail.append("%s event without ts" % e["ph"])
workers = report["config"]["threads"]
if len(tracks) != workers:
    fail.append("%d tracks for %d workers" % (len(tracks), workers))
for key, sl in tracks.items():
    if "cpu" not in names.get(key, ""):
        fail.append("track %s not named with its cpu: %r" % (key, names.get(key)))
    sl.sort(key=lambda e: e["ts"])
    for a, b in zip(sl, sl[1:]):
        if b["ts"] < a["ts"] + a["dur"] - 1e-6:
            fail.append("overlap on track %s: %s at %.3f ends %.3f, %s begins %.3f" % (
                key, a["name"], a["ts"], a["ts"] + a["dur"], b["name"], b["ts"]))
            break
# a layer's length in an iteration: from its first begin to its last end
span = {}
for sl in tracks.values():
    for e in sl:
        k = (e["args"]["iteration"], e["args"]["layer"])
        b, en = span.get(k, (e["ts"], e["ts"] + e["dur"]))
        span[k] = (min(b, e["ts"]), max(en, e["ts"] + e["dur"]))
per_layer = {}
for (it, layer), (b, en) in span.items():
    per_layer.setdefault(layer, []).append(en - b)
trace_ms = sum(statistics.median(v) for v in per_layer.values()) / 1e3
report_ms = sum(l["time_ms"] for l in report["layers"] if l["index"] in per_layer)
if abs(trace_ms - report_ms) > 0.05 * report_ms:
    fail.append("slices sum to %.3f ms per iteration, the report's layers to %.3f ms" % (trace_ms, report_ms))
for f in fail[:10]:
    print(f)
print("# %d events, %d tracks, slices %.3f ms vs report %.3f ms" % (len(evs), len(tracks), trace_ms, report_ms))
sys.exit(1 if fail else 0)
