"""bench/quality.py, the accuracy benchmark of `make bench`, run as a script on a small scale."""
import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("threadpoolctl")

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench",
                     "quality.py")


def test_quality_bench_prints_both_tables_with_consistent_figures():
    done = subprocess.run([sys.executable, BENCH, "--splits", "2", "--inits", "2", "--sets", "iris",
                           "wine"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # Table 1: one line per set, the literal bar against MLPClassifier(random_state=0).
    bars = re.findall(r"^\| (iris|wine) \| (\d+)/(\d+) = ([\d.]+) \| (\d+)/(\d+) = [\d.]+ \| "
                      r"([\d.]+) \((\d+)-(\d+)\) \| [^|]+ \| (met|NOT met) \|$", out, re.M)
    assert [b[0] for b in bars] == ["iris", "wine"], out
    for name, mine, n, acc, theirs, n2, mean, low, high, status in bars:
        assert n == n2 and abs(int(mine) / int(n) - float(acc)) < 1e-4
        assert int(low) <= float(mean) <= int(high)
        assert status == ("met" if int(mine) >= int(theirs) else "NOT met")
    # Table 2: the ratio is neuronet's mean over MLPClassifier's.
    means = re.findall(r"^\| (iris|wine) \| 2 \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+)/(\d+)/(\d+) \|$",
                       out, re.M)
    assert [m[0] for m in means] == ["iris", "wine"], out
    for name, a, b, ratio, *counts in means:
        assert abs(float(a) / float(b) - float(ratio)) < 1e-3
        assert sum(int(c) for c in counts) == 2
    assert "BLAS threads pinned to 1" in out


def test_quality_bench_refuses_a_zero_count():
    done = subprocess.run([sys.executable, BENCH, "--inits", "0"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "at least 1" in done.stderr


def test_the_settings_study_trains_exactly_what_train_trains(tmp_path, capsys):
    """bench/defaults.py re-creates `train` to vary the weight seed alone; with seed s for both it
    must give the command's own test accuracy, with and without extra flags."""
    import json

    from neuronet.cli import main
    sys.path.insert(0, os.path.dirname(BENCH))
    try:
        from defaults import correct_rows
    finally:
        sys.path.remove(os.path.dirname(BENCH))
    for name, seed, flags in (("breast_cancer", 0, []), ("wine", 2, ["--dropout", "0.5"]),
                              ("iris", 1, ["--validation-split", "0.1", "--patience", "5"])):
        assert main(["train", name, "--json", "--seed", str(seed), "--out", str(tmp_path / "m.nn"),
                     *flags]) == 0
        metrics = json.loads(capsys.readouterr().out)["test_metrics"]
        expected = (int(round(metrics["accuracy"] * metrics["n_rows"])), metrics["n_rows"])
        assert correct_rows(name, seed, seed, flags) == expected, (name, flags)
