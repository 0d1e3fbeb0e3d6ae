"""Training over the row blocks of Dask collections where ``dask_ml.wrappers.Incremental`` cannot.

For the usual case use dask-ml itself: ``Incremental(NeuronetClassifier(...)).fit(X, y, classes=...)``
calls ``partial_fit`` block by block, on a cluster if a ``dask.distributed.Client`` is active.
dask-ml 2025.1.0 has two limits that :func:`partial_fit_blocks` lifts:

- ``y`` must be 1-D: its task graph addresses the blocks of ``y`` with one index,
  ``(y_name, i)``, so for a 2-D ``y`` (multi-output regression, multilabel) ``partial_fit``
  receives that key tuple instead of the block and fails with "inconsistent numbers of samples";
- extra fit arguments are passed unchanged to every block, so a per-row ``sample_weight`` cannot
  follow the blocks.

:func:`partial_fit_blocks` is the same chain of ``partial_fit`` tasks, built with ``dask.delayed``.
It takes what ``Incremental`` takes: dask arrays (also with unknown chunk sizes, as after boolean
filtering or ``to_dask_array()``), dask DataFrames and Series, and in-memory data.
Needs the ``dask`` extra (``pip install neuronet[dask]``).
"""
from __future__ import annotations

import copy
import math
import numbers

import numpy as np

from ._extras import require
from .validation import check_count

dask = require("dask", "dask")
da = require("dask.array", "dask")

__all__ = ["partial_fit_blocks"]


def partial_fit_blocks(estimator, X, y, *, sample_weight=None, epochs=1, shuffle_blocks=True,
                       random_state=None, compute=True, **fit_kwargs):
    """Call ``estimator.partial_fit`` on every row block of ``X``, ``epochs`` times, as Dask tasks.

    The data is never gathered in one place: each task gets one block of each input.

    Parameters
    ----------
    estimator : object with ``partial_fit``
        Not modified: a copy is trained (continuing from its state, if it was already fitted).
    X : dask array, dask DataFrame, or in-memory 2-D data, shape (n_samples, n_features)
        Its row chunks (partitions) are the blocks; a dask array's column chunks are merged into
        one. Blocks are passed on as they are: NumPy arrays, or pandas DataFrames (whose column
        names the estimator records). An in-memory pandas DataFrame is one block; other in-memory
        data is split by ``dask.array.asarray``.
    y : dask array, dask Series or DataFrame, or in-memory data
        Shape (n_samples,) or (n_samples, n_outputs).
        If the row counts of the blocks of ``X`` and ``y`` are all known, ``y`` is re-chunked to the
        rows of ``X``. Otherwise (a dask DataFrame or Series, ``to_dask_array()`` without
        ``lengths=True``, a boolean-filtered array) block ``i`` of ``y`` goes with block ``i`` of
        ``X``, so both need the same number of blocks, and each pair the same length (checked when
        the block is computed).
    sample_weight : same kinds as ``y``, shape (n_samples,), optional
        Aligned with ``X`` like ``y``; each block gets its own weights.
    epochs : int, default 1
        Passes over all the blocks.
    shuffle_blocks : bool, default True
        Visit the blocks in a new random order each pass (the rows inside a block are shuffled by
        the estimator's own ``shuffle``).
    random_state : int, numpy RandomState, numpy Generator or None
        Seeds the block order (a RandomState or Generator is used, and advanced, as it is).
    compute : bool, default True
        Return the trained estimator; with False, a ``dask.delayed`` object that computes it.
    **fit_kwargs
        Passed to every ``partial_fit`` call, e.g. ``classes=`` (required by classifiers).

    Returns
    -------
    estimator or Delayed

    Raises
    ------
    ValueError
        For ``epochs`` below 1, a bad ``random_state`` seed, or a bad shape of ``X``, ``y`` or
        ``sample_weight``;
        when ``X`` and ``y`` (or ``sample_weight``) have different numbers of blocks, or, at compute
        time, a block of ``X`` and the matching block of ``y`` differ in length; and, at compute
        time, when every block of ``X`` is empty (empty blocks are skipped).
    TypeError
        If ``estimator`` has no ``partial_fit``, ``epochs`` is not an integer, ``random_state`` is
        of another type, or an input
        is a Dask collection other than an array, DataFrame or Series.
    """
    check_count("epochs", epochs)
    if not hasattr(estimator, "partial_fit"):
        raise TypeError(f"{type(estimator).__name__} has no partial_fit method")
    rng = _block_order_rng(random_state)
    X_blocks, rows = _x_blocks(X)
    y_blocks = _aligned_blocks(y, "y", rows, ndims=(1, 2))
    w_blocks = (None if sample_weight is None
                else _aligned_blocks(sample_weight, "sample_weight", rows, ndims=(1,)))
    state = (copy.deepcopy(estimator), 0)
    task = dask.delayed(_partial_fit_block, pure=False)
    for _ in range(int(epochs)):
        order = rng.permutation(len(rows)) if shuffle_blocks else range(len(rows))
        for i in order:
            w = None if w_blocks is None else w_blocks[i]
            state = task(state, X_blocks[i], y_blocks[i], w, fit_kwargs, int(i))
    model = dask.delayed(_trained, pure=False)(state, len(rows))
    return model.compute() if compute else model


