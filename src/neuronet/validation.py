"""Input checks: every mistake in X, y, sample_weight or a setting becomes a ValueError or TypeError
that names the problem.

Nothing is silently broadcast: shapes must match exactly.
"""
from __future__ import annotations

import numpy as np

__all__ = ["check_X", "check_sample_weight", "check_finite", "missing_rows", "name_rows",
           "resolve_dtype", "check_count", "check_fraction", "check_non_negative", "random_generator"]

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
        raise ValueError(f"{name} could not be read as a rectangular array"
                         f"{_ragged_row(values)}: {err}") from None
    # A value too large for float32 becomes inf here; check_finite(..., source=) names it.
    with np.errstate(over="ignore"):
        if array.dtype == object or array.dtype.kind in "USVMm":
            try:
                return np.asarray(array, dtype=dtype)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be numeric; "
                                 f"{_first_non_number(array, column_labels(values))}") from None
        if array.dtype.kind == "c":
            raise ValueError(f"{name} must be real-valued, got complex numbers")
        return np.asarray(array, dtype=dtype)


def _ragged_row(values):
    """`` (row 3 has 2 values, row 0 has 3)`` for a list of rows of different lengths, else ``""``."""
    try:
        lengths = [len(row) for row in values]
    except TypeError:
        return ""
    odd = next((i for i, n in enumerate(lengths) if n != lengths[0]), None)
    if odd is None:
        return ""
    return f" (row {odd} has {lengths[odd]} value{'s' * (lengths[odd] != 1)}, row 0 has {lengths[0]})"


def _first_non_number(array, labels):
    """Where the first value that is not a number is, for messages: ``row 2, column 'b' holds 'x'``."""
    for index, value in np.ndenumerate(array):
        try:
            float(value)
        except (TypeError, ValueError):
            where = f"row {index[0]}"
            if len(index) > 1:
                where += f", column {labels[index[1]]!r}" if labels else f", column {index[1]}"
            return f"{where} holds {value.item() if isinstance(value, np.generic) else value!r}"
    return f"it holds values of type {array.dtype}"


def check_finite(array, name, source=None):
    """Raise if ``array`` holds NaN or infinity, naming the first offending rows (clean data costs a
    min and a max, no full-size temporary).

    ``source`` is what ``array`` was cast from, if it was: finite values there that became infinite
    are reported as too large for ``array``'s dtype (float32 holds magnitudes up to 3.4e38).
    """
    if array.size == 0:
        return
    lo, hi = array.min(), array.max()
    if np.isfinite(lo) and np.isfinite(hi):
        return
    overflowed = _overflowed_rows(source, array)
    if overflowed.size:
        raise ValueError(f"{name} holds values too large for {array.dtype.name} "
                         f"({name_rows(overflowed)}; {array.dtype.name} holds magnitudes up to "
                         f"{np.finfo(array.dtype).max:.3g}); scale them down (e.g. standardize) or "
                         "use dtype='float64'")
    bad = ~np.isfinite(array.reshape(array.shape[0], -1)).all(axis=1)
    raise ValueError(f"{name} contains NaN or infinite values ({name_rows(np.flatnonzero(bad))}); "
                     "remove or impute them first")


def _overflowed_rows(source, array):
    """Rows whose values are finite in ``source`` but infinite in ``array``, its narrower cast."""
    if source is None:
        return np.empty(0, dtype=np.intp)
    try:
        wide = np.asarray(source, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return np.empty(0, dtype=np.intp)
    if wide.size != array.size:
        return np.empty(0, dtype=np.intp)
    overflowed = np.isfinite(wide.reshape(array.shape)) & ~np.isfinite(array)
    return np.flatnonzero(overflowed.reshape(array.shape[0], -1).any(axis=1))


def missing_rows(values):
    """Positions of the missing entries in a 1-D object array: ``None``, NaN, ``pandas.NA``, NaT."""
    return np.flatnonzero([_is_missing(v) for v in values])


def _is_missing(value):
    if value is None:
        return True
    try:
        return bool(value != value)      # NaN and NaT are the values not equal to themselves
    except (TypeError, ValueError):
        return type(value).__name__ == "NAType"   # pandas.NA: its comparisons have no truth value


def name_rows(rows):
    """``"row 3"`` or ``"rows 3, 7, ..."`` (the first five)."""
    listed = ", ".join(str(r) for r in rows[:5]) + (", ..." if rows.size > 5 else "")
    return f"row{'s' if rows.size > 1 else ''} {listed}"


def check_X(X, n_features, dtype, name="X"):
    """Validate a feature matrix and return it as a C-contiguous array of ``dtype``.

    Parameters
    ----------
    X : array-like, shape (n_samples, n_features)
    n_features : int
        What the network's first layer expects.
    dtype : numpy.dtype
    """
    source, X = X, as_numeric(X, dtype, name)
    if X.ndim != 2:
        hint = " (for a single sample use X.reshape(1, -1))" if X.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 samples")
    if X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features per sample, but the network's first layer "
                         f"expects {n_features} (shape {X.shape})")
    check_finite(X, name, source)
    return np.ascontiguousarray(X)


def column_labels(X):
    """A data frame's column names as text (pandas, polars: anything with ``.columns``), or None
    for an array or a list."""
    columns = None if isinstance(X, np.ndarray) else getattr(X, "columns", None)
    return None if columns is None else [str(c) for c in columns]


def check_sample_weight(sample_weight, n_samples, dtype):
    """``None`` or a 1-D array of ``n_samples`` non-negative finite weights, not all zero."""
    if sample_weight is None:
        return None
    w = as_numeric(sample_weight, dtype, "sample_weight")
    if w.ndim == 0:
        w = np.full(n_samples, w, dtype=dtype)
    if w.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},), got {w.shape}")
    check_finite(w, "sample_weight", sample_weight)
    if (w < 0).any():
        raise ValueError("sample_weight must not be negative")
    if not w.sum() > 0:
        raise ValueError("sample_weight sums to 0: at least one sample needs a positive weight")
    return np.ascontiguousarray(w)


# --------------------------------------------------------------------------------------------------
# Settings: numbers and seeds given to a network or to fit


def check_count(name, value):
    """``value`` as an int of at least 1: a ``TypeError`` for a bool, a float or text, a
    ``ValueError`` below 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_fraction(name, value):
    """``value`` as a float in [0, 1) (a number, not text)."""
    value = _real(name, value, "a number in [0, 1)")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def check_non_negative(name, value):
    """``value`` as a finite float of 0 or more (a number, not text)."""
    value = _real(name, value, "a number")
    if not 0.0 <= value < np.inf:
        raise ValueError(f"{name} must be a finite number, 0 or greater, got {value!r}")
    return value


def check_positive(name, value):
    """``value`` as a finite float greater than 0 (a number, not text)."""
    value = _real(name, value, "a number")
    if not 0.0 < value < np.inf:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value!r}")
    return value


def _real(name, value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be {what}, got {value!r}")
    return float(value)


def random_generator(seed):
    """A NumPy Generator from ``seed``: a non-negative int, None (fresh entropy), a Generator (used
    as it is), or anything else ``np.random.default_rng`` takes (a SeedSequence, a BitGenerator, a
    RandomState, a list of ints)."""
    if isinstance(seed, (bool, np.bool_, str, bytes, float, np.floating)):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    if isinstance(seed, (int, np.integer)) and seed < 0:
        raise ValueError(f"seed must be 0 or greater, got {seed!r}")
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as err:
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r} "
                        f"({err})") from None
