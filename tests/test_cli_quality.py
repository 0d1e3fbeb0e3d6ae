"""The quality bars of `neuronet train` with default settings, on the held-out test split it reports.

- digits: at least 97% test accuracy;
- iris, wine, breast_cancer: at least scikit-learn's MLPClassifier (default settings, on the same
  split and the same standardized features), summed over the same 5 seeded splits, within one test
  row per split (the test sets hold 30, 36 and 114 rows: one row is 3%, 2.8% and 0.9%).
"""
import json
import warnings

import pytest

from neuronet import datasets
from neuronet.cli import main
from neuronet.model import parse_labels
from neuronet.preprocessing import TabularPreprocessor, stratified_split


def train(capsys, tmp_path, name, seed=0):
    code = main(["train", name, "--json", "--seed", str(seed), "--out", str(tmp_path / "m.nn")])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_digits_reaches_97_percent_with_defaults(tmp_path, capsys):
    result = train(capsys, tmp_path, "digits")
    assert 350 <= result["rows"]["test"] <= 365                       # 20% of 1797, stratified
    assert result["test_metrics"]["accuracy"] >= 0.97


def _sklearn_correct(name, seed):
    MLPClassifier = pytest.importorskip("sklearn.neural_network").MLPClassifier
    table = datasets.load(name)
    target = datasets.DATASETS[name]["target"]
    values = table.column(target)
    y = parse_labels(values)
    keep, held = stratified_split(table.n_rows, 0.2, seed, y)      # the split `train` uses
    inputs = [c for c in table.columns if c != target]
    prep = TabularPreprocessor().fit(table.take(keep), inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                              # ConvergenceWarning
        clf = MLPClassifier(random_state=seed).fit(prep.transform(table.take(keep)), y[keep])
    return int(round(clf.score(prep.transform(table.take(held)), y[held]) * len(held))), len(held)


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer"])
def test_small_sets_match_scikit_learns_mlp(tmp_path, capsys, name):
    ours, theirs, n_splits = 0, 0, 5
    for seed in range(n_splits):
        result = train(capsys, tmp_path, name, seed)
        n_test = result["test_metrics"]["n_rows"]
        ours += int(round(result["test_metrics"]["accuracy"] * n_test))
        correct, n_held = _sklearn_correct(name, seed)
        assert n_held == n_test
        theirs += correct
    assert ours >= theirs - n_splits, (ours, theirs)
