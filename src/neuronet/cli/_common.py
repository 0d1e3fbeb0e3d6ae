"""Shared pieces of the data commands: finding data sets, checking output paths, JSON, progress bars."""
from __future__ import annotations

import json
import math
import os
import sys
import time

from ..callbacks import Callback
from ..csvdata import name_list, read_csv
from . import UsageError

__all__ = ["command_parser", "read_data", "check_output_path", "print_json", "add_json_flag", "load_model",
           "ProgressBar", "positive_int", "non_negative_int", "non_negative_float", "fraction",
           "number_text", "metric_text", "plural", "same_file", "class_names"]


MODEL_HELP = "a model file written by `neuronet train`"
DATA_HELP = "CSV file, or a built-in data set name"


def command_parser(subparsers, name, run, summary, description, model=None, data=None):
    """The parser of one subcommand, which ``run(args)`` carries out: ``summary`` in `neuronet
    --help`, ``description`` in its own.

    ``model`` and ``data`` (help texts, or True for the usual one) add the positional MODEL and DATA
    arguments, in that order. Every command also gets ``--json``, added last by
    :func:`neuronet.cli.build_parser` so that it ends each command's list of options.
    """
    p = subparsers.add_parser(name, help=summary, description=description)
    p.set_defaults(func=run)
    if model:
        p.add_argument("model", metavar="MODEL", help=MODEL_HELP if model is True else model)
    if data:
        p.add_argument("data", metavar="DATA", help=DATA_HELP if data is True else data)
    return p


def read_data(spec):
    """``(Table, default target or None, shown name)`` for a CSV path, a built-in data set name, or
    ``-`` for standard input (shown as ``<stdin>``)."""
    from .. import datasets
    path, target = datasets.resolve(spec)
    if target is None and datasets.ALIASES.get(spec, spec) in datasets.DATASETS:
        print(f"note: reading the file {spec!r} in this folder, not the built-in data set of that "
              "name", file=sys.stderr)
    table = read_csv(path)
    if target is not None:
        table.source = spec                  # messages say "digits:12", not the package path
    return table, target, table.source if spec == "-" else spec


def table_columns(table, specs, option):
    """The column names of an option given as comma-separated lists (``--drop id,name``, repeatable),
    each checked to be a column of ``table``: a ``UsageError`` names the option and the columns."""
    names = [name.strip() for spec in specs or () for name in spec.split(",") if name.strip()]
    if specs and not names:
        raise UsageError(f"{option} {specs[-1]!r}: names no column; give column names separated by "
                         "commas")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{option}: {name_list(repeated)} given more than once")
    for name in names:
        try:
            table.index(name)
        except ValueError as err:
            raise UsageError(f"{option} {name}: {err}") from None
    return names


