"""What a target column asks for: class labels or numbers, and which task (binary, multi-class,
regression) a network should learn from it.

Labels are parsed as int64 when every value is a whole number, float64 when they are numbers, bool
when every value is ``True``/``False`` (a DataFrame's bool column, as scikit-learn keeps it), else kept
as text; :func:`infer_task` picks the task and refuses the targets that are nearly always a slip in
the data (see its docstring), and text labels that a model file could not hold.
"""
from __future__ import annotations

import numpy as np

from .columns import disguise_advice, numbers_in_disguise
from .csvdata import parse_number
from .io import text_problem
from .layers import Dense, Dropout
from .losses import get_loss
from .network import Network
from .optimizers import OPTIMIZERS
from .preprocessing import _fast_numbers

__all__ = ["infer_task", "parse_labels", "label_kind", "network_for_task", "TASKS",
           "MAX_CLASSES_FROM_NUMBERS"]

#: The three tasks a Model can do, with the output activation and default loss of each.
TASKS = {
    "binary": {"output": "softmax", "loss": "categorical_crossentropy"},
    "multiclass": {"output": "softmax", "loss": "categorical_crossentropy"},
    "regression": {"output": "identity", "loss": "mse"},
}
#: Losses that make sense for a real-valued (regression) output.
REGRESSION_LOSSES = ("mse", "sse")

#: A numeric target with whole numbers and at most this many distinct values is taken as class labels.
MAX_CLASSES_FROM_NUMBERS = 20


_BOOL_TEXTS = {"True": True, "False": False, "true": True, "false": False}


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def label_kind(classes):
    """``"bool"``, ``"int"``, ``"float"`` or ``"str"``: the kind of a fitted model's ``classes_``,
    for reading more labels with :func:`_as_labels`."""
    return {"b": "bool", "i": "int", "u": "int", "f": "float"}.get(np.asarray(classes).dtype.kind,
                                                                  "str")


def _label_kind(values, keep_bool=False):
    """``"int"``, ``"float"`` or ``"str"``: how to read a column of labels; ``"bool"`` too with
    ``keep_bool`` when every value is ``True`` or ``False``."""
    if keep_bool and len(values) and all(_is_bool(v) for v in values):
        return "bool"
    fast = _fast_numbers(values)
    if fast is not None:
        return "int" if np.all(fast == np.trunc(fast)) and np.all(np.abs(fast) < 2 ** 53) else "float"
    numbers = [parse_number(v) for v in values]
    if all(x is not None for x in numbers):
        return "int" if all(float(x).is_integer() for x in numbers) else "float"
    return "str"


def _as_labels(values, kind):
    """Labels as an array of ``kind`` (see :func:`_label_kind`); ``None`` if a value does not fit it."""
    if kind == "str":
        return np.array([v.strip() if isinstance(v, str) else str(v) for v in values])
    if kind == "bool":               # also "True"/"False" as a CSV file or pandas writes them
        labels = [bool(v) if _is_bool(v) else _BOOL_TEXTS.get(v.strip() if isinstance(v, str)
                                                              else None) for v in values]
        return None if None in labels else np.array(labels, dtype=bool)
    fast = _fast_numbers(values)
    if fast is not None:
        if kind == "float":
            return fast
        return fast.astype(np.int64) if np.all(fast == np.trunc(fast)) else None
    numbers = [parse_number(v) for v in values]
    if any(x is None for x in numbers):
        return None
    if kind == "int":
        if not all(float(x).is_integer() for x in numbers):
            return None
        return np.array([int(x) for x in numbers], dtype=np.int64)
    return np.array(numbers, dtype=np.float64)


def parse_labels(values, keep_bool=False):
    """Class labels from raw values: int64 if all are whole numbers, float64 if numbers, else str.

    ``keep_bool=True``: values that are all ``True``/``False`` (bool, not text) give a bool array, as
    scikit-learn keeps them; the caller must then read later labels with ``label_kind(classes)``.
    """
    return _as_labels(values, _label_kind(values, keep_bool))


