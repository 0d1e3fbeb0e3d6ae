"""``neuronet evaluate``: score a saved model on labelled rows (loss, accuracy, confusion matrix, or MSE/MAE/R²)."""
from __future__ import annotations

import os
import sys

from . import UsageError
from ._common import (class_names, command_parser, load_model, metric_text,
                      number_text, print_json, read_data, same_file)


def add_parser(subparsers):
    p = command_parser(
        subparsers, "evaluate", run,
        summary="score a saved model on a CSV file or built-in data set",
        description="Score MODEL on the rows of DATA, which must hold the target column: the loss and, "
                    "for a classifier, the accuracy and the confusion matrix; for regression the "
                    "MSE, MAE and R².",
        model=True, data=True)
    p.add_argument("--target", metavar="COLUMN",
                   help="the column holding the true values (default: the model's target)")


def _training_rows_note(model, data, n_rows):
    """A note when ``data`` is the very file the model was trained on: its score is not a test score."""
    from ..schema_checks import readable_metadata
    readable = readable_metadata(model.metadata)[0]
    trained = readable.get("data", {})
    file = trained.get("file", trained.get("source"))   # (older models: the name as typed)
    if trained.get("rows") != n_rows:
        return None
    if not (same_file(file, data) if file and os.path.isfile(data) else
            trained.get("source") == data and not os.path.isfile(data)):     # a built-in data set
        return None
    test = readable.get("metrics", {}).get("test")
    held = f"; the held-out test rows scored {metric_text(test)} at training" if test else ""
    return (f"{data} is the data the model was trained on, so these rows include its training rows "
            f"and the score is optimistic{held}")


def run(args):
    from ..metrics import format_confusion_matrix
    from ..model import Model
    model = load_model(args.model)
    if not isinstance(model, Model):
        raise UsageError(f"{args.model}: holds a bare network without preprocessing; evaluate needs "
                         "a model written by `neuronet train` or neuronet.save(model)")
    table, _, shown = read_data(args.data)
    result = model.evaluate(table, args.target)
    result = {"command": "evaluate", "model": args.model, "data": shown,
              "target": args.target or model.target, "task": model.task, **result}
    if model.is_classifier:
        result["classes"] = class_names(model)
    note = _training_rows_note(model, args.data, result["n_rows"])
    if note:
        result["note"] = note
        if not args.json:
            print(f"note: {note}", file=sys.stderr)
    if args.json:
        print_json(result)
        return 0
    print(f"{shown}: {result['n_rows']} rows, target {result['target']!r} ({model.task})")
    print(f"loss      {number_text(result['loss'], '.6g')}")
    if model.is_classifier:
        print(f"accuracy  {number_text(result['accuracy'], '.4f')}")
        print("confusion matrix (rows: true label, columns: predicted label):")
        print(format_confusion_matrix(result["confusion_matrix"], result["classes"]))
    else:
        print(f"MSE       {number_text(result['mse'], '.6g')}")
        print(f"MAE       {number_text(result['mae'], '.6g')}")
        print(f"R2        {number_text(result['r2'], '.4f')}")
    return 0
