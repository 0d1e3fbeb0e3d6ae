"""``neuronet predict``: one prediction per input row, as CSV, with the original labels."""
from __future__ import annotations

import csv
import io
import numbers
import sys

import numpy as np

from . import UsageError
from .._files import atomic_write
from ._common import (check_output_path, class_names, command_parser, load_model,
                      print_json, read_data, table_columns)


def add_parser(subparsers):
    p = command_parser(
        subparsers, "predict", run, summary="predict the target for every row of a CSV file",
        description="Predict the target of every row of DATA with MODEL and write CSV: one row per "
                    "input row, in order, with a header. The column is named after the model's "
                    "target ('predicted_<target>' when --keep copies the target column itself); "
                    "--proba adds one column per class, 'proba_<label>'. DATA needs the "
                    "model's input columns (other columns, such as the target, are ignored). "
                    "Numbers are written in full precision (they read back as the same floats).",
        model=True, data=True)
    p.add_argument("--proba", action="store_true", help="add the class probabilities (classifiers)")
    p.add_argument("--keep", action="append", metavar="COLUMNS",
                   help="copy these columns of DATA (comma-separated, e.g. an id) into the output, "
                        "as written, before the prediction, so it can be joined back; may be "
                        "repeated")
    p.add_argument("--out", metavar="FILE",
                   help="write the CSV to FILE (default, or '-': standard output). A symbolic link "
                        "keeps pointing to its target, which gets the CSV; a FIFO or device such "
                        "as /dev/stdout is written straight into")


def run(args):
    from ..model import Model
    out = None if args.out == "-" else check_output_path(
        args.out, "--out", (("model file", args.model), ("data file", args.data)))
    model = load_model(args.model)
    if not isinstance(model, Model):
        raise UsageError(f"{args.model}: holds a bare network without preprocessing; predict needs "
                         "a model written by `neuronet train` or neuronet.save(model)")
    if args.proba and not model.is_classifier:
        raise UsageError("--proba needs a classifier; this model does regression")
    table, _, shown = read_data(args.data)
    kept = table_columns(table, args.keep, "--keep")
    # Kept next to its prediction (truth beside the guess), the target gives the prediction a name
    # of its own.
    column = f"predicted_{model.target}" if model.target in kept else model.target
    if column in kept:
        raise UsageError(f"--keep {column}: is the name of the prediction column; the output "
                         "would have two columns of that name")
    labels = model.predict(table)
    proba = model.predict_proba(table) if args.proba else None
    classes = class_names(model) if model.is_classifier else None
    if classes is not None and classes != model.classes_.tolist():
        # The labels as the training file wrote them ("007", "1.0"), not as parsed (7, 1).
        labels = np.asarray(classes)[np.searchsorted(model.classes_, labels)]
    kept_values = [table.column(name) for name in kept]
    header = [*kept, column]
    if proba is not None:
        header += [f"proba_{c}" for c in classes]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for i, label in enumerate(labels.tolist()):
        row = [values[i] for values in kept_values] + [_fmt(label)]
        if proba is not None:
            row += [_fmt(p) for p in proba[i].tolist()]
        writer.writerow(row)
    if out is not None:
        atomic_write(out, lambda f: f.write(text.getvalue()), binary=False)
    if args.json:
        result = {"command": "predict", "model": args.model, "data": shown, "n_rows": len(labels),
                  "out": out, "target": model.target, "column": column}
        if out is None:
            if kept:
                result["kept"] = dict(zip(kept, kept_values))
            result["predictions"] = labels.tolist()
            if proba is not None:
                result["classes"] = classes
                result["probabilities"] = proba.tolist()
        print_json(result)
    elif out is None:
        sys.stdout.write(text.getvalue())
    else:
        print(f"Wrote {len(labels)} predictions to {out}", file=sys.stderr)
    return 0


def _fmt(value):
    """Floats in full round-trip precision (``repr``), so the CSV holds exactly what was computed."""
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return repr(float(value))        # also NumPy floats, whose repr is "np.float64(...)"
    return str(value)
