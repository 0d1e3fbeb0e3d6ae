"""neuronet's speed, as ratios measured in one run: ``python bench/run.py [--threads N] [--repeats R]``.

Prints one Markdown table to stdout. Every line compares two things timed in this same run, under
the same BLAS thread limit (threadpoolctl, and ``torch.set_num_threads``). The competitors are timed
in interleaved rounds, so that a busy neighbour on a shared machine slows all of them alike; times
shown are medians over the rounds, and each ratio is the median of the per-round ratios.

Lines (issue 5): the tutorial neuron against its bare NumPy loop; an MNIST-shaped epoch against
scikit-learn and PyTorch; the epoch's matrix products alone against the epoch (the "BLAS limit");
the cost per sample as the data grows and as the network widens; the peak memory of an epoch.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass

from threadpoolctl import threadpool_info, threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import workloads  # noqa: E402  (after the path is set)


SECTIONS = ["tiny", "mnist", "samples", "width", "memory"]


@dataclass
class Row:
    """One line of the table: what is compared, the two measurements, their ratio, the goal."""

    what: str
    measured: str
    ratio: float
    goal: str = ""
    met: bool | None = None

    def cells(self):
        status = {True: "met", False: "NOT met", None: ""}[self.met]
        return [self.what, self.measured, f"{self.ratio:.2f}", self.goal, status]


def timed_rounds(candidates, repeats):
    """Call each candidate in turn, ``repeats`` rounds; returns each one's seconds, round by round.

    Every other round runs in reverse order, so that a load that rises or falls during the run
    (another process on a shared machine) does not favour whichever candidate comes first.
    """
    times = [[] for _ in candidates]
    order = list(range(len(candidates)))
    for round_ in range(repeats):
        for i in (order if round_ % 2 == 0 else order[::-1]):
            times[i].append(candidates[i]())
    return times


def paired_ratio(a, b):
    """The median over rounds of ``a[r] / b[r]``. Two things timed side by side in one round share
    that round's load, so the median of their ratios is steadier than a ratio of two medians."""
    return statistics.median(x / y for x, y in zip(a, b))


median = statistics.median


def _seconds(t):
    return f"{t * 1e3:.0f} ms" if t < 1.0 else f"{t:.2f} s"


# --------------------------------------------------------------------------------------------------
def tiny(iterations, repeats):
    """The tutorial neuron: ``Neuron.train`` against the tutorial's bare loop, per iteration."""
    answers = {}

    def run(name, loop):
        def candidate():
            seconds, answers[name] = loop(iterations)
            return seconds / iterations
        return candidate

    ours, bare = timed_rounds([run("ours", workloads.neuronet_tutorial),
                               run("bare", workloads.bare_tutorial_loop)], repeats)
    answer_ours, answer_bare = answers["ours"], answers["bare"]
    o, b, ratio = median(ours), median(bare), paired_ratio(ours, bare)
    same = "same answer" if answer_bare[0] == answer_ours[0] else "DIFFERENT answer"
    return Row(f"tiny: Neuron.train / bare tutorial loop, per iteration ({iterations:,} iterations)",
               f"{o * 1e6:.1f} µs vs {b * 1e6:.1f} µs, {same} ({float(answer_ours[0])!r})", ratio,
               "≤ 1.5", ratio <= 1.5)


