"""Reading tables from CSV files (Python's ``csv`` module), with errors that name file, line and column.

A :class:`Table` keeps every value as the text found in the file, plus the line each row starts on,
so that later steps (type inference, preprocessing) can say exactly where a bad value sits:

>>> table = read_csv("data.csv")                                       # doctest: +SKIP
>>> table.columns, table.n_rows, table.column("species")[:2], table.lines[:2]   # doctest: +SKIP
(['sepal_length', ..., 'species'], 150, ['setosa', 'setosa'], [2, 3])

Files ending in ``.gz`` are read through ``gzip``, and the path ``-`` reads standard input. The first
row is the header, unless the file opens with Excel's separator line (``sep=;``), which sets the delimiter.
"""
from __future__ import annotations

import csv
import gzip
import io
import math
import os
import re
import shlex
import sys

__all__ = ["Table", "CSVError", "read_csv", "parse_number", "is_missing", "missing_words",
           "name_list", "MISSING"]

#: Texts that mean "no value" (compared after stripping spaces, case-insensitively).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})

#: Excel's first line ``sep=X``: blank lines (group 1), then the line itself (X is group 2).
_SEP_LINE = re.compile(r"\A((?:[ \t]*(?:\r\n|\r|\n))*)"
                       r" *sep *= *([^ \r\n]) *(?=\r\n|\r|\n|\Z)", re.IGNORECASE)


class CSVError(ValueError):
    """A problem in a CSV file; the message starts with ``file:line`` (and the column where it applies)."""


def name_list(names, limit=None):
    """``'a, b, c'`` for messages, or the first ``limit`` names and how many more. A name with a
    control character (a tab, an escape sequence read from a file) is shown as ``repr`` would,
    so that nothing from a file reaches the terminal raw."""
    names = [str(n) for n in names]
    shown = ", ".join(n if n.isprintable() else repr(n) for n in names[:limit])
    return shown + (f", ... ({len(names)} in all)" if limit is not None and len(names) > limit
                    else "")


def is_missing(text, words=MISSING):
    """True for ``None``/NaN values and for the texts in ``words`` (default :data:`MISSING`;
    lower-case, compared after stripping spaces, case-insensitively)."""
    if text is None:
        return True
    if isinstance(text, float):
        return math.isnan(text)
    return isinstance(text, str) and text.strip().lower() in words


def missing_words(words):
    """The set of texts that mean "no value", from user words (``"NA,?"`` or a list): lower-cased,
    stripped, and always with the empty cell.

    Only texts are accepted: a number is never read as missing (a cell of a data frame holding
    -999 stays the number -999), so ``missing=[-999]`` is refused rather than ignored.
    """
    if isinstance(words, str):
        words = words.split(",")
    try:
        words = list(words)
    except TypeError:
        raise TypeError(f"missing must be a text such as 'NA,?' or a list of texts, got "
                        f"{words!r}") from None
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"missing must hold texts (the cell texts that mean 'no value'), got "
                            f"{word!r}; numbers are never read as missing")
    return frozenset({""} | {w.strip().lower() for w in words})


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
            raise CSVError(f"{self.source}: there is no column {name!r}; the columns are "
                           f"{name_list(self.columns)}{_separator_hint(self.columns)}") from None

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
    differs from the header's. Blank lines, and rows whose fields are all empty, are skipped.

    Parameters
    ----------
    path : str or os.PathLike
        ``"-"`` reads standard input (named ``<stdin>`` in messages; write ``./-`` for a file named ``-``).
    max_bytes : int, optional
        Refuse files larger than this.
    """
    name = os.fspath(path)
    if name == "-":
        return parse_csv_text(_decode(_read_stdin(max_bytes), "<stdin>"), "<stdin>")
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
    return parse_csv_text(_decode(raw, name), name)


def _read_stdin(max_bytes):
    """The bytes of standard input (at most ``max_bytes``, else a ``CSVError``)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise CSVError("<stdin>: standard input cannot be read as bytes")
    try:
        raw = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    except OSError as err:
        raise CSVError(f"<stdin>: cannot read standard input: {err.strerror or err}") from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise CSVError(f"<stdin>: the input is larger than the limit of {max_bytes:,} bytes")
    if not raw.strip():
        raise CSVError("<stdin>: the input is empty")
    return raw


