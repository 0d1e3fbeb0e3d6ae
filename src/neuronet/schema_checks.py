"""The checks a model file's header goes through, field by field, and those of its metadata.

:mod:`neuronet.model_schema` rebuilds a Model or Network from a header; the small checks it applies to
every field (:func:`_need`, :func:`_count`, :func:`_strings`, :func:`_name`) and the checks of the
metadata that ``neuronet info``, ``predict``, ``evaluate`` and ``export`` read live here. Each raises
:class:`SchemaError`, which :func:`neuronet.io.load` reports as a ``ModelFileError``.
"""
from __future__ import annotations

from .io import _shorten, text_problem

__all__ = ["SchemaError", "check_metadata"]

#: Larger sizes are refused (a dimension of a real network is far smaller).
MAX_DIM = 1 << 31


class SchemaError(ValueError):
    """The header's content is not what a neuronet model file holds."""


# ------------------------------------------------------------------------------------------------
# Fields
def _need(container, key, types, where, optional=False):
    if not isinstance(container, dict):
        raise SchemaError(f"{where} must be a JSON object")
    if key not in container:
        if optional:
            return None
        raise SchemaError(f"{where} lacks the field {key!r}")
    value = container[key]
    if optional and value is None:
        return None
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise SchemaError(f"{where}.{key} has the wrong type (bool)")
    if not isinstance(value, types):
        raise SchemaError(f"{where}.{key} has the wrong type ({type(value).__name__})")
    return value


def _count(value, where, minimum=1):
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < MAX_DIM:
        raise SchemaError(f"{where} must be a whole number >= {minimum}, got {value!r}")
    return value


def _strings(value, where, distinct=True):
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise SchemaError(f"{where} must be a list of strings")
    for name in value:
        _name(name, where)
    if distinct and len(set(value)) != len(value):
        raise SchemaError(f"{where} repeats a name")
    return value


def _name(text, where):
    """``text`` if it can be shown on one line (a label, a column name), else a SchemaError."""
    problem = text_problem(text, name=True)
    if problem:
        raise SchemaError(f"{where}: {problem}")
    return text


def _q(text):
    """A name from the file quoted for a message, cut short."""
    return repr(_shorten(text)) if isinstance(text, str) else repr(text)


# ------------------------------------------------------------------------------------------------
# The metadata that neuronet reads: what `neuronet train` writes, so that info, predict, evaluate
# and export can trust it.
_METRIC_NUMBERS = ("loss", "accuracy", "mse", "mae", "r2")


def check_metadata(metadata, classes):
    """Refuse metadata whose fields that neuronet reads do not have the types `train` writes."""
    written = metadata.get("labels_as_written")
    if written is not None:
        if (classes is None or not isinstance(written, list) or len(written) != classes.size):
            raise SchemaError("metadata.labels_as_written must be a list of labels, one per class")
        _strings(written, "metadata.labels_as_written")
    training = _need(metadata, "training", dict, "metadata", optional=True) or {}
    for key, value in training.items():
        for item in value if isinstance(value, list) else [value]:
            _scalar(item, f"metadata.training.{_shorten(key)}")
    data = _need(metadata, "data", dict, "metadata", optional=True) or {}
    for key in ("source", "file"):
        _need(data, key, str, "metadata.data", optional=True)
    _need(data, "rows", int, "metadata.data", optional=True)
    for key in ("columns", "dropped"):
        if data.get(key) is not None:
            _strings(data[key], f"metadata.data.{key}", distinct=False)
    metrics = _need(metadata, "metrics", dict, "metadata", optional=True) or {}
    for part in metrics:
        _check_metrics(_need(metrics, part, dict, "metadata.metrics", optional=True) or {},
                       f"metadata.metrics.{_shorten(part)}")


def _check_metrics(m, where):
    """A dict of :meth:`Model.evaluate` results, as ``neuronet info`` and ``evaluate`` show it."""
    if _need(m, "n_rows", int, where, optional=True) is not None and m["n_rows"] < 0:
        raise SchemaError(f"{where}.n_rows must not be negative")
    for key in _METRIC_NUMBERS:
        _need(m, key, (int, float), where, optional=True)
    for label in _need(m, "classes", list, where, optional=True) or []:
        _scalar(label, f"{where}.classes")
    for row in _need(m, "confusion_matrix", list, where, optional=True) or []:
        if not isinstance(row, list) or not all(isinstance(n, int) and not isinstance(n, bool)
                                                for n in row):
            raise SchemaError(f"{where}.confusion_matrix must be a list of lists of whole numbers")


def _scalar(value, where):
    """A setting shown on one line: a number, true/false, null, or one-line text."""
    if isinstance(value, str):
        _name(value, where)
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise SchemaError(f"{where} must be a number, text, true/false or null, got "
                          f"{type(value).__name__}")
