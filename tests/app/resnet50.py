# torchvision ResNet-50, random weights (no download), eager, batch 1, for
# tests/cli/t-app.sh and tests/bench/app-bench.py:
#   python3 tests/app/resnet50.py [N] [channels_last] [profiler]
# profiler: under torch.profiler (record_shapes), as the bench's anchor.
# Prints the median forward time in ms on stderr.
import sys
import time

import torch
import torchvision

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
cl = "channels_last" in sys.argv[2:]
prof = "profiler" in sys.argv[2:]
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
x = torch.randn(1, 3, 224, 224)
if cl:
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
times = []


def loop():
    with torch.no_grad():
        for _ in range(n):
            t = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t) * 1000)


if prof:
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as p:
        loop()
    conv = [e for e in p.key_averages() if e.key == "aten::mkldnn_convolution"]
    if conv:
        print("profiler_conv_ms %.3f" % (conv[0].cpu_time_total / 1000 / n), file=sys.stderr)
else:
    loop()
times.sort()
print("forward_ms %.3f" % times[len(times) // 2], file=sys.stderr)
