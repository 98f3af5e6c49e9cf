"""PyTorch side of the CNN case (bench/cnn.ts): the same MNIST net and step as bench/cnn_step.ts on `threads` threads.

Prints JSON: median wall and CPU ms per training step and the process's peak RSS (VmHWM: its own high-water mark) in MB.
Run: python3 bench/cnn_torch.py THREADS [REPS]
"""

import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1])
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, 1),
    nn.ReLU(),
    nn.Conv2d(32, 64, 3, 1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Dropout(0.25),
    nn.Flatten(),
    nn.Linear(9216, 128),
    nn.ReLU(),
    nn.Dropout(0.5),
    nn.Linear(128, 10),
    nn.LogSoftmax(1),
)
opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
x = torch.randn(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    opt.zero_grad()
    loss = F.nll_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(3):
    step()
wall, cpu = [], []
for _ in range(reps):
    t0, c0 = time.perf_counter(), time.process_time()
    step()
    wall.append((time.perf_counter() - t0) * 1e3)
    cpu.append((time.process_time() - c0) * 1e3)
def peak_rss_mb():
    """VmHWM (this program's own high-water mark); ru_maxrss also counts the parent's RSS at the fork on Linux."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


peak = peak_rss_mb()
print(json.dumps({"version": torch.__version__, "threads": threads, "ms": statistics.median(wall), "cpuMs": statistics.median(cpu), "peakMB": peak}))
