"""A trained model for tables: preprocessing + network + what the outputs mean (labels or units).

:class:`Model` is what ``neuronet train`` builds, :func:`neuronet.save` writes and
:func:`neuronet.load` reads back. :meth:`Model.for_table` needs rows with named columns: a
:class:`~neuronet.csvdata.Table`, a list of dicts, a pandas DataFrame or a dict of columns (see
:mod:`neuronet.rows`). A fitted model also takes, wherever rows are asked for, a single row (a dict
of values or a pandas Series), and a 2-D array-like of raw values in ``preprocessor.columns_`` order
(for :meth:`Model.fit` and :meth:`Model.evaluate`, followed by the target column). It gives back
original labels or numbers in the target's units.

>>> from neuronet import datasets, model                                    # doctest: +SKIP
>>> table = datasets.load("iris")
>>> m = model.Model.for_table(table, "species", hidden=(64,), seed=0)
>>> m.fit(table, epochs=100).predict(table)[:2]
array(['setosa', 'setosa'], dtype='<U10')
"""
from __future__ import annotations

import math

import numpy as np

from . import metrics
from .callbacks import Callback
from .columns import ColumnsRefused, mean_and_std
from .csvdata import MISSING, Table, name_list
from .layers import Dense
from .model_params import (excluded_columns, fit_settings, hidden_sizes, momentum_value,
                           optimizer_name, seed_value, target_name, training_rows,
                           validation_rows)
from .preprocessing import TabularPreprocessor, numeric_values
from .rows import RowSource, column_name
from .training import TrainingDiverged
from .validation import check_fraction
from .tasks import (MAX_CLASSES_FROM_NUMBERS, TASKS, _as_labels, _labels_as_written,
                    infer_task, label_kind, network_for_task, parse_labels)

__all__ = ["Model", "TASKS", "infer_task", "parse_labels", "MAX_CLASSES_FROM_NUMBERS"]


