"""Activation functions: each one is its function and its derivative, side by side.

An activation maps a layer's pre-activation ``Z = X @ W + b`` to its output ``A``.
Every class defines

- ``forward(Z, out)`` -> ``A``, written into ``out`` (a buffer of ``Z``'s shape) to avoid allocating;
- ``backward(Z, A, dL_dA, out)`` -> ``dL_dZ``, the chain rule through the activation.

Sigmoid and tanh compute their derivative from their *output* ``A`` (that is what the tutorial's
``sigmoid_derivative(x)`` really receives), so they never recompute the exponential.

New activations are added with :func:`register_activation`.
"""
from __future__ import annotations

import numpy as np

from .validation import check_fraction

__all__ = [
    "Activation", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax",
    "ACTIVATIONS", "get_activation", "register_activation",
]


class Activation:
    """Base class. Subclasses set ``name`` and implement ``forward`` and ``backward``."""

    name = "activation"

    def forward(self, Z, out):
        raise NotImplementedError

    def backward(self, Z, A, dL_dA, out):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        return type(self) is type(other) and _settings(self) == _settings(other)

    def __hash__(self):
        return hash(type(self))


def _settings(activation):
    """An activation's public settings (private attributes are caches, such as ReLU's zeros)."""
    return {k: v for k, v in vars(activation).items() if not k.startswith("_")}


class Identity(Activation):
    """``A = Z``; ``dA/dZ = 1``. The output of a regression network."""

    name = "identity"

    def forward(self, Z, out):
        out[...] = Z
        return out

    def backward(self, Z, A, dL_dA, out):
        out[...] = dL_dA
        return out


