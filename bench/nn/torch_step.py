#!/usr/bin/python3
"""Time one Adam training step of an MLP in PyTorch, the counterpart of
internal/nn BenchmarkAdamStep/MLP64-128-128-64_B256.

Step: y = MLP(x) with Linear(64,128)-SiLU-Linear(128,128)-SiLU-Linear(128,64),
loss = 0.5 * sum((y - target)^2) / B, zero_grad, backward (no input
gradient), Adam(lr=1e-3). Batch B = 256, torch threads = 2.

Run:  /usr/bin/python3 bench/nn/torch_step.py [--steps 500] [--repeats 5]
Prints ms/step (median and best over repeats) for float64 and float32.
"""
import argparse
import statistics
import time

import torch


def bench(dtype, steps, repeats, batch=256, widths=(64, 128, 128, 64)):
    torch.manual_seed(1)
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.SiLU())
    net = torch.nn.Sequential(*layers).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(batch, widths[0], dtype=dtype)
    target = torch.randn(batch, widths[-1], dtype=dtype)

    def step():
        y = net(x)
        loss = 0.5 * ((y - target) ** 2).sum() / batch
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()

    for _ in range(50):
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - t0) / steps * 1e3)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--raw", action="store_true",
                    help="print 'dtype ms' per repeat, for bench/nn/compare.sh")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if not args.raw:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for dtype in (torch.float64, torch.float32):
        times = bench(dtype, args.steps, args.repeats)
        name = str(dtype).replace("torch.", "")
        if args.raw:
            for t in times:
                print(name, f"{t:.4f}")
            continue
        print(f"{name:8s} MLP64-128-128-64_B256 Adam step: "
              f"median {statistics.median(times):.3f} ms/step, best {min(times):.3f} ms/step")


if __name__ == "__main__":
    main()
