"""``neuronet train``: learn a column of a CSV file (or a built-in data set) and save the model.

Exit codes: 0 trained; 2 bad input (one line on stderr); 3 the loss became NaN/infinite (the model of
the last finite epoch is saved, never a NaN model); 130 interrupted by Ctrl-C (the model is saved and
its path printed: with --patience the best one so far, else the one of the last completed batch).
Once training has run, the model is always saved before anything else can fail.
"""
from __future__ import annotations

import os
import sys

import numpy as np

from . import UsageError
from ._common import (ProgressBar, check_output_path, class_names, command_parser,
                      fraction, non_negative_float, non_negative_int, positive_float, positive_int,
                      print_json, read_data, table_columns)
from ._train_report import MIN_ROWS_FOR_TEST, Interrupt, report

EXIT_USAGE = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130
PLOT_FORMATS = (".png", ".svg", ".pdf")


def add_parser(subparsers):
    p = command_parser(
        subparsers, "train", run,
        summary="train a network on a CSV file or a built-in data set and save it",
        description="Train a network to predict one column (--target) of a CSV file from the other "
                    "columns. DATA is a CSV file with a header row, or a built-in data set "
                    "(see `neuronet datasets`). The task (binary, multi-class, regression) is "
                    "inferred from the target column. A seeded, stratified test split is held out "
                    "and its accuracy reported. Exit codes: 0 done, 2 bad input, 3 the loss "
                    "diverged (the last finite model is saved), 130 interrupted (Ctrl-C; the model "
                    "of the last completed batch is saved, or with --patience the best one so "
                    "far).",
        data="CSV file, or a built-in data set name such as digits")
    p.add_argument("--target", metavar="COLUMN",
                   help="the column to predict (default for built-in data sets: their target)")
    p.add_argument("--task", choices=["classification", "regression"],
                   help="override the task inferred from the target column")
    p.add_argument("--missing", metavar="WORDS", action="append",
                   help="the texts that mean a missing value, comma-separated; an empty cell always "
                        "does (default: NA,N/A,NaN,null,none,?,-). Give fewer when one of them is a "
                        "real category, e.g. --missing NA; may be repeated; kept with the model")
    p.add_argument("--drop", action="append", metavar="COLUMNS",
                   help="leave these columns out of the inputs, comma-separated (e.g. id,name); "
                        "may be repeated")
    p.add_argument("--categorical", action="append", metavar="COLUMNS",
                   help="one-hot encode these input columns although their values are numbers "
                        "(codes: a floor 1,2,G; a zip code), comma-separated; may be repeated")
    p.add_argument("--hidden", default="100", metavar="SIZES",
                   help="hidden layer sizes, comma-separated, e.g. 128,64; 'none' for no hidden "
                        "layer (default 100)")
    p.add_argument("--activation", default="relu", help="hidden-layer activation (default relu)")
    p.add_argument("--loss", default=None,
                   help="loss (default: categorical_crossentropy for classes, mse for numbers)")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="default adam")
    p.add_argument("--lr", type=positive_float, default=1e-3, metavar="RATE",
                   help="learning rate (default 0.001)")
    p.add_argument("--momentum", type=fraction, default=0.0, metavar="M",
                   help="momentum for --optimizer sgd, in [0, 1), e.g. 0.9 (default 0: plain SGD)")
    p.add_argument("--weight-decay", type=float, default=1e-3, metavar="L2",
                   help="L2 penalty on the weights (default 0.001)")
    p.add_argument("--dropout", type=fraction, default=0.0, metavar="RATE",
                   help="dropout rate after each hidden layer, in [0, 1) (default 0: none)")
    p.add_argument("--epochs", type=positive_int, default=200, metavar="N",
                   help="number of epochs (default 200)")
    p.add_argument("--batch-size", type=positive_int, default=32, metavar="N", help="default 32")
    p.add_argument("--seed", type=non_negative_int, default=0,
                   help="seed for weights, splits and shuffling, 0 or more (default 0)")
    p.add_argument("--validation-split", type=fraction, default=0.0, metavar="F",
                   help="fraction of the training rows held out to watch the validation loss, e.g. "
                        "0.1 (default 0: on small tables every row is worth training on)")
    p.add_argument("--test-split", type=fraction, default=0.2, metavar="F",
                   help="fraction of the rows held out for the test accuracy (default 0.2; 0 for "
                        f"none; none either with fewer than {MIN_ROWS_FOR_TEST} rows)")
    p.add_argument("--patience", type=non_negative_int, default=0, metavar="N",
                   help="early stopping: stop after N epochs without a better validation loss (the "
                        "training loss without a validation split) and keep the best weights "
                        "(default 0: off)")
    p.add_argument("--min-delta", type=non_negative_float, default=1e-4, metavar="D",
                   help="the smallest decrease of the monitored loss that counts as better "
                        "(default 0.0001)")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="default float64")
    p.add_argument("--plot", metavar="FILE.png", help="write the loss curves to this image file")
    p.add_argument("--out", metavar="MODEL", help="model file to write (default: DATA's name + .nn "
                                                  "in the current folder)")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no report, errors only")