class Sigmoid(Activation):
    """Logistic function ``A = 1 / (1 + exp(-Z))``; derivative from the output: ``dA/dZ = A (1 - A)``.

    ``-Z`` is clipped to the largest exponent the dtype can hold, so a very negative ``Z`` gives a tiny
    positive number instead of an overflow warning. Inside that range the result is bit-identical to
    the tutorial's ``1 / (1 + exp(-x))``.
    """

    name = "sigmoid"

    def forward(self, Z, out):
        limit = _EXP_LIMIT[Z.dtype.type]
        np.negative(Z, out=out)
        np.minimum(out, limit, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.reciprocal(out, out=out)

    def backward(self, Z, A, dL_dA, out):
        # dL/dZ = dL/dA * A * (1 - A)  (the tutorial's error * sigmoid_derivative(output))
        np.subtract(1.0, A, out=out)
        out *= A
        out *= dL_dA
        return out


class Tanh(Activation):
    """Hyperbolic tangent ``A = tanh(Z)``; derivative from the output: ``dA/dZ = 1 - A**2``."""

    name = "tanh"

    def forward(self, Z, out):
        return np.tanh(Z, out=out)

    def backward(self, Z, A, dL_dA, out):
        np.multiply(A, A, out=out)
        np.subtract(1.0, out, out=out)
        out *= dL_dA
        return out


class ReLU(Activation):
    """Rectified linear unit ``A = max(Z, 0)``; ``dA/dZ = 1 where Z > 0, else 0``."""

    name = "relu"

    def __init__(self):
        self._zeros = {}

    def forward(self, Z, out):
        return np.maximum(Z, self._zeros_like(Z), out=out)

    def _zeros_like(self, Z):
        """Zeros of ``Z``'s shape, kept for a few recent batch shapes.

        ``np.maximum`` against a zeros array takes NumPy's vectorised loop; against the scalar 0.0 it
        is several times slower. Very large arrays (predictions on a whole data set) use the scalar
        rather than keep a large array of zeros alive.
        """
        if Z.size > _MAX_CACHED_ZEROS:
            return 0.0
        key = (Z.shape, Z.dtype)
        zeros = self._zeros.get(key)
        if zeros is None:
            if len(self._zeros) >= 4:
                self._zeros.clear()
            zeros = self._zeros[key] = np.zeros(Z.shape, dtype=Z.dtype)
        return zeros

    def backward(self, Z, A, dL_dA, out):
        # A > 0 exactly where Z > 0, so the output is enough.
        np.multiply(dL_dA, A > 0, out=out)
        return out


class LeakyReLU(Activation):
    """``A = Z where Z > 0, else slope * Z``; ``dA/dZ = 1 where Z > 0, else slope``."""

    name = "leaky_relu"

    def __init__(self, slope=0.01):
        self.slope = check_fraction("leaky_relu slope", slope)

    def forward(self, Z, out):
        # Z * slope is a temporary so that out may be Z itself
        return np.maximum(Z, Z * self.slope, out=out)

    def backward(self, Z, A, dL_dA, out):
        np.copyto(out, dL_dA)
        out[Z <= 0] *= self.slope
        return out

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


class Softmax(Activation):
    """Row-wise ``A_ij = exp(Z_ij) / sum_k exp(Z_ik)``, computed after subtracting each row's max.

    Jacobian-vector product: ``dL/dZ = A * (dL/dA - sum_k dL/dA_k A_k)``. With categorical
    cross-entropy the network skips this and uses the fused ``dL/dZ = A - Y``.
    """

    name = "softmax"

    def forward(self, Z, out):
        np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def backward(self, Z, A, dL_dA, out):
        np.multiply(dL_dA, A, out=out)
        dot = out.sum(axis=1, keepdims=True)
        np.subtract(dL_dA, dot, out=out)
        out *= A
        return out


class _Custom(Activation):
    """An activation built from two plain functions by :func:`register_activation`."""

    def __init__(self, name, function, derivative):
        self.name, self.function, self.derivative = name, function, derivative

    def forward(self, Z, out):
        out[...] = self._same_shape(self.function(Z), Z, "function")
        return out

    def backward(self, Z, A, dL_dA, out):
        np.multiply(dL_dA, self._same_shape(self.derivative(Z), Z, "derivative"), out=out)
        return out

    def _same_shape(self, result, Z, what):
        """``result``, refused unless it has ``Z``'s shape: an elementwise function keeps it, and
        a scalar or a row sum would otherwise be broadcast over every unit silently."""
        if np.shape(result) != Z.shape:
            raise ValueError(f"activation {self.name!r}: its {what} returned shape "
                             f"{np.shape(result)} for Z of shape {Z.shape}; it must work "
                             "elementwise and return an array of Z's shape")
        return result

    def __repr__(self):
        return f"Activation({self.name!r})"


_EXP_LIMIT = {np.float64: 709.0, np.float32: 88.0}
_MAX_CACHED_ZEROS = 1 << 20

ACTIVATIONS = {cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax)}
ACTIVATIONS["linear"] = Identity
ACTIVATIONS["logistic"] = Sigmoid
_BUILT_IN = frozenset(ACTIVATIONS)


def register_activation(name, function, derivative):
    """Make a custom activation available by name.

    Parameters
    ----------
    name : str
        The name to use in ``Dense(..., activation=name)``; not one of the built-in names. Registering
        the same custom name again replaces the earlier one.
    function : callable
        ``A = function(Z)``, elementwise on an array of shape ``(n_samples, n_units)``.
    derivative : callable
        ``dA/dZ = derivative(Z)``, elementwise, same shape.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("activation name must be a non-empty string")
    if not callable(function) or not callable(derivative):
        raise TypeError("register_activation needs a function and its derivative, both callable")
    if name in _BUILT_IN:
        raise ValueError(f"{name!r} is a built-in activation and cannot be replaced; register yours "
                         "under another name")
    ACTIVATIONS[name] = lambda: _Custom(name, function, derivative)


def get_activation(activation):
    """Resolve a name (see ``ACTIVATIONS``) or an :class:`Activation` instance."""
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]()
    raise ValueError(
        f"unknown activation {activation!r}; known: {', '.join(sorted(ACTIVATIONS))}")
