"""Turning raw table rows into the numbers a network takes: standardized numbers, one-hot categories.

:class:`TabularPreprocessor` is fitted on the training rows only and stored in the model file, so a
saved model takes raw rows (text from a CSV file, dicts, or arrays) at prediction time.

Rows may be given in any of the formats :class:`~neuronet.rows.RowSource` reads: a
:class:`~neuronet.csvdata.Table`, a list of dicts, a pandas DataFrame or dict of columns, a single row
(a dict of values or a pandas Series), all matched by column *name* (their order does not matter and
extra columns are ignored), or a 2-D array-like of raw values whose columns are in ``columns_`` order
(numbers or text): only these are matched by position.
"""
from __future__ import annotations

import numpy as np

from .columns import (_column_problem, _refuse_columns, _text, disguise_advice, mean_and_std,
                      standardize)
from .csvdata import MISSING, Table, is_missing, missing_words, parse_number
from .rows import RowSource, short_list

__all__ = ["TabularPreprocessor", "RowSource", "stratified_split"]


def _fast_numbers(values):
    """``values`` as float64 when every one is a finite number (NumPy's parser), else ``None``."""
    try:
        odd = "_" in "".join(values)                  # all text (a CSV column): one C-speed scan
    except TypeError:
        odd = any(isinstance(v, (bool, np.bool_)) or (isinstance(v, str) and "_" in v)
                  for v in values)
    if odd:
        return None
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    return out if out.ndim == 1 and np.isfinite(out).all() else None


def _check_representable(source, name, x, z, dtype):
    """Refuse the first value of column ``name`` whose standardized form (``z``, float64, from the
    raw ``x``) is beyond what ``dtype``, the network's, holds: it would reach the network as inf."""
    too_large = np.flatnonzero(~(np.abs(z) <= np.finfo(dtype).max))
    if too_large.size == 0:
        return
    i = too_large[0]
    more = f" ({source.rows_text(too_large)} hold such values)" if too_large.size > 1 else ""
    fix = "; check the value, or train with dtype float64" if dtype != np.float64 else ""
    raise ValueError(f"{source.where(i, name)}: {x[i]:.6g} is too large for this model{more}: "
                     f"standardized, it is beyond what {dtype.name} holds "
                     f"({np.finfo(dtype).max:.3g}){fix}")


def _numbers_of_a_numeric_column(source, name, values, option):
    """:func:`numeric_values` of a column read as numeric because most of its values are numbers;
    its first stray text is refused with a pointer to ``option`` (``--categorical``, or
    ``categorical=``), which makes a column of codes categorical."""
    try:
        return numeric_values(source, name, values)
    except ValueError as err:
        numbers = sum(parse_number(v) is not None for v in values)
        spelled = f"{option} {name}" if option.startswith("--") else f"{option}[{name!r}]"
        raise ValueError(f"{err} ({numbers} of its {len(values)} values are numbers, so it is read "
                         f"as numeric); if it holds codes (a floor 1, 2, G; a product code), one-hot "
                         f"encode it with {spelled}") from None


def numeric_values(source, name, values):
    """``values`` as a float64 array; a ``ValueError`` naming the rows with missing values, or the
    first value that is not a finite number."""
    fast = _fast_numbers(values)
    if fast is not None:
        return fast
    source.check_no_missing(name, values)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        x = parse_number(v)
        if x is None:
            advice = disguise_advice(v)
            if advice is not None:
                raise ValueError(f"{source.where(i, name)}: {_text(v)!r} is {advice}; the column "
                                 "is numeric")
            raise ValueError(f"{source.where(i, name)}: {_text(v)!r} is not a finite number, but the "
                             "column is numeric")
        out[i] = x
    return out


def _check_storable(source, names, categorical, categories):
    """Column names and categories go into the model file, which refuses control characters (a
    terminal could take them for commands) and names longer than its limit: say so before training,
    not when the model is saved after it."""
    from .io import text_problem
    for name in names:
        problem = text_problem(name, name=True)
        if problem:
            raise ValueError(f"{source.file_prefix}the column name {problem}; a model file cannot "
                             "hold it: rename the column")
    for name, cats in zip(categorical, categories):
        for category in cats:
            problem = text_problem(category, name=True)
            if problem:
                raise ValueError(f"{source.file_prefix}{source.column_text(name)}: the category "
                                 f"{problem}; a model file cannot hold it: clean the values")


def column_kind(values):
    """``"numeric"`` if the values are numbers, ``"categorical"`` if most are not, else ``None``.

    ``None`` means a numeric column with a stray text (more than half of the values are numbers):
    the caller reports the first value that is not a number.
    """
    if _fast_numbers(values) is not None:
        return "numeric"
    numbers = sum(parse_number(v) is not None for v in values)
    if numbers == len(values):
        return "numeric"
    return None if numbers * 2 > len(values) else "categorical"