def infer_task(values, task=None, where="the target column", rows_text=None):
    """Decide the task for a target column of raw ``values``.

    Text labels, or whole numbers with at most :data:`MAX_CLASSES_FROM_NUMBERS` distinct values (and
    at least two rows per value on average, unless there are only two values), mean classification
    (``"binary"`` with two classes, else ``"multiclass"``); other numbers mean
    ``"regression"``. ``task`` (``"classification"`` or ``"regression"``) overrides the guess.

    Refused unless ``task`` says otherwise, because they are almost always a mistake in the data: a
    column of numbers with a few texts in it (``"#N/A"``, ``"$123"``), and text labels with more
    than :data:`MAX_CLASSES_FROM_NUMBERS` classes and more classes than half the rows. Always
    refused: one class only, and a constant regression target.
    ``rows_text`` (e.g. :meth:`RowSource.rows_text`) turns row indices into "line 12" for messages.
    """
    if task not in (None, "classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    if len(values) == 0:
        raise ValueError(f"{where} has no values: there are no rows to learn from")
    kind = _label_kind(values)
    rows_text = rows_text or (lambda rows: f"row {rows[0]}" if len(rows) == 1 else
                              f"rows {', '.join(map(str, rows[:8]))}")
    if task is None and kind == "str":
        _refuse_stray_text(values, where, rows_text)
    if task == "regression" or (task is None and kind != "str"):
        if kind == "str":
            bad = next(i for i, v in enumerate(values) if parse_number(v) is None)
            advice = disguise_advice(values[bad])
            if advice is not None:          # '294,310', '93,87': the feature columns' explanation
                raise ValueError(f"{where} holds {_shown(values[bad])!r} at {rows_text([bad])}, "
                                 f"{advice}, so that it can be a regression target")
            raise ValueError(f"{where} holds text ({_shown(values[bad])!r} at {rows_text([bad])}), "
                             "so it cannot be a regression target")
        numbers = _as_labels(values, "float")
        distinct = np.unique(numbers).size
        if (task == "regression" or kind == "float" or distinct > MAX_CLASSES_FROM_NUMBERS
                or (distinct > 2 and distinct * 2 > len(values))):
            if distinct == 1:
                raise ValueError(f"{where} holds the same number ({_shown(values[0])}) in every "
                                 "row; there is nothing to learn")
            return "regression"
    distinct = np.unique(_as_labels(values, kind))
    if kind == "str":
        _refuse_unsavable_labels(distinct.tolist(), where)
    if distinct.size < 2:
        raise ValueError(f"{where} has only one class ({distinct[0].item()!r}); a classifier needs "
                         "at least two")
    if task is None and distinct.size > MAX_CLASSES_FROM_NUMBERS and distinct.size * 2 > len(values):
        disguise = numbers_in_disguise(values)
        if disguise is not None:
            i, text, _ = disguise
            raise ValueError(f"{where} holds numbers written as text (e.g. {text!r} at "
                             f"{rows_text([i])}, {disguise_advice(text)}) to predict them by "
                             "regression")
        raise ValueError(f"{where} has {distinct.size} different labels in {len(values)} rows: a "
                         "classifier needs several rows per class. If they really are class labels, "
                         "say so with task='classification' (neuronet train: --task classification)")
    return "binary" if distinct.size == 2 else "multiclass"


def _refuse_unsavable_labels(labels, where):
    """Text labels a model file could not hold (a control character, a newline, a lone surrogate,
    more than 10,000 characters) are refused before training, not when the model is saved."""
    for label in labels:
        problem = text_problem(label, name=True)
        if problem:
            raise ValueError(f"{where}: the label {problem}; a model file cannot hold it. Correct "
                             "the label in the data")


def _shown(value):
    return value.strip() if isinstance(value, str) else value


def _refuse_stray_text(values, where, rows_text):
    """A target column of numbers with some text in it: name the text (feature columns do the same)."""
    texts = [i for i, v in enumerate(values) if parse_number(v) is None]
    if len(texts) * 2 >= len(values):           # mostly text: labels
        return
    first = values[texts[0]]
    first = first.strip() if isinstance(first, str) else first
    more = f" (text at {rows_text(texts)})" if len(texts) > 1 else ""
    raise ValueError(f"{where} holds numbers, but {first!r} at {rows_text(texts[:1])} is not a "
                     f"number{more}; correct or remove those rows, or pass task='classification' to "
                     "take every value as a class label (neuronet train: --task classification)")


def _labels_as_written(values, labels, classes):
    """Per class, its first spelling in ``values``; ``None`` when every spelling is the label's own text
    (as for text labels, and numbers written plainly). Only text has a spelling: a number given as a
    number (a DataFrame's float column 1.0, 2.0) is the label itself."""
    first = {}
    for value, label in zip(values, labels.tolist()):
        if label not in first:
            first[label] = value.strip() if isinstance(value, str) else str(label)
    written = [first[c] for c in classes.tolist()]
    return None if written == [str(c) for c in classes.tolist()] else written


def network_for_task(task, n_inputs, n_outputs, *, hidden, activation, loss, optimizer,
                     learning_rate, weight_decay, momentum, dropout, dtype, seed):
    """The untrained network a :class:`~neuronet.model.Model` learns ``task`` with, and its settings.

    ``n_inputs`` features go through one ``Dense`` layer per width in ``hidden`` (each followed by
    ``Dropout(dropout)`` if ``dropout``), then a ``Dense`` layer of ``n_outputs`` units with the
    task's output activation (:data:`TASKS`). ``loss=None`` takes the task's loss; a regression
    takes only :data:`REGRESSION_LOSSES`. ``optimizer`` is a name (``"adam"``, ``"sgd"``), built
    with ``learning_rate``, ``weight_decay`` and (SGD, if not 0) ``momentum``.

    Returns ``(network, settings)``: ``settings`` is what ``Model.metadata["training"]`` records.
    """
    spec = TASKS[task]
    if loss is not None:
        get_loss(loss)                   # an unknown name: "unknown loss 'mes'; known: ..."
    if loss is not None and task == "regression" and loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss {loss!r} does not suit a regression target; use one of "
                         f"{', '.join(REGRESSION_LOSSES)}")
    widths = [n_inputs, *hidden]
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers.append(Dense(a, b, activation=activation))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(widths[-1], n_outputs, activation=spec["output"]))
    extra = {"momentum": momentum} if momentum else {}
    net = Network(layers, loss=loss or spec["loss"], seed=seed, dtype=dtype,
                  optimizer=OPTIMIZERS[optimizer](learning_rate=learning_rate,
                                                  weight_decay=weight_decay, **extra))
    settings = {"task": task, "hidden": list(widths[1:]), "activation": activation,
                "loss": net.loss.name, "optimizer": type(net.optimizer).__name__.lower(),
                "learning_rate": float(learning_rate), "weight_decay": float(weight_decay),
                **extra, "dropout": dropout, "dtype": net.dtype.name, "seed": seed}
    return net, settings
