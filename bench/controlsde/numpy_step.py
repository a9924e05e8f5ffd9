#!/usr/bin/env python3
"""NumPy-vectorised Brownian steps, the baseline for controlsde's benchmarks.

The same arithmetic as controlsde.BenchmarkRawLoop / BenchmarkGeodesicEM /
BenchmarkLieEM, on N particles held in one array, one vectorised step at a
time:

  S2   geodesic Euler-Maruyama: xi ~ N(0, I3), project to T_x S^2, v = sqrt(h) xi,
       x <- cos|v| x + sin|v|/|v| v, renormalise.
  SO3  Lie-group Euler-Maruyama: w = sqrt(h) xi, R <- R Exp([w]x) (Rodrigues).
  T4   torus: x <- wrap(x + sqrt(h) xi).

Prints one line per case: name, particle-steps/s (best of --repeat runs). Run
single-threaded for a per-core figure (the script sets the BLAS thread
variables to 1 before importing NumPy):

  /usr/bin/python3 bench/controlsde/numpy_step.py
"""
import argparse
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402


def s2_steps(x, steps, h, rng):
    sq = np.sqrt(h)
    for _ in range(steps):
        xi = rng.standard_normal(x.shape)
        xi -= np.sum(xi * x, axis=1, keepdims=True) * x
        v = sq * xi
        nv = np.linalg.norm(v, axis=1, keepdims=True)
        sinc = np.where(nv > 1e-3, np.sin(nv) / np.where(nv > 0, nv, 1), 1 - nv * nv / 6)
        y = np.cos(nv) * x + sinc * v
        x = y / np.linalg.norm(y, axis=1, keepdims=True)
    return x


def so3_steps(r, steps, h, rng):
    sq = np.sqrt(h)
    n = r.shape[0]
    eye = np.eye(3)
    for _ in range(steps):
        w = sq * rng.standard_normal((n, 3))
        th = np.linalg.norm(w, axis=1)
        k = np.zeros((n, 3, 3))
        k[:, 0, 1], k[:, 0, 2] = -w[:, 2], w[:, 1]
        k[:, 1, 0], k[:, 1, 2] = w[:, 2], -w[:, 0]
        k[:, 2, 0], k[:, 2, 1] = -w[:, 1], w[:, 0]
        small = th < 1e-3
        ths = np.where(small, 1, th)
        a = np.where(small, 1 - th * th / 6, np.sin(ths) / ths)
        b = np.where(small, 0.5 - th * th / 24, (1 - np.cos(ths)) / (ths * ths))
        e = eye + a[:, None, None] * k + b[:, None, None] * (k @ k)
        r = r @ e
    return r


def t4_steps(x, steps, h, rng):
    sq = np.sqrt(h)
    for _ in range(steps):
        x = x + sq * rng.standard_normal(x.shape)
        x = (x + np.pi) % (2 * np.pi) - np.pi
    return x


def bench(name, fn, init, n, steps, repeat):
    rng = np.random.default_rng(1)
    best = 0.0
    for _ in range(repeat):
        x = init(n)
        t0 = time.perf_counter()
        fn(x, steps, 1.0 / steps, rng)
        dt = time.perf_counter() - t0
        best = max(best, n * steps / dt)
    print(f"{name}\t{best:.4g}\tparticle-steps/s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--particles", type=int, default=4096)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()

    def s2_init(n):
        x = np.zeros((n, 3))
        x[:, 2] = 1
        return x

    bench("NumPy/S2", s2_steps, s2_init, a.particles, a.steps, a.repeat)
    bench("NumPy/SO3", so3_steps, lambda n: np.tile(np.eye(3), (n, 1, 1)), a.particles, a.steps, a.repeat)
    bench("NumPy/T4", t4_steps, lambda n: np.zeros((n, 4)), a.particles, a.steps, a.repeat)


if __name__ == "__main__":
    main()
