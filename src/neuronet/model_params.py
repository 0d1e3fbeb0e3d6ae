"""Checks for the arguments of :meth:`Model.for_table <neuronet.model.Model.for_table>` (the rows, the
target, the network's settings, ``exclude``) and of :meth:`Model.fit <neuronet.model.Model.fit>`.

Each check raises a ``TypeError`` or ``ValueError`` that names the parameter, before anything is
built or changed, and returns the value in the form that is stored in ``Model.metadata`` (plain ints
and floats, so the metadata stays JSON). Counts and fractions go through the checks ``Network.fit``
uses (:mod:`neuronet.validation`), so both say the same.
"""
from __future__ import annotations

import numbers

from .callbacks import as_callback_list
from .csvdata import name_list
from .optimizers import OPTIMIZERS
from .rows import RowSource, column_name, did_you_mean, has_column_names, short_list
from .validation import check_count, check_fraction, check_non_negative

__all__ = ["training_rows", "target_name", "hidden_sizes", "seed_value", "optimizer_name",
           "momentum_value", "excluded_columns", "fit_settings", "validation_rows"]


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def training_rows(table, missing):
    """The :class:`RowSource` of ``for_table``'s rows: named columns, and at least one row."""
    if not has_column_names(table):
        raise TypeError(f"Model.for_table needs rows with named columns (a DataFrame, a dict of "
                        f"columns, a list of dicts or a Table), got {type(table).__name__}; for a "
                        "plain array of numbers use nn.Network, or name the columns first "
                        "(pd.DataFrame(X, columns=[...]))")
    source = RowSource(table, missing=missing)
    if source.n_rows == 0:
        raise ValueError(f"{source.file_prefix}there are no rows to learn from")
    return source


def target_name(source, target):
    """``target`` as a column name of ``source`` (an integer label becomes its digits)."""
    name = column_name(target, "target")
    if name not in source.names:
        raise ValueError(f"{source.source}: there is no target column {target!r}; the columns are "
                         f"{name_list(source.names)}{did_you_mean(name, source.names)}")
    return name


def validation_rows(n_rows, fraction):
    """How many of ``n_rows`` a validation split holds out: 0 when it rounds to none or to all."""
    n_val = int(round(n_rows * fraction))
    return n_val if 1 <= n_val < n_rows else 0


def hidden_sizes(hidden):
    """The hidden layer widths as a list of ints.

    ``hidden`` is a sequence of positive ints, one int (one hidden layer, as in scikit-learn), or text
    as ``neuronet train --hidden`` takes it (``"64,32"``; ``"none"`` for no hidden layer). ``()`` means
    no hidden layer.
    """
    if isinstance(hidden, str):
        return _hidden_from_text(hidden)
    if _is_int(hidden):
        hidden = [hidden]
    try:
        sizes = list(hidden)
    except TypeError:
        raise TypeError(f"hidden must be a layer width, a sequence of widths such as (64, 32) or a "
                        f"text such as '64,32'; for no hidden layer give hidden=(); got "
                        f"{hidden!r}") from None
    for size in sizes:
        if not _is_int(size):
            raise TypeError(f"hidden must hold whole numbers (layer widths), got {size!r} in "
                            f"{hidden!r}")
        if size < 1:
            raise ValueError(f"hidden: every layer width must be at least 1, got {size!r}")
    return [int(size) for size in sizes]


def _hidden_from_text(text):
    """``"64,32"`` -> ``[64, 32]``; ``"none"`` -> ``[]`` (the command line's spelling)."""
    if text.strip().lower() == "none":
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"hidden={text!r}: expected widths separated by commas, such as '64,32' "
                         "(or a tuple such as (64, 32))") from None
    if any(size < 1 for size in sizes):
        raise ValueError(f"hidden={text!r}: every layer width must be at least 1")
    return sizes


def seed_value(seed):
    """``None`` or a non-negative int (kept in the metadata, so a Generator is not accepted here)."""
    if seed is None:
        return None
    if not _is_int(seed):
        raise TypeError(f"seed must be a whole number (or None for a different run each time), "
                        f"got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or greater, got {seed!r}")
    return int(seed)


def optimizer_name(optimizer):
    """The optimizer's registry name; an optimizer object is refused with what to give instead."""
    if isinstance(optimizer, str) and optimizer in OPTIMIZERS:
        return optimizer
    known = ", ".join(map(repr, sorted(OPTIMIZERS)))
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be the name of one, {known}; got {optimizer!r}. "
                        "Model.for_table builds the optimizer itself: set its learning_rate= and "
                        "weight_decay= as separate arguments")
    raise ValueError(f"unknown optimizer {optimizer!r}; known: {known}"
                     f"{did_you_mean(optimizer.lower(), OPTIMIZERS)}")


def momentum_value(momentum, optimizer):
    """``momentum`` as a float in [0, 1), checked to suit ``optimizer`` (only SGD takes one)."""
    momentum = check_fraction("momentum", momentum)
    if momentum and optimizer != "sgd":
        raise ValueError(f"momentum={momentum:g} is for optimizer='sgd'; {optimizer!r} takes none "
                         "(Adam keeps its own running averages of the gradients)")
    return momentum


def excluded_columns(exclude, names, target, parameter="exclude"):
    """The column names in ``exclude`` (one name, or a sequence of names), each checked to exist
    among ``names`` and not to be the ``target``; ``parameter`` names the argument in messages
    (``exclude``, ``categorical``)."""
    if isinstance(exclude, (str, numbers.Integral)):
        exclude = [exclude]
    try:
        labels = list(exclude)
    except TypeError:
        raise TypeError(f"{parameter} must be a column name or a list of column names, got "
                        f"{exclude!r}") from None
    chosen = [column_name(label, parameter) for label in labels]
    for name in chosen:
        if name == target:
            what = "left out" if parameter == "exclude" else "an input column"
            raise ValueError(f"{parameter}: {name!r} is the target column; it cannot be {what}")
        if name not in names:
            raise ValueError(f"{parameter}: there is no column {name!r}{did_you_mean(name, names)}; "
                             f"the columns are {short_list(names)}")
    return chosen


def fit_settings(epochs, batch_size, validation_split, patience, min_delta, callbacks):
    """:meth:`Model.fit`'s settings, checked, as ``(settings, callbacks)``: ``settings`` is what the
    metadata records (``batch_size`` None means the whole set in one batch)."""
    settings = {"epochs": check_count("epochs", epochs),
                "batch_size": None if batch_size is None else check_count("batch_size", batch_size),
                "validation_split": check_fraction("validation_split", validation_split),
                "patience": None if patience is None else check_count("patience", patience),
                "min_delta": check_non_negative("min_delta", min_delta)}
    return settings, as_callback_list(callbacks)