def _hidden(text):
    if text.strip().lower() == "none":
        return ()
    if not text.strip():
        raise UsageError("--hidden is empty: give sizes such as 64,32, or none for no hidden layer")
    try:
        sizes = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise UsageError(f"--hidden {text}: expected sizes separated by commas, such as 64,32") from None
    if any(s < 1 for s in sizes):
        raise UsageError(f"--hidden {text}: every size must be at least 1")
    return sizes


def _default_out(data):
    if data == "-":
        return "model.nn"
    stem = os.path.basename(os.fspath(data))
    for ext in (".gz", ".csv", ".tsv", ".txt"):
        if stem.lower().endswith(ext):
            stem = stem[:-len(ext)]
    return (stem or "model") + ".nn"


def _dropped(table, specs, target):
    """The --drop column names, checked: each must exist, and none may be the target."""
    names = table_columns(table, specs, "--drop")
    for name in names:
        if name == target:
            raise UsageError(f"--drop {name}: is the target column; it cannot be left out")
    return names


def _check_every_row(source, target, dropped, categorical):
    """Missing values, and text in a column of numbers, anywhere in the file (held-out rows too): a
    mistake is reported at its first line before training, not found in the test rows after it."""
    from ..preprocessing import _fast_numbers, _numbers_of_a_numeric_column, column_kind
    inputs = [(name, source.values(name)) for name in source.names
              if name not in dropped and name != target]
    looser = [(name, values) for name, values in inputs if _fast_numbers(values) is None]
    source.check_complete(looser, leave_out="--drop")     # every column with gaps, in one message
    for name, values in looser:
        if name not in categorical and column_kind(values) is None:
            _numbers_of_a_numeric_column(source, name, values, "--categorical")  # the first text


def _label_notes(values):
    """Class labels that differ only in letter case (``yes``, ``Yes``) are different classes: say so."""
    groups = {}
    for label in {v.strip() for v in values if isinstance(v, str)}:
        groups.setdefault(label.casefold(), []).append(label)
    return [f"the labels {', '.join(map(repr, sorted(g)))} differ only in letter case; they are "
            "learned as different classes" for g in sorted(map(sorted, groups.values())) if len(g) > 1]


def _identifier_notes(model, train_table):
    """Text columns with about one value per row, on tables too small for them to be refused (see
    columns.MAX_CATEGORIES_FLOOR): each value becomes a feature learned from one row, and predict
    refuses every value it has not seen, so an ID or a name helps nothing."""
    n = train_table.n_rows
    notes = []
    for name in model.preprocessor.categorical_columns_:
        distinct = len({str(v).strip() for v in train_table.column(name)})
        if n >= 10 and distinct >= 0.9 * n:
            notes.append(f"column {name!r} has {distinct} different values in {n} training rows: it "
                         "looks like an identifier or free text, each value a feature learned from "
                         f"one row, and predict refuses values it has not seen; leave it out with "
                         f"--drop {name}")
    return notes


def _check_validation(args, n, n_fit):
    """Refuse a validation split that leaves too few rows to train on; notes when none is held out."""
    if not args.validation_split:
        return []
    if n < MIN_ROWS_FOR_TEST:
        return [f"--validation-split {args.validation_split:g} is ignored: with fewer than "
                f"{MIN_ROWS_FOR_TEST} rows every row is trained on"]
    n_val = int(round(n_fit * args.validation_split))
    if n_val < 1:
        return [f"--validation-split {args.validation_split:g} of {n_fit} training rows is less "
                "than one row; none is held out"]
    if n_fit - n_val < 2:
        raise UsageError(f"--validation-split {args.validation_split:g}: would hold out {n_val} of "
                         f"the {n_fit} training rows and train on {n_fit - n_val}; use a smaller "
                         "fraction")
    return []


