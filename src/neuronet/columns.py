"""Checks and arithmetic for single columns: numbers written as text, identifier-like text columns,
and means and scales that cannot overflow.

:class:`~neuronet.preprocessing.TabularPreprocessor` uses these when it is fitted: a text column is
one-hot encoded only if it can be learned from, and a numeric column is standardized with a mean and
scale that stay finite for any finite values.
"""
from __future__ import annotations

import re
import shlex

import numpy as np

from .csvdata import MISSING, is_missing, parse_number

__all__ = ["MAX_CATEGORIES_FLOOR", "ColumnsRefused", "mean_and_std", "standardize",
           "numbers_in_disguise", "disguise_advice"]

#: A text column may have up to this many categories whatever the number of rows (beyond it, at most
#: one per two training rows). A one-hot feature is learned from the rows of its category, so it needs
#: several of them; a column with about one value per row (an ID, a name, an e-mail, a date) gives
#: one useless feature per row, and a table of n rows then needs about n * n numbers.
MAX_CATEGORIES_FLOOR = 50

# What is taken out of a text value to see whether it is a number in disguise ("$1,234", "12 %").
_NUMBER_DECORATION = str.maketrans("", "", "$€£%, \u00a0\u202f")
#: A comma between digits that is not a thousands separator: "80,93", "1,5", "0,0625", and one
#: after digits grouped by dots or spaces, "1.234,56", "1 234,5" (German, French).
_DECIMAL_COMMA = re.compile(r"[-+]?(?:\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,}))")


def _text(value):
    return value.strip() if isinstance(value, str) else str(value)


def mean_and_std(x):
    """Mean and standard deviation of the finite values ``x``, free of overflow and underflow.

    ``x.std()`` squares the deviations, which overflows near 1e155 and underflows to 0 near 1e-160.
    Here ``x`` is first scaled by a power of two that brings its largest magnitude into [0.5, 1),
    and the results are scaled back. A power of two scales exactly, so for ordinary values the
    results are those of ``x.mean()`` and ``x.std()``, bit for bit.
    """
    largest = float(np.max(np.abs(x)))
    if largest == 0.0:
        return 0.0, 0.0
    exponent = int(np.frexp(largest)[1])
    with np.errstate(under="ignore"):             # values below 2**-1074 of the largest: negligible
        y = np.ldexp(x, -exponent)
    return float(np.ldexp(y.mean(), exponent)), float(np.ldexp(y.std(), exponent))


def standardize(x, mean, scale):
    """``(x - mean) / scale``, computed on halves so that ``x - mean`` cannot overflow when both are
    near the largest float (halving is exact: ordinary values give the same bits)."""
    return (x * 0.5 - mean * 0.5) / (scale * 0.5)


def numbers_in_disguise(values, missing=MISSING):
    """``(row, text, decimal_comma)`` when ``values`` are numbers written as text: at least 90% of the
    present ones read as numbers once currency and percent signs, commas and spaces are removed, and
    some are not plain numbers (``"$1,234"``, ``"12%"``, ``"80,93"``). ``decimal_comma`` says that a
    comma separates decimals (``"80,93"``: not followed by exactly 3 digits). Else ``None``."""
    present = [(i, _text(v)) for i, v in enumerate(values) if not is_missing(v, missing)]
    numbers = [(i, t) for i, t in present if parse_number(t.translate(_NUMBER_DECORATION)) is not None]
    decorated = [(i, t) for i, t in numbers if parse_number(t) is None]
    if not decorated or len(numbers) < 0.9 * len(present):
        return None
    comma = next(((i, t) for i, t in decorated if _DECIMAL_COMMA.fullmatch(t)), None)
    i, text = comma or decorated[0]
    return i, text, comma is not None


def disguise_advice(text):
    """What to do about one text that is a number in disguise (``"3,243"``, ``"$5"``, ``"80,93"``),
    for messages; ``None`` if it is not one."""
    text = _text(text)
    if _DECIMAL_COMMA.fullmatch(text):
        return "a number written with a decimal comma; write it with a decimal point (80.93)"
    if parse_number(text.translate(_NUMBER_DECORATION)) is None:
        return None
    return ("a number written with a currency or percent sign, or thousands separators; write it "
            "as a plain number (1234.5)")


