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
the file. :func:`load` verifies, in order: size limits, magic, version, header length, header
checksum, JSON, the header's schema, the manifest against the file size, the data checksum, the
architecture (names must be in the activation, loss and optimizer registries; shapes must chain),
and only then builds the objects. Every failure is a :class:`ModelFileError` naming the file.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
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


class ModelFileError(ValueError):
    """A model file that cannot be written or cannot be trusted; the message names the file."""


# ------------------------------------------------------------------------------------------------
# Saving
def save(obj, path):
    """Write a :class:`~neuronet.model.Model` or a bare :class:`~neuronet.Network` to ``path``.

    The file is written atomically by :func:`neuronet._files.atomic_write`: to a temporary file in
    the same folder as the (symlink-resolved) target, flushed and fsynced, then renamed over it (the
    temporary file is removed if anything fails); a FIFO or device is written straight into.
    Returns the path.
    """
    from . import model_schema as schema
    header, arrays = schema.describe(obj)
    return _write(os.fspath(path), header, arrays)


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
    text = json.dumps(header, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    raw = text.encode("utf-8")
    raw += b" " * (-(_DATA_START_MIN + len(raw)) % ALIGN)
    if len(raw) > MAX_HEADER_BYTES:
        raise ModelFileError(f"cannot write {path}: the header would be {len(raw):,} bytes, more than "
                             f"the limit of {MAX_HEADER_BYTES:,}")
    preamble = MAGIC + _PREAMBLE.pack(FORMAT_VERSION, len(raw), hashlib.sha256(raw).digest())

    def write(f):
        f.write(preamble)
        f.write(raw)
        f.write(body)
    try:
        return atomic_write(path, write)
    except ValueError as err:
        raise ModelFileError(str(err)) from None


# ------------------------------------------------------------------------------------------------
# Loading
def load(path, *, max_bytes=MAX_FILE_BYTES):
    """Read a file written by :func:`save`; returns what was saved (a Model or a Network).

    Raises :class:`ModelFileError` (a ``ValueError``) for a missing, truncated, oversized, corrupted,
    checksum-mismatched, wrong-version or otherwise invalid file, naming the file and the problem.
    """
    from . import model_schema as schema
    name = os.fspath(path)
    header, arrays = read_verified(name, max_bytes=max_bytes)
    try:
        return schema.build(header, arrays)
    except schema.SchemaError as err:
        raise ModelFileError(f"{name}: not a valid neuronet model: {err}") from None


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
        with open(name, "rb") as f:
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
                     f"{size - _DATA_START_MIN:,} after the preamble")
            raw = f.read(header_len)
            if hashlib.sha256(raw).digest() != header_sha:
                fail("the header checksum does not match: the file is corrupted")
            try:
                header = json.loads(raw.decode("utf-8"), parse_constant=_no_constant,
                                    parse_float=_finite_float, object_pairs_hook=_unique_keys)
            except (UnicodeDecodeError, ValueError, RecursionError) as err:
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


def finite_json(value):
    """``value`` with NumPy scalars/arrays as Python values and NaN/inf floats as ``None``."""
    if isinstance(value, dict):
        return {str(k): finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return finite_json(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
