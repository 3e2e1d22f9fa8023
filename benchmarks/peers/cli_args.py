"""The command line the CLI peers (cli_torch.py, cli_jax.py) share: the task and its files."""

import argparse


def parse(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("task", choices=["mnist", "cat", "tiny"])
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--threads", type=int, default=None)
    return p.parse_args()