def _column_problem(source, name, values, distinct):
    """Why a text column cannot be one-hot encoded as it is: ``(message, is_identifier)``, or None.

    Numbers written as text belong in a numeric column; a column with more different values than
    ``max(MAX_CATEGORIES_FLOOR, n_rows / 2)`` (an ID, a name, a date) is an identifier or free text.
    """
    disguise = numbers_in_disguise(values, source.missing)
    column = source.column_text(name)
    if disguise is not None:
        i, text, decimal_comma = disguise
        how = ("decimal commas" if decimal_comma else
               "currency or percent signs, or thousands separators")
        plain = "with a decimal point (80.93)" if decimal_comma else "as plain numbers (1234.5)"
        return (f"{column} holds numbers written with {how} (e.g. {text!r} at {source.where(i)}); "
                f"write them {plain} so that the column is read as numeric"), False
    n_rows = len(values)
    if distinct <= max(MAX_CATEGORIES_FLOOR, n_rows / 2):
        return None
    if _mostly_dates(values):
        return (f"{column} has {distinct:,} different values in {n_rows:,} training rows, and they "
                f"look like dates; one-hot encoding would make {distinct:,} features of them. A "
                "date helps as numbers (the year, the month, the day of the week, days since a "
                "start), written in columns of their own"), True
    return (f"{column} has {distinct:,} different values in {n_rows:,} training rows; one-hot "
            f"encoding would make {distinct:,} features from a column that looks like an identifier "
            "or free text"), True


#: 2024-01-31, 31.01.2024, 1/31/2024, optionally followed by a time: what spreadsheets write.
_DATE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})([ T]\d{1,2}:\d{2}.*)?")


def _mostly_dates(values):
    """True when at least 90% of the first 1,000 values are written as dates."""
    sample = [_text(v) for v in values[:1000]]
    return bool(sample) and sum(bool(_DATE.fullmatch(t)) for t in sample) >= 0.9 * len(sample)


class ColumnsRefused(ValueError):
    """Text columns that cannot be learned from as they are, each with its reason (one message).

    The message ends by saying how to leave the identifier-like columns out: ``neuronet train
    --drop``, and, when built with ``parameter`` (``"exclude"``, from :meth:`Model.for_table
    <neuronet.model.Model.for_table>`), the Python argument first.

    Attributes
    ----------
    prefix : str
        ``"file.csv: "`` or ``""``.
    problems : list of (str, (str, bool))
        Per column: its name, then the reason and whether it looks like an identifier.
    """

    def __init__(self, prefix, problems, parameter=None, already=()):
        self.prefix, self.problems = prefix, list(problems)
        super().__init__(self._message(parameter, list(already)))

    @property
    def identifiers(self):
        """The names of the identifier-like columns (the ones to leave out)."""
        return [name for name, (_, identifier) in self.problems if identifier]

    def spelled_for(self, parameter, already=()):
        """The same refusal, saying how to leave the columns out with ``parameter=`` (which already
        holds ``already``) before the command-line spelling; ``parameter=None``: that spelling only;
        ``parameter="--drop"``: for the command line itself."""
        return ColumnsRefused(self.prefix, self.problems, parameter, already)

    def _message(self, parameter, already):
        names = self.identifiers
        drop = ""
        if names:
            flag = f"--drop {','.join(shlex.quote(n) for n in names)}"
            if parameter == "--drop":                 # the command line itself
                how = f" with {flag}"
            elif parameter:
                how = f" with {parameter}={[*already, *names]!r} (neuronet train: {flag})"
            else:
                how = f" (neuronet train: {flag})"
            drop = f"; leave {'it' if len(names) == 1 else 'them'} out of the inputs{how}"
        if len(self.problems) == 1:
            return f"{self.prefix}{self.problems[0][1][0]}{drop}"
        listed = "; ".join(message for _, (message, _) in self.problems)
        return (f"{self.prefix}{len(self.problems)} columns cannot be learned from as they are: "
                f"{listed}{drop}")


def _refuse_columns(source, problems):
    """One :class:`ColumnsRefused` for every column that cannot be learned from (see
    :func:`_column_problem`)."""
    return ColumnsRefused(source.file_prefix, problems)
