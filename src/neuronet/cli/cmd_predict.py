"""``neuronet predict``: one prediction per input row, as CSV, with the original labels."""
from __future__ import annotations

import csv
import io
import os
import sys
import tempfile

from . import UsageError
from ._common import add_json_flag, check_output_path, load_model, print_json, read_data


def add_parser(subparsers):
    p = subparsers.add_parser(
        "predict", help="predict the target for every row of a CSV file",
        description="Predict the target of every row of DATA with MODEL and write CSV: one row per "
                    "input row, in order, with a header. The column is named after the model's "
                    "target; --proba adds one column per class, 'proba_<label>'. DATA needs the "
                    "model's input columns (other columns, such as the target, are ignored).")
    p.add_argument("model", metavar="MODEL", help="a model file written by `neuronet train`")
    p.add_argument("data", metavar="DATA", help="CSV file, or a built-in data set name")
    p.add_argument("--proba", action="store_true", help="add the class probabilities (classifiers)")
    p.add_argument("--out", metavar="FILE", help="write the CSV to FILE (default: standard output)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args):
    from ..model import Model
    out = check_output_path(args.out, "--out")
    model = load_model(args.model)
    if not isinstance(model, Model):
        raise UsageError(f"{args.model}: holds a bare network without preprocessing; predict needs "
                         "a model written by `neuronet train` or neuronet.save(model)")
    if args.proba and not model.is_classifier:
        raise UsageError("--proba needs a classifier; this model does regression")
    table, _, shown = read_data(args.data)
    labels = model.predict(table)
    proba = model.predict_proba(table) if args.proba else None
    header = [model.target]
    if proba is not None:
        header += [f"proba_{c}" for c in model.classes_.tolist()]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for i, label in enumerate(labels.tolist()):
        row = [_fmt(label)]
        if proba is not None:
            row += [f"{p:.6g}" for p in proba[i].tolist()]
        writer.writerow(row)
    if out is not None:
        _write_atomic(out, text.getvalue())
    if args.json:
        result = {"command": "predict", "model": args.model, "data": shown, "n_rows": len(labels),
                  "out": out, "target": model.target}
        if out is None:
            result["predictions"] = labels.tolist()
            if proba is not None:
                result["classes"] = model.classes_.tolist()
                result["probabilities"] = proba.tolist()
        print_json(result)
    elif out is None:
        sys.stdout.write(text.getvalue())
    else:
        print(f"Wrote {len(labels)} predictions to {out}", file=sys.stderr)
    return 0


def _fmt(value):
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def _write_atomic(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
