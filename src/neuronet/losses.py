"""Loss functions: every loss has the same signature and gives its value and its gradient.

- ``value(Y, P, sample_weight=None)`` -> float, the loss of predictions ``P`` against targets ``Y``,
  both of shape ``(n_samples, n_outputs)``;
- ``gradient(Y, P, sample_weight=None)`` -> ``dL/dP``, same shape as ``P``;
- ``value_and_gradient(Y, P, sample_weight=None, out=None)`` -> both at once, the gradient written into
  ``out`` when given (the network passes a buffer it reuses every batch). The base class combines the
  two methods above; losses whose value and gradient share work override it.

The cross-entropies also know the activation they pair with (``fused_activation``). When the output
layer uses it, the network asks for ``fused_value_and_gradient(Y, Z, P, sample_weight, out)``, given
the output layer's pre-activation ``Z`` (the logits) as well as ``P``:

- ``fused_value(Y, Z, P, w)``, the value: exact however confident the network is. From the clipped
  ``P`` it would stop at ``-log(eps)``, 36 in float64, once ``P`` rounds to 0 or 1; so the
  cross-entropies compute it from the logits (``value_from_logits(Y, Z, w)``) where ``P`` cannot
  give it. A subclass that overrides ``value`` (label smoothing, say) gets its own ``value``;
- ``fused_gradient``, the gradient with respect to ``Z``, which simplifies to ``(P - Y)`` times the
  weights: no division by ``P`` and no overflow. For softmax this needs rows of ``Y`` that sum to 1
  (labels, or class probabilities), which :mod:`neuronet.targets` checks.

A custom ``Loss`` subclass may set ``fused_activation`` too: the base class gives ``fused_value`` as
``value(Y, P)`` and ``fused_gradient`` as ``(P - Y) * w / sum(w)`` (``(P - Y) * w`` when its
``reduction`` is ``"sum"``).

These take arrays already validated to the same shape and dtype (``Network.prepare`` makes them);
they do not check it again on every batch.

Weights: ``sample_weight`` is ``None`` or an array of shape ``(n_samples,)``. The averaged losses divide
by the sum of the weights, so a weight of 2 counts a sample twice.
"""
from __future__ import annotations

import difflib

import numpy as np

__all__ = ["Loss", "SSE", "MSE", "BinaryCrossEntropy", "CategoricalCrossEntropy",
           "LOSSES", "get_loss"]


class Loss:
    """Base class. ``name``; ``fused_activation`` is the output activation this loss fuses with, if any."""

    name = "loss"
    fused_activation = None
    #: How a batch's per-sample losses combine: "mean" (weighted average) or "sum".
    reduction = "mean"
    #: The output activations this loss makes sense after (None: any). Cross-entropies need
    #: probabilities.
    output_activations = None

    def value(self, Y, P, sample_weight=None):
        raise NotImplementedError

    def gradient(self, Y, P, sample_weight=None):
        raise NotImplementedError

    def value_and_gradient(self, Y, P, sample_weight=None, out=None):
        """``(value(Y, P, w), gradient(Y, P, w))``, the gradient copied into ``out`` if given."""
        dL_dP = self.gradient(Y, P, sample_weight)
        if out is not None:
            np.copyto(out, dL_dP)
            dL_dP = out
        return self.value(Y, P, sample_weight), dL_dP

    # Fused with ``fused_activation``: the value of P = fused_activation(Z), and dL/dZ.
    def fused_value(self, Y, Z, P, sample_weight=None):
        """The loss of ``P = fused_activation(Z)``; here ``value(Y, P, w)``."""
        return self.value(Y, P, sample_weight)

    def fused_gradient(self, Y, P, sample_weight=None, out=None):
        """``dL/dZ`` for ``P = fused_activation(Z)``: ``(P - Y) * w / sum(w)`` (``* w`` for a
        summed loss), into ``out`` if given."""
        dL_dZ = np.subtract(P, Y, out=out)
        divisor = 1.0 if self.reduction == "sum" else _mean_divisor(P, sample_weight)
        return _scale_rows(dL_dZ, sample_weight, divisor)

    def fused_value_and_gradient(self, Y, Z, P, sample_weight=None, out=None):
        """``(fused_value(Y, Z, P, w), fused_gradient(Y, P, w, out))``: the loss and ``dL/dZ``."""
        return (self.fused_value(Y, Z, P, sample_weight),
                self.fused_gradient(Y, P, sample_weight, out))

    def __repr__(self):
        return f"{type(self).__name__}()"