def check_output_path(path, option, inputs=(), stream_ok=False):
    """Refuse, before any work is done, an output path that cannot or must not be written.

    Refused: a folder that does not exist, a folder as the file name, ``-`` unless ``stream_ok``
    (a model file is binary: it does not go to standard output), and a file that is one of the
    command's own ``inputs`` (``(label, path)`` pairs): writing there would destroy it.
    """
    if path is None:
        return None
    if path == "-" and not stream_ok:
        raise UsageError(f"{option} -: this file cannot go to standard output; give a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{option} {path}: the folder {os.path.dirname(path) or folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    for label, source in inputs:
        if source == "-" and _is_stdin(path):
            label += " (standard input)"
        elif source is None or source == "-" or not same_file(path, source):
            continue
        raise UsageError(f"{option} {path}: is the {label} this command reads; writing there "
                         "would overwrite it. Choose another file name")
    return path


def writes_to_stdout(args):
    """True if an output file of the parsed command (``out``, ``plot``) is standard output itself,
    such as ``/dev/stdout`` or a file that stdout is redirected to."""
    paths = [getattr(args, name, None) for name in ("out", "plot")]
    return any(path not in (None, "-") and _is_stream(sys.stdout, path)
               and not same_file(path, os.devnull) for path in paths)   # /dev/null: both discarded


def _is_stdin(path):
    """True if standard input is redirected from the file ``path`` (``< data.csv``)."""
    return _is_stream(sys.stdin, path)


def _is_stream(stream, path):
    try:
        return os.path.exists(path) and os.path.samestat(os.fstat(stream.fileno()), os.stat(path))
    except (OSError, ValueError, AttributeError):     # no real stream (e.g. under a test runner)
        return False


def class_names(model):
    """A classifier's labels for display and JSON: as the training file spelled them when that
    differs from the parsed values ("007" rather than 7), else the values themselves."""
    values = model.classes_.tolist()
    written = model.labels_as_written()
    return written if written != [str(c) for c in values] else values


def same_file(a, b):
    """True if paths ``a`` and ``b`` name the same existing file (links and ``..`` included)."""
    try:
        return os.path.samefile(a, b)
    except OSError:                      # one of them does not exist (yet): not the same file
        return False


def add_json_flag(parser):
    parser.add_argument("--json", action="store_true",
                        help="print the result as one JSON object on standard output (for scripts)")


def print_json(result, stream=None):
    """Write ``result`` as one complete JSON object and a newline.

    The whole text is built before anything is written, so a failure never leaves half an object.
    Non-finite numbers (NaN, infinity: e.g. the loss of a diverged model) are written as ``null``,
    which every JSON parser accepts.
    """
    text = json.dumps(_finite(result), allow_nan=False)
    stream = stream or sys.stdout
    stream.write(text + "\n")


def _finite(value):
    """``value`` with NumPy values made plain and every NaN/infinity replaced by ``None``."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return _finite(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def number_text(value, spec):
    """``value`` formatted with ``spec`` (e.g. ``".4f"``), or ``"n/a"`` if missing or not finite.

    A fixed-point spec switches to an exponent for huge values (a diverged model's R² of -1e160
    would otherwise print 160 digits).
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    if spec.endswith("f") and abs(float(value)) >= 1e6:
        spec = spec[:-1] + "g"
    return format(value, spec)


def metric_text(m):
    """One line for a metrics dict (see Model.evaluate): the score, the loss and the row count."""
    if "accuracy" in m:
        score = f"accuracy {number_text(m.get('accuracy'), '.4f')}"
    else:
        score = (f"MSE {number_text(m.get('mse'), '.4g')}, MAE {number_text(m.get('mae'), '.4g')}, "
                 f"R2 {number_text(m.get('r2'), '.4f')}")
    return f"{score}, loss {number_text(m.get('loss'), '.4f')} ({plural(m.get('n_rows', 0), 'row')})"


def plural(count, noun):
    """``"1 row"``, ``"2 rows"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def load_model(path, with_header=False, data_follows=True):
    """Load a model file (and, ``with_header``, return its verified header too, reading the file
    once); its errors are ``ModelFileError`` (a ValueError: one line, exit code 2). When a DATA
    argument follows MODEL (``data_follows``), an existing data file given as the model gets a hint
    that the two may be swapped."""
    from ..io import ModelFileError, load, load_with_header
    try:
        return load_with_header(path) if with_header else load(path)
    except ModelFileError as err:
        from .. import datasets
        looks_like_data = data_follows and (
            os.path.isfile(path) and os.path.splitext(os.fspath(path))[1].lower() in (".csv", ".tsv",
                                                                                    ".txt", ".gz")
            or datasets.resolve(path)[1] is not None)   # a built-in data set
        if looks_like_data:
            raise ModelFileError(f"{err} (is this the data? the model file comes first: "
                                 "neuronet COMMAND MODEL DATA)") from None
        raise


def _parse(text, kind, what):
    import argparse
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None


def _refuse(message):
    import argparse
    raise argparse.ArgumentTypeError(message)


def positive_int(text):
    """An argparse type: a whole number of at least 1."""
    value = _parse(text, int, "a whole number")
    if value < 1:
        _refuse(f"must be at least 1, got {value}")
    return value


def non_negative_int(text):
    """An argparse type: a whole number of at least 0."""
    value = _parse(text, int, "a whole number")
    if value < 0:
        _refuse(f"must be 0 or more, got {value}")
    return value


def non_negative_float(text):
    """An argparse type: a finite number of at least 0."""
    value = _parse(text, float, "a number")
    if not 0.0 <= value < float("inf"):
        _refuse(f"must be a finite number of at least 0, got {text}")
    return value


def fraction(text):
    """An argparse type: a number in [0, 1)."""
    value = _parse(text, float, "a number")
    if not 0.0 <= value < 1.0:
        _refuse(f"must be in [0, 1), got {value}")
    return value


def positive_float(text):
    """An argparse type: a finite number greater than 0."""
    value = _parse(text, float, "a number")
    if not value > 0.0 or value == float("inf"):
        _refuse(f"must be a positive number, got {text}")
    return value


class ProgressBar(Callback):
    """A tqdm bar on stderr, one step per epoch, showing loss and validation loss (with elapsed/ETA).

    ``enabled=None`` shows it only when stderr is a terminal. Without tqdm installed the bar is
    skipped with a one-line hint.
    """

    def __init__(self, enabled=None, stream=None, mininterval=0.1):
        self.stream = stream or sys.stderr
        self.mininterval = mininterval
        if enabled is None:
            enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = enabled
        self.bar = None
        self.started = None

    def on_train_begin(self, net, logs):
        self.started = time.perf_counter()
        if not self.enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            print("(install tqdm for a progress bar: pip install neuronet[progress])", file=self.stream)
            return
        self.bar = tqdm(total=logs["epochs"], unit="epoch", file=self.stream, leave=False,
                        dynamic_ncols=True, desc="training",
                        mininterval=self.mininterval)

    def on_epoch_end(self, net, epoch, logs):
        if self.bar is not None:
            shown = {"loss": f"{logs['loss']:.4f}"}
            if "val_loss" in logs:
                shown["val_loss"] = f"{logs['val_loss']:.4f}"
            self.bar.set_postfix(shown, refresh=False)
            self.bar.update(1)

    def on_train_end(self, net, logs):
        self.close()

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    @property
    def seconds(self):
        return 0.0 if self.started is None else time.perf_counter() - self.started
