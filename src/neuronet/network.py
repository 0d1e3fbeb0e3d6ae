"""The network: a stack of layers, a loss and an optimizer, trained by :func:`~neuronet.training.train`.

All trainable arrays live in one flat vector (``parameters``) and their gradients in another
(``gradients``); each layer's ``weights`` and ``bias`` are views into them, so a layer belongs to one
network (:mod:`neuronet.parameters` lays them out). One call, ``loss_and_gradients``, runs the
forward pass, the loss and the backward pass.
"""
from __future__ import annotations

import math

import numpy as np

from .callbacks import as_callback_list
from .initializers import get_initializer, make_rng
from .layers import Dense, check_layer_stack
from .losses import get_loss
from .optimizers import Adam, get_optimizer
from .parameters import FlatParameters
from .targets import check_classes, encode_targets
from .training import hold_out, train
from .csvdata import name_list
from .validation import (check_count, check_fraction, check_non_negative, check_sample_weight,
                         check_X, column_labels, random_generator, resolve_dtype)

__all__ = ["Network"]


class Network(FlatParameters):
    """A feed-forward neural network.

    Parameters
    ----------
    layers : list of Layer
        Applied in order; consecutive ``Dense`` layers must agree (``n_out`` of one is ``n_in`` of the next).
        The network takes the layers over (their weights become views into its ``parameters``): a
        layer can appear once, and building a second network from layers of a live one is refused.
    loss : str or Loss, optional
        Default: ``"categorical_crossentropy"`` after softmax, ``"binary_crossentropy"`` after sigmoid,
        ``"mse"`` otherwise.
    optimizer : str or Optimizer, optional
        Default ``Adam()``. An optimizer instance belongs to one network.
    init : str or callable, default "auto"
        Weight initializer (see :mod:`neuronet.initializers`). ``"tutorial"`` needs an int seed (or
        None): it replays the tutorial's ``np.random.seed`` draws.
    seed : int, numpy Generator or None
        Makes initialization, shuffling, validation splits and dropout repeatable. Anything else
        ``np.random.default_rng`` takes (a SeedSequence, a BitGenerator) works too.
    dtype : "float64" (default) or "float32"
        Precision of every array the network computes with.

    Attributes
    ----------
    parameters : ndarray, shape (n_parameters,)
        Every weight and bias, layer by layer, in one live vector; assigning copies values in.
    history : dict
        ``{"loss": [...], "val_loss": [...]}``, one entry per epoch, across successive ``fit`` calls.
        ``val_loss`` stays empty until an epoch has validation data; from then on it, too, has one
        entry per epoch, NaN for the epochs without validation data.
    classes_ : ndarray or None
        The labels behind a softmax output's columns, once ``fit`` has seen labels.
    """

    def __init__(self, layers, loss=None, optimizer=None, init="auto", seed=None, dtype="float64"):
        self.layers = layers = check_layer_stack(layers)
        dense = [layer for layer in layers if isinstance(layer, Dense)]
        self.dtype = resolve_dtype(dtype)
        self.n_inputs, self.n_outputs = dense[0].n_in, dense[-1].n_out
        self.output_activation = dense[-1].activation.name
        self.loss = get_loss(loss if loss is not None else _default_loss(self.output_activation))
        fits = self.loss.output_activations
        if fits is not None and self.output_activation not in fits:
            raise ValueError(f"loss {self.loss.name!r} needs probabilities from a "
                             f"{' or '.join(fits)} output layer, but the last layer's activation is "
                             f"{self.output_activation!r}")
        self.init = init
        self.seed = seed
        self.rng = random_generator(seed)
        self.classes_ = None
        self.feature_names_in_ = None        # a data frame's column names, from the first fit
        self.history = {"loss": [], "val_loss": []}
        self.stop_training = False
        self.last_penalty = 0.0
        self._fused = self.loss.fused_activation == self.output_activation
        self._bind_parameters()
        self.initialize(init)
        self.optimizer = get_optimizer(optimizer if optimizer is not None else Adam())
        self.optimizer.bind(self.parameters, self.gradients)
        self._claim_layers()  # last: a network that failed to build leaves its layers free

    def initialize(self, init="auto"):
        """Draw fresh weights with initializer ``init`` (from ``seed``), zero the biases and reset the
        optimizer's state (Adam's moments and step count, SGD's velocity), so the next ``fit`` starts
        afresh. ``history`` is kept: the next ``fit`` appends to it."""
        initializer = get_initializer(init)
        rng = make_rng(init, self.seed if init == "tutorial" or self.seed is None else self.rng)
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.weights = initializer(layer.n_in, layer.n_out, layer.activation.name, rng)
                if layer.bias is not None:
                    layer.bias = np.zeros(layer.n_out)
        if hasattr(self, "optimizer"):    # (not yet while __init__ draws the first weights)
            self.optimizer.reset()

    # ----------------------------------------------------------------------------------------------
    # The maths: forward, loss, backward
    def forward(self, X, training=False):
        """Run ``X`` (n_samples, n_inputs) through every layer; returns (n_samples, n_outputs).

        ``X`` must already be a validated array of the network's dtype; :meth:`predict` checks and
        casts any input first."""
        A = X
        for layer in self.layers:
            A = layer.forward(A, training)
        return A

    def _penalty(self):
        """The L2 penalty ``weight_decay / 2 * sum(W**2)`` over every weight matrix (not the biases)."""
        decay = self.optimizer.weight_decay if hasattr(self, "optimizer") else 0.0
        if not decay:
            return 0.0
        p = self._parameters
        return 0.5 * decay * sum(float(np.dot(p[s], p[s])) for s in self._weight_slices)

    def loss_and_gradients(self, X, Y, sample_weight=None):
        """One forward and backward pass on validated arrays (see :meth:`prepare`).

        Returns the loss (float, including the L2 penalty, also kept as ``last_penalty``) and fills
        ``self.gradients`` (also returned) with ``dL/dparameters``.
        """
        P = self.forward(X, training=True)
        if Y.shape != P.shape:
            _mismatch(Y, P)
        output = self.layers[-1]
        # The loss writes its gradient into a buffer the output layer reuses every batch.
        if self._fused:  # softmax + cross-entropy, sigmoid + binary cross-entropy: dL/dZ = (P - Y) w
            loss, dL_dZ = self.loss.fused_value_and_gradient(
                Y, output.training_logits, P, sample_weight,
                out=output.output_gradient_buffer(preactivation=True))
            grad = output.backward_preactivation(dL_dZ)
        else:
            loss, dL_dP = self.loss.value_and_gradient(
                Y, P, sample_weight, out=output.output_gradient_buffer(preactivation=False))
            grad = output.backward(dL_dP)
        for layer in reversed(self.layers[:-1]):
            grad = layer.backward(grad)
        self.last_penalty = self._add_penalty_gradient()
        return loss + self.last_penalty, self.gradients

    def _add_penalty_gradient(self):
        """Add the L2 penalty's gradient, ``weight_decay * W``, to every weight matrix's gradient
        and return the penalty. (L2 is part of the loss, not of the optimizer's step: the
        optimizer only holds the setting; see :class:`~neuronet.optimizers.Optimizer`.)"""
        decay = self.optimizer.weight_decay
        if not decay:
            return 0.0
        for s in self._weight_slices:
            self.gradients[s] += decay * self._parameters[s]
        return self._penalty()

    def train_step(self, X, Y, sample_weight=None):
        """One gradient step on a batch of validated arrays; returns the batch loss before the step.

        A NaN or infinite loss is returned without taking the step, so the weights stay as they were.
        """
        loss, _ = self.loss_and_gradients(X, Y, sample_weight)
        if math.isfinite(loss):
            self.optimizer.step()
        return loss

    def evaluate_loss(self, X, Y, sample_weight=None):
        """The loss (with the L2 penalty) on validated arrays, without touching the gradients."""
        return self.data_loss(X, Y, sample_weight) + self._penalty()

    def data_loss(self, X, Y, sample_weight=None):
        """The loss of the outputs alone (no L2 penalty) on validated arrays."""
        return self.loss_and_outputs(X, Y, sample_weight)[0]

    def loss_and_outputs(self, X, Y, sample_weight=None):
        """``(data loss, outputs P)`` on validated arrays, in one forward pass. A fused loss is
        also given the output layer's logits ``Z`` (a cross-entropy is then exact for any ``Z``).
        The layers run as in :meth:`forward`, the last one in two steps to keep ``Z``."""
        A = X
        for layer in self.layers[:-1]:
            A = layer.forward(A)
        output = self.layers[-1]
        Z = output.logits(A)
        P = output.activation.forward(Z, out=np.empty_like(Z))
        if Y.shape != P.shape:
            _mismatch(Y, P)
        if self._fused:
            return self.loss.fused_value(Y, Z, P, sample_weight), P
        return self.loss.value(Y, P, sample_weight), P

    # ----------------------------------------------------------------------------------------------
    # The user's API
    def prepare(self, X, y, sample_weight=None, classes=None):
        """Validate ``X``, ``y`` and ``sample_weight`` as ``fit`` does; returns ``(X, Y, w)`` arrays.

        Labels for a softmax output are one-hot encoded, and ``classes_`` is set the first time,
        as ``feature_names_in_`` is for a data frame's columns.
        """
        self._check_columns(X, learn=True)
        X = check_X(X, self.n_inputs, self.dtype)
        if classes is not None:
            if self.output_activation != "softmax":
                raise ValueError("classes= is only meaningful for a softmax output layer")
            classes = check_classes(classes, self.n_outputs)
            if self.classes_ is not None and not np.array_equal(classes, self.classes_):
                raise ValueError(f"classes={classes.tolist()} differs from the classes of an earlier "
                                 f"fit: {self.classes_.tolist()}")
        known = classes if classes is not None else self.classes_
        Y, found = encode_targets(y, X.shape[0], self.n_outputs, self.output_activation, self.dtype,
                                  known)
        if found is not None:
            self.classes_ = found
        w = check_sample_weight(sample_weight, X.shape[0], self.dtype)
        return X, Y, w

    def fit(self, X, y, epochs=1, batch_size=None, shuffle=True, validation_data=None,
            validation_split=0.0, patience=None, min_delta=0.0, callbacks=None, sample_weight=None,
            classes=None):
        """Train the network; calling ``fit`` again continues from the current weights.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_inputs)
        y : array-like
            Targets, see :mod:`neuronet.targets`: labels for a softmax output, else numbers of shape
            ``(n_samples,)`` or ``(n_samples, n_outputs)``.
        epochs : int
            Passes over the data (the tutorial's "iterations" with full batches).
        batch_size : int or None
            Rows per gradient step; ``None`` uses the whole set in one batch.
        shuffle : bool
            Reshuffle the rows before every epoch (mini-batches only), from the network's seed.
        validation_data : (X_val, y_val) or (X_val, y_val, w_val), optional
        validation_split : float
            Fraction of the rows (chosen at random, from the seed) held out for validation instead.
        patience : int, optional
            Early stopping: stop after this many epochs without improvement of the validation loss
            (or the training loss, without validation data), then restore the best weights (see
            :func:`~neuronet.training.train` for which).
        min_delta : float
            The smallest decrease that counts as an improvement (0 or more).
        callbacks : list of Callback
        sample_weight : array-like, shape (n_samples,), optional
        classes : array-like, optional
            Every label of a softmax output, when ``y`` does not show them all.

        Returns
        -------
        self
        """
        epochs = check_count("epochs", epochs)
        if batch_size is not None:
            batch_size = check_count("batch_size", batch_size)
        if patience is not None:
            patience = check_count("patience", patience)
        validation_split = check_fraction("validation_split", validation_split)
        if validation_data is not None and validation_split:
            raise ValueError("give validation_data or validation_split, not both")
        min_delta = check_non_negative("min_delta", min_delta)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
        callbacks = as_callback_list(callbacks)
        X, Y, w = self.prepare(X, y, sample_weight, classes)
        validation = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError("validation_data must be (X_val, y_val) or (X_val, y_val, sample_weight)")
            Xv = check_X(validation_data[0], self.n_inputs, self.dtype, name="validation X")
            Yv, _ = encode_targets(validation_data[1], Xv.shape[0], self.n_outputs,
                                   self.output_activation, self.dtype, self.classes_)
            wv = check_sample_weight(validation_data[2] if len(validation_data) == 3 else None,
                                     Xv.shape[0], self.dtype)
            validation = (Xv, Yv, wv)
        elif validation_split:
            (X, Y, w), validation = hold_out(X, Y, w, validation_split, self.rng)
        # Overflows and NaNs are the training loop's to detect (TrainingDiverged), not NumPy's to print.
        with np.errstate(all="ignore"):
            self.stopped_ = train(self, X, Y, w, epochs=epochs, batch_size=batch_size,
                                  shuffle=bool(shuffle), validation=validation, patience=patience,
                                  min_delta=min_delta, callbacks=callbacks, rng=self.rng)
        return self

    def predict(self, X):
        """The network's outputs for ``X`` (n_samples, n_inputs): an array (n_samples, n_outputs)."""
        self._check_columns(X)
        X = check_X(X, self.n_inputs, self.dtype)
        with np.errstate(over="ignore", under="ignore"):
            return self.forward(X)

    def _check_columns(self, X, learn=False):
        """A data frame's columns must be those (and in the order) the network was trained on: an
        array has only positions, so reordered columns would be read as the wrong features."""
        names = column_labels(X)
        known = getattr(self, "feature_names_in_", None)     # (older pickles lack it)
        if names is None or known is None:
            if learn and names is not None:
                self.feature_names_in_ = names
            return
        if names != known:
            raise ValueError(f"X's columns are not those the network was trained on, in that "
                             f"order: it has {name_list(names, 8)}, the network was trained on "
                             f"{name_list(known, 8)}; select them with X[net.feature_names_in_]")

    def _check_classifier(self, method):
        if self.output_activation not in ("softmax", "sigmoid"):
            raise ValueError(f"{method} needs a softmax or sigmoid output; this network's output is "
                             f"{self.output_activation!r} (numbers: use predict)")

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes): softmax rows, or ``[1 - p, p]`` for one sigmoid unit."""
        self._check_classifier("predict_proba")
        P = self.predict(X)
        if self.output_activation == "sigmoid" and self.n_outputs == 1:
            return np.hstack([1.0 - P, P])
        return P

    def predict_classes(self, X):
        """Predicted labels: ``classes_`` for softmax outputs, 0/1 for sigmoid outputs (per unit: 1
        where ``P > 0.5``, so an exact 0.5 is 0, as in scikit-learn)."""
        self._check_classifier("predict_classes")
        P = self.predict_proba(X)
        if self.output_activation == "softmax":
            index = P.argmax(axis=1)
            return index if self.classes_ is None else self.classes_[index]
        if self.n_outputs == 1:
            return (P[:, 1] > 0.5).astype(int)
        return (P > 0.5).astype(int)

    def evaluate(self, X, y, sample_weight=None):
        """The loss on ``(X, y)`` and, for classifiers, the accuracy: ``{"loss": .., "accuracy": ..}``.

        ``"loss"`` is the loss training minimizes: with ``weight_decay`` it includes the L2 penalty
        ``weight_decay / 2 * sum(W**2)``, as Keras's ``evaluate`` includes regularization losses (and
        as ``history["loss"]`` does). The data loss alone is ``net.data_loss(X, Y, w)`` with
        ``X, Y, w = net.prepare(X, y, sample_weight)``.
        """
        Xc, Y, w = self.prepare(X, y, sample_weight)
        with np.errstate(over="ignore", under="ignore"):
            loss, P = self.loss_and_outputs(Xc, Y, w)
        result = {"loss": loss + self._penalty()}
        if self.output_activation == "softmax" or (self.output_activation == "sigmoid"
                                                   and self.n_outputs == 1):
            if self.output_activation == "softmax":
                hit = P.argmax(axis=1) == Y.argmax(axis=1)
            else:
                hit = (P[:, 0] > 0.5) == (Y[:, 0] > 0.5)
            result["accuracy"] = float(np.average(hit, weights=w))
        return result

    def save(self, path):
        """Write the network to a model file, as ``neuronet.save(net, path)`` does; returns the path.
        ``neuronet.load(path)`` reads it back."""
        from .io import save
        return save(self, path)

    def to_onnx(self, path):
        """Write the network as an ONNX file (``pip install neuronet[onnx]``); see :mod:`neuronet.onnx_export`."""
        from .onnx_export import to_onnx
        return to_onnx(self, path)

    def summary(self):
        """A table of the layers, their output shapes and parameter counts, as a string."""
        rows = [f"{'layer':<40} {'output':>10} {'parameters':>12}"]
        width = self.n_inputs
        for layer in self.layers:
            count = sum(int(np.prod(s)) for _, s in layer.parameter_shapes())
            width = getattr(layer, "n_out", width)
            rows.append(f"{layer!r:<40} {width:>10} {count:>12,}")
        rows.append(f"{'total':<40} {'':>10} {self.n_parameters:>12,}")
        return "\n".join(rows)

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return (f"Network([\n  {inner}],\n  loss={self.loss.name!r}, optimizer={self.optimizer!r}, "
                f"dtype={self.dtype.name!r})")


def _mismatch(Y, P):
    raise ValueError(f"targets of shape {Y.shape} do not match the network's outputs {P.shape}; "
                     "validate them with net.prepare(X, y) first (labels become one-hot rows)")


def _default_loss(output_activation):
    return {"softmax": "categorical_crossentropy",
            "sigmoid": "binary_crossentropy"}.get(output_activation, "mse")
