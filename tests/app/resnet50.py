# torchvision ResNet-50, random weights (no download), eager, batch 1, for
# tests/cli/t-app.sh: `python3 tests/app/resnet50.py [N] [channels_last]`.
# Prints the median forward time in ms on stderr.
import sys
import time

import torch
import torchvision

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
cl = len(sys.argv) > 2 and sys.argv[2] == "channels_last"
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
x = torch.randn(1, 3, 224, 224)
if cl:
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
times = []
with torch.no_grad():
    for _ in range(n):
        t = time.perf_counter()
        model(x)
        times.append((time.perf_counter() - t) * 1000)
times.sort()
print("forward_ms %.3f" % times[len(times) // 2], file=sys.stderr)
