"""Reading tables from CSV files (Python's ``csv`` module), with errors that name file, line and column.

A :class:`Table` keeps every value as the text found in the file, plus the line each row starts on,
so that later steps (type inference, preprocessing) can say exactly where a bad value sits:

>>> table = read_csv("data.csv")                                       # doctest: +SKIP
>>> table.columns, table.n_rows, table.column("species")[:2], table.lines[:2]   # doctest: +SKIP
(['sepal_length', ..., 'species'], 150, ['setosa', 'setosa'], [2, 3])

Files ending in ``.gz`` are read through ``gzip``. The first row is the header.
"""
from __future__ import annotations

import csv
import gzip
import io
import math
import os

__all__ = ["Table", "CSVError", "read_csv", "parse_number", "is_missing", "MISSING"]

#: Texts that mean "no value" (compared after stripping spaces, case-insensitively).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})


class CSVError(ValueError):
    """A problem in a CSV file; the message starts with ``file:line`` (and the column where it applies)."""


def is_missing(text):
    """True for the texts in :data:`MISSING` and for ``None``/NaN values."""
    if text is None:
        return True
    if isinstance(text, float):
        return math.isnan(text)
    return isinstance(text, str) and text.strip().lower() in MISSING


def parse_number(text):
    """A finite float from a number or its text; ``None`` when the text is not a number.

    Infinite values count as "not a number" here: a network cannot learn from them.
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        try:
            value = float(str(text).strip().replace("_", "#"))   # float() accepts "1_0": we do not
        except ValueError:
            return None
    return value if math.isfinite(value) else None


class Table:
    """Rows of text under named columns, remembering where each row came from.

    Parameters
    ----------
    columns : list of str
        The header, in file order.
    rows : list of list of str
        One list per data row, each as long as ``columns``.
    source : str
        The file name (used in messages).
    lines : list of int, optional
        The line on which each row starts (1-based; the header is line 1). Default: 2, 3, ...
    """

    def __init__(self, columns, rows, source="<data>", lines=None):
        self.columns = list(columns)
        self.rows = rows
        self.source = str(source)
        self.lines = list(lines) if lines is not None else list(range(2, 2 + len(rows)))

    @property
    def n_rows(self):
        return len(self.rows)

    def index(self, name):
        """Position of column ``name``; a ``CSVError`` listing the columns if there is none."""
        try:
            return self.columns.index(name)
        except ValueError:
            hint = ""
            if len(self.columns) == 1:
                sep = next((c for c in ";\t|" if c in self.columns[0]), None)
                if sep is not None:
                    hint = (f" (the header looks separated by {sep!r}; neuronet reads comma-separated "
                            "files)")
            raise CSVError(f"{self.source}: there is no column {name!r}; the columns are "
                           f"{', '.join(self.columns)}{hint}") from None

    def column(self, name):
        """The values of column ``name``, as a list of text."""
        i = self.index(name)
        return [row[i] for row in self.rows]

    def take(self, indices):
        """A new Table with the rows at ``indices`` (0-based), keeping their line numbers."""
        return Table(self.columns, [self.rows[i] for i in indices], self.source,
                     [self.lines[i] for i in indices])

    def where(self, row):
        """``file:line`` of data row ``row`` (0-based), for messages."""
        return f"{self.source}:{self.lines[row]}"

    def __repr__(self):
        return f"Table({self.source!r}, {self.n_rows} rows, columns={self.columns!r})"


def read_csv(path, *, max_bytes=None):
    """Read a CSV file with a header row into a :class:`Table`.

    Refused, each with a ``CSVError`` naming the file (and the line where it applies): a missing or
    unreadable file (``FileNotFoundError``/``OSError`` are turned into ``CSVError``), an empty file,
    a header without data rows, empty or repeated column names, and rows whose number of fields
    differs from the header's. Blank lines are skipped.

    Parameters
    ----------
    path : str or os.PathLike
    max_bytes : int, optional
        Refuse files larger than this.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise CSVError(f"{name}: no such file")
    if os.path.isdir(name):
        raise CSVError(f"{name}: is a folder, not a CSV file")
    if max_bytes is not None and os.path.getsize(name) > max_bytes:
        raise CSVError(f"{name}: the file is larger than the limit of {max_bytes:,} bytes")
    try:
        if name.endswith(".gz"):
            with gzip.open(name, "rb") as f:
                raw = f.read()
        else:
            with open(name, "rb") as f:
                raw = f.read()
    except (OSError, EOFError) as err:
        raise CSVError(f"{name}: cannot read the file: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise CSVError(f"{name}:{line}: the file is not UTF-8 text (byte 0x{raw[err.start]:02x} at "
                       f"offset {err.start})") from None
    return parse_csv_text(text, name)


def parse_csv_text(text, source="<data>"):
    """Parse CSV ``text`` (header first) into a :class:`Table`; see :func:`read_csv` for the checks."""
    if "\x00" in text:
        raise CSVError(f"{source}: the file holds NUL bytes; it is not a CSV text file")
    if not text.strip():
        raise CSVError(f"{source}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, rows, lines = None, [], []
    try:
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            if not fields or all(not f.strip() for f in fields) and len(fields) <= 1:
                continue                                   # a blank line
            if header is None:
                header = _check_header(fields, source, start)
                continue
            if len(fields) != len(header):
                raise CSVError(f"{source}:{start}: this row has {len(fields)} field"
                               f"{'s' if len(fields) != 1 else ''} but the header has {len(header)} "
                               f"columns")
            rows.append(fields)
            lines.append(start)
    except csv.Error as err:
        raise CSVError(f"{source}:{reader.line_num}: malformed CSV: {err}") from None
    if header is None:
        raise CSVError(f"{source}: the file is empty")
    if not rows:
        raise CSVError(f"{source}: the file has a header ({', '.join(header)}) but no data rows")
    return Table(header, rows, source, lines)


def _check_header(fields, source, line):
    names = [f.strip() for f in fields]
    for i, n in enumerate(names, 1):
        if not n:
            raise CSVError(f"{source}:{line}: column {i} of the header has no name")
    seen = set()
    for i, n in enumerate(names, 1):
        if n in seen:
            raise CSVError(f"{source}:{line}: column {i} repeats the column name {n!r}")
        seen.add(n)
    return names
