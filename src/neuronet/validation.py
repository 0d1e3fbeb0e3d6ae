"""Input checks: every mistake in X, y or sample_weight becomes a ValueError that names the problem.

Nothing is silently broadcast: shapes must match exactly.
"""
from __future__ import annotations

import numpy as np

__all__ = ["check_X", "check_sample_weight", "check_finite", "resolve_dtype"]

DTYPES = {"float64": np.float64, "float32": np.float32}


def resolve_dtype(dtype):
    """``"float64"`` (default) or ``"float32"``, as a string, a NumPy dtype or a type."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return np.dtype(name)


def as_numeric(values, dtype, name):
    """``values`` as an array of ``dtype``, refusing text and other non-numbers with a clear message."""
    try:
        array = np.asarray(values)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} could not be read as a rectangular array: {err}") from None
    if array.dtype == object or array.dtype.kind in "USVMm":
        try:
            return np.asarray(array, dtype=dtype)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numeric; it holds values of type "
                             f"{array.dtype if array.dtype != object else 'object'}") from None
    if array.dtype.kind == "c":
        raise ValueError(f"{name} must be real-valued, got complex numbers")
    return np.asarray(array, dtype=dtype)


def check_finite(array, name):
    """Raise if ``array`` holds NaN or infinity, naming the first offending row (no full-size temporary)."""
    if array.size == 0:
        return
    lo, hi = array.min(), array.max()
    if np.isfinite(lo) and np.isfinite(hi):
        return
    flat_rows = array.reshape(array.shape[0], -1)
    bad = ~np.isfinite(flat_rows).all(axis=1)
    rows = np.flatnonzero(bad)
    listed = ", ".join(str(r) for r in rows[:5]) + (", ..." if rows.size > 5 else "")
    raise ValueError(f"{name} contains NaN or infinite values (row{'s' if rows.size > 1 else ''} "
                     f"{listed}); remove or impute them first")


def check_X(X, n_features, dtype, name="X"):
    """Validate a feature matrix and return it as a C-contiguous array of ``dtype``.

    Parameters
    ----------
    X : array-like, shape (n_samples, n_features)
    n_features : int
        What the network's first layer expects.
    dtype : numpy.dtype
    """
    X = as_numeric(X, dtype, name)
    if X.ndim != 2:
        hint = " (for a single sample use X.reshape(1, -1))" if X.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 samples")
    if X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features per sample, but the network's first layer "
                         f"expects {n_features} (shape {X.shape})")
    check_finite(X, name)
    return np.ascontiguousarray(X)


def check_sample_weight(sample_weight, n_samples, dtype):
    """``None`` or a 1-D array of ``n_samples`` non-negative finite weights, not all zero."""
    if sample_weight is None:
        return None
    w = as_numeric(sample_weight, dtype, "sample_weight")
    if w.ndim == 0:
        w = np.full(n_samples, w, dtype=dtype)
    if w.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},), got {w.shape}")
    check_finite(w, "sample_weight")
    if (w < 0).any():
        raise ValueError("sample_weight must not be negative")
    if not w.sum() > 0:
        raise ValueError("sample_weight sums to 0: at least one sample needs a positive weight")
    return np.ascontiguousarray(w)