def mnist(n_samples, repeats):
    """One epoch, 784-256-128-10: neuronet against scikit-learn, PyTorch and the matrix products."""
    X, y = workloads.mnist_shaped(n_samples)
    ours = workloads.NeuronetEpoch(X, y)
    rivals = [workloads.SklearnEpoch(X, y), workloads.TorchEpoch(X, y)]
    floor = workloads.MatmulFloor(n_samples)
    parts = workloads.EpochParts(X, y)
    times = timed_rounds([ours, *rivals, floor, parts.checks, parts.gather, parts.adam], repeats)
    ours_r, sk_r, torch_r, floor_r, checks_r, gather_r, adam_r = times
    t_ours, t_sk, t_torch, t_floor, t_checks, t_gather, t_adam = map(median, times)
    rest_r = [o - sum(parts) for o, *parts in zip(ours_r, floor_r, checks_r, gather_r, adam_r)]
    bound_r = [f + g + a for f, g, a in zip(floor_r, gather_r, adam_r)]
    flops = workloads.epoch_flops(n_samples)
    shape = f"{n_samples:,} × 784"
    vs_sk, vs_torch, limit = (paired_ratio(ours_r, sk_r), paired_ratio(ours_r, torch_r),
                              paired_ratio(floor_r, ours_r))
    return [
        Row(f"mnist-shaped epoch ({shape}): neuronet / scikit-learn",
            f"{_seconds(t_ours)} vs {_seconds(t_sk)}", vs_sk, "≤ 0.5", vs_sk <= 0.5),
        Row(f"mnist-shaped epoch ({shape}): neuronet / PyTorch",
            f"{_seconds(t_ours)} vs {_seconds(t_torch)}", vs_torch, "≤ 1.0", vs_torch <= 1.0),
        Row("limit: matrix products alone / neuronet epoch",
            f"{_seconds(t_floor)} vs {_seconds(t_ours)}; {flops / t_ours / 1e9:.0f} GFLOP/s "
            f"(products alone {flops / t_floor / 1e9:.0f})", limit, "≥ 0.70", limit >= 0.70),
        Row("  where the epoch goes: matrix products", _seconds(t_floor), limit),
        Row("  where the epoch goes: Adam updates (10 passes over the parameters per batch)",
            _seconds(t_adam), paired_ratio(adam_r, ours_r)),
        Row("  where the epoch goes: gathering shuffled batches (np.take)", _seconds(t_gather),
            paired_ratio(gather_r, ours_r)),
        Row("  where the epoch goes: fit's input checks (finite X, labels)", _seconds(t_checks),
            paired_ratio(checks_r, ours_r)),
        Row("  where the epoch goes: the rest (activations, loss, biases, Python)",
            _seconds(median(rest_r)), paired_ratio(rest_r, ours_r)),
        Row("  bound: (products + Adam + gathering) / scikit-learn: the best ratio this design "
            "could reach", f"{_seconds(median(bound_r))} vs {_seconds(t_sk)}",
            paired_ratio(bound_r, sk_r)),
    ]


def cost_vs_samples(sizes, repeats):
    """Time per epoch as the data grows: per-sample time against its median over the sizes."""
    X, y = workloads.mnist_shaped(max(sizes), seed=1)
    epochs = [workloads.NeuronetEpoch(X[:n], y[:n]) for n in sizes]
    times = timed_rounds(epochs, repeats)
    # Per round, each size's time per sample relative to that round's median over the sizes.
    relative = [[] for _ in sizes]
    for round_times in zip(*times):
        per_sample = [t / n for t, n in zip(round_times, sizes)]
        middle = median(per_sample)
        for i, p in enumerate(per_sample):
            relative[i].append(p / middle)
    rows = []
    for n, t, r in zip(sizes, times, relative):
        rows.append(Row(f"cost vs samples: {n:,} samples, per-sample time / median",
                        f"{_seconds(median(t))} per epoch, {median(t) / n * 1e6:.2f} µs per sample",
                        median(r)))
    deviation = max(abs(median(r) - 1.0) for r in relative)
    rows.append(Row("cost vs samples: linear (max deviation of the per-sample time)",
                    f"{deviation:.1%} over {sizes[0]:,}–{sizes[-1]:,} samples", 1.0 + deviation,
                    "≤ 1.15", deviation <= 0.15))
    return rows


