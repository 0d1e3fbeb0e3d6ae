"""One view of every accepted row format (:class:`RowSource`), and how column names are spelled.

Rows may be given as

- a :class:`~neuronet.csvdata.Table` (what :func:`~neuronet.csvdata.read_csv` returns; values are
  text, columns are found by name, messages name ``file:line`` and the column);
- a list of dicts ``{column name: value}`` (messages name the row, 0-based);
- columns with names: a pandas DataFrame (anything with ``.columns`` and ``obj[name]``; pandas is
  not imported here) or a dict ``{column name: sequence of values}``. Like a Table and dicts, these
  are matched by column *name*: their order does not matter and extra columns are ignored;
- a single row: a dict ``{column name: value}`` or a pandas Series (its index names the columns);
- a 2-D array-like of raw values whose columns are in a known order (numbers or text): only these are
  matched by position.

Column names are text: a data frame's integer labels (``pd.DataFrame(X)`` has columns 0, 1, ...) are
read as ``"0"``, ``"1"``, ..., and :func:`column_name` turns a label a user gives into that text.
"""
from __future__ import annotations

import difflib
import numbers
import shlex

import numpy as np

from .csvdata import MISSING, Table, is_missing, name_list

__all__ = ["RowSource", "column_name", "has_column_names", "short_list", "did_you_mean"]


class RowSource:
    """A uniform view of the accepted row formats: ``n_rows``, ``names``, ``values(name)``, ``where(i)``.

    Parameters
    ----------
    data : Table, DataFrame, dict, Series, list of dict or 2-D array-like
        The rows (see the module docstring).
    columns : list of str, optional
        The names of an array's columns (default ``x0, x1, ...``), or the columns a list of dicts
        must hold (default: the first dict's keys). Ignored for the other formats.
    missing : frozenset of str
        The texts that mean "no value".
    """

    def __init__(self, data, columns=None, missing=MISSING):
        self.missing = missing                   # the texts that mean "no value"
        self.table = data if isinstance(data, Table) else None
        self.named = None
        self.source = "rows"
        data = _one_row_as_columns(data)
        if self.table is not None:
            self.names = list(data.columns)
            self.n_rows = data.n_rows
            self.source = data.source
        elif _has_named_columns(data):
            self._read_columns(data)
        elif _is_list_of_dicts(data):
            self._read_dicts(data, columns)
        else:
            self._read_array(data, columns)

    def _read_columns(self, data):
        """A data frame or a dict of columns: names (as text) and one length for every column."""
        keys = list(data.keys() if isinstance(data, dict) else data.columns)
        self.names = [str(c) for c in keys]
        self._repeated = _repeated_names(self.names)   # refused only if read (see ``values``)
        self.named = data
        self._keys = dict(zip(self.names, keys))
        lengths = {name: _length(data[key]) for name, key in self._keys.items()}
        if not lengths:
            raise ValueError("the rows have no columns")
        single = [name for name, n in lengths.items() if n is None]
        if single:
            several = next(name for name, n in lengths.items() if n is not None)
            raise ValueError(f"column {single[0]!r} holds a single value but column {several!r} holds "
                             f"{lengths[several]}: give every column a sequence of values (or every "
                             "column a single value, for one row)")
        if len(set(lengths.values())) != 1:
            raise ValueError(f"the columns must all have the same length; got lengths {lengths}")
        self.n_rows = next(iter(lengths.values()))

    def _read_dicts(self, data, columns):
        self.names = list(columns) if columns is not None else list(data[0]) if data else []
        self.n_rows = len(data)
        self.dicts = data
        for i, row in enumerate(data):
            absent = [c for c in self.names if c not in row]
            if absent:
                raise ValueError(f"row {i} has no value for column{'s' if len(absent) > 1 else ''} "
                                 f"{', '.join(map(repr, absent))}")

    def _read_array(self, data, columns):
        array = np.asarray(data, dtype=object)
        if array.ndim != 2 or array.shape[0] == 0:
            raise ValueError(f"rows must be a non-empty 2-D array-like (n_rows, n_columns), a list "
                             f"of dicts or a Table; got shape {array.shape}")
        if columns is None:
            columns = [f"x{i}" for i in range(array.shape[1])]
        if array.shape[1] != len(columns):
            raise ValueError(f"rows have {array.shape[1]} columns but {len(columns)} are expected "
                             f"({name_list(columns)})")
        self.names = list(columns)
        self.n_rows = array.shape[0]
        self.array = array

    def values(self, name):
        """The raw values of column ``name``, one per row (a list)."""
        if self.table is not None:
            return self.table.column(name)
        if self.named is not None:
            if name not in self._keys:
                raise ValueError(f"the rows have no column {name!r}; their columns are "
                                 f"{short_list(self.names)}")
            if name in self._repeated:
                first, second = self._repeated[name]
                raise ValueError(f"duplicate column name {name!r} (columns {first} and {second}); "
                                 "give each column its own name")
            return np.asarray(self.named[self._keys[name]]).tolist()
        if hasattr(self, "dicts"):
            return [row[name] for row in self.dicts]
        return list(self.array[:, self.names.index(name)])

    def where(self, i, name=None):
        """Where row ``i`` (and column ``name``) is, for messages: ``file:line, column 3 'x'`` or ``row 4``."""
        if self.table is not None:
            place = self.table.where(i)
            if name is not None:
                place += f", column {self.table.index(name) + 1} ({name!r})"
            return place
        return f"row {i}" + (f", column {name!r}" if name is not None else "")

    def rows_text(self, indices, limit=8, total=None):
        """'lines 3, 9' or 'rows 2, 8' for a list of 0-based row indices; with ``total`` (the rows
        there are), several indices end with ``(2 of 30 rows)``."""
        if self.table is not None:
            shown = [str(self.table.lines[i]) for i in indices[:limit]]
            word = "line" if len(indices) == 1 else "lines"
        else:
            shown = [str(i) for i in indices[:limit]]
            word = "row" if len(indices) == 1 else "rows"
        more = ", ..." if len(indices) > limit else ""
        if total is not None and len(indices) > 1:
            more += f" ({len(indices)} of {total} rows)"
        elif len(indices) > limit:
            more += f" ({len(indices)} in all)"
        return f"{word} {', '.join(shown)}{more}"

    def column_text(self, name):
        """``column 3 ('x')`` for a Table, ``column 'x'`` otherwise, for messages."""
        if self.table is not None:
            return f"column {self.table.index(name) + 1} ({name!r})"
        return f"column {name!r}"

    @property
    def file_prefix(self):
        """``'file.csv: '`` for a Table (messages start with it), else ``''``."""
        return f"{self.source}: " if self.table is not None else ""

    def check_no_missing(self, name, values, leave_out=None):
        """Refuse missing values in column ``name`` (see :meth:`check_complete`)."""
        self.check_complete([(name, values)], leave_out)

    def check_complete(self, columns, leave_out=None):
        """Refuse missing values in any of ``columns`` (pairs of a name and its values), every such
        column named in one message with its rows. ``leave_out`` says how the user leaves input
        columns out, offered as a fix: ``"--drop"`` (the command line), ``"exclude"`` (Python), or
        None (the target, which cannot be left out)."""
        found = []
        for name, values in columns:
            rows = [i for i, v in enumerate(values) if is_missing(v, self.missing)]
            if rows:
                found.append((name, values, rows))
        if not found:
            return
        where = "; ".join(f"{self.column_text(name)} at {self.rows_text(rows, total=self.n_rows)}"
                          for name, _, rows in found)
        several = f"{len(found)} columns: " if len(found) > 1 else ""
        fix = "fill them in or remove those rows"
        names = [name for name, _, _ in found]
        if leave_out == "--drop":
            fix = (f"fill them in, remove those rows, or leave the column{'s' * (len(names) > 1)} "
                   f"out with --drop {','.join(shlex.quote(n) for n in names)}")
        elif leave_out == "exclude":
            fix = (f"fill them in, remove those rows, or leave the column{'s' * (len(names) > 1)} "
                   f"out with exclude={names!r}")
        words = sorted({values[i].strip() for _, values, rows in found for i in rows
                        if isinstance(values[i], str)} - {""})
        option = {"--drop": "neuronet train --missing", "exclude": "missing="}.get(
            leave_out, "missing= / neuronet train --missing")
        hint = (f" (read as missing: {', '.join(map(repr, words[:3]))}; if that is a real value, "
                f"name the texts that mean missing with {option})" if words else "")
        raise ValueError(f"{self.file_prefix}missing values in {several}{where}; {fix}{hint}")


