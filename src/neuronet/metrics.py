"""Scores for predictions: accuracy and confusion matrix for classes, MSE/MAE/R² for numbers."""
from __future__ import annotations

import numpy as np

__all__ = ["accuracy", "confusion_matrix", "regression_metrics", "format_confusion_matrix"]


def accuracy(y_true, y_pred):
    """Fraction of equal entries of two 1-D arrays of the same length, as a Python float."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"accuracy needs two non-empty 1-D arrays of the same shape, got "
                         f"{y_true.shape} and {y_pred.shape}")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(true_index, pred_index, n_classes):
    """Counts ``C[i, j]`` of rows of class ``i`` predicted as class ``j``: int array (n_classes, n_classes).

    ``true_index`` and ``pred_index`` are class positions (0 .. n_classes - 1), shape (n_samples,).
    """
    true_index, pred_index = np.asarray(true_index), np.asarray(pred_index)
    if true_index.shape != pred_index.shape or true_index.ndim != 1:
        raise ValueError(f"confusion_matrix needs two 1-D arrays of the same shape, got "
                         f"{true_index.shape} and {pred_index.shape}")
    for name, index in (("true_index", true_index), ("pred_index", pred_index)):
        if index.size and (index.dtype.kind not in "iu" or index.min() < 0
                           or index.max() >= n_classes):
            raise ValueError(f"{name} must hold class positions 0 .. {n_classes - 1}")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (true_index, pred_index), 1)
    return C


def regression_metrics(y_true, y_pred):
    """``{"mse", "mae", "r2"}`` of two 1-D float arrays; ``r2`` is 1 - SS_res / SS_tot. For a constant
    ``y_true`` (SS_tot 0) ``r2`` is 1 for perfect predictions, else 0, as in scikit-learn."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1 or y_true.size == 0:
        raise ValueError(f"regression_metrics needs two non-empty 1-D arrays of the same shape, got "
                         f"{y_true.shape} and {y_pred.shape}")
    with np.errstate(all="ignore"):          # a diverged model's huge outputs give inf, no warning
        err = y_pred - y_true
        # R² does not depend on the units: for targets whose squares would overflow (beyond
        # ±1e150) it is computed on y / max|y|; ordinary targets are used as they are.
        largest = float(np.max(np.abs(y_true))) if y_true.size else 0.0
        unit = largest if np.isfinite(largest) and largest > 1e150 else 1.0
        scaled = y_true / unit
        ss_tot = float(np.sum((scaled - scaled.mean()) ** 2))
        ss_res = float(np.sum((y_pred / unit - scaled) ** 2))
        return {"mse": float(np.mean(err ** 2)), "mae": float(np.mean(np.abs(err))),
                "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float(ss_res == 0.0)}


def format_confusion_matrix(matrix, labels):
    """A text table: one row per true label, one column per predicted label."""
    labels = [str(x) for x in labels]
    matrix = np.asarray(matrix)
    width = max([len(s) for s in labels] + [len(str(int(matrix.max()))) if matrix.size else 1, 4])
    head = " " * width + " | " + " ".join(f"{s:>{width}}" for s in labels) + "   (predicted)"
    rows = [head, "-" * len(head)]
    for label, row in zip(labels, matrix):
        rows.append(f"{label:>{width}} | " + " ".join(f"{int(v):>{width}}" for v in row))
    return "\n".join(rows)