def cost_vs_width(widths, n_samples, repeats):
    """Time per epoch as the network widens (hidden layers w and w/2): the share of the matrix
    products, and GFLOP/s. Time grows with the weights, not faster."""
    X, y = workloads.mnist_shaped(n_samples, seed=2)
    rows = []
    for w in widths:
        hidden = (w, w // 2)
        ours_r, floor_r = timed_rounds([workloads.NeuronetEpoch(X, y, hidden),
                                        workloads.MatmulFloor(n_samples, hidden)], repeats)
        t_ours = median(ours_r)
        flops = workloads.epoch_flops(n_samples, hidden)
        per_weight_sample = t_ours / workloads.n_weights(hidden) / n_samples
        rows.append(Row(f"cost vs width: 784-{w}-{w // 2}-10, products alone / epoch",
                        f"{_seconds(t_ours)} per epoch of {n_samples:,}, "
                        f"{per_weight_sample * 1e9:.2f} ns per weight·sample, "
                        f"{flops / t_ours / 1e9:.0f} GFLOP/s", paired_ratio(floor_r, ours_r)))
    return rows


def memory(n_samples, threads):
    """Peak RSS of one epoch in a fresh process against the bytes of the data and the model."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, os.path.join(HERE, "memory_probe.py"),
                          "--samples", str(n_samples), "--threads", str(threads)],
                         capture_output=True, text=True, check=True, env=env).stdout
    m = json.loads(out)
    base = m["data_bytes"] + m["model_bytes"]
    ratio = m["peak_rss"] / base
    return Row(f"memory: peak RSS of an epoch / (data + model), {n_samples:,} samples",
               f"{m['peak_rss'] / 2**20:.0f} MiB vs {base / 2**20:.0f} MiB (the epoch added "
               f"{(m['peak_rss'] - m['rss_before']) / 2**20:.1f} MiB; the rest is the process "
               "and the data)", ratio, "< 1.5", ratio < 1.5)


# --------------------------------------------------------------------------------------------------
def versions(threads):
    """One line: library versions, and every thread pool threadpoolctl sees, with its thread count."""
    import numpy
    import sklearn
    import torch

    pools = []
    for info in threadpool_info():
        # .../site-packages/numpy.libs/libscipy_openblas64_.so -> numpy
        owner = info["filepath"].split("site-packages" + os.sep)[-1].split(os.sep)[0].split(".")[0]
        version = f" {info['version']}" if info.get("version") else ""
        arch = f" {info['architecture']}" if info.get("architecture") else ""
        pools.append(f"{owner}: {info['internal_api']}{version}{arch} ×{info['num_threads']}")
    torch_blas = "MKL" if torch.backends.mkl.is_available() else "its own BLAS"
    return (f"python {platform.python_version()}, numpy {numpy.__version__}, scikit-learn "
            f"{sklearn.__version__}, torch {torch.__version__} ({torch_blas}, "
            f"×{torch.get_num_threads()}); thread pools: {'; '.join(pools)}; threads pinned to "
            f"{threads}")


def table(rows):
    header = ["line", "measured (medians)", "ratio", "goal", "status"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="neuronet's speed as ratios (issue 5)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS (and torch) threads for every timing (default 1: on a shared "
                             "2-core machine two threads can stall)")
    parser.add_argument("--repeats", type=int, default=7,
                        help="repeats of each MNIST-shaped epoch; medians are reported (default 7)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run on small data, one repeat: checks the bench works, the "
                             "ratios mean little")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS, metavar="PART",
                        help=f"run only these parts: {', '.join(SECTIONS)} (default: all)")
    args = parser.parse_args(argv)
    if args.threads < 1 or args.repeats < 1:
        parser.error("--threads and --repeats must be at least 1")
    if args.quick:
        scale = dict(tiny=(2_000, 3), mnist=(3_000, 3), samples=((1_000, 2_000, 4_000), 1),
                     widths=((64, 256), 2_000, 1), memory=5_000)
    else:
        curve = max(5, args.repeats // 2)
        scale = dict(tiny=(10_000, 4 * args.repeats + 3), mnist=(60_000, args.repeats),
                     samples=((10_000, 30_000, 60_000, 120_000), curve),
                     widths=((64, 128, 256, 512, 1024), 20_000, curve), memory=60_000)

    # Load every library with a BLAS or OpenMP pool before limiting, so that the limit reaches them
    # all (threadpoolctl only sees libraries already loaded).
    import sklearn.neural_network  # noqa: F401
    import torch

    with threadpool_limits(limits=args.threads):
        torch.set_num_threads(args.threads)
        rows = []
        if "tiny" in args.only:
            rows.append(tiny(*scale["tiny"]))
        if "mnist" in args.only:
            rows += mnist(*scale["mnist"])
        if "samples" in args.only:
            rows += cost_vs_samples(*scale["samples"])
        if "width" in args.only:
            rows += cost_vs_width(*scale["widths"])
        if "memory" in args.only:
            rows.append(memory(scale["memory"], args.threads))
        header = versions(args.threads)
    print(f"neuronet benchmark{' (--quick: smoke run, not the figures)' if args.quick else ''}")
    print(header)
    print(f"ratios: medians of per-round ratios; {scale['mnist'][1]} rounds (MNIST-shaped epochs), "
          f"{scale['tiny'][1]} (tiny), {scale['samples'][1]} (cost curves); 784-256-128-10 ReLU, "
          "softmax + cross-entropy, Adam lr 1e-3, batch 128, float32")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
