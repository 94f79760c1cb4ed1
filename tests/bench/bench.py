#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make bench: convprof's performance, its peers and its own overhead, in one
run. Every comparison is interleaved round by round and reported as a median,
because the cores may be shared: the ratios are the result, not the
absolute times.

  tests/bench/bench.py [-r ROUNDS] [-t THREADS] [--quick] [--no-peers]

Parts (each says when it cannot run here):
  1. this machine's ceilings (convprof machine, from its cache or measured)
  2. ResNet-50 batch 1: f32 nchw/nhwc/blocked at 1 and 2 threads, bf16 and
     int8 in the best layout; YOLOv3 at 416 and 608; PyTorch's ResNet-50
     (eager and optimize_for_inference) and OpenCV DNN's YOLOv3 as peers
  3. the conv layers' share of the measured FMA peak
  4. the goals of the workloads issue, met or not
  5. instrumentation overhead: time only, counters, eBPF (interleaved)
  6. system calls per layer boundary (perf's raw_syscalls tracepoint)
  7. agreement with perf stat on task-clock, page-faults, context-switches
"""
import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CP = os.path.join(TOP, "convprof")


def convprof(*args, check=True):
    r = subprocess.run([CP, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("convprof %s: %s" % (" ".join(args), r.stderr.strip()))
    return r


def stat_json(model, *args):
    r = convprof("stat", model, "--format", "json", *args)
    return json.loads(r.stdout)


def med(v):
    return statistics.median(v) if v else float("nan")


def section(title):
    print("\n## " + title)


def ceilings(threads):
    r = convprof("machine", "--show", "--format", "json", check=False)
    src = "cache"
    if r.returncode != 0:
        r = convprof("machine", "--format", "json")
        src = "measured now"
    m = json.loads(r.stdout)
    pts = {p["cores"]: p for p in m["results"]} if "results" in m else {}
    return m, pts, src


def workloads(a):
    """(label, model, args) of every convprof configuration."""
    t = str(a.threads)
    base = ["-e", "none", "--ebpf", "none", "--no-overhead", "-n", str(a.iters), "--warmup", "2"]
    cfgs = []
    for layout in ("nchw", "nhwc", "blocked"):
        for th in sorted({1, a.threads}):
            cfgs.append(("resnet50 f32 %s %dt" % (layout, th), "resnet50",
                         base + ["-l", layout, "-t", str(th)]))
    for p in ("bf16", "int8"):
        cfgs.append(("resnet50 %s blocked %st" % (p, t), "resnet50", base + ["-p", p, "-t", t]))
    if not a.quick:
        ybase = ["-e", "none", "--ebpf", "none", "--no-overhead", "-n", "3", "--warmup", "1", "-t", t]
        for s in ("416", "608"):
            cfgs.append(("yolov3 f32 blocked %s %st" % (s, t), "yolov3", ybase + ["-s", s]))
    return cfgs


def torch_peer(a):
    try:
        import torch
        import torchvision
    except ImportError as e:
        return None, "not installed (%s): apt-get install python3-torch python3-torchvision" % e
    torch.set_num_threads(a.threads)
    model = torchvision.models.resnet50().eval()
    x = torch.rand(1, 3, 224, 224)
    with torch.no_grad():
        jit = torch.jit.optimize_for_inference(torch.jit.trace(model, x))
        for fn in (model, jit):
            for _ in range(3):
                fn(x)

    def run(samples):
        with torch.no_grad():
            for name, fn in (("pytorch eager", model), ("pytorch optimize_for_inference", jit)):
                for _ in range(a.iters):
                    t0 = time.perf_counter()
                    fn(x)
                    samples[name].append((time.perf_counter() - t0) * 1e3)
    return run, None


def opencv_peer(a, tmp):
    try:
        import cv2  # noqa: F401
    except ImportError as e:
        return None, "not installed (%s): apt-get install python3-opencv" % e
    spec = importlib.util.spec_from_file_location(
        "ocv", os.path.join(TOP, "tests", "bench", "opencv-compare.py"))
    ocv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ocv)
    import cv2
    import numpy as np
    cfg = os.path.join(tmp, "yolov3.cfg")
    wts = os.path.join(tmp, "yolov3.weights")
    ocv.plain_cfg(cfg)
    ocv.write_weights(cfg, wts)
    cv2.setNumThreads(a.threads)
    nets = {}
    for s in (416, 608):
        net = cv2.dnn.readNetFromDarknet(cfg, wts)
        net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        blob = np.random.default_rng(1).random((1, 3, s, s), dtype=np.float32)
        net.setInput(blob)
        net.forward(net.getUnconnectedOutLayersNames())
        nets[s] = (net, blob)

    def run(samples):
        for s, (net, blob) in nets.items():
            for _ in range(2):
                net.setInput(blob)
                t0 = time.perf_counter()
                net.forward(net.getUnconnectedOutLayersNames())
                samples["opencv yolov3 %d" % s].append((time.perf_counter() - t0) * 1e3)
    return run, None


def performance(a, peak2):
    section("workloads: batch 1, medians over %d interleaved rounds" % a.rounds)
    samples = defaultdict(list)
    conv_share = []
    cfgs = workloads(a)
    tmp = tempfile.mkdtemp(prefix="convprof-bench-")
    peers = []
    why = {}
    if not a.no_peers:
        for name, make in (("pytorch", lambda: torch_peer(a)),
                           ("opencv", lambda: opencv_peer(a, tmp))):
            run, reason = make()
            if run:
                peers.append(run)
            else:
                why[name] = reason
    try:
        for r in range(a.rounds):
            for label, model, args in cfgs:
                j = stat_json(model, *args)
                samples[label].append(j["total"]["latency_ms"])
                if label == "resnet50 f32 blocked %dt" % a.threads:
                    fl = sum(l["flops"] for l in j["layers"] if l["kind"] == "conv")
                    ms = sum(l["time_ms"] for l in j["layers"] if l["kind"] == "conv")
                    conv_share.append(fl / (ms * 1e-3) / 1e9)
            for run in peers:
                run(samples)
            print("  round %d/%d done" % (r + 1, a.rounds), file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    width = max(len(k) for k in samples) + 2
    print("%-*s %10s %10s" % (width, "configuration", "ms", "img/s"))
    for k, v in samples.items():
        m = med(v)
        print("%-*s %10.2f %10.1f" % (width, k, m, 1e3 / m))
    for name, reason in why.items():
        print("%s: %s" % (name, reason))
    return samples, med(conv_share)


def goals(a, s, conv_gflops, peak2):
    section("goals (issue: workloads)")
    t = a.threads
    best_f32 = min(med(s["resnet50 f32 %s %dt" % (l, t)]) for l in ("nchw", "nhwc", "blocked"))
    rows = []
    jit = s.get("pytorch optimize_for_inference")
    if jit:
        rows.append(("best ResNet-50 f32 layout vs PyTorch's fastest path",
                     med(jit) / best_f32, ">= 1.00x", med(jit) / best_f32 >= 1.0))
    if peak2 == peak2 and conv_gflops == conv_gflops:
        share = conv_gflops / peak2
        rows.append(("conv layers' share of the measured FMA peak (%.1f of %.1f GFLOP/s)"
                     % (conv_gflops, peak2), share * 100, ">= 85%", share >= 0.85))
    for sz in (416, 608):
        ocv, ours = s.get("opencv yolov3 %d" % sz), s.get("yolov3 f32 blocked %d %dt" % (sz, t))
        if ocv and ours:
            rows.append(("YOLOv3 %d vs OpenCV DNN" % sz, med(ocv) / med(ours), ">= 1.50x",
                         med(ocv) / med(ours) >= 1.5))
    i8 = s.get("resnet50 int8 blocked %dt" % t)
    if i8:
        rows.append(("int8 vs our f32 (blocked)", med(s["resnet50 f32 blocked %dt" % t]) / med(i8),
                     ">= 3.00x", med(s["resnet50 f32 blocked %dt" % t]) / med(i8) >= 3.0))
    for what, v, bar, met in rows:
        print("  %-70s %8.2f  %-8s %s" % (what, v, bar, "met" if met else "MISSED"))


def overhead(a):
    section("instrumentation overhead, ResNet-50 f32 blocked batch 1, %d threads" % a.threads)
    common = ["-n", str(a.iters), "--warmup", "2", "-t", str(a.threads)]
    modes = [
        ("time only (-e none --ebpf none)", ["-e", "none", "--ebpf", "none"]),
        ("counters, default events (--ebpf none)", ["--ebpf", "none"]),
    ]
    pct = defaultdict(list)
    spread = defaultdict(list)
    lat = defaultdict(list)
    backend = {}
    for _ in range(a.rounds):
        for name, extra in modes:
            j = stat_json("resnet50", *common, *extra)
            # null when inside its noise: the spread says how wide that is
            if j["total"]["overhead_pct"] is not None:
                pct[name].append(j["total"]["overhead_pct"])
            if j["total"].get("overhead_spread_pct") is not None:
                spread[name].append(j["total"]["overhead_spread_pct"])
            backend[name] = j["backend"]
        # eBPF on vs off with the same counters: latency ratio, interleaved
        for name, extra in (("counters only", ["--ebpf", "none"]), ("counters + all eBPF", [])):
            j = stat_json("resnet50", *common, "--no-overhead", *extra)
            lat[name].append(j["total"]["latency_ms"])
    for name, _ in modes:
        if pct[name]:
            print("  %-45s %6.2f%%  (noise ±%.2f%%; backend %s; per-layer vs plain iterations,"
                  " median ratio; %d of %d rounds measurable)"
                  % (name, med(pct[name]), med(spread[name]), backend[name], len(pct[name]), a.rounds))
        else:
            print("  %-45s not measurable here (noise ±%.2f%%, median over %d rounds; backend %s)"
                  % (name, med(spread[name]), a.rounds, backend[name]))
    if "rdpmc" not in backend.values():
        print("  %-45s %s" % ("rdpmc", "not supported here: no hardware PMU, so not measured"))
    r = [b / a_ for a_, b in zip(lat["counters only"], lat["counters + all eBPF"])]
    print("  %-45s %6.2f%%  (median of per-round latency ratios, %d rounds)"
          % ("all eBPF parts (default 499 Hz) vs counters", (med(r) - 1) * 100, len(r)))


def perf_count(events, args):
    r = subprocess.run(["perf", "stat", "-x,", "-e", events, "--", CP, *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr else "perf failed")
    out = {}
    for line in r.stderr.splitlines():
        f = line.split(",")
        if len(f) > 2 and f[0] and f[0][0].isdigit():
            out[f[2]] = float(f[0])
    return out, r.stdout


def syscall_delta(cmd, n1, n2):
    """System calls per iteration: the difference of an n1- and an n2-iteration run."""
    got = []
    for n in (n1, n2):
        r = subprocess.run(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "--",
                            *[c.replace("{N}", str(n)) for c in cmd]],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError((r.stderr.strip().splitlines() or ["perf failed"])[-1])
        got.append(next(float(l.split(",")[0]) for l in r.stderr.splitlines()
                        if "raw_syscalls:sys_enter" in l))
    return (got[1] - got[0]) / (n2 - n1)


def syscalls(a):
    section("system calls per layer boundary (perf stat -e raw_syscalls:sys_enter)")
    if not shutil.which("perf"):
        print("  not measured: perf is not installed (apt-get install linux-perf)")
        return
    n1, n2 = 20, 120
    t = str(a.threads)
    nops = len(stat_json("resnet50", "-e", "none", "--ebpf", "none", "-n", "1",
                         "--warmup", "0", "--no-overhead")["layers"])
    bench = os.path.join(TOP, "build", "net-bench")
    base = None
    if os.path.exists(bench):
        try:
            base = syscall_delta([bench, "-m", "resnet50", "-t", t, "-n", "{N}", "-r", "1", "-q",
                                  "f32:blocked:1"], n1, n2)
            print("  %-45s %8.2f per iteration (oneDNN and libgomp alone)"
                  % ("uninstrumented loop (build/net-bench)", base))
        except RuntimeError as e:
            print("  uninstrumented loop: not measured: %s" % e)
    else:
        print("  uninstrumented loop: not measured (make net-bench builds it)")
    for name, extra in (("time only (-e none --ebpf none)", ["-e", "none", "--ebpf", "none"]),
                        ("software counters (task-clock,page-faults)",
                         ["-e", "task-clock,page-faults", "--ebpf", "none"]),
                        ("time only + eBPF sched,faults,numa",
                         ["-e", "none", "--ebpf", "sched,faults,numa"])):
        cmd = [CP, "stat", "resnet50", "--no-overhead", "--warmup", "0", "-n", "{N}",
               "-t", t, *extra]
        try:
            per_iter = syscall_delta(cmd, n1, n2)
        except RuntimeError as e:
            print("  %-45s not measured: %s" % (name, e))
            continue
        added = "" if base is None else ", convprof adds %.3f per boundary" % (
            round((per_iter - base) / (nops + 1), 3) + 0.0)
        print("  %-45s %8.2f per iteration%s" % (name, per_iter, added))
    print("  (%d boundaries an iteration; difference of %d and %d iterations so start-up"
          " cancels;\n   eBPF sample is left out: reading its stack map after the run grows"
          " with the run)" % (nops + 1, n1, n2))


def agreement(a):
    section("agreement with perf stat (task-clock, page-faults, context-switches)")
    if not shutil.which("perf"):
        print("  not measured: perf is not installed")
        return
    ev = "task-clock,page-faults,context-switches"
    n1, n2 = 10, 60
    res = {}
    for n in (n1, n2):
        args = ["stat", "resnet50", "--format", "json", "--no-overhead", "--warmup", "0",
                "--ebpf", "none", "-n", str(n), "-t", str(a.threads), "-e", ev]
        c, out = perf_count(ev, args)
        j = json.loads(out)
        res[n] = (c, j["total"]["counts"], j["iterations"])
    print("  %-18s %14s %14s %8s" % ("event", "perf (delta)", "convprof", "diff"))
    for e in ev.split(","):
        perf_name = {"task-clock": "task-clock", "page-faults": "page-faults",
                     "context-switches": "context-switches"}[e]
        dp = res[n2][0].get(perf_name, float("nan")) - res[n1][0].get(perf_name, float("nan"))
        if e == "task-clock":
            dp *= 1e6  # perf prints msec
        dc = res[n2][1].get(e, 0) * res[n2][2] - res[n1][1].get(e, 0) * res[n1][2]
        # a relative difference of counts near 0 means nothing: say the absolute one
        if abs(dp) >= 1000:
            print("  %-18s %14.0f %14.0f %7.2f%%" % (e, dp, dc, (dc - dp) / dp * 100))
        else:
            print("  %-18s %14.0f %14.0f %+7.0f (counts this small: absolute difference)"
                  % (e, dp, dc, dc - dp))
    print("  method: perf counts the whole process, convprof its workers over the measured"
          "\n  iterations; the difference of a %d- and a %d-iteration run cancels start-up,"
          "\n  build and exit, which are the same in both." % (n1, n2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("-n", "--iters", type=int, default=10)
    ap.add_argument("-t", "--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true", help="no YOLOv3, fewer rounds")
    ap.add_argument("--no-peers", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.rounds = min(a.rounds, 2)
    print("# convprof bench (%s)" % time.strftime("%Y-%m-%d %H:%M"))
    print(subprocess.run([CP, "--version"], capture_output=True, text=True).stdout.strip())
    section("machine")
    m, pts, src = ceilings(a.threads)
    for c in sorted(pts):
        p = pts[c]
        print("  %d core%s: f32 %.1f GFLOP/s, bf16 %.1f, int8 %.1f GOP/s; triad %.1f GB/s"
              % (c, "" if c == 1 else "s", p.get("f32_gflops") or float("nan"),
                 p.get("bf16_gflops") or float("nan"), p.get("int8_gops") or float("nan"),
                 p.get("triad_gbs") or float("nan")))
    print("  (%s)" % src)
    peak = pts.get(a.threads, {}).get("f32_gflops") or float("nan")
    s, conv = performance(a, peak)
    goals(a, s, conv, peak)
    overhead(a)
    syscalls(a)
    agreement(a)


if __name__ == "__main__":
    main()