def column_name(label, what):
    """The text naming a column, from a label a user gives: text as it is, an integer as its digits
    (a data frame's default labels); ``what`` (``"target"``) names the parameter in the TypeError."""
    if isinstance(label, str):
        return label
    if isinstance(label, numbers.Integral) and not isinstance(label, bool):
        return str(int(label))
    raise TypeError(f"{what} must be a column name (text, or the integer label of a data frame's "
                    f"column), got {label!r}")


def has_column_names(data):
    """True unless ``data`` is a plain array-like (whose columns have only positions)."""
    return (isinstance(data, Table) or _has_named_columns(data) or _is_series(data)
            or _is_list_of_dicts(data))


def short_list(names, limit=8):
    """``'a, b, c'``, or the first ``limit`` names and how many more."""
    return name_list(names, limit)


def did_you_mean(name, names):
    """``" (did you mean 'price'?)"`` when a name in ``names`` is close to ``name``, else ``""``."""
    close = difflib.get_close_matches(name, list(names), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _has_named_columns(data):
    """True for a dict of columns or a data frame (duck-typed: ``.columns`` and ``obj[name]``)."""
    if isinstance(data, dict):
        return True
    return (hasattr(data, "columns") and hasattr(data, "__getitem__") and hasattr(data, "__len__")
            and not isinstance(data, np.ndarray))


def _is_list_of_dicts(data):
    """A list (or tuple) of dicts; an empty one too (no rows)."""
    return isinstance(data, (list, tuple)) and all(isinstance(r, dict) for r in data)


def _is_series(data):
    """A pandas Series (duck-typed: one dimension, an ``index`` of labels, no ``columns``)."""
    return (getattr(data, "ndim", None) == 1 and hasattr(data, "index") and hasattr(data, "tolist")
            and not hasattr(data, "columns") and not isinstance(data, np.ndarray))


def _length(values):
    """The number of values in a column, or ``None`` for a single value (text counts as one value)."""
    if isinstance(values, (str, bytes)):
        return None
    try:
        return len(values)
    except TypeError:                            # a number, or a 0-d array
        return None


def _one_row_as_columns(data):
    """A single row, as a pandas Series or a dict of single values, as a dict of one-value columns."""
    if _is_series(data):
        data = dict(zip(data.index, data.tolist()))
    if isinstance(data, dict) and data and all(_length(v) is None for v in data.values()):
        return {key: [value] for key, value in data.items()}
    return data


def _repeated_names(names):
    """``{name: (first, second)}`` for each column name used more than once (1-based positions);
    such a column is ambiguous, but only a problem if it is read."""
    first, repeated = {}, {}
    for i, name in enumerate(names, 1):
        if name in first:
            repeated.setdefault(name, (first[name], i))
        else:
            first[name] = i
    return repeated