def _partial_fit_block(state, X, y, sample_weight, fit_kwargs, index):
    """One task: ``partial_fit`` on block ``index``.

    Parameters
    ----------
    state : tuple (model, int)
        The model so far and the number of rows it has been trained on by these tasks.
    X, y, sample_weight : array-like or None
        Block ``index`` of each input (``sample_weight`` may be None).
    fit_kwargs : dict
        Further ``partial_fit`` arguments.
    index : int
        The block's position in ``X``, for error messages.

    Returns
    -------
    tuple (model, int)
        The state for the next task; unchanged if the block is empty.
    """
    model, rows_seen = state
    n_rows = _block_rows(index, X, y=y, sample_weight=sample_weight)
    if n_rows == 0:
        return state
    if sample_weight is not None:
        fit_kwargs = dict(fit_kwargs, sample_weight=sample_weight)
    return model.partial_fit(X, y, **fit_kwargs), rows_seen + n_rows


def _block_rows(index, X, **others):
    """The number of rows of block ``index`` of X, after checking that the other blocks match it."""
    n_rows = len(X)
    for name, values in others.items():
        if values is not None and len(values) != n_rows:
            raise ValueError(f"block {index} of X has {n_rows} rows but block {index} of {name} "
                             f"has {len(values)}: X and {name} are matched block by block (their "
                             f"block lengths were unknown until computed), so the blocks must have "
                             f"the same lengths")
    return n_rows


def _trained(state, n_blocks):
    """The last task: the trained model, unless no block had any rows."""
    model, rows_seen = state
    if rows_seen == 0:
        raise ValueError(f"X has no rows: all its {n_blocks} blocks are empty")
    return model


def _block_order_rng(random_state):
    """A RandomState or Generator for the block order, from what sklearn estimators accept.

    Raises
    ------
    ValueError
        For an int seed outside [0, 2**32 - 1].
    TypeError
        For anything but None, an int, a RandomState or a Generator.
    """
    if random_state is None or isinstance(random_state, numbers.Integral):
        if random_state is not None and not 0 <= random_state < 2 ** 32:
            raise ValueError(f"random_state must be between 0 and 2**32 - 1, got {random_state}")
        return np.random.RandomState(random_state)
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    raise TypeError(f"random_state must be None, an int, a numpy.random.RandomState or a "
                    f"numpy.random.Generator; got {type(random_state).__name__} "
                    f"{random_state!r}")


def _x_blocks(X):
    """The row blocks of ``X`` and their lengths (NaN where unknown until computed).

    Returns
    -------
    blocks : sequence of Delayed
    rows : tuple of float
    """
    if _is_pandas(X):                       # in memory already: one block, kept as a DataFrame
        _check_ndim(X, "X", (2,), X.shape)
        return [dask.delayed(X, pure=False)], (len(X),)
    X = _as_collection(X, "X")
    _check_ndim(X, "X", (2,), _shape(X))
    return _row_blocks(X), _row_lengths(X)


