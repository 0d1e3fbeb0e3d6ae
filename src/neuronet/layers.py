"""Layers: the building blocks a :class:`~neuronet.Network` stacks.

The layer contract is small:

- ``forward(X, training)`` returns the layer's output and, when ``training`` is true, keeps what
  ``backward`` will need;
- ``backward(dL_dY)`` stores the gradients of the layer's parameters (``grad_weights``, ``grad_bias``)
  and returns ``dL_dX``, the gradient to hand to the layer below.

Batches are rows: ``X`` has shape ``(n_samples, n_in)`` and a weight matrix ``(n_in, n_out)``.

A layer's parameters and their gradients are *views* into two flat vectors owned by the network, so
optimizers and gradient checks treat the whole model as one vector. A layer therefore belongs to one
network: ``Network`` refuses a layer that another live network was built from. During training the
layers write into buffers that are reused from batch to batch instead of allocating new arrays.
"""
from __future__ import annotations

import weakref

import numpy as np

from .activations import Identity, get_activation
from .validation import as_numeric, check_count, check_fraction

__all__ = ["Layer", "Dense", "Dropout", "LayerState", "check_layer_stack"]


class Layer:
    """Base class: a layer without parameters passes shapes through unchanged."""

    #: Set by the network: the first layer need not compute ``dL_dX``.
    needs_input_gradient = True

    #: Caches of the last training batch, and the link to the owning network: never pickled
    #: (the network that unpickles a layer claims it again).
    _transient = ("_buffers", "_X", "_Z", "_A", "_batch", "_keep", "_dX", "_mask", "_owner")

    #: A weak reference to the network whose vectors this layer's arrays view (None: no network yet).
    _owner = None

    def __getstate__(self):
        return {k: v for k, v in vars(self).items() if k not in self._transient}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._buffers = {}

    @property
    def network(self):
        """The live :class:`~neuronet.Network` this layer belongs to, or ``None``."""
        return None if self._owner is None else self._owner()

    def belong_to(self, network):
        """Record ``network`` as this layer's owner (weakly: a layer does not keep a network alive)."""
        self._owner = weakref.ref(network)

    def parameter_shapes(self):
        """``[(name, shape), ...]`` of the arrays this layer trains (none by default)."""
        return []

    def bind(self, arrays, grads, rng):
        """Receive views into the network's flat parameter and gradient vectors, and its random source."""

    def forward(self, X, training=False):
        raise NotImplementedError

    def backward(self, dL_dY):
        raise NotImplementedError


class _Buffers:
    """The arrays one training batch size needs, allocated once and reused for every such batch.

    ``Z`` and ``A`` hold the pre-activation and the output, ``dZ`` the gradient ``dL_dZ``, ``dX`` the
    gradient handed to the layer below; all ``(n_samples, ...)`` of the layer's dtype. ``dA``, where the
    loss writes ``dL_dA`` for an output layer whose activation is not fused with the loss, is made on
    first use.
    """

    __slots__ = ("Z", "A", "dZ", "dX", "dA")

    def __init__(self, n, n_in, n_out, dtype, identity, needs_input_gradient):
        self.Z = np.empty((n, n_out), dtype=dtype)
        self.A = self.Z if identity else np.empty((n, n_out), dtype=dtype)
        self.dZ = np.empty((n, n_out), dtype=dtype)
        self.dX = np.empty((n, n_in), dtype=dtype) if needs_input_gradient else None
        self.dA = None


