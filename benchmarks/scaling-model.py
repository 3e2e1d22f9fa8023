#!/usr/bin/env python3
"""The α–β model of data-parallel training, from benchmarks/mpi-scaling.sh's measurements.

    benchmarks/scaling-model.py results/scaling.json      prints docs/Scaling.md's tables (Markdown)

Per step, each of P ranks computes its part of the global batch and takes part in one
all-reduce of the gradients (n bytes). A ring all-reduce costs 2(P−1)·α + 2(P−1)/P·n·β. With
a per-rank batch b held fixed (weak scaling, the global batch is P·b) the efficiency is
E = t_c(b) / (t_c(b) + t_ar), t_c(b) = b / r (r: one core's samples/s, measured).
"""
import json
import sys

data = json.load(open(sys.argv[1]))
rate = data["mnist_mlp_samples_per_second"]["one_process"]  # one core, mnist-mlp
loop_alpha = data["allreduce"]["alpha_seconds"]
loop_beta = data["allreduce"]["beta_seconds_per_byte"]

# Gradient bytes (float32) of the README's networks and their compute per example relative to
# mnist-mlp (multiply-adds per example: the layer products).
networks = {
    "mnist-mlp 784-256-128-10": [784, 256, 128, 10],
    "cat-l 12288-20-7-5-1": [12288, 20, 7, 5, 1],
    "tiny 2-16-16-1": [2, 16, 16, 1],
}
def parameters(sizes):
    return sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))
def macs(sizes):
    return sum(sizes[i] * sizes[i + 1] for i in range(len(sizes) - 1))
base_macs = macs(networks["mnist-mlp 784-256-128-10"])

links = {
    "loopback (measured)": (loop_alpha, loop_beta),
    "25 Gb/s (α 5 µs)": (5e-6, 8 / 25e9),
    "100 Gb/s (α 2 µs)": (2e-6, 8 / 100e9),
}

def allreduce(n_bytes, p, alpha, beta):
    return 0.0 if p == 1 else 2 * (p - 1) * alpha + 2 * (p - 1) / p * n_bytes * beta

ranks = [2, 4, 8, 16, 32, 64, 128, 256]
print("Efficiency E = t_c / (t_c + t_allreduce) at a per-rank batch of 128 (global batch 128·P):\n")
for name, sizes in networks.items():
    n = 4 * parameters(sizes)
    per_example = 1 / rate * macs(sizes) / base_macs
    print(f"**{name}** ({parameters(sizes):,} parameters, {n / 1e6:.2f} MB of gradients; "
          f"t_c(128) = {128 * per_example * 1e3:.3f} ms on one core)\n")
    print("| link | " + " | ".join(f"P={p}" for p in ranks) + " |")
    print("|---|" + "---:|" * len(ranks))
    for link, (alpha, beta) in links.items():
        row = []
        for p in ranks:
            tc = 128 * per_example
            row.append(f"{tc / (tc + allreduce(n, p, alpha, beta)):.0%}")
        print(f"| {link} | " + " | ".join(row) + " |")
    print()

print("Per-rank batch for 90% efficiency (t_c ≥ 9 · t_allreduce), mnist-mlp:\n")
sizes = networks["mnist-mlp 784-256-128-10"]
n = 4 * parameters(sizes)
print("| link | " + " | ".join(f"P={p}" for p in ranks) + " |")
print("|---|" + "---:|" * len(ranks))
for link, (alpha, beta) in links.items():
    row = []
    for p in ranks:
        b = 9 * allreduce(n, p, alpha, beta) * rate
        row.append(f"{max(1, round(b)):,}")
    print(f"| {link} | " + " | ".join(row) + " |")
