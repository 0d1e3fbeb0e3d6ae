"""Targets: turning a user's ``y`` into the array ``Y`` of shape ``(n_samples, n_outputs)`` the loss sees.

- softmax output with ``k`` units: ``y`` is a 1-D array of labels (integers, strings, anything
  sortable), one-hot encoded against ``classes_``; or already a ``(n_samples, k)`` array of class
  probabilities, each row summing to 1;
- sigmoid output: numbers in [0, 1], shape ``(n_samples,)`` for one unit or ``(n_samples, k)``;
- any other output: real numbers, shape ``(n_samples,)`` for one unit or ``(n_samples, k)``.
"""
from __future__ import annotations

import numpy as np

from .validation import as_numeric, check_finite, missing_rows, name_rows

__all__ = ["encode_targets", "one_hot"]


def one_hot(labels, classes, dtype):
    """Rows of ``Y`` with a 1 in the column of each label's class (``classes`` sorted)."""
    index = np.searchsorted(classes, labels)
    Y = np.zeros((len(labels), len(classes)), dtype=dtype)
    Y[np.arange(len(labels)), index] = 1.0
    return Y


def _labels(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return y


def encode_targets(y, n_samples, n_outputs, output_activation, dtype, classes=None):
    """Return ``(Y, classes)``; ``classes`` is the sorted label array for a softmax output, else None.

    ``classes`` passed in are those already known (from an earlier fit or given by the user): labels
    outside them are refused.
    """
    if y is None:
        raise TypeError("y is None: give the targets, one per sample of X")
    y_array = np.asarray(y) if not isinstance(y, np.ndarray) else y
    if y_array.shape[:1] != (n_samples,):
        raise ValueError(f"X has {n_samples} samples but y has "
                         f"{y_array.shape[0] if y_array.ndim else 'no'} (y shape {y_array.shape}); "
                         "they must have the same length")
    if output_activation == "softmax" and not (y_array.ndim == 2 and y_array.shape[1] == n_outputs
                                               and n_outputs > 1 and y_array.dtype.kind in "fiub"):
        return _encode_labels(_labels(y_array), n_outputs, dtype, classes)

    try:
        Y = as_numeric(y_array, dtype, "y")
    except ValueError as err:
        if output_activation != "sigmoid":
            raise
        raise ValueError(f"{err}: a sigmoid output takes numbers in [0, 1]; encode the labels as "
                         "0/1, or use a softmax output (one unit per class), which takes labels of "
                         "any kind") from None
    if Y.ndim == 1 and n_outputs == 1:
        Y = Y.reshape(-1, 1)
    if Y.ndim != 2 or Y.shape[1] != n_outputs:
        want = f"({n_samples},) or ({n_samples}, 1)" if n_outputs == 1 else f"({n_samples}, {n_outputs})"
        raise ValueError(f"y has shape {y_array.shape}, but the output layer has {n_outputs} unit"
                         f"{'s' if n_outputs > 1 else ''}: y must have shape {want}")
    check_finite(Y, "y", y_array)
    if output_activation in ("sigmoid", "softmax") and (Y.min() < 0 or Y.max() > 1):
        _outside_unit_interval(Y, output_activation)
    if output_activation == "softmax":
        _check_rows_sum_to_one(Y)
    return np.ascontiguousarray(Y), None


def _check_rows_sum_to_one(Y):
    """Rows of class probabilities sum to 1; the softmax gradient ``P - Y`` is only right if they do."""
    sums = Y.sum(axis=1, dtype=np.float64)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-4)
    if bad.size:
        raise ValueError(f"y rows for a softmax output are class probabilities and must sum to 1; "
                         f"row {bad[0]} sums to {sums[bad[0]]:g} ({bad.size} of {Y.shape[0]} rows do "
                         "not). For several labels per row (multilabel), use a sigmoid output with "
                         "binary_crossentropy; to give labels, pass them as one column")


def _outside_unit_interval(Y, output_activation):
    """Refuse targets outside [0, 1] for a probability output, with the advice that fits it."""
    bad = np.flatnonzero(((Y < 0) | (Y > 1)).any(axis=1))[0]
    if output_activation == "softmax":   # only an (n_samples, n_classes) array of numbers gets here
        raise ValueError(f"y must lie in [0, 1] for a softmax output: a y of shape {Y.shape} is read "
                         f"as class probabilities, and row {bad} holds {Y[bad].tolist()}. To give "
                         f"labels instead, pass them as one column, shape ({Y.shape[0]},)")
    raise ValueError(f"y must lie in [0, 1] for a sigmoid output; row {bad} holds "
                     f"{Y[bad].tolist()}. Encode the labels as 0/1, or use a softmax output for "
                     "labels of any kind")


def _encode_labels(y, n_outputs, dtype, classes):
    if y.ndim != 1:
        raise ValueError(f"y for a softmax output must be 1-D labels or ({len(y)}, {n_outputs}) "
                         f"probabilities, got shape {y.shape}")
    if y.dtype.kind == "f":
        check_finite(y, "y")
    if y.dtype == object:
        _refuse_missing(y)
        y = y.astype(str)
    seen = np.unique(y)
    if classes is None:
        classes = seen
        if len(classes) > n_outputs:
            raise ValueError(f"y has {len(classes)} classes ({_show(classes)}) but the softmax output "
                             f"has {n_outputs} units; give the last layer {len(classes)} units")
        if len(classes) < n_outputs:
            raise ValueError(f"y has {len(classes)} classes ({_show(classes)}) but the softmax output "
                             f"has {n_outputs} units; name all of them with classes=[...] (fit, prepare) "
                             "or give y as one-hot rows")
    else:
        unseen = np.setdiff1d(seen, classes)
        if unseen.size:
            raise ValueError(f"y holds labels the network does not know: {_show(unseen)}; "
                             f"known classes: {_show(classes)}")
    return one_hot(y, classes, dtype), classes


def _refuse_missing(labels):
    """A missing label (None, NaN, pandas.NA) is not a class of its own."""
    rows = missing_rows(labels)
    if rows.size:
        raise ValueError(f"y contains missing labels, None or NaN ({name_rows(rows)}); drop those "
                         "rows or give them a label first")


def check_classes(classes, n_outputs):
    """Validate user-given ``classes`` for a softmax output of ``n_outputs`` units."""
    classes = np.unique(np.asarray(classes))
    if len(classes) != n_outputs:
        raise ValueError(f"classes has {len(classes)} distinct labels but the softmax output has "
                         f"{n_outputs} units")
    return classes


def _show(values, limit=10):
    items = [repr(v.item() if hasattr(v, "item") else v) for v in values[:limit]]
    return ", ".join(items) + (", ..." if len(values) > limit else "")