def _decode(raw, name):
    """UTF-8 text (a BOM is dropped) from ``raw``; a ``CSVError`` naming the line otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise CSVError(f"{name}:{line}: the file is not UTF-8 text (byte 0x{raw[err.start]:02x} at "
                       f"offset {err.start}); save it as UTF-8 (in Excel: 'CSV UTF-8'), or convert "
                       f"it, e.g. from Windows-1252: {_iconv_command(name)}") from None


def _iconv_command(name):
    """The command that converts file ``name`` from Windows-1252 to UTF-8, ready to paste."""
    if name.startswith("<"):                       # <stdin>: the data came through a pipe
        return "iconv -f cp1252 -t utf-8 OLD.csv > NEW.csv"
    stem, ext = os.path.splitext(name)
    return f"iconv -f cp1252 -t utf-8 {shlex.quote(name)} > {shlex.quote(stem + '-utf8' + (ext or '.csv'))}"


def _separator_line(text, source):
    """``(text, delimiter)``: Excel's ``sep=X`` first line is blanked (line numbers stay true)."""
    match = _SEP_LINE.match(text)
    if match is None:
        return text, ","
    delimiter = match.group(2)
    if delimiter == '"':
        line = len(match.group(1).splitlines()) + 1          # group 1 holds only blank lines
        raise CSVError(f"{source}:{line}: the line {match.group(0).strip()!r} asks for the quote "
                       "character '\"' as separator; it cannot separate fields")
    rest = text[match.end():]             # from the sep= line's end of line on
    if rest.lstrip("\r\n").startswith("\ufeff"):  # the BOM of an Excel file, a sep= line put on top
        rest = rest.replace("\ufeff", "", 1)
    return match.group(1) + rest, delimiter


def _separator_hint(header):
    """A note when a one-column header looks separated by ';', tab or '|' instead of commas."""
    if len(header) != 1:
        return ""
    sep = next((c for c in ";\t|" if c in header[0]), None)
    if sep is None:
        return ""
    line = "`sep=` followed by a tab" if sep == "\t" else f"`sep={sep}`"
    return (f" (the header looks separated by {sep!r}; neuronet reads comma-separated files; "
            f"a first line {line} makes it read {sep!r})")


def parse_csv_text(text, source="<data>"):
    """Parse CSV ``text`` (header first) into a :class:`Table`; see :func:`read_csv` for the checks.

    A first line ``sep=X`` (Excel's separator line) is skipped and sets the delimiter to ``X``.
    """
    if "\x00" in text:
        raise CSVError(f"{source}: the file holds NUL bytes; it is not a CSV text file")
    if not text.strip():
        raise CSVError(f"{source}: the file is empty")
    text, delimiter = _separator_line(text, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header, rows, lines = None, [], []
    try:
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            if all(not f.strip() for f in fields):
                continue                                   # a blank line, or Excel's ",,,"
            if header is None:
                header, width = _check_header(fields, source, start), len(fields)
                continue
            if len(fields) == width > len(header):      # a spreadsheet's unnamed trailing columns
                filled = [i for i, f in enumerate(fields[len(header):], len(header) + 1) if f.strip()]
                if filled:
                    raise CSVError(f"{source}:{start}: column {filled[0]} holds a value "
                                   f"({fields[filled[0] - 1].strip()!r}) but the header gives it "
                                   "no name")
                fields = fields[:len(header)]
            if len(fields) != len(header):
                raise CSVError(f"{source}:{start}: this row has {_count(len(fields), 'field')} but the "
                               f"header has {_count(len(header), 'column')}{_separator_hint(header)}")
            rows.append(fields)
            lines.append(start)
    except csv.Error as err:
        raise CSVError(f"{source}:{reader.line_num}: malformed CSV: {err}") from None
    if header is None:
        raise CSVError(f"{source}: the file is empty")
    if not rows:
        raise CSVError(f"{source}: the file has a header ({', '.join(header)}) but no data rows")
    return Table(header, rows, source, lines)


def _count(n, word):
    """``"1 field"``, ``"3 fields"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _check_header(fields, source, line):
    """The column names; empty names at the end (a spreadsheet's trailing ``,,``) are left off,
    and their cells must then be empty in every row."""
    names = [f.strip() for f in fields]
    while names and not names[-1]:
        names.pop()
    for i, n in enumerate(names, 1):
        if not n:
            hint = (" (a row index written by pandas' to_csv? write the file with index=False, or "
                    "give the column a name)" if i == 1 else "")
            raise CSVError(f"{source}:{line}: column {i} of the header has no name{hint}")
    seen = set()
    for i, n in enumerate(names, 1):
        if n in seen:
            raise CSVError(f"{source}:{line}: column {i} repeats the column name {n!r}")
        seen.add(n)
    return names
