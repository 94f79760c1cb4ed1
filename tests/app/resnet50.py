# torchvision ResNet-50, random weights (no download), eager, batch 1, for
# tests/cli/t-app.sh and tests/bench/app-bench.py:
#   python3 tests/app/resnet50.py [N] [channels_last] [profiler]
#                                 [alternate|alternate-verbose|alternate-profiler]
# profiler: under torch.profiler (record_shapes), as the bench's anchor.
# alternate*: every other forward with a tool on, the others with it off,
# to time what the tool adds inside one process, where run-to-run noise
# does not enter: alternate, convprof's hook (run under convprof stat --;
# cp_hook_pause); alternate-verbose, oneDNN's verbose mode
# (dnnl_set_verbose 1 and 0, as ONEDNN_VERBOSE=1); alternate-profiler,
# torch.profiler with record_shapes (a schedule of one step off, one on).
# Prints the median forward time in ms on stderr, and with alternate* the
# median ratio of adjacent forwards, on over off ("alt_ratio").
import ctypes
import os
import sys
import time

import torch
import torchvision

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
modes = sys.argv[2:]
cl = "channels_last" in modes
prof = "profiler" in modes
alt = next((m for m in modes if m.startswith("alternate")), None)
toggle = None     # toggle(on) before a forward
if alt == "alternate":
    try:
        pause = ctypes.CDLL(None).cp_hook_pause
    except AttributeError:
        sys.exit("resnet50.py: alternate: the hook is not loaded (run under convprof stat --)")
    toggle = lambda on: pause(0 if on else 1)
elif alt == "alternate-verbose":
    # the libdnnl torch loaded (Debian's python3-torch links the shared one)
    dnnl = ctypes.CDLL("libdnnl.so.2", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    toggle = lambda on: dnnl.dnnl_set_verbose(1 if on else 0)
elif alt and alt != "alternate-profiler":
    sys.exit("resnet50.py: unknown mode '%s'" % alt)
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
x = torch.randn(1, 3, 224, 224)
if cl:
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
times = []   # the tool on (or the only ones)
off = []     # alternate*: the tool off


def forward(on):
    t = time.perf_counter()
    model(x)
    (times if on else off).append((time.perf_counter() - t) * 1000)


def loop():
    with torch.no_grad():
        if alt == "alternate-profiler":
            from torch.profiler import profile, schedule, ProfilerActivity
            # step 0 waits, step 1 records, and so on: odd forwards are profiled
            with profile(activities=[ProfilerActivity.CPU], record_shapes=True,
                         schedule=schedule(wait=1, warmup=0, active=1)) as p:
                for i in range(n):
                    forward(i % 2 == 1)
                    p.step()
            return
        for i in range(n):
            if toggle:
                toggle(i % 2 == 0)
            forward(not toggle or i % 2 == 0)
        if toggle:   # as the tool began: the hook recording, verbose off
            toggle(alt == "alternate")


if prof:
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as p:
        loop()
    conv = [e for e in p.key_averages() if e.key == "aten::mkldnn_convolution"]
    if conv:
        print("profiler_conv_ms %.3f" % (conv[0].cpu_time_total / 1000 / n), file=sys.stderr)
else:
    loop()
sys.stdout.flush()
if alt:
    # adjacent forwards, one with the tool and one without: what it adds
    ratios = sorted(a / b for a, b in zip(times, off))
    q = len(ratios) // 4
    print("alt_ratio %.4f iqr %.4f pairs %d off_ms %.3f" % (
        ratios[len(ratios) // 2], ratios[-1 - q] - ratios[q], len(ratios),
        sorted(off)[len(off) // 2]), file=sys.stderr)
times.sort()
print("forward_ms %.3f" % times[len(times) // 2], file=sys.stderr)
