"""Model files: one file of JSON header and raw arrays, checked completely before anything is built.

Layout (all integers little-endian)::

    offset 0   16 bytes   magic  b"\\x93NEURONET-MODEL\\n"
    offset 16  4 bytes    format version (uint32), currently 1
    offset 20  8 bytes    header length H (uint64)
    offset 28  32 bytes   SHA-256 of the header bytes
    offset 60  H bytes    header: UTF-8 JSON, padded with spaces so the data start on a 64-byte boundary
    60 + H     D bytes    data: the arrays, each at a 64-byte aligned offset, zero bytes between them

The header holds the format and library versions, the architecture (layers, activations, loss,
optimizer settings, dtype), the preprocessing, labels, training settings and history, and the
manifest of arrays (name, dtype, shape, offset, byte count) with the data size and its SHA-256.
Every byte of the file is covered by a check: the two checksums and the exact file size.

Only ``float32``/``float64`` arrays are stored; nothing is ever unpickled, evaluated or imported from
the file. :func:`load` verifies, in order: that the path is a regular file, size limits, magic,
version, header length, header checksum, JSON (whole numbers must fit int64, floats must be
finite), the JSON values (nesting depth, string lengths, no control characters or lone surrogates),
the header's schema, the manifest against the file size, the data checksum, the architecture
(names must be in the activation, loss and optimizer registries; shapes must chain), labels and
metadata, and only then builds the objects. Every failure is a :class:`ModelFileError` naming the
file. :func:`save` runs the same checks on what it is about to write, so it never writes a file
that :func:`load` would refuse.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
import struct

import numpy as np

from ._files import atomic_write

__all__ = ["save", "load", "ModelFileError", "MAGIC", "FORMAT_VERSION", "MAX_HEADER_BYTES",
           "MAX_FILE_BYTES"]

MAGIC = b"\x93NEURONET-MODEL\n"
FORMAT_VERSION = 1
_PREAMBLE = struct.Struct("<IQ32s")
_DATA_START_MIN = len(MAGIC) + _PREAMBLE.size       # 60
ALIGN = 64
#: Headers larger than this are refused before being read.
MAX_HEADER_BYTES = 64 * 1024 * 1024
#: Files larger than this are refused unless ``load(..., max_bytes=...)`` allows more.
MAX_FILE_BYTES = 2 * 1024 ** 3
_DTYPES = {"<f8": np.dtype("<f8"), "<f4": np.dtype("<f4")}
#: The longest string the header may hold (a label, a column name, a setting). Real names are a few
#: dozen characters; the cap keeps a file from asking for gigabytes of fixed-width NumPy text.
MAX_TEXT = 10_000
#: How deeply lists and objects may nest in the header. Files written by neuronet nest 7 levels
#: (``model.metadata.metrics.test.confusion_matrix[row][column]``); re-saving walks the values
#: recursively, so a bound keeps that far from Python's recursion limit.
MAX_DEPTH = 32
_INT64 = 2 ** 63
# Characters that must not reach a terminal from a file: C0 controls (tab and newline are allowed
# in free text), DEL, C1 controls (ESC sequences), and lone UTF-16 surrogates, which cannot be
# written as UTF-8 at all.
_BAD_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_NAME = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


class ModelFileError(ValueError):
    """A model file that cannot be written or cannot be trusted; the message names the file."""


# ------------------------------------------------------------------------------------------------
# Saving
def save(obj, path):
    """Write a :class:`~neuronet.model.Model` or a bare :class:`~neuronet.Network` to ``path``.

    The file is written atomically by :func:`neuronet._files.atomic_write`: to a temporary file in
    the same folder as the (symlink-resolved) target, flushed and fsynced, then renamed over it (the
    temporary file is removed if anything fails); a FIFO or device is written straight into.
    Saving over an existing file keeps its permission bits. Before anything is written, the header
    is read back and checked exactly as :func:`load` checks it: what ``load`` would refuse raises
    :class:`ModelFileError` (or ``TypeError``) and leaves an existing file untouched.
    Returns the path.
    """
    from . import model_schema as schema
    name = _file_name(path)
    try:
        header, arrays = schema.describe(obj)
    except ValueError as err:
        raise ModelFileError(f"cannot write {name}: {err}") from None
    except TypeError as err:
        raise TypeError(f"cannot write {name}: {err}") from None
    return _write(name, header, arrays)


def _file_name(path):
    """``path`` as text, or an error naming what is wrong with it (not NumPy's or os's words)."""
    try:
        name = os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a file name (a str or os.PathLike), got "
                        f"{type(path).__name__}") from None
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not name:
        raise ModelFileError("the path is empty: give a file name")
    return name


def _write(path, header, arrays):
    manifest, chunks, offset = [], [], 0
    for name, array in arrays:
        array = np.ascontiguousarray(array)
        dtype = array.dtype.newbyteorder("<")
        if dtype.str not in _DTYPES:
            raise ModelFileError(f"cannot write {path}: array {name!r} has dtype {array.dtype}; "
                                 "only float32 and float64 are stored")
        data = array.astype(dtype, copy=False).tobytes()
        pad = -offset % ALIGN
        chunks.append(b"\0" * pad)
        offset += pad
        manifest.append({"name": name, "dtype": dtype.str, "shape": list(array.shape),
                         "offset": offset, "nbytes": len(data)})
        chunks.append(data)
        offset += len(data)
    body = b"".join(chunks)
    header = dict(header, arrays=manifest,
                  data={"size": len(body), "sha256": hashlib.sha256(body).hexdigest()})
    try:
        text = json.dumps(header, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except ValueError as err:                    # NaN or infinity, e.g. among float labels
        raise ModelFileError(f"cannot write {path}: {err}") from None
    except TypeError as err:                     # e.g. a set in the metadata
        raise TypeError(f"cannot write {path}: {err}") from None
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ModelFileError(f"cannot write {path}: {_shorten(err.object)!r} holds a lone "
                             "surrogate, which is not text") from None
    raw += b" " * (-(_DATA_START_MIN + len(raw)) % ALIGN)
    if len(raw) > MAX_HEADER_BYTES:
        raise ModelFileError(f"cannot write {path}: the header would be {len(raw):,} bytes, more than "
                             f"the limit of {MAX_HEADER_BYTES:,}")
    _check_readable(path, raw, dict(arrays))
    preamble = MAGIC + _PREAMBLE.pack(FORMAT_VERSION, len(raw), hashlib.sha256(raw).digest())

    def write(f):
        f.write(preamble)
        f.write(raw)
        f.write(body)
    try:
        return atomic_write(path, write)
    except ValueError as err:
        raise ModelFileError(str(err)) from None


def _check_readable(path, raw, arrays):
    """Refuse, before anything is written, a header that :func:`load` would refuse: it is parsed and
    checked with load's own code, and the objects are rebuilt from it (``arrays``: name -> array)."""
    from . import model_schema as schema
    try:
        header = parse_header(raw)
        schema.check_manifest(header, header["data"]["size"])
        schema.build(header, {name: np.asarray(a) for name, a in arrays.items()})
    except ValueError as err:                      # SchemaError and JSON errors alike
        raise ModelFileError(f"cannot write {path}: neuronet.load would refuse it: {err}") from None


