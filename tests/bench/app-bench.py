#!/usr/bin/python3
# `convprof stat -- <command>` (time only; + software counters; + every
# eBPF part) against the same PyTorch script unprofiled,
# under ONEDNN_VERBOSE=1 and under torch.profiler (record_shapes): the
# script's own median forward time, configurations interleaved round by
# round, medians over the rounds. Also: convprof's per-period latency vs
# the script's own forward time, and convprof's conv time vs
# torch.profiler's per-op conv time.
#
#   /usr/bin/python3 tests/bench/app-bench.py [--rounds R] [--forwards N]
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CP = os.path.join(TOP, "convprof")
SCRIPT = os.path.join(TOP, "tests", "app", "resnet50.py")
PY = "/usr/bin/python3"


def forward_ms(stderr):
    m = re.search(r"forward_ms ([0-9.]+)", stderr)
    return float(m.group(1)) if m else None


def quartiles(v):
    v = sorted(v)
    q = len(v) // 4
    return v[len(v) // 2], v[-1 - q] - v[q]


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env=None):
    c0 = cpu_s()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("app-bench: %s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr[-500:]))
    # CPU time (user + sys, convprof's included) is what a loaded machine disturbs least
    p.cpu_s = cpu_s() - c0
    return p


def bpf_progs():
    try:
        out = subprocess.run(["bpftool", "prog", "show", "--json"], capture_output=True,
                             text=True).stdout
        return {p["id"]: p.get("run_time_ns", 0) for p in json.loads(out or "[]")}
    except (OSError, ValueError):
        return {}


def run_bpf_stats(cmd, env):
    """The command's stderr and the run time of the eBPF programs loaded while
    it ran (kernel.bpf_stats_enabled, bpftool polled until it ends), or None."""
    stats = "/proc/sys/kernel/bpf_stats_enabled"
    try:
        with open(stats) as f:
            old = f.read().strip()
        with open(stats, "w") as f:
            f.write("1")
    except OSError:
        return run(cmd, env).stderr, None
    before = set(bpf_progs())
    seen = {}
    try:
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        while p.poll() is None:
            for k, v in bpf_progs().items():
                if k not in before:
                    seen[k] = max(seen.get(k, 0), v)
            time.sleep(0.25)
        err = p.stderr.read()
    finally:
        with open(stats, "w") as f:
            f.write(old)
    return err, sum(seen.values()) if seen else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--forwards", type=int, default=10)
    # long enough that --count-every's blocks cycle (8 x 4096 executions)
    ap.add_argument("--inproc-forwards", type=int, default=320)
    ap.add_argument("--no-inproc", action="store_true", help="only the runs across processes")
    a = ap.parse_args()
    # the same pinning convprof gives the command, for every configuration
    env = dict(os.environ, OMP_NUM_THREADS="2", OMP_PLACES="{0},{1}", OMP_PROC_BIND="close")
    script = [PY, SCRIPT, str(a.forwards)]
    configs = {
        "unprofiled": lambda: run(script, env),
        "convprof stat --": lambda: run([CP, "stat", "-t", "2", "--ebpf", "none",
                                         "--warmup", "2", "--format", "json", "--"] + script, env),
        "+ sw counters": lambda: run([CP, "stat", "-t", "2", "--ebpf", "none",
                                      "-e", "task-clock,page-faults,context-switches",
                                      "--warmup", "2", "--format", "json", "--"] + script, env),
        "+ all eBPF": lambda: run([CP, "stat", "-t", "2", "--ebpf", "all",
                                   "-e", "task-clock,page-faults,context-switches",
                                   "--warmup", "2", "--format", "json", "--"] + script, env),
        "ONEDNN_VERBOSE=1": lambda: run(script, dict(env, ONEDNN_VERBOSE="1")),
        "torch.profiler": lambda: run(script + ["profiler"], env),
    }
    alt = [PY, SCRIPT, str(a.inproc_forwards), "alternate"]
    inproc_cfg = {
        "time path": [CP, "stat", "-t", "2", "--ebpf", "none", "-e", "none", "--warmup", "2",
                      "--format", "json", "--"] + alt,
        "+ sw counters": [CP, "stat", "-t", "2", "--ebpf", "none",
                          "-e", "task-clock,page-faults,context-switches", "--warmup", "2",
                          "--format", "json", "--"] + alt,
        "+ all eBPF": [CP, "stat", "-t", "2", "--ebpf", "all",
                       "-e", "task-clock,page-faults,context-switches", "--warmup", "2",
                       "--format", "json", "--"] + alt,
        "sw, --count-every 1": [CP, "stat", "-t", "2", "--ebpf", "none", "--count-every", "1",
                                "-e", "task-clock,page-faults,context-switches", "--warmup", "2",
                                "--format", "json", "--"] + alt,
        # the anchors, toggled the same way inside one process
        "ONEDNN_VERBOSE": [PY, SCRIPT, str(a.inproc_forwards), "alternate-verbose"],
        "torch.profiler": [PY, SCRIPT, str(a.inproc_forwards), "alternate-profiler"],
    }
    inproc = {k: [] for k in inproc_cfg}
    bpf_share = []
    res = {k: [] for k in configs}
    cpu = {k: [] for k in configs}
    agree, conv_cp, convre_cp, conv_tp = [], [], [], []
    names = list(configs)
    for r in range(a.rounds):
        # each round in another order: what runs first after a big process
        # exits (page cache, compaction) is slower here, whichever it is
        for name in names[r % len(names):] + names[:r % len(names)]:
            p = configs[name]()
            f = forward_ms(p.stderr)
            res[name].append(f)
            cpu[name].append(p.cpu_s)
            if name == "convprof stat --":
                j = json.loads(p.stdout)
                agree.append(j["total"]["latency_ms"] / f)
                conv_cp.append(sum(l["time_ms"] for l in j["layers"] if l["kind"] == "conv"))
                # ideep's reorders run inside aten::mkldnn_convolution
                convre_cp.append(sum(l["time_ms"] for l in j["layers"]
                                     if l["kind"] in ("conv", "reorder")))
            if name == "torch.profiler":
                m = re.search(r"profiler_conv_ms ([0-9.]+)", p.stderr)
                if m:
                    conv_tp.append(float(m.group(1)))
        for name, cmd in ([] if a.no_inproc else inproc_cfg.items()):
            if name == "+ all eBPF":
                err, ns = run_bpf_stats(cmd, env)
                fm = forward_ms(err)
                if ns is not None and fm:
                    # over every forward, recorded or paused, and the import: at most this
                    bpf_share.append(ns / 1e6 / (a.inproc_forwards * fm))
            else:
                err = run(cmd, env).stderr
            m = re.search(r"alt_ratio ([0-9.]+)", err)
            inproc[name].append(float(m.group(1)))
        print("round %d: %s" % (r + 1, ", ".join("%s %.1f" % (k, v[-1]) for k, v in res.items())),
              file=sys.stderr)
    print("ResNet-50 eager, batch 1, 2 pinned threads, %d forwards x %d rounds, interleaved"
          % (a.forwards, a.rounds))
    print("%-20s %11s %19s %17s" % ("configuration", "forward ms", "vs plain (IQR)",
                                    "CPU s vs plain"))
    for k, v in res.items():
        rr, iqr = quartiles([x / b for x, b in zip(v, res["unprofiled"])])
        cr, _ = quartiles([x / b for x, b in zip(cpu[k], cpu["unprofiled"])])
        print("%-20s %11.2f %+9.1f%% (%4.1f%%) %+16.1f%%" % (k, statistics.median(v), (rr - 1) * 100,
                                                          iqr * 100, (cr - 1) * 100))
    print("inside one process, forwards with the tool on vs off (%d pairs a round):"
          % (a.inproc_forwards // 2))
    for k, v in inproc.items():
        if not v:
            continue
        rr, iqr = quartiles(v)
        print("  %-18s %+9.2f%% (IQR of the rounds %.2f%%)" % (k, (rr - 1) * 100, iqr * 100))
    if bpf_share:
        print("  the eBPF programs' own run time (kernel.bpf_stats_enabled): at most %.2f%% of the"
              " forwards' time" % (statistics.median(bpf_share) * 100))
    print("convprof per-period latency / script's forward time: %.3f (median)"
          % statistics.median(agree))
    if conv_tp:
        print("conv time per forward: convprof %.2f ms (%.2f with the reorders), "
              "torch.profiler (aten::mkldnn_convolution) %.2f ms"
              % (statistics.median(conv_cp), statistics.median(convre_cp), statistics.median(conv_tp)))


if __name__ == "__main__":
    main()
