"""Test accuracy of `neuronet train DATA` (default settings) against scikit-learn's MLPClassifier.

Both see the same seeded, stratified 80/20 split and the same standardized features (the
preprocessing `train` fits); MLPClassifier runs with its defaults and random_state=seed (the column
"sklearn acc", and the wins/ties/losses against it). One MLPClassifier run is one draw of its random
initialization: on the small sets it moves the mean over 10-30 splits by about as much as the gap
between the two libraries, so "sklearn, n inits" also averages MLPClassifier over n_inits random states
(seed + 1000 * j, j = 0..n_inits-1) on the same splits.

    OPENBLAS_NUM_THREADS=1 python scripts/bench_cli_datasets.py [n_seeds [n_inits]]
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.neural_network import MLPClassifier

from neuronet import datasets
from neuronet.cli import main
from neuronet.model import parse_labels
from neuronet.preprocessing import TabularPreprocessor, stratified_split


def ours(name, seed, folder):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["train", name, "--json", "--quiet", "--seed", str(seed),
                     "--out", os.path.join(folder, "m.nn")])
    assert code == 0
    result = json.loads(buffer.getvalue())
    return result["test_metrics"]["accuracy"], result["seconds"]


def theirs(name, seed, random_state=None):
    table = datasets.load(name)
    target = datasets.DATASETS[name]["target"]
    values = table.column(target)
    y = parse_labels(values)
    keep, held = stratified_split(table.n_rows, 0.2, seed, y)
    prep = TabularPreprocessor().fit(table.take(keep), [c for c in table.columns if c != target])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(random_state=seed if random_state is None else random_state).fit(prep.transform(table.take(keep)), y[keep])
    seconds = time.perf_counter() - start
    return clf.score(prep.transform(table.take(held)), y[held]), seconds


def main_bench(n_seeds=10, n_inits=5):
    print(f"{'data set':<14} {'neuronet acc':>12} {'sklearn acc':>12} {f'sklearn, {n_inits} inits':>18} "
          f"{'wins/ties/losses':>17} {'neuronet s':>10} {'sklearn s':>10}   ({n_seeds} seeded splits)")
    with tempfile.TemporaryDirectory() as folder:
        for name in ("digits", "iris", "wine", "breast_cancer"):
            a = np.array([ours(name, s, folder) for s in range(n_seeds)])
            b = np.array([theirs(name, s) for s in range(n_seeds)])
            inits = np.mean([theirs(name, s, s + 1000 * j)[0] for s in range(n_seeds)
                             for j in range(n_inits)])
            wins = int(np.sum(a[:, 0] > b[:, 0] + 1e-9))
            losses = int(np.sum(a[:, 0] < b[:, 0] - 1e-9))
            print(f"{name:<14} {a[:, 0].mean():>12.4f} {b[:, 0].mean():>12.4f} {inits:>18.4f} "
                  f"{f'{wins}/{n_seeds - wins - losses}/{losses}':>17} {a[:, 1].mean():>10.2f} "
                  f"{b[:, 1].mean():>10.2f}")


if __name__ == "__main__":
    main_bench(*(int(a) for a in sys.argv[1:3]))
