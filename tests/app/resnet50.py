# torchvision ResNet-50, random weights (no download), eager, batch 1, for
# tests/cli/t-app.sh and tests/bench/app-bench.py:
#   python3 tests/app/resnet50.py [N] [channels_last] [profiler] [alternate]
# profiler: under torch.profiler (record_shapes), as the bench's anchor.
# alternate: under convprof, every other forward with the hook paused
# (cp_hook_pause), to time the hook's cost inside one process.
# Prints the median forward time in ms on stderr.
import sys
import time

import torch
import torchvision

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
cl = "channels_last" in sys.argv[2:]
prof = "profiler" in sys.argv[2:]
pause = None
if "alternate" in sys.argv[2:]:
    import ctypes
    try:
        pause = ctypes.CDLL(None).cp_hook_pause
    except AttributeError:
        sys.exit("resnet50.py: alternate: the hook is not loaded (run under convprof stat --)")
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
x = torch.randn(1, 3, 224, 224)
if cl:
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
times = []
paused = []


def loop():
    with torch.no_grad():
        for i in range(n):
            if pause:
                pause(i % 2)
            t = time.perf_counter()
            model(x)
            (paused if pause and i % 2 else times).append((time.perf_counter() - t) * 1000)
    if pause:
        pause(0)


if prof:
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as p:
        loop()
    conv = [e for e in p.key_averages() if e.key == "aten::mkldnn_convolution"]
    if conv:
        print("profiler_conv_ms %.3f" % (conv[0].cpu_time_total / 1000 / n), file=sys.stderr)
else:
    loop()
if pause:
    # adjacent forwards, one recorded and one paused: what the hook adds
    ratios = sorted(a / b for a, b in zip(times, paused))
    q = len(ratios) // 4
    print("hook_ratio %.4f iqr %.4f pairs %d paused_ms %.3f" % (
        ratios[len(ratios) // 2], ratios[-1 - q] - ratios[q], len(ratios),
        sorted(paused)[len(paused) // 2]), file=sys.stderr)
times.sort()
print("forward_ms %.3f" % times[len(times) // 2], file=sys.stderr)
