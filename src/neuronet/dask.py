"""Training over the row blocks of Dask arrays where ``dask_ml.wrappers.Incremental`` cannot.

For the usual case use dask-ml itself: ``Incremental(NeuronetClassifier(...)).fit(X, y, classes=...)``
calls ``partial_fit`` block by block, on a cluster if a ``dask.distributed.Client`` is active.
dask-ml 2025.1.0 has two limits that :func:`partial_fit_blocks` lifts:

- ``y`` must be 1-D: its task graph addresses the blocks of ``y`` with one index,
  ``(y_name, i)``, so for a 2-D ``y`` (multi-output regression, multilabel) ``partial_fit``
  receives that key tuple instead of the block and fails with "inconsistent numbers of samples";
- extra fit arguments are passed unchanged to every block, so a per-row ``sample_weight`` cannot
  follow the blocks.

:func:`partial_fit_blocks` is the same chain of ``partial_fit`` tasks, built with ``dask.delayed``.
Needs the ``dask`` extra (``pip install neuronet[dask]``).
"""
from __future__ import annotations

import copy

import numpy as np

from ._extras import require

dask = require("dask", "dask")
da = require("dask.array", "dask")

__all__ = ["partial_fit_blocks"]


def _partial_fit_block(model, X, y, sample_weight, fit_kwargs):
    """One task: ``model.partial_fit`` on one block; returns the model for the next task."""
    if sample_weight is not None:
        fit_kwargs = dict(fit_kwargs, sample_weight=sample_weight)
    return model.partial_fit(X, y, **fit_kwargs)


def partial_fit_blocks(estimator, X, y, *, sample_weight=None, epochs=1, shuffle_blocks=True,
                       random_state=None, compute=True, **fit_kwargs):
    """Call ``estimator.partial_fit`` on every row block of ``X``, ``epochs`` times, as Dask tasks.

    Parameters
    ----------
    estimator : object with ``partial_fit``
        Not modified: a copy is trained (continuing from its state, if it was already fitted).
    X : dask array or array-like, shape (n_samples, n_features)
        Its row chunks are the blocks (one column chunk is made if there are several).
    y : dask array or array-like, shape (n_samples,) or (n_samples, n_outputs)
        Re-chunked to the rows of ``X``.
    sample_weight : dask array or array-like, shape (n_samples,), optional
        Re-chunked to the rows of ``X``; each block gets its own weights.
    epochs : int, default 1
        Passes over all the blocks.
    shuffle_blocks : bool, default True
        Visit the blocks in a new random order each pass (the rows inside a block are shuffled by
        the estimator's own ``shuffle``).
    random_state : int, RandomState or None
        Seeds the block order.
    compute : bool, default True
        Return the trained estimator; with False, a ``dask.delayed`` object that computes it.
    **fit_kwargs
        Passed to every ``partial_fit`` call, e.g. ``classes=`` (required by classifiers).

    Returns
    -------
    estimator or Delayed
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not hasattr(estimator, "partial_fit"):
        raise TypeError(f"{type(estimator).__name__} has no partial_fit method")
    X = da.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    rows = X.chunks[0]
    X = X.rechunk({1: -1})
    blocks = {"X": X.to_delayed().ravel(), "y": _blocks(y, "y", rows)}
    blocks["sample_weight"] = (None if sample_weight is None
                               else _blocks(sample_weight, "sample_weight", rows))
    rng = (random_state if isinstance(random_state, np.random.RandomState)
           else np.random.RandomState(random_state))
    model = copy.deepcopy(estimator)
    task = dask.delayed(_partial_fit_block, pure=False)
    for _ in range(int(epochs)):
        order = rng.permutation(len(rows)) if shuffle_blocks else range(len(rows))
        for i in order:
            w = None if blocks["sample_weight"] is None else blocks["sample_weight"][i]
            model = task(model, blocks["X"][i], blocks["y"][i], w, fit_kwargs)
    return model.compute() if compute else model


def _blocks(values, name, rows):
    """``values`` as Dask blocks aligned with the row chunks ``rows`` of X (one column chunk)."""
    values = da.asarray(values)
    if values.ndim not in (1, 2) or values.shape[0] != sum(rows):
        raise ValueError(f"{name} must have {sum(rows)} rows, like X, and be 1-D or 2-D; got shape "
                         f"{values.shape}")
    chunks = (rows,) if values.ndim == 1 else (rows, values.shape[1])
    return values.rechunk(chunks).to_delayed().ravel()
