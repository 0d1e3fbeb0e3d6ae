"""The checks a model file's header goes through, field by field, and those of its metadata.

:mod:`neuronet.model_schema` rebuilds a Model or Network from a header; the small checks it applies to
every field (:func:`_need`, :func:`_count`, :func:`_strings`, :func:`_name`) live here, with the
check of the labels' spellings that ``predict`` prints and :func:`readable_metadata`, the part of the
metadata that ``info`` and ``evaluate`` read. Each check raises :class:`SchemaError`, which
:func:`neuronet.io.load` reports as a ``ModelFileError``.
"""
from __future__ import annotations

from .io import _shorten, text_problem

__all__ = ["SchemaError", "check_metadata", "readable_metadata"]

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
# The metadata. `labels_as_written` decides what predict prints, so it is checked at load. The
# training settings, data and metrics are also the user's to extend (`model.metadata` is a free
# dict): a file never fails to load because of them; info and evaluate read only the entries that
# have the form `neuronet train` writes (see readable_metadata).
_METRIC_NUMBERS = ("loss", "accuracy", "mse", "mae", "r2")
_SECTIONS = ("training", "data", "metrics")


def check_metadata(metadata, classes):
    """Refuse ``labels_as_written`` that is not one printable label per class."""
    written = metadata.get("labels_as_written")
    if written is not None:
        if (classes is None or not isinstance(written, list) or len(written) != classes.size):
            raise SchemaError("metadata.labels_as_written must be a list of labels, one per class")
        _strings(written, "metadata.labels_as_written")


def readable_metadata(metadata):
    """``(view, set_aside)``: what ``neuronet info`` shows and ``evaluate`` reads of a model's
    ``metadata["training"]``, ``["data"]`` and ``["metrics"]``.

    ``view`` holds, per section, the entries in the form ``neuronet train`` writes them (settings
    that are numbers, true/false, null or one-line text, or lists of these; metric dicts like
    :meth:`Model.evaluate`'s; the data's file, row count and columns). ``set_aside`` lists the
    others (``"training.notes"``): a user's own entries, kept in the model and its file (and shown
    by ``info --json``) but not read as neuronet's.
    """
    view, set_aside = {}, []
    for section, check in zip(_SECTIONS, (_check_setting, _check_data_entry, _check_metrics)):
        entries = metadata.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            set_aside.append(section)
            continue
        view[section] = {}
        for key, value in entries.items():
            try:
                check(value, f"metadata.{section}.{_name(key, f'metadata.{section}')}", key)
                view[section][key] = value
            except SchemaError:
                set_aside.append(f"{section}.{key}")
    return view, set_aside


def _check_setting(value, where, key=None):
    for item in value if isinstance(value, list) else [value]:
        _scalar(item, where)


def _check_data_entry(value, where, key):
    if key in ("source", "file") and not isinstance(value, (str, type(None))):
        raise SchemaError(f"{where} must be text or null")
    if key == "rows":
        _count(value, where, minimum=0)
    elif key in ("columns", "dropped"):
        _strings(value, where, distinct=False)
    else:
        _check_setting(value, where)


def _check_metrics(m, where, key=None):
    """A dict of :meth:`Model.evaluate` results, as ``neuronet info`` and ``evaluate`` show it."""
    if m is None:                        # a part not measured (no test rows)
        return
    if not isinstance(m, dict):
        raise SchemaError(f"{where} must be a JSON object or null")
    if _need(m, "n_rows", int, where, optional=True) is not None and m["n_rows"] < 0:
        raise SchemaError(f"{where}.n_rows must not be negative")
    for name in _METRIC_NUMBERS:
        _need(m, name, (int, float), where, optional=True)
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
