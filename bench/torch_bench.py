"""PyTorch side of `npm run bench`: reads the cases (JSON) on stdin, prints {label: median ms} (JSON) on stdout."""

import json
import os
import statistics
import sys
import time

import torch


def timed(fn, warmup, reps, budget_ms):
    for _ in range(warmup):
        fn()
    times, spent = [], 0.0
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1e3
        times.append(dt)
        spent += dt
        if len(times) >= 3 and spent > budget_ms:
            break
    return statistics.median(times)


def workload(case):
    g = torch.Generator().manual_seed(0)
    uniform = lambda *shape: torch.rand(*shape, generator=g) * 2 - 1
    if case["kind"] == "matmul":
        a, b = uniform(case["m"], case["k"]), uniform(case["k"], case["n"])
        return lambda: (a @ b).numpy()
    if case["kind"] == "elementwise":
        a, b = uniform(case["size"]), uniform(case["size"])
        op = {"add": lambda: a + b, "relu": lambda: torch.relu(a), "exp": lambda: torch.exp(a)}[case["op"]]
        return lambda: op().numpy()
    if case["kind"] == "tiny":
        return tiny(case, uniform)
    sizes, batch = case["sizes"], case["batch"]
    x = uniform(batch, sizes[0])
    y = torch.arange(batch) * 7 % sizes[-1]
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params += [(uniform(fan_in, fan_out) / fan_in**0.5).requires_grad_(), torch.zeros(fan_out, requires_grad=True)]
    opt = torch.optim.SGD(params, lr=0.05)

    def step():
        opt.zero_grad()
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i + 2 < len(params):
                h = torch.relu(h)
        loss = (torch.logsumexp(h, 1) - h.gather(1, y[:, None]).squeeze(1)).mean()
        loss.backward()
        opt.step()
        loss.item()

    return step


def tiny(case, uniform):
    """`steps` SGD steps of the 2-8-8-1 tanh net (nn.Linear, MSE loss) on a fixed batch."""
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    x = uniform(case["batch"], 2)
    y = x[:, 0:1] * x[:, 1:2]

    def run():
        for s in range(case["steps"]):
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
        loss.item()

    return run


def cuda_workload(case):
    """A case of `npm run bench -- --device webgpu` on CUDA: a run ends with a synchronize or a read of the loss."""
    g = torch.Generator(device="cuda").manual_seed(0)
    uniform = lambda *shape: torch.rand(*shape, generator=g, device="cuda") * 2 - 1
    sync = torch.cuda.synchronize
    if case["kind"] == "matmul":
        a, b = uniform(case["m"], case["k"]), uniform(case["k"], case["n"])
        return lambda: (a @ b, sync())
    if case["kind"] == "elementwise":
        a, b = uniform(case["size"]), uniform(case["size"])
        return {"add": lambda: (a + b, sync()), "exp": lambda: (torch.exp(a), sync())}[case["op"]]
    mlp = case["kind"] == "mlp"
    sizes, batch = (case["sizes"] if mlp else [2, 8, 8, 1]), case["batch"]
    x = uniform(batch, sizes[0])
    y = torch.arange(batch, device="cuda") * 7 % sizes[-1] if mlp else x[:, 0:1] * x[:, 1:2]
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params += [(uniform(fan_in, fan_out) / fan_in**0.5).requires_grad_(), torch.zeros(fan_out, device="cuda", requires_grad=True)]
    opt = torch.optim.SGD(params, lr=0.05)
    F = torch.nn.functional

    def run():
        for s in range(case["steps"]):
            opt.zero_grad()
            h = x
            for i in range(0, len(params), 2):
                h = h @ params[i] + params[i + 1]
                if i + 2 < len(params):
                    h = torch.relu(h) if mlp else torch.tanh(h)
            loss = F.cross_entropy(h, y) if mlp else F.mse_loss(h, y)
            loss.backward()
            opt.step()
            if (s + 1) % case["readEvery"] == 0 or s == case["steps"] - 1:
                loss.item()

    return run


def main():
    # Some builds (Debian's) start on one thread; use every core, as tensorgrad's wasm backend does.
    torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", os.cpu_count() or 1)))
    cases = json.load(sys.stdin)
    out = {"threads": torch.get_num_threads(), "version": torch.__version__, "ms": {}}
    for case in cases:
        p = case["plan"]
        fn = cuda_workload(case) if case.get("device") == "cuda" else workload(case)
        out["ms"][case["label"]] = timed(fn, p["warmup"], p["reps"], p["budgetMs"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