# ------------------------------------------------------------------------------------------------
# Loading
def load(path, *, max_bytes=MAX_FILE_BYTES):
    """Read a file written by :func:`save`; returns what was saved (a Model or a Network).

    Raises :class:`ModelFileError` (a ``ValueError``) for a missing, truncated, oversized, corrupted,
    checksum-mismatched, wrong-version or otherwise invalid file, naming the file and the problem.
    """
    return load_with_header(path, max_bytes=max_bytes)[0]


def load_with_header(path, *, max_bytes=MAX_FILE_BYTES):
    """``(what load returns, the verified header dict)``: the file is read once (``neuronet info``)."""
    from . import model_schema as schema
    name = _file_name(path)
    try:
        header, arrays = read_verified(name, max_bytes=max_bytes)
        return schema.build(header, arrays), header
    except schema.SchemaError as err:
        raise ModelFileError(f"{name}: not a valid neuronet model: {err}") from None
    except MemoryError:
        raise ModelFileError(f"{name}: there is not enough memory to load this file") from None


def read_verified(name, *, max_bytes=MAX_FILE_BYTES):
    """Check the file's structure and checksums; returns ``(header dict, {array name: ndarray})``."""
    from . import model_schema as schema

    def fail(problem):
        raise ModelFileError(f"{name}: {problem}")

    if not os.path.exists(name):
        fail("no such file")
    if os.path.isdir(name):
        fail("is a folder, not a model file")
    try:
        with _open_regular(name, fail) as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                fail(f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes; refused")
            head = f.read(_DATA_START_MIN)
            if len(head) < len(MAGIC) or head[:len(MAGIC)] != MAGIC:
                fail(f"not a neuronet model file ({_guess(head)})")
            if len(head) < _DATA_START_MIN:
                fail(f"truncated: {size} bytes, too short for the {_DATA_START_MIN}-byte preamble")
            version, header_len, header_sha = _PREAMBLE.unpack(head[len(MAGIC):])
            if version != FORMAT_VERSION:
                fail(f"format version {version} is not supported (this neuronet reads version "
                     f"{FORMAT_VERSION}); was it written by a different neuronet version?")
            if header_len > MAX_HEADER_BYTES:
                fail(f"the header claims {header_len:,} bytes, more than the limit of "
                     f"{MAX_HEADER_BYTES:,}; refused")
            if _DATA_START_MIN + header_len > size:
                fail(f"truncated: the header claims {header_len:,} bytes but the file has only "
                     f"{max(size - _DATA_START_MIN, 0):,} after the preamble")
            raw = f.read(header_len)
            if hashlib.sha256(raw).digest() != header_sha:
                fail("the header checksum does not match: the file is corrupted")
            try:
                header = parse_header(raw)
            except _HeaderValueError as err:
                fail(f"invalid header: {err}")
            except ValueError as err:
                fail(f"the header is not valid JSON: {err}")
            data_size = size - _DATA_START_MIN - header_len
            try:
                manifest = schema.check_manifest(header, data_size)
            except schema.SchemaError as err:
                fail(f"invalid header: {err}")
            body = f.read(data_size)
    except OSError as err:
        fail(f"cannot read the file: {err.strerror or err}")
    if len(body) != data_size:
        fail("the file changed while it was being read")
    if hashlib.sha256(body).hexdigest() != header["data"]["sha256"]:
        fail("the array data checksum does not match: the file is corrupted")
    arrays = {}
    for entry in manifest:
        dtype = _DTYPES[entry["dtype"]]
        chunk = body[entry["offset"]:entry["offset"] + entry["nbytes"]]
        array = np.frombuffer(chunk, dtype=dtype).reshape(entry["shape"]).astype(dtype.newbyteorder("="))
        if not np.all(np.isfinite(array)):
            fail(f"array {entry['name']!r} holds NaN or infinite values")
        arrays[entry["name"]] = array
    return header, arrays


def _open_regular(name, fail):
    """``name`` opened for reading in binary; anything but a regular file is refused.

    The file is opened without blocking, so a FIFO is refused at once instead of waiting for a
    writer; ``/dev/stdin`` redirected from a file is a regular file and is read.
    """
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            fail("not a regular file (a pipe, FIFO or device); save the model to a file first")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


class _HeaderValueError(ValueError):
    """Valid JSON holding a value the header may not hold (too deep, too long, control characters)."""


def parse_header(raw):
    """The header dict from its bytes: strict JSON (whole numbers within int64, finite floats, no
    repeated keys), then every value checked by :func:`_check_values`. Raises ``ValueError``."""
    try:
        header = json.loads(raw.decode("utf-8"), parse_constant=_no_constant, parse_int=_int64,
                            parse_float=_finite_float, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise ValueError("it nests too deeply") from None
    _check_values(header)
    return header


def _check_values(header):
    """Refuse nesting deeper than :data:`MAX_DEPTH` and strings that are longer than
    :data:`MAX_TEXT` or hold control characters or lone surrogates (keys too). Iterative, so a
    deep header cannot exhaust the stack."""
    pending = [(header, 0, "header")]
    while pending:
        value, depth, where = pending.pop()
        if depth >= MAX_DEPTH:
            raise _HeaderValueError(f"{where} nests more than {MAX_DEPTH} levels deep")
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            problem = text_problem(key) if isinstance(key, str) else None
            if problem:
                raise _HeaderValueError(f"a key in {where} {problem}")
            if isinstance(item, str):
                problem = text_problem(item)
                if problem:
                    raise _HeaderValueError(f"{_where(where, key)} {problem}")
            elif isinstance(item, (dict, list)):
                pending.append((item, depth + 1, _where(where, key)))


def _where(where, key):
    return f"{where}[{key}]" if isinstance(key, int) else f"{where}.{_shorten(key)}"


def text_problem(text, name=False):
    """What makes ``text`` unfit for a model file, or ``None``: more than :data:`MAX_TEXT`
    characters, a lone surrogate, or a control character (tab and newline are allowed in free text,
    not in a ``name`` such as a label or a column name, which is shown on one line)."""
    if len(text) > MAX_TEXT:
        return f"is a string of {len(text):,} characters, more than the limit of {MAX_TEXT:,}"
    found = (_BAD_NAME if name else _BAD_TEXT).search(text)
    if found is None:
        return None
    what = "a lone surrogate" if "\ud800" <= found.group() <= "\udfff" else "a control character"
    return f"{_shorten(text)!r} holds {what} (U+{ord(found.group()):04X})"


def _shorten(text, limit=80):
    """``text`` cut to ``limit`` characters, for quoting in a one-line message."""
    return text if len(text) <= limit else text[:limit] + "..."


def _int64(text):
    value = int(text)
    if not -_INT64 <= value < _INT64:
        raise _HeaderValueError(f"the whole number {_shorten(text, 40)} is out of range (beyond "
                                "64 bits)")
    return value


def _no_constant(token):
    raise ValueError(f"{token} is not allowed")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _unique_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"repeated key {key!r}")
        out[key] = value
    return out


def _guess(head):
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return "it looks like a Python pickle, which neuronet never loads"
    if head.startswith(b"PK\x03\x04"):
        return "it looks like a zip/.npz archive"
    if head.startswith(b"\x93NUMPY"):
        return "it looks like a NumPy .npy file"
    if not head:
        return "the file is empty"
    return "the file does not start with the neuronet magic bytes"


def finite_json(value, depth=0):
    """``value`` with NumPy scalars/arrays as Python values and NaN/inf floats as ``None``.

    Raises ``ValueError`` for values nested more than :data:`MAX_DEPTH` levels (or a dict that holds
    itself), which a model file cannot hold.
    """
    if isinstance(value, (dict, list, tuple, np.ndarray)) and depth >= MAX_DEPTH:
        raise ValueError(f"a value nests more than {MAX_DEPTH} levels deep (or holds itself); a "
                         "model file cannot hold it")
    if isinstance(value, dict):
        out = {str(k): finite_json(v, depth + 1) for k, v in value.items()}
        if len(out) != len(value):
            raise ValueError(f"two keys of {_shorten(str(value))} are the same text (such as 1 "
                             "and '1'); a model file holds text keys")
        return out
    if isinstance(value, (list, tuple)):
        return [finite_json(v, depth + 1) for v in value]
    if isinstance(value, np.ndarray):
        return finite_json(value.tolist(), depth)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