class TabularPreprocessor:
    """Standardize numeric columns and one-hot encode the others, as fitted on the training rows.

    Parameters
    ----------
    missing : str or iterable of str, optional
        The texts that mean "no value" (compared case-insensitively; the empty cell always does).
        Default :data:`~neuronet.csvdata.MISSING`: NA, N/A, NaN, null, none, ?, -. Give fewer when
        one of them is a real category (``"None"`` as a type of roof, say). Kept with the model.

    Attributes (after ``fit``)
    --------------------------
    columns_ : list of str
        The input column names, in file order.
    numeric_columns_ : list of str
        The numeric columns, in ``columns_`` order.
    mean_, scale_ : ndarray of float64, shape (n_numeric,)
        Per numeric column: the training mean and standard deviation (``scale_`` is 1.0 where the
        standard deviation is 0). ``transform`` computes ``(x - mean_) / scale_``.
    categorical_columns_ : list of str
        The non-numeric columns, in ``columns_`` order.
    categories_ : list of list of str
        Per categorical column, its categories seen in training, sorted.
    n_features_out_ : int
        Width of what ``transform`` returns: ``len(numeric_columns_) + sum(len(c) for c in categories_)``.
    """

    def __init__(self, missing=MISSING):
        self.missing = missing_words(missing)

    def fit(self, data, columns=None, vocabulary=None, categorical=()):
        """Learn the column kinds, means, scales and categories from ``data`` (see the module doc).

        Parameters
        ----------
        data : Table, DataFrame, dict of columns, list of dict, or 2-D array-like
        columns : list of str, optional
            Which columns are inputs (default: all columns of ``data``). For a 2-D array it names
            the array's columns, one name per column, in order.
        vocabulary : Table, list of dict, or 2-D array-like, optional
            More rows (e.g. the whole file, held-out test rows included) whose values are added to
            the categories of the categorical columns. Only category *names* come from them; the
            column kinds, means and scales are fitted on ``data`` alone.
        categorical : list of str
            Input columns to one-hot encode whatever their values: codes written as numbers (a
            floor ``1, 2, 3, G``, a product code). Their categories are the values as text.

        Text columns that cannot be learned from as they are, numbers written as text ("$1,234",
        "80,93") and columns with more different values than ``max(columns.MAX_CATEGORIES_FLOOR, n_rows / 2)``
        (an ID, a name, a date), are refused together in one ``ValueError`` naming each.
        """
        source = RowSource(data, columns if not isinstance(data, Table) else None, self.missing)
        names = list(columns) if columns is not None else source.names
        codes = set(categorical)           # one-hot encoded, whatever their values
        extra = None if vocabulary is None else RowSource(
            vocabulary, None if isinstance(vocabulary, Table) else names, self.missing)
        if source.n_rows == 0:
            raise ValueError(f"{source.source}: there are no rows to learn from")
        if not names:
            raise ValueError(f"{source.source}: there are no input columns left to learn from")
        numeric, means, scales, categorical, categories = [], [], [], [], []
        problems = []                      # text columns that cannot be learned from as they are
        read = []                          # (name, values, their numbers if all are plain numbers)
        for name in names:
            values = source.values(name)
            read.append((name, values, _fast_numbers(values)))
        # columns that are not all plain numbers may have gaps: every such column named at once
        source.check_complete([(name, values) for name, values, x in read if x is None],
                              leave_out="exclude")
        for name, values, x in read:
            if name in codes:
                x = None
            elif x is None and column_kind(values) != "categorical":
                x = _numbers_of_a_numeric_column(source, name, values, "categorical=")
            if x is not None:
                numeric.append(name)
                mean, std = mean_and_std(x)
                means.append(mean)
                scales.append(std if std > 0.0 else 1.0)
            else:
                seen = {_text(v) for v in values}
                problem = _column_problem(source, name, values, len(seen))
                if problem is not None and name in codes:      # the user asked for categories
                    problem = (f"{problem[0]} (it is named as categorical: leave it out of that "
                               "list to read it as numbers)", problem[1])
                if problem is not None:
                    problems.append((name, problem))
                categorical.append(name)
                if extra is not None and name in extra.names:
                    seen.update(_text(v) for v in extra.values(name)
                                if not is_missing(v, self.missing))
                categories.append(sorted(seen))
        if problems:
            raise _refuse_columns(source, problems)
        _check_storable(source, names, categorical, categories)
        self.columns_ = names
        self.numeric_columns_ = numeric
        self.mean_ = np.array(means, dtype=np.float64)
        self.scale_ = np.array(scales, dtype=np.float64)
        self.categorical_columns_ = categorical
        self.categories_ = categories
        return self

    @property
    def n_features_out_(self):
        return len(self.numeric_columns_) + sum(len(c) for c in self.categories_)

    def feature_names_out(self):
        """Names of the output columns: numeric names, then ``column=category`` per one-hot column."""
        return list(self.numeric_columns_) + [f"{c}={v}" for c, cats in
                                              zip(self.categorical_columns_, self.categories_)
                                              for v in cats]

    def transform(self, data, dtype=np.float64):
        """The numbers the network takes: an array of shape ``(n_rows, n_features_out_)``.

        ``dtype`` is the network's (float64 or float32): numbers are standardized in float64 and
        then cast, and a value whose standardized form ``dtype`` cannot hold (beyond 3.4e38 for
        float32, or an overflow in float64) is refused, naming its row and column, rather than
        reaching the network as infinity.

        Columns: the standardized numeric columns in ``numeric_columns_`` order, then one one-hot
        block per categorical column (in ``categorical_columns_`` order, categories in
        ``categories_`` order). A Table may hold extra columns (they are ignored); a missing column,
        a missing value, text in a numeric column or a category not seen in training raise a
        ``ValueError`` naming the column, the value and the row (file and line for a Table).
        """
        self._check_fitted()
        source = RowSource(data, self.columns_ if not isinstance(data, Table) else None,
                           self.missing)
        absent = [c for c in self.columns_ if c not in source.names]
        if absent:
            raise ValueError(f"{source.source}: the columns do not match the model's: it needs "
                             f"{short_list(absent)}, which the data lack (the data's columns: "
                             f"{short_list(source.names)}; the model's input columns: "
                             f"{short_list(self.columns_)})")
        dtype = np.dtype(dtype)
        out = np.zeros((source.n_rows, self.n_features_out_), dtype=dtype)
        for j, name in enumerate(self.numeric_columns_):
            values = source.values(name)
            x = numeric_values(source, name, values)
            with np.errstate(over="ignore"):
                z = standardize(x, self.mean_[j], self.scale_[j])
            _check_representable(source, name, x, z, dtype)
            out[:, j] = z
        j = len(self.numeric_columns_)
        for name, cats in zip(self.categorical_columns_, self.categories_):
            values = source.values(name)
            source.check_no_missing(name, values)
            position = {c: k for k, c in enumerate(cats)}
            index = [position.get(_text(v)) for v in values]
            if None in index:
                unseen = [i for i, k in enumerate(index) if k is None]
                first = _text(values[unseen[0]])
                more = (f" ({len(unseen)} rows hold unseen categories: {source.rows_text(unseen)})"
                        if len(unseen) > 1 else "")
                raise ValueError(f"{source.where(unseen[0], name)}: category {first!r} was not seen "
                                 f"in training{more}; known: {', '.join(map(repr, cats[:20]))}"
                                 f"{', ...' if len(cats) > 20 else ''}")
            out[np.arange(len(index)), j + np.asarray(index, dtype=np.intp)] = 1.0
            j += len(cats)
        return out

    def fit_transform(self, data, columns=None):
        return self.fit(data, columns).transform(data)

    def _check_fitted(self):
        if not hasattr(self, "columns_"):
            raise ValueError("this TabularPreprocessor is not fitted yet; call fit first")

    def __repr__(self):
        if not hasattr(self, "columns_"):
            return "TabularPreprocessor()"
        return (f"TabularPreprocessor({len(self.numeric_columns_)} numeric, "
                f"{len(self.categorical_columns_)} categorical -> {self.n_features_out_} features)")


def stratified_split(n_rows, fraction, seed, labels=None):
    """Indices ``(keep, held_out)`` (sorted) holding out about ``fraction`` of the rows, from ``seed``.

    With ``labels`` (classification), each class is split separately, so both parts keep the class
    proportions; a class with a single row stays in ``keep``.
    """
    rng = np.random.default_rng(seed)
    if labels is None:
        order = rng.permutation(n_rows)
        n_out = int(round(n_rows * fraction))
        return np.sort(order[n_out:]), np.sort(order[:n_out])
    labels = np.asarray(labels)
    held = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[rng.permutation(members.size)]
        n_out = min(int(round(members.size * fraction)), members.size - 1)
        held.append(members[:n_out])
    held = np.sort(np.concatenate(held)) if held else np.array([], dtype=int)
    keep = np.setdiff1d(np.arange(n_rows), held)
    return keep, held
