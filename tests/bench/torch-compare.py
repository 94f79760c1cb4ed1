#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Time torchvision ResNet-50 (eager, and torch.jit.optimize_for_inference of
a trace) against net-bench configurations, round by round in one session so
that the neighbours on the shared cores slow both alike; prints medians and
ratios to the fastest PyTorch path.

  tests/bench/torch-compare.py [-r ROUNDS] [-n ITERS] [-t THREADS] CONFIG...
  e.g. tests/bench/torch-compare.py -r 5 f32:blocked:1 int8:blocked:1

Needs Debian's python3-torch and python3-torchvision, and `make net-bench`.
"""
import argparse
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import torch
import torchvision


def timed(fn, x, n, out):
    for _ in range(n):
        t0 = time.perf_counter()
        fn(x)
        out.append((time.perf_counter() - t0) * 1e3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("-n", "--iters", type=int, default=10)
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("-s", "--size", type=int, default=224)
    ap.add_argument("--bench", default="build/net-bench")
    ap.add_argument("configs", nargs="+")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    model = torchvision.models.resnet50().eval()
    x = torch.rand(1, 3, a.size, a.size)
    samples = defaultdict(list)
    with torch.no_grad():
        jit = torch.jit.optimize_for_inference(torch.jit.trace(model, x))
        for fn in (model, jit):
            for _ in range(3):
                fn(x)
        for _ in range(a.rounds):
            timed(model, x, a.iters, samples["torch eager"])
            timed(jit, x, a.iters, samples["torch jit optimize_for_inference"])
            out = subprocess.run([a.bench, "-q", "-m", "resnet50", "-s", str(a.size),
                                  "-t", str(a.threads), "-n", str(a.iters), "-r", "1"]
                                 + a.configs, check=True, capture_output=True, text=True)
            for line in out.stdout.splitlines():
                f = line.split("\t")
                if len(f) == 3 and f[0] == "sample":
                    samples["convprof " + f[1]].append(float(f[2]))
    base = statistics.median(samples["torch jit optimize_for_inference"])
    print(f"resnet50 {a.size}x{a.size} batch 1, {a.threads} threads, "
          f"{a.rounds} rounds x {a.iters} iterations, interleaved")
    for k, v in samples.items():
        m = statistics.median(v)
        print(f"{k:36s} median {m:8.2f} ms  min {min(v):8.2f} ms  "
              f"x{base / m:5.2f} vs torch jit")


if __name__ == "__main__":
    sys.exit(main())