def _aligned_blocks(values, name, rows, ndims):
    """``values`` as row blocks that go with X's blocks, whose lengths are ``rows``.

    With every length known on both sides, ``values`` is re-chunked to ``rows``; otherwise its
    blocks are matched one to one with X's (and their lengths compared when computed).

    Parameters
    ----------
    values : dask array, dask DataFrame or Series, or in-memory data
    name : str
        ``"y"`` or ``"sample_weight"``, for error messages.
    rows : tuple of float
        X's block lengths, NaN where unknown.
    ndims : tuple of int
        The numbers of dimensions allowed.

    Returns
    -------
    sequence of Delayed
        One per block of X.
    """
    values = _as_collection(values, name)
    shape = _shape(values)
    _check_ndim(values, name, ndims, shape)
    if _known(rows) and _known(_row_lengths(values)):
        if shape[0] != sum(rows):
            raise ValueError(_rows_message(name, sum(rows), shape))
        return values.rechunk((rows,) + tuple((n,) for n in shape[1:])).to_delayed().ravel()
    blocks = _row_blocks(values)
    if len(blocks) != len(rows):
        raise ValueError(
            f"X and {name} have different numbers of blocks: X has {len(rows)}, {name} has "
            f"{len(blocks)}. Their block lengths are not all known (as for a dask DataFrame or "
            f"Series, to_dask_array() without lengths=True, or a boolean-filtered array), so "
            f"block i of {name} goes with block i of X: partition them alike, or give both known "
            f"chunk sizes (to_dask_array(lengths=True), compute_chunk_sizes())")
    return blocks


def _rows_message(name, n_rows, shape):
    """The error message for ``y`` or ``sample_weight`` of ``shape`` when X has ``n_rows`` rows."""
    if name == "sample_weight":
        return (f"sample_weight must be 1-D with shape ({n_rows},), one weight per row of X; got "
                f"shape {shape}")
    return f"{name} must have {n_rows} rows, one per row of X; got shape {shape}"


def _check_ndim(values, name, ndims, shape):
    """Raise a ValueError naming ``name`` unless ``values`` has one of ``ndims`` dimensions."""
    if values.ndim in ndims:
        return
    wanted = {"X": "2-D (n_samples, n_features)",
              "y": "1-D (n_samples,) or 2-D (n_samples, n_outputs)",
              "sample_weight": "1-D (n_samples,), one weight per row of X"}[name]
    raise ValueError(f"{name} must be {wanted}; got shape {shape}")


def _as_collection(values, name):
    """``values`` as a dask array or dask DataFrame/Series; in-memory data becomes a dask array."""
    if isinstance(values, da.Array) or _is_dask_frame(values):
        return values
    if dask.is_dask_collection(values):
        raise TypeError(f"{name} must be a dask array, DataFrame or Series, or in-memory data; got "
                        f"a {type(values).__name__}")
    return da.asarray(np.asarray(values) if _is_pandas(values) else values)


def _is_dask_frame(values):
    """Whether ``values`` is a dask DataFrame, Series or Index (without importing that module)."""
    return (dask.is_dask_collection(values) and hasattr(values, "npartitions")
            and getattr(values, "ndim", None) in (1, 2))


def _is_pandas(values):
    """Whether ``values`` is an in-memory pandas object (without importing pandas)."""
    return hasattr(values, "iloc") and not dask.is_dask_collection(values)


def _shape(values):
    """The shape of a dask collection, with NaN for an unknown number of rows."""
    if isinstance(values, da.Array):
        return values.shape
    return (math.nan,) if values.ndim == 1 else (math.nan, len(values.columns))


def _row_lengths(values):
    """The lengths of the row blocks of a dask collection, NaN where unknown."""
    if isinstance(values, da.Array):
        return values.chunks[0]
    return (math.nan,) * values.npartitions


def _row_blocks(values):
    """One Delayed per row block of a dask collection (a 2-D array's column chunks merged)."""
    if isinstance(values, da.Array):
        if values.ndim == 2:
            values = values.rechunk({1: -1})
        return values.to_delayed().ravel()
    return values.to_delayed()


def _known(lengths):
    """Whether every length in ``lengths`` is known (not NaN)."""
    return not any(math.isnan(n) for n in lengths)