class Dense(Layer):
    """A fully connected layer followed by an activation: ``A = activation(X @ W + b)``.

    Parameters
    ----------
    n_in, n_out : int
        Number of inputs and of units. ``W`` has shape ``(n_in, n_out)``, ``b`` shape ``(n_out,)``.
    activation : str or Activation, default "identity"
        See :data:`neuronet.activations.ACTIVATIONS`.
    bias : bool, default True
        Whether the layer adds a bias ``b`` (the tutorial's neuron has none).
    """

    def __init__(self, n_in, n_out, activation="identity", bias=True):
        self.n_in, self.n_out = check_count("Dense n_in", n_in), check_count("Dense n_out", n_out)
        self.activation = get_activation(activation)
        self.has_bias = bool(bias)
        # Until a network binds the layer, it owns its arrays (float64 zeros).
        arrays = {name: np.zeros(shape) for name, shape in self.parameter_shapes()}
        grads = {name: np.zeros(shape) for name, shape in self.parameter_shapes()}
        self.bind(arrays, grads, None)

    def parameter_shapes(self):
        shapes = [("weights", (self.n_in, self.n_out))]
        if self.has_bias:
            shapes.append(("bias", (self.n_out,)))
        return shapes

    def bind(self, arrays, grads, rng):
        self._W, self.grad_weights = arrays["weights"], grads["weights"]
        self._b = arrays.get("bias")
        self.grad_bias = grads.get("bias")
        self._buffers = {}  # batch size -> _Buffers (a last, shorter batch gets its own set)

    # Parameters are read and written through properties so that assignment copies into the
    # network's flat vector instead of replacing the view.
    @property
    def weights(self):
        """Weight matrix, shape ``(n_in, n_out)``; assigning copies the values in (shape is checked)."""
        return self._W

    @weights.setter
    def weights(self, value):
        _assign(self._W, value, "weights")

    @property
    def bias(self):
        """Bias vector, shape ``(n_out,)``, or ``None`` for a layer built with ``bias=False``."""
        return self._b

    @bias.setter
    def bias(self, value):
        if self._b is None:
            raise ValueError("this Dense layer was built with bias=False and has no bias to set")
        _assign(self._b, value, "bias")

    def forward(self, X, training=False):
        """``Z = X @ W + b``, ``A = activation(Z)``; shapes ``(n_samples, n_in)`` -> ``(n_samples, n_out)``.

        In training the results go into this batch size's reused buffers and ``X``, ``Z``, ``A`` are
        kept for ``backward``; otherwise fresh arrays are returned (predictions outlive the call).
        """
        identity = isinstance(self.activation, Identity)
        if not training:
            Z = self.logits(X)
            return Z if identity else self.activation.forward(Z, out=Z)
        buffers = self._buffers.get(X.shape[0])
        if buffers is None:
            buffers = self._buffers[X.shape[0]] = _Buffers(X.shape[0], self.n_in, self.n_out,
                                                           self._W.dtype, identity,
                                                           self.needs_input_gradient)
        Z = np.matmul(X, self._W, out=buffers.Z)
        if self._b is not None:
            Z += self._b
        A = Z if identity else self.activation.forward(Z, out=buffers.A)
        self._X, self._Z, self._A, self._batch = X, Z, A, buffers
        return A

    def logits(self, X):
        """The pre-activation alone, ``Z = X @ W + b`` (a fresh array; not for training)."""
        Z = X @ self._W
        if self._b is not None:
            Z += self._b
        return Z

    @property
    def training_logits(self):
        """``Z`` of the last training forward pass (the reused buffer ``backward`` reads)."""
        return self._Z

    def backward(self, dL_dA):
        """Chain rule through the activation, then through the product; returns ``dL_dX``."""
        if isinstance(self.activation, Identity):
            return self.backward_preactivation(dL_dA)
        dL_dZ = self.activation.backward(self._Z, self._A, dL_dA, out=self._batch.dZ)
        return self.backward_preactivation(dL_dZ)

    def backward_preactivation(self, dL_dZ):
        """Given ``dL_dZ`` (n_samples, n_out): ``dL/dW = X.T @ dL_dZ``, ``dL/db = sum over rows``,
        and ``dL/dX = dL_dZ @ W.T`` (skipped for the first layer, which needs none)."""
        np.matmul(self._X.T, dL_dZ, out=self.grad_weights)
        if self.grad_bias is not None:
            np.add.reduce(dL_dZ, axis=0, out=self.grad_bias)
        if not self.needs_input_gradient:
            return None
        return np.matmul(dL_dZ, self._W.T, out=self._batch.dX)

    def output_gradient_buffer(self, preactivation):
        """A reused ``(n_samples, n_out)`` array, the size of the last training batch, for the loss to
        write its gradient into: ``dL_dZ`` if ``preactivation`` (a fused loss), else ``dL_dA``."""
        batch = self._batch
        if preactivation or isinstance(self.activation, Identity):
            return batch.dZ
        if batch.dA is None:
            batch.dA = np.empty_like(batch.dZ)
        return batch.dA

    def __repr__(self):
        return (f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}"
                f"{'' if self.has_bias else ', bias=False'})")


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate`` and scale the rest by
    ``1 / (1 - rate)``, so nothing changes at prediction time. ``dL/dX = dL/dY * mask / (1 - rate)``.

    The random draws, the mask and the outputs go into buffers reused for every batch of one size.
    """

    def __init__(self, rate):
        self.rate = check_fraction("Dropout rate", rate)
        self._rng = np.random.default_rng()
        self._buffers = {}  # shape -> (draws, keep mask, output, input gradient)

    def bind(self, arrays, grads, rng):
        if rng is not None:
            self._rng = rng

    def forward(self, X, training=False):
        if not training or self.rate == 0.0:
            self._keep = None
            return X
        buffers = self._buffers.get(X.shape)
        if buffers is None or buffers[0].dtype != X.dtype:
            buffers = self._buffers[X.shape] = (np.empty(X.shape, X.dtype), np.empty(X.shape, bool),
                                                np.empty(X.shape, X.dtype), np.empty(X.shape, X.dtype))
        draws, keep, Y, self._dX = buffers
        self._rng.random(out=draws, dtype=X.dtype)
        self._keep = np.greater_equal(draws, self.rate, out=keep)
        np.multiply(X, keep, out=Y)
        Y *= 1.0 / (1.0 - self.rate)
        return Y

    def backward(self, dL_dY):
        if self._keep is None:
            return dL_dY
        dL_dX = np.multiply(dL_dY, self._keep, out=self._dX)
        dL_dX *= 1.0 / (1.0 - self.rate)
        return dL_dX

    def __repr__(self):
        return f"Dropout({self.rate})"


class LayerState:
    """A layer as pickled inside a network: its state without the views into the network's vectors
    (the network rebuilds them with ``bind``), without its batch caches and without the weak link to
    its network (which claims the restored layer again)."""

    _LEFT_OUT = ("_W", "_b", "grad_weights", "grad_bias", "_owner")

    def __init__(self, layer):
        self.cls = type(layer)
        self.state = {k: v for k, v in layer.__getstate__().items() if k not in self._LEFT_OUT}

    def restore(self):
        layer = self.cls.__new__(self.cls)
        layer.__setstate__(self.state)
        return layer


def check_layer_stack(layers):
    """``layers`` (a list, or one layer) as a list, refused unless they can stack into a new network:
    neuronet layers, each listed once and free, consecutive ``Dense`` shapes chaining, ``Dense`` last.
    """
    if isinstance(layers, Layer):
        layers = [layers]
    try:
        layers = list(layers)
    except TypeError:
        layers = None
    if not layers or not all(isinstance(layer, Layer) for layer in layers):
        raise TypeError("layers must be a non-empty list of neuronet layers (e.g. Dense)")
    _refuse_shared_layers(layers)
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    if not dense:
        raise ValueError("a network needs at least one Dense layer")
    for a, b in zip(dense, dense[1:]):
        if a.n_out != b.n_in:
            raise ValueError(f"layer shapes do not chain: {a!r} gives {a.n_out} outputs but the "
                             f"next, {b!r}, takes {b.n_in} inputs")
    if not isinstance(layers[-1], Dense):
        raise ValueError(f"the last layer must be Dense, got {layers[-1]!r}")
    return layers


def _refuse_shared_layers(layers):
    """A layer's weights are views into one network's vector: a layer listed twice would have its
    gradients overwritten, and one taken from a live network would leave that network training a
    vector its layers no longer read. Positions are counted from 1."""
    position_of = {}
    for position, layer in enumerate(layers, start=1):
        if id(layer) in position_of:
            raise ValueError(f"layers {position_of[id(layer)]} and {position} are the same {layer!r} "
                             "object; a layer can appear only once: create a new layer for each "
                             "position")
        position_of[id(layer)] = position
        if layer.network is not None:
            raise ValueError(f"layer {position} {layer!r} already belongs to another Network that "
                             "is still alive (a variable, a list, a notebook's Out/_ or a kept "
                             "traceback can hold it); create new layers for each network")


def _assign(target, value, name):
    value = as_numeric(value, target.dtype, name)
    if value.shape != target.shape:
        raise ValueError(f"{name} must have shape {target.shape}, got {value.shape}")
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{name} must be finite {target.dtype.name} numbers; it holds NaN or "
                         "infinite values (or values too large for that type)")
    target[...] = value