class Model:
    """Preprocessing, a network, and the meaning of its outputs.

    Parameters / attributes
    -----------------------
    network : Network
        Takes ``preprocessor.transform(rows, network.dtype)``.
    preprocessor : TabularPreprocessor
    task : {"binary", "multiclass", "regression"}
        Classifiers (binary too) have a softmax output with one unit per class and are trained with
        categorical cross-entropy.
    target : str
        The name of the target column.
    classes_ : ndarray or None
        Classifiers: the original labels (sorted) behind the output units.
    target_mean_, target_scale_ : float or None
        Regression: the network learns ``(y - target_mean_) / target_scale_``; predictions are mapped
        back to the target's units.
    metadata : dict
        Training settings, final metrics, history, library version (JSON-compatible values).
    """

    def __init__(self, network, preprocessor, task, target, classes_=None, target_mean_=None,
                 target_scale_=None, metadata=None):
        if task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
        self.network, self.preprocessor, self.task, self.target = network, preprocessor, task, target
        self.classes_ = None if classes_ is None else np.asarray(classes_)
        self.target_mean_ = None if target_mean_ is None else float(target_mean_)
        self.target_scale_ = None if target_scale_ is None else float(target_scale_)
        self.metadata = dict(metadata or {})
        if self.is_classifier and self.classes_ is not None:
            self.network.classes_ = self.classes_

    @property
    def is_classifier(self):
        return self.task != "regression"

    # ----------------------------------------------------------------------------------------------
    @classmethod
    def for_table(cls, table, target, *, task=None, hidden=(100,), activation="relu", loss=None,
                  optimizer="adam", learning_rate=1e-3, weight_decay=1e-3, momentum=0.0,
                  dropout=0.0, dtype="float64", seed=0, vocabulary=None, exclude=(),
                  categorical=(), missing=MISSING):
        """An untrained model for predicting column ``target`` of ``table`` from its other columns.

        The defaults are ``neuronet train``'s (one hidden layer of 100 ReLU units, Adam at 1e-3,
        weight decay 1e-3), chosen with ``bench/defaults.py``.

        Parameters
        ----------
        table : Table, DataFrame, dict of columns or list of dicts
            The training rows, with named columns (a plain array has none: use
            :class:`~neuronet.network.Network` for arrays of numbers, or name the columns first,
            ``pd.DataFrame(X, columns=[...])``). The preprocessing is fitted on these rows only.
        target : str or int
            The column to predict. Column names are text; an integer label (a DataFrame's
            ``0, 1, ...``) means the column of that name, ``"2"``, and is kept as text.
        task : {"classification", "regression"}, optional
            Default: inferred from the target column (see :func:`~neuronet.tasks.infer_task`).
        hidden : int, sequence of int, or str
            The widths of the hidden layers: ``(64, 32)``, ``64`` (one layer), ``"64,32"`` (as
            ``neuronet train --hidden`` takes it); ``()`` for none.
        activation, loss, learning_rate, weight_decay, dtype
            As for :class:`~neuronet.network.Network` and its optimizer.
        optimizer : {"adam", "sgd"}
            A name: the optimizer is built here, with ``learning_rate`` and ``weight_decay``.
        momentum : float
            For ``optimizer="sgd"``: the momentum in [0, 1), e.g. 0.9 (default 0: plain SGD, as
            in PyTorch and Keras). Adam keeps its own running averages, so it takes none.
        dropout : float
            Dropout rate in [0, 1) after every hidden layer (0: none).
        seed : int or None
            Kept in ``metadata``; ``None`` for a different run each time.
        vocabulary : rows, optional
            E.g. all rows of the file, held-out rows included: adds their category names to the
            one-hot columns, so held-out rows with a rare category can still be scored; means and
            scales still come from ``table`` only.
        exclude : str or list of str
            Columns to leave out of the inputs (identifiers, free text); each must exist.
        categorical : str or list of str
            Input columns to one-hot encode although their values are numbers (codes, zip codes).
        missing : str or list of str
            The texts that mean "no value" (see :class:`~neuronet.preprocessing.TabularPreprocessor`).
        """
        hidden, dropout = hidden_sizes(hidden), check_fraction("dropout", dropout)
        seed, optimizer = seed_value(seed), optimizer_name(optimizer)
        momentum = momentum_value(momentum, optimizer)
        preprocessor = TabularPreprocessor(missing)
        source = training_rows(table, preprocessor.missing)
        target = target_name(source, target)
        exclude = excluded_columns(exclude, source.names, target)
        categorical = excluded_columns(categorical, source.names, target, "categorical")
        values = source.values(target)
        source.check_no_missing(target, values)
        where = f"{source.source}: the target column {target!r}"
        task = infer_task(values, task, where, source.rows_text)
        inputs = [c for c in source.names if c != target and c not in exclude]
        try:
            preprocessor.fit(table, inputs, vocabulary=vocabulary, categorical=categorical)
        except ColumnsRefused as err:            # say how to leave them out from Python too
            raise err.spelled_for("exclude", exclude) from None
        classes, mean, scale, written = None, None, None, None
        if task == "regression":
            y = numeric_values(source, target, values)
            mean, scale = mean_and_std(y)
            scale = scale or 1.0
            n_out = 1
        else:
            labels = parse_labels(values, keep_bool=True)
            classes = np.unique(labels)
            n_out = classes.size
            written = _labels_as_written(values, labels, classes)
        net, settings = network_for_task(
            task, preprocessor.n_features_out_, n_out, hidden=hidden, activation=activation,
            loss=loss, optimizer=optimizer, learning_rate=learning_rate, weight_decay=weight_decay,
            momentum=momentum, dropout=dropout, dtype=dtype, seed=seed)
        metadata = {"training": settings}
        if task != "regression" and written is not None:
            metadata["labels_as_written"] = written
        return cls(net, preprocessor, task, target, classes, mean, scale, metadata=metadata)

    def fit(self, data, *, epochs=200, batch_size=32, validation_split=0.0, patience=None,
            min_delta=1e-4, callbacks=None):
        """Train on ``data`` (rows holding the input columns and the target). Returns ``self``.

        The defaults are ``neuronet train``'s: 200 epochs of batches of 32, every row trained on.

        Parameters
        ----------
        data : rows
            Any format of :mod:`neuronet.rows`; a 2-D array holds the input columns in
            ``preprocessor.columns_`` order, then the target.
        epochs : int
        batch_size : int or None
            Rows per gradient step; ``None`` uses all training rows in one batch.
        validation_split : float in [0, 1)
            Fraction of the rows held out (at random, from the network's seed) to monitor for early
            stopping. When it rounds to no row (or to every row), none is held out and the training
            loss is monitored; ``metadata["training"]`` then records 0.0.
        patience : int or None
            Stop after this many epochs without improvement and restore the best weights; ``None``
            trains for every epoch.
        min_delta : float
            The smallest decrease of the monitored loss that counts as an improvement.
        callbacks : list of Callback, optional

        The arguments and ``data`` are checked before anything changes. May raise
        :class:`~neuronet.TrainingDiverged`: the network then holds the weights of the last finite
        epoch. Once training has begun, the settings, the history and why training stopped
        (``"completed"``, ``"early_stopping"``, ``"interrupted"``, ``"diverged"``) are recorded in
        ``metadata``; ``train_rows_`` holds the positions (in ``data``) of the rows trained on,
        without the validation rows.
        """
        settings, callbacks = fit_settings(epochs, batch_size, validation_split, patience,
                                           min_delta, callbacks)
        X, y = self._arrays(data, "fit")
        Y = y if self.is_classifier else self._encode(y)      # regression: standardized targets
        n_val = validation_rows(X.shape[0], settings["validation_split"])
        settings.update(validation_split=settings["validation_split"] if n_val else 0.0,
                        n_train_rows=int(X.shape[0] - n_val), n_validation_rows=n_val)
        train_rows, validation_data = np.arange(X.shape[0]), None
        if n_val:
            order = self.network.rng.permutation(X.shape[0])   # the draw Network.fit would make
            val, train_rows = np.sort(order[:n_val]), np.sort(order[n_val:])
            validation_data = (X[val], Y[val])
            X, Y = X[train_rows], Y[train_rows]
        began, stopped = _TrainingBegan(), "interrupted"      # unless fit returns or diverges
        try:
            self.network.fit(X, Y, epochs=settings["epochs"], batch_size=settings["batch_size"],
                             validation_data=validation_data, patience=settings["patience"],
                             min_delta=settings["min_delta"], callbacks=[began, *callbacks],
                             classes=self.classes_ if self.is_classifier else None)
            stopped = self.network.stopped_
        except TrainingDiverged:
            stopped = "diverged"
            raise
        finally:
            if began.began:                  # the weights have changed: say how
                self._record_training(settings, stopped, train_rows)
        return self

    def _record_training(self, settings, stopped, train_rows):
        """Write the settings, the history and ``stopped`` to ``metadata``; set ``train_rows_``."""
        history = self.network.history
        self.metadata.setdefault("training", {}).update(settings)
        # JSON-compatible, as a saved file holds it: an epoch without validation loss is None
        self.metadata["history"] = {k: [float(v) if math.isfinite(v) else None for v in history[k]]
                                    for k in history}
        self.metadata["training"]["epochs_run"] = len(history["loss"])
        self.metadata["training"]["stopped"] = stopped
        self.train_rows_ = train_rows

    # ----------------------------------------------------------------------------------------------
    def transform(self, rows):
        """The network's input for ``rows``: shape ``(n_rows, network.n_inputs)``, ``network.dtype``."""
        return self.preprocessor.transform(rows, self.network.dtype)

    def predict(self, rows):
        """Original labels (classifiers) or numbers in the target's units (regression), shape (n_rows,).

        ``rows``: any format of :mod:`neuronet.rows`, a single row (a dict or a pandas Series) too.
        """
        P = self._outputs(rows)
        if self.is_classifier:
            return self.classes_[P.argmax(axis=1)]
        return P[:, 0].astype(np.float64) * self.target_scale_ + self.target_mean_

    def save(self, path):
        """Write the model to a file, as ``neuronet.save(model, path)`` does; returns the path.
        ``neuronet.load(path)`` reads it back."""
        from .io import save
        return save(self, path)

    def labels_as_written(self):
        """The class labels as the training file spelled them (``"007"``, ``"1.0"``), in ``classes_``
        order: ``classes_`` holds them parsed (7, 1), which is what :meth:`predict` returns."""
        written = self.metadata.get("labels_as_written")
        if written is not None and len(written) == len(self.classes_):
            return [str(w) for w in written]
        return [str(c) for c in self.classes_.tolist()]

    def check(self, data, target=None):
        """Raise the ``ValueError`` that :meth:`evaluate` would raise for ``data``, without running the
        network: ``neuronet train`` checks its held-out rows this way before it trains."""
        self._arrays(data, "evaluate", target)

    def predict_proba(self, rows):
        """Class probabilities, shape ``(n_rows, n_classes)``, columns in ``classes_`` order."""
        if not self.is_classifier:
            raise ValueError("predict_proba is for classifiers; this model does regression")
        return self._outputs(rows)

    def _outputs(self, rows):
        """The network's outputs for ``rows``; no rows, and rows whose outputs overflowed, are
        refused (with a message about rows, not the network's X)."""
        X = self.transform(rows)
        if X.shape[0] == 0:
            raise ValueError("rows is empty: there are no rows to predict")
        with np.errstate(over="ignore", invalid="ignore"):
            P = self.network.predict(X)
        self._check_outputs(rows, P)
        return P

    def _check_outputs(self, rows, P):
        """Refuse outputs ``P`` that overflowed (NaN or inf: a model with huge weights), naming the
        rows, rather than turn them into a label, a number or an accuracy."""
        bad = np.flatnonzero(~np.isfinite(P).all(axis=1))
        if bad.size:
            source = RowSource(rows, self.preprocessor.columns_, self.preprocessor.missing)
            largest = max(float(np.max(np.abs(layer.weights))) for layer in self.network.layers
                          if isinstance(layer, Dense))
            raise ValueError(f"{source.file_prefix}the network's outputs overflow (NaN or inf) for "
                             f"{source.rows_text(bad)}: its weights (up to {largest:.3g}) are too "
                             "large for these inputs; retrain the model, e.g. with a smaller "
                             "learning rate")

    def evaluate(self, data, target=None):
        """Metrics on rows that hold the target column (default: the target the model was trained on).

        Returns a dict: ``n_rows`` and ``loss``, plus ``accuracy``, ``classes`` and
        ``confusion_matrix`` (rows: true label, columns: predicted, in ``classes`` order) for a
        classifier, or ``mse``, ``mae``, ``r2`` (in the target's units) for regression.
        """
        X, Y = self._arrays(data, "evaluate", target)
        target = self._encode(Y)
        with np.errstate(all="ignore"):     # a diverged model: an infinite loss, not a warning
            loss, P = self.network.loss_and_outputs(X, target)  # the data loss, no L2 term
            self._check_outputs(data, P)
            if not math.isfinite(loss) and P.dtype != np.float64:  # float32 overflowed: recount
                loss = self.network.loss.value(target.astype(float), P.astype(float))
        loss = float(loss)
        result = {"n_rows": int(X.shape[0]), "loss": loss}
        if self.is_classifier:
            index = P.argmax(axis=1)
            truth = np.searchsorted(self.classes_, Y)
            result["accuracy"] = metrics.accuracy(truth, index)
            result["classes"] = [c.item() for c in self.classes_]
            result["confusion_matrix"] = metrics.confusion_matrix(truth, index,
                                                                  len(self.classes_)).tolist()
        else:
            pred = P[:, 0].astype(np.float64) * self.target_scale_ + self.target_mean_
            result.update(metrics.regression_metrics(Y, pred))
        return result

    def _encode(self, y):
        if self.is_classifier:
            Y = np.zeros((y.shape[0], self.classes_.size), dtype=self.network.dtype)
            Y[np.arange(y.shape[0]), np.searchsorted(self.classes_, y)] = 1.0
            return Y
        return ((y - self.target_mean_) / self.target_scale_).astype(self.network.dtype)[:, None]

    def _arrays(self, data, purpose, target=None):
        """``(X, y)`` for rows holding the target: network input and labels (or target numbers)."""
        target = self.target if target is None else column_name(target, "target")
        source = RowSource(data, None if isinstance(data, Table) else
                           [*self.preprocessor.columns_, target], self.preprocessor.missing)
        if source.n_rows == 0:
            what = "learn from" if purpose == "fit" else purpose
            raise ValueError(f"{source.file_prefix}there are no rows to {what}")
        if target not in source.names:
            raise ValueError(f"{source.source}: there is no target column {target!r} to {purpose} "
                             f"with; the columns are {name_list(source.names)}")
        values = source.values(target)
        source.check_no_missing(target, values)
        X = self.transform(data if isinstance(data, Table) else _inputs_only(data, source, target))
        if self.is_classifier:
            kind = label_kind(self.classes_)
            y = _as_labels(values, kind)
            known = set(self.classes_.tolist())
            bad = [i for i in range(len(values)) if y is None or y[i].item() not in known]
            if bad:
                text = values[bad[0]].strip() if isinstance(values[bad[0]], str) else values[bad[0]]
                raise ValueError(f"{source.where(bad[0], target)}: label {text!r} was never seen in "
                                 f"training ({len(bad)} row{'s' if len(bad) > 1 else ''} with unknown "
                                 f"labels); the model knows {', '.join(map(repr, known_sorted(self)))}")
            return X, y
        return X, _regression_targets(source, target, values)

    # ----------------------------------------------------------------------------------------------
    def summary(self):
        """Layers, shapes, parameter counts, the preprocessing and the task, as a string."""
        p = self.preprocessor
        lines = [f"task: {self.task} (target column {self.target!r})"]
        if self.is_classifier:
            lines.append(f"classes: {', '.join(self.labels_as_written())}")
        columns, features = len(p.columns_), p.n_features_out_
        lines.append(f"inputs: {columns} column{'s' * (columns != 1)} ({len(p.numeric_columns_)} "
                     f"numeric, {len(p.categorical_columns_)} categorical) -> {features} "
                     f"feature{'s' * (features != 1)}")
        lines.append(self.network.summary())
        return "\n".join(lines)

    def __repr__(self):
        return (f"Model(task={self.task!r}, target={self.target!r}, inputs={len(self.preprocessor.columns_)}"
                f", parameters={self.network.n_parameters})")


def known_sorted(model):
    return [c.item() for c in model.classes_]


class _TrainingBegan(Callback):
    """Notes that :meth:`Network.fit` passed its checks and began training (weights change from here)."""

    began = False

    def on_train_begin(self, net, logs):
        self.began = True


def _inputs_only(data, source, target):
    if not hasattr(source, "array"):       # named columns (dicts, a data frame): found by name
        return data
    columns = [source.names.index(c) for c in source.names if c != target]
    return source.array[:, columns]


def _regression_targets(source, target, values):
    return numeric_values(source, target, values)
