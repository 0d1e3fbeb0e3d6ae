"""Why `neuronet train` has the defaults it has: test accuracy of other settings, many splits and seeds.

    python bench/defaults.py [--splits N] [--inits K] [--digits-splits M] [--digits-inits L]
                             [--sets ...] [--variants ...]

Each variant is a set of `neuronet train` flags on top of the defaults (read from the command's own
parser, so they cannot drift). Every variant trains on the split that `train --seed s` holds out
(s = 0..N-1) from K weight seeds (seed s + 1000*j, j = 0..K-1), so that the split and the
initialization are averaged separately. MLPClassifier (its defaults, K random states per split, the
same standardized features) is the reference line. Columns: mean test accuracy over every run; the
ratio to our defaults; and the mean correct test rows on the default split (seed 0) over the K
seeds -- one run there moves by a row or two.

This is a study, not part of `make bench` (with the default counts it takes about 8 minutes).
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from quality import SETS, Theirs

VARIANTS = {
    "defaults": [],
    "weight decay 0.01": ["--weight-decay", "0.01"],
    "weight decay 0.03": ["--weight-decay", "0.03"],
    "50 epochs": ["--epochs", "50"],
    "batch 200": ["--batch-size", "200"],
    "dropout 0.5": ["--dropout", "0.5"],
    "dropout 0.5, weight decay 0.01": ["--dropout", "0.5", "--weight-decay", "0.01"],
    "validation 0.1, patience 10": ["--validation-split", "0.1", "--patience", "10"],
}


def correct_rows(name, split_seed, init_seed, flags):
    """Correct test rows of `train NAME FLAGS --seed split_seed`, but with weights from init_seed."""
    from neuronet import datasets
    from neuronet.cli import build_parser
    from neuronet.cli.cmd_train import _hidden
    from neuronet.model import Model, parse_labels
    from neuronet.preprocessing import stratified_split

    args = build_parser().parse_args(["train", name, *flags])
    table = datasets.load(name)
    target = datasets.DATASETS[name]["target"]
    y = parse_labels(table.column(target))
    keep, held = stratified_split(table.n_rows, args.test_split, split_seed, y)   # as `train` does
    train, test = table.take(keep), table.take(held)
    model = Model.for_table(train, target, vocabulary=table, task="classification",
                            hidden=_hidden(args.hidden), activation=args.activation, loss=args.loss,
                            optimizer=args.optimizer, learning_rate=args.lr,
                            weight_decay=args.weight_decay, dropout=args.dropout, dtype=args.dtype,
                            seed=init_seed)
    model.fit(train, epochs=args.epochs, batch_size=args.batch_size,
              validation_split=args.validation_split, patience=args.patience or None,
              min_delta=args.min_delta)
    return int(round(model.evaluate(test)["accuracy"] * len(held))), len(held)


def study(name, variants, n_splits, n_inits):
    lines = []
    runs = {}
    for variant in variants:
        start = time.perf_counter()
        rows = np.array([[correct_rows(name, s, s + 1000 * j, VARIANTS[variant]) for j in range(n_inits)]
                         for s in range(n_splits)])                      # (split, init, [correct, n])
        runs[variant] = rows
        print(f"  {name}: {variant} ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    reference = []
    for s in range(n_splits):
        theirs = Theirs(name, s)
        reference.append([[theirs.correct(s + 1000 * j), len(theirs.y_test)] for j in range(n_inits)])
    runs["MLPClassifier (reference)"] = np.array(reference)
    base = np.mean(runs[variants[0]][..., 0] / runs[variants[0]][..., 1])
    for variant, rows in runs.items():
        accuracy = np.mean(rows[..., 0] / rows[..., 1])
        lines.append(f"| {name} | {variant} | {accuracy:.4f} | {accuracy / base:.4f} | "
                     f"{rows[0, :, 0].mean():.2f} of {rows[0, 0, 1]} |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description="test accuracy of `neuronet train` settings")
    parser.add_argument("--splits", type=int, default=30, help="splits for the small sets (30)")
    parser.add_argument("--inits", type=int, default=5, help="weight seeds per split (5)")
    parser.add_argument("--digits-splits", type=int, default=10, help="splits for digits (10)")
    parser.add_argument("--digits-inits", type=int, default=3, help="weight seeds per digits split (3)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS), metavar="NAME")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS),
                        metavar="NAME", help="the first one is the base of the ratios")
    args = parser.parse_args(argv)
    if min(args.splits, args.inits, args.digits_splits, args.digits_inits, args.threads) < 1:
        parser.error("the counts must be at least 1")
    import sklearn.neural_network  # noqa: F401  (loaded before the limit, so that it reaches it)

    lines = ["| data set | settings | mean test accuracy | ratio to the first | default split: mean "
             "correct rows |", "|---|---|---|---|---|"]
    start = time.perf_counter()
    with threadpool_limits(limits=args.threads):
        for name in args.sets:
            splits, inits = ((args.digits_splits, args.digits_inits) if name == "digits"
                             else (args.splits, args.inits))
            lines += study(name, args.variants, splits, inits)
    print(f"`neuronet train` settings; {args.splits} splits x {args.inits} seeds (digits "
          f"{args.digits_splits} x {args.digits_inits}); BLAS threads pinned to {args.threads}; "
          f"{time.perf_counter() - start:.0f} s")
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
