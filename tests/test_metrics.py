"""Regression and classification scores: equal to scikit-learn's, and finite where the data is."""
import numpy as np
import pytest

from neuronet.metrics import regression_metrics


def test_regression_metrics_equal_scikit_learns():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=40), rng.normal(size=40)
    scores = regression_metrics(y, p)
    assert scores["r2"] == metrics.r2_score(y, p)
    assert scores["mse"] == pytest.approx(metrics.mean_squared_error(y, p), rel=1e-15)
    assert scores["mae"] == pytest.approx(metrics.mean_absolute_error(y, p), rel=1e-15)


def test_r2_of_targets_near_the_float_limit_is_finite():
    y = np.array([1e300, -1e300, 5e299, 1.7e308])
    p = y * 0.9
    scores = regression_metrics(y, p)
    assert np.isfinite(scores["r2"])                          # SS_tot itself would overflow
    m = np.abs(y).max()
    expected = 1 - np.sum((p / m - y / m) ** 2) / np.sum((y / m - (y / m).mean()) ** 2)
    assert scores["r2"] == pytest.approx(expected, rel=1e-14)
    assert scores["mse"] == np.inf                            # beyond float64: honestly infinite