def run(args):
    out, plot, hidden = _check_options(args)
    data = _read(args)
    train_table, test_table = _split(args, data)
    model = _untrained_model(args, hidden, data, train_table, test_table)
    notes = data.notes + _identifier_notes(model, train_table)
    notes += _check_validation(args, data.table.n_rows, train_table.n_rows)
    for note in notes if not args.quiet else ():
        print(f"note: {note}", file=sys.stderr)
    progress, diverged = _fit(args, model, train_table, out, data.table.n_rows)
    result = {"command": "train", "data": data.shown, "target": data.target, "task": data.task,
              "classes": class_names(model) if data.classifier else None,
              "inputs": len(model.preprocessor.columns_), "features": model.network.n_inputs,
              "parameters": model.network.n_parameters,
              "rows": {"train": model.metadata["training"]["n_train_rows"],
                       "validation": model.metadata["training"]["n_validation_rows"],
                       "test": 0 if test_table is None else test_table.n_rows},
              "epochs_run": model.metadata["training"]["epochs_run"],
              "stopped": "diverged" if diverged else model.network.stopped_,
              "seconds": round(progress.seconds, 3), "notes": notes}
    # Nothing below may lose the trained model: the test rows are scored in a try, and the model
    # is saved before any report.
    score_error = _score(model, result, train_table, test_table)
    _save(model, result, out, plot, f"{data.shown}: predicting {data.target!r}")
    if args.json:
        print_json(dict(result, error=diverged or score_error))
    elif not args.quiet:
        report(result, model)
    return _exit_code(args, model, result, out, diverged, score_error)


class _Data:
    """What ``train`` reads and checks before anything is built: the table, its target and the
    columns' roles (``--drop``, ``--categorical``, ``--missing``)."""

    def __init__(self, table, shown, target, dropped, categorical, missing, values, task, notes):
        self.table, self.shown, self.target = table, shown, target
        self.dropped, self.categorical, self.missing = dropped, categorical, missing
        self.values, self.task, self.notes = values, task, notes
        self.classifier = task != "regression"


def _check_options(args):
    """``(out, plot, hidden)``, checked before any work is done (a plot also needs matplotlib)."""
    hidden = _hidden(args.hidden)
    if args.momentum and args.optimizer != "sgd":
        raise UsageError(f"--momentum {args.momentum:g}: is for --optimizer sgd; {args.optimizer} "
                         "takes none (Adam keeps its own running averages of the gradients)")
    reads = (("data file", args.data),)
    out = check_output_path(args.out or _default_out(args.data), "--out", reads)
    plot = check_output_path(args.plot, "--plot", reads)
    if plot is not None and os.path.splitext(plot)[1].lower() not in PLOT_FORMATS:
        raise UsageError(f"--plot {plot}: the file name must end in {', '.join(PLOT_FORMATS)}")
    if plot is not None and os.path.realpath(plot) == os.path.realpath(out):
        raise UsageError(f"--plot {plot}: is also the model file (--out); give them different names")
    if plot is not None:
        from .._extras import require
        require("matplotlib", "plot")                # fail now, not after training
    return out, plot, hidden


def _read(args):
    """Read DATA and check the target, the column options and every row (held-out rows too)."""
    from ..csvdata import MISSING, missing_words, name_list
    from ..model import infer_task
    from ..preprocessing import RowSource

    table, default_target, shown = read_data(args.data)
    target = args.target or default_target
    if target is None:
        raise UsageError(f"--target is required: which column of {shown} should be learned? "
                         f"The columns are {name_list(table.columns)}")
    table.index(target)                      # no such column: the message lists the columns
    dropped = _dropped(table, args.drop, target)
    if len(set(table.columns) - set(dropped)) < 2:
        left = " left after --drop" if dropped else ""
        raise UsageError(f"{shown}: the target {target!r} is the only column{left}; there is nothing "
                         "to learn from")
    missing = MISSING if args.missing is None else missing_words(",".join(args.missing))
    source = RowSource(table, missing=missing)
    values = source.values(target)
    source.check_no_missing(target, values)
    task = infer_task(values, args.task, f"{shown}: the target column {target!r}", source.rows_text)
    categorical = table_columns(table, args.categorical, "--categorical")
    for name in categorical:
        if name == target or name in dropped:
            what = "the target column" if name == target else "left out with --drop"
            raise UsageError(f"--categorical {name}: is {what}; name input columns")
    _check_every_row(source, target, dropped, categorical)
    notes = _label_notes(values) if task != "regression" else []
    return _Data(table, shown, target, dropped, categorical, missing, values, task, notes)


