"""Shared pieces of the data commands: finding data sets, checking output paths, JSON, progress bars."""
from __future__ import annotations

import json
import os
import sys
import time

from ..callbacks import Callback
from ..csvdata import read_csv
from . import UsageError

__all__ = ["read_data", "check_output_path", "print_json", "add_json_flag", "load_model",
           "ProgressBar", "positive_int", "fraction"]


def read_data(spec):
    """``(Table, default target or None, shown name)`` for a CSV path or a built-in data set name."""
    from .. import datasets
    path, target = datasets.resolve(spec)
    table = read_csv(path)
    if target is not None:
        table.source = spec                  # messages say "digits:12", not the package path
    return table, target, spec


def check_output_path(path, option):
    """Refuse, before any work is done, an output path whose folder does not exist (or is a folder)."""
    if path is None:
        return None
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{option} {path}: the folder {os.path.dirname(path) or folder} does not exist")
    if os.path.isdir(path):
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    return path


def add_json_flag(parser):
    parser.add_argument("--json", action="store_true",
                        help="print the result as one JSON object on standard output (for scripts)")


def print_json(result, stream=None):
    json.dump(result, stream or sys.stdout, allow_nan=False, default=_plain)
    (stream or sys.stdout).write("\n")


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def load_model(path):
    """Load a model file; its errors are ``ModelFileError`` (a ValueError: one line, exit code 2)."""
    from ..io import load
    return load(path)


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
