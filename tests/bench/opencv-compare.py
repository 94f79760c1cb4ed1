#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Time OpenCV DNN's YOLOv3 (its own CPU backend) against net-bench
configurations on the same darknet cfg and the same weights file, round by
round in one session so that the neighbours on the shared cores slow both
alike; prints medians and ratios to OpenCV.

  tests/bench/opencv-compare.py [-s SIZE] [-r ROUNDS] [-n ITERS] [-t THREADS] CONFIG...
  e.g. tests/bench/opencv-compare.py -s 416 f32:blocked:1 int8:blocked:1

The weights are random (He-scaled, BN near identity: no denormals, no NaN)
and written once as a darknet .weights file under /tmp. Needs Debian's
python3-opencv and python3-numpy, and `make net-bench`.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import cv2
import numpy as np

CFG = os.path.join(os.path.dirname(__file__), "../../workloads/models/yolov3.cfg")


def plain_cfg(path):
    """The built-in cfg without convprof's name=/stage= keys."""
    out = [l for l in open(CFG) if not l.startswith(("name=", "stage=", "#"))]
    with open(path, "w") as f:
        f.writelines(out)


def sections(path):
    cur = None
    for line in open(path):
        line = line.strip()
        if line.startswith("["):
            if cur:
                yield cur
            cur = {"type": line[1:-1]}
        elif "=" in line and cur is not None:
            k, v = line.split("=", 1)
            cur[k.strip()] = v.strip()
    if cur:
        yield cur


def write_weights(cfg, path):
    rng = np.random.default_rng(1)
    chans, c = [], 3
    with open(path, "wb") as f:
        np.array([0, 2, 5], dtype=np.int32).tofile(f)
        np.array([0], dtype=np.uint64).tofile(f)
        for s in sections(cfg):
            t = s["type"]
            if t == "net":
                c = int(s.get("channels", 3))
                continue
            if t == "convolutional":
                n, k = int(s["filters"]), int(s["size"])
                bn = int(s.get("batch_normalize", 0))
                rng.uniform(-0.01, 0.01, n).astype(np.float32).tofile(f)
                if bn:
                    rng.uniform(0.9, 1.1, n).astype(np.float32).tofile(f)
                    rng.uniform(-0.05, 0.05, n).astype(np.float32).tofile(f)
                    rng.uniform(0.9, 1.1, n).astype(np.float32).tofile(f)
                a = np.sqrt(3.0 * 2.0 / (c * k * k))
                rng.uniform(-a, a, n * c * k * k).astype(np.float32).tofile(f)
                c = n
            elif t == "route":
                idx = [int(x) for x in s["layers"].split(",")]
                c = sum(chans[i if i >= 0 else len(chans) + i] for i in idx)
            chans.append(c)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-s", "--size", type=int, default=416)
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("-n", "--iters", type=int, default=3)
    ap.add_argument("-t", "--threads", type=int, default=2)
    ap.add_argument("--bench", default="build/net-bench")
    ap.add_argument("configs", nargs="+")
    a = ap.parse_args()

    cfg, weights = "/tmp/convprof-yolov3.cfg", "/tmp/convprof-yolov3.weights"
    plain_cfg(cfg)
    if not os.path.exists(weights):
        write_weights(cfg, weights)
    cv2.setNumThreads(a.threads)
    net = cv2.dnn.readNetFromDarknet(cfg, weights)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    img = np.random.default_rng(2).uniform(0, 255, (a.size, a.size, 3)).astype(np.uint8)
    blob = cv2.dnn.blobFromImage(img, 1 / 255.0, (a.size, a.size), swapRB=True, crop=False)
    outs = net.getUnconnectedOutLayersNames()
    net.setInput(blob)
    net.forward(outs)
    samples = defaultdict(list)
    for _ in range(a.rounds):
        for _ in range(a.iters):
            t0 = time.perf_counter()
            net.setInput(blob)
            net.forward(outs)
            samples["opencv dnn"].append((time.perf_counter() - t0) * 1e3)
        out = subprocess.run([a.bench, "-q", "-m", "yolov3", "-s", str(a.size), "-w", weights,
                              "-t", str(a.threads), "-n", str(a.iters), "-r", "1"] + a.configs,
                             check=True, capture_output=True, text=True)
        for line in out.stdout.splitlines():
            f = line.split("\t")
            if len(f) == 3 and f[0] == "sample":
                samples["convprof " + f[1]].append(float(f[2]))
    base = statistics.median(samples["opencv dnn"])
    print(f"yolov3 {a.size}x{a.size} batch 1, {a.threads} threads, "
          f"{a.rounds} rounds x {a.iters} iterations, interleaved")
    for k, v in samples.items():
        m = statistics.median(v)
        print(f"{k:32s} median {m:8.1f} ms  min {min(v):8.1f} ms  x{base / m:5.2f} vs opencv")


if __name__ == "__main__":
    sys.exit(main())