def _split(args, data):
    """``(train_table, test_table)``: a seeded, stratified ``--test-split`` (none for small tables)."""
    from ..model import parse_labels
    from ..preprocessing import stratified_split

    n = data.table.n_rows
    if n < MIN_ROWS_FOR_TEST or not args.test_split:
        return data.table, None
    labels = parse_labels(data.values) if data.classifier else None
    keep, held = stratified_split(n, args.test_split, args.seed, labels)
    return data.table.take(keep), (data.table.take(held) if len(held) else None)


def _untrained_model(args, hidden, data, train_table, test_table):
    """The model ``train`` fits, its metadata naming the data; the held-out rows checked now, not
    after training."""
    from ..columns import ColumnsRefused
    from ..model import Model

    try:
        model = Model.for_table(train_table, data.target, vocabulary=data.table,
                                task="classification" if data.classifier else "regression",
                                hidden=hidden, activation=args.activation,
                                loss=args.loss, optimizer=args.optimizer, learning_rate=args.lr,
                                momentum=args.momentum, weight_decay=args.weight_decay,
                                dropout=args.dropout, dtype=args.dtype, seed=args.seed,
                                exclude=data.dropped, categorical=data.categorical,
                                missing=data.missing)
    except ColumnsRefused as err:            # say it the command line's way: --drop, not exclude=
        raise err.spelled_for("--drop") from None
    model.metadata["data"] = {"source": data.shown, "rows": data.table.n_rows,
                              "columns": list(data.table.columns),
                              "file": os.path.abspath(args.data) if os.path.isfile(args.data)
                              else None}
    if data.dropped:
        model.metadata["data"]["dropped"] = data.dropped
    if test_table is not None:
        model.check(test_table)
    return model


def _fit(args, model, train_table, out, n):
    """Train with a progress bar, Ctrl-C stopping after the current batch; returns ``(progress,
    the divergence message or None)``."""
    from ..training import TrainingDiverged

    progress = ProgressBar(enabled=False if (args.quiet or args.json) else None)
    if not args.quiet:
        kept = ("the best model so far" if args.patience else
                "the model as of the last completed batch")
        print(f"Training for up to {args.epochs} epochs (Ctrl-C stops after the current batch and "
              f"saves {kept} to {out})", file=sys.stderr, flush=True)
    try:
        with Interrupt(model.network), np.errstate(all="ignore"):
            model.fit(train_table, epochs=args.epochs, batch_size=args.batch_size,
                      validation_split=args.validation_split if n >= MIN_ROWS_FOR_TEST else 0.0,
                      patience=args.patience or None, min_delta=args.min_delta, callbacks=[progress])
    except TrainingDiverged as err:
        return progress, str(err)
    finally:
        progress.close()
    return progress, None


def _score(model, result, train_table, test_table):
    """Train metrics (on the rows trained on, not the validation rows) and test metrics into
    ``result`` and the model's metadata; returns the error scoring either, if any (the model is
    saved all the same)."""
    fit_table = train_table.take(model.train_rows_) if result["rows"]["validation"] else train_table
    error = None
    for part, rows in (("train", fit_table), ("test", test_table)):
        try:
            result[f"{part}_metrics"] = model.evaluate(rows) if rows is not None else None
        except ValueError as err:
            result[f"{part}_metrics"] = None
            error = error or f"the {part} rows could not be scored: {err}"
    model.metadata["metrics"] = {"train": result["train_metrics"], "test": result["test_metrics"]}
    model.metadata["stopped"] = result["stopped"]
    return error


def _save(model, result, out, plot, title):
    from .. import io

    io.save(model, out)
    result["out"], result["plot"] = out, None
    if plot is not None and model.network.history["loss"]:
        from ..plotting import plot_history
        result["plot"] = plot_history(model.network.history, plot, title=title)


def _exit_code(args, model, result, out, diverged, score_error):
    """0, or the one-line error of a run that saved its model but did not end well."""
    if diverged:
        print(f"neuronet train: error: {diverged} The model of that epoch was saved to {out}",
              file=sys.stderr)
        return EXIT_DIVERGED
    if score_error:
        print(f"neuronet train: error: {score_error} (the trained model was saved to {out})",
              file=sys.stderr)
        return EXIT_USAGE
    if result["stopped"] == "interrupted":
        best = getattr(model.network, "best_epoch_", None)
        kept = (f"the best model so far (epoch {best})" if args.patience and best is not None else
                "the model as of the last completed batch")
        print(f"neuronet train: interrupted; {kept} was saved to {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0