def _mean_divisor(P, sample_weight):
    if sample_weight is None:
        return float(P.shape[0])
    total = float(sample_weight.sum())
    if not total > 0.0:
        raise ValueError("sample_weight sums to 0: a weighted mean over these rows is undefined")
    return total


def _scale_rows(G, sample_weight, divisor):
    """Multiply row i of ``G`` by ``sample_weight[i] / divisor`` in place."""
    if sample_weight is not None:
        G *= sample_weight[:, None]
    if divisor != 1.0:
        G *= 1.0 / divisor
    return G


def _row_sum(per_element, sample_weight):
    per_sample = per_element.sum(axis=1)
    if sample_weight is not None:
        per_sample = per_sample * sample_weight
    return float(per_sample.sum())


class SSE(Loss):
    """Half the summed squared error, summed over the batch (the tutorial's rule).

    ``L = 1/2 * sum_i w_i sum_k (Y_ik - P_ik)**2``;  ``dL/dP = w_i (P - Y)``.

    With learning rate 1, one gradient step is exactly the tutorial's ``W += X.T @ (error * A(1-A))``.
    """

    name = "sse"
    reduction = "sum"

    def value(self, Y, P, sample_weight=None):
        error = P - Y
        return 0.5 * _row_sum(error * error, sample_weight)

    def gradient(self, Y, P, sample_weight=None):
        return _scale_rows(np.subtract(P, Y), sample_weight, 1.0)

    def value_and_gradient(self, Y, P, sample_weight=None, out=None):
        # The error P - Y is the gradient and, squared and summed, the loss.
        error = np.subtract(P, Y, out=out)
        if sample_weight is None:
            return 0.5 * float(np.vdot(error, error)), error
        value = 0.5 * _row_sum(error * error, sample_weight)
        return value, _scale_rows(error, sample_weight, 1.0)


class MSE(Loss):
    """Mean squared error, averaged over the batch and summed over outputs, halved.

    ``L = 1/(2 sum w) * sum_i w_i sum_k (Y_ik - P_ik)**2``;  ``dL/dP = w_i (P - Y) / sum w``.
    The one half (as in scikit-learn's MLPRegressor) keeps the gradient free of a factor 2.
    """

    name = "mse"

    def value(self, Y, P, sample_weight=None):
        error = P - Y
        return 0.5 * _row_sum(error * error, sample_weight) / _mean_divisor(P, sample_weight)

    def gradient(self, Y, P, sample_weight=None):
        return _scale_rows(np.subtract(P, Y), sample_weight, _mean_divisor(P, sample_weight))

    def value_and_gradient(self, Y, P, sample_weight=None, out=None):
        error = np.subtract(P, Y, out=out)
        divisor = _mean_divisor(P, sample_weight)
        if sample_weight is None:
            value = 0.5 * float(np.vdot(error, error)) / divisor
        else:
            value = 0.5 * _row_sum(error * error, sample_weight) / divisor
        return value, _scale_rows(error, sample_weight, divisor)


def _clipped(P):
    eps = float(np.finfo(P.dtype).eps)
    return np.clip(P, eps, 1.0 - eps)


class _CrossEntropy(Loss):
    """What the two cross-entropies share: fused with their output activation, the value is exact
    for any logits ``Z`` and the gradient with respect to ``Z`` is ``(P - Y) * w / sum(w)``."""

    def value_from_logits(self, Y, Z, sample_weight=None):
        """The loss of the outputs ``P = fused_activation(Z)``, computed from ``Z`` without rounding
        ``P`` to 0 or 1."""
        raise NotImplementedError

    def fused_value(self, Y, Z, P, sample_weight=None):
        """``value_from_logits(Y, Z, w)``; a subclass that overrides ``value`` but not
        ``value_from_logits`` gets its own ``value(Y, P, w)``."""
        if not _defined_together(type(self), "value", "value_from_logits"):
            return self.value(Y, P, sample_weight)
        return self.value_from_logits(Y, Z, sample_weight)


def _defined_together(cls, a, b):
    """Whether the class that gives ``cls`` its method ``a`` also gives it ``b``."""
    owner = next(c for c in cls.__mro__ if a in vars(c))
    return b in vars(owner)


class BinaryCrossEntropy(_CrossEntropy):
    """Binary cross-entropy per output, averaged over the batch (fused with ``sigmoid``).

    ``L = -1/sum w * sum_i w_i sum_k [Y log P + (1 - Y) log(1 - P)]``;
    ``dL/dP = w_i (P - Y) / (P (1 - P) sum w)``; fused with sigmoid: ``dL/dZ = w_i (P - Y) / sum w``.
    """

    name = "binary_crossentropy"
    fused_activation = "sigmoid"
    output_activations = ("sigmoid", "softmax")

    def value(self, Y, P, sample_weight=None):
        Pc = _clipped(P)
        per_element = -(Y * np.log(Pc) + (1.0 - Y) * np.log1p(-Pc))
        return _row_sum(per_element, sample_weight) / _mean_divisor(P, sample_weight)

    def gradient(self, Y, P, sample_weight=None):
        Pc = _clipped(P)
        G = (Pc - Y) / (Pc * (1.0 - Pc))
        return _scale_rows(G, sample_weight, _mean_divisor(P, sample_weight))

    def value_from_logits(self, Y, Z, sample_weight=None):
        # With P = sigmoid(Z): -log P = softplus(-Z) and -log(1 - P) = softplus(Z), so the loss per
        # element is softplus(Z) - Y Z; softplus(Z) = log(1 + e**Z) = np.logaddexp(0, Z), exact for
        # any Z.
        per_element = np.logaddexp(0.0, Z) - Y * Z
        return _row_sum(per_element, sample_weight) / _mean_divisor(Z, sample_weight)


class CategoricalCrossEntropy(_CrossEntropy):
    """Cross-entropy between one-hot (or probability) rows ``Y`` and ``P``, averaged over the batch.

    Fused with ``softmax``. ``L = -1/sum w * sum_i w_i sum_k Y_ik log P_ik``;
    ``dL/dP = -w_i Y / (P sum w)``; fused with softmax: ``dL/dZ = w_i (P - Y) / sum w``.
    """

    name = "categorical_crossentropy"
    fused_activation = "softmax"
    output_activations = ("softmax",)

    def value(self, Y, P, sample_weight=None):
        log_P = np.log(_clipped(P))
        if sample_weight is None:  # one dot product instead of a product, a negation and two sums
            return -float(np.vdot(Y, log_P)) / P.shape[0]
        return -_row_sum(Y * log_P, sample_weight) / _mean_divisor(P, sample_weight)

    def gradient(self, Y, P, sample_weight=None):
        G = -(Y / _clipped(P))
        return _scale_rows(G, sample_weight, _mean_divisor(P, sample_weight))

    def fused_value(self, Y, Z, P, sample_weight=None):
        # log P is exact while every P is a normal float. Below the smallest one (a logit gap
        # beyond ~708 in float64, ~87 in float32) P keeps only a few bits, or rounds to 0, and the
        # logits give the value. Four NumPy calls instead of seven on every batch. (A subclass
        # with its own value or value_from_logits gets _CrossEntropy's rule.)
        cls = CategoricalCrossEntropy
        if type(self).value is not cls.value or type(self).value_from_logits is not cls.value_from_logits:
            return super().fused_value(Y, Z, P, sample_weight)
        if P.min() < np.finfo(P.dtype).tiny:
            return self.value_from_logits(Y, Z, sample_weight)
        return self._from_log_P(Y, np.log(P), sample_weight)

    def value_from_logits(self, Y, Z, sample_weight=None):
        # log softmax(Z) = Z - logsumexp(Z) per row. With the row maximum m taken out,
        # log softmax(Z) = (Z - m) - log(sum(exp(Z - m))): exp never overflows, and the small
        # log-sum is not lost next to a huge m (logits of 1e300 in every column still give log(1/k)).
        # A gap beyond the dtype's range would make Z - m -inf, and 0 * -inf NaN for a class of
        # target 0: it is held at the most negative finite number.
        shifted = Z - Z.max(axis=1, keepdims=True)
        np.maximum(shifted, -np.finfo(Z.dtype).max, out=shifted)
        log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return self._from_log_P(Y, log_P, sample_weight)

    @staticmethod
    def _from_log_P(Y, log_P, sample_weight):
        if sample_weight is None:
            return -float(np.vdot(Y, log_P)) / log_P.shape[0]
        return -_row_sum(Y * log_P, sample_weight) / _mean_divisor(log_P, sample_weight)


LOSSES = {cls.name: cls for cls in (SSE, MSE, BinaryCrossEntropy, CategoricalCrossEntropy)}
LOSSES["cross_entropy"] = CategoricalCrossEntropy
LOSSES["log_loss"] = BinaryCrossEntropy


def get_loss(loss):
    """Resolve a name (see ``LOSSES``) or a :class:`Loss` instance."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]()
    close = difflib.get_close_matches(str(loss), LOSSES, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ValueError(f"unknown loss {loss!r}; known: {', '.join(sorted(LOSSES))}{hint}")
