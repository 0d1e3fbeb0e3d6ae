"""Optimizers: they own their state and update the network's flat parameter vector in place.

An optimizer is bound to exactly one network (``bind``); each ``step()`` reads the gradient vector the
network's last backward pass filled and moves the parameters against it.

Scalars are kept as Python floats: a NumPy float64 scalar in an expression with a float32 array would
turn the whole update into float64.
"""
from __future__ import annotations

import math

import numpy as np

from .validation import check_fraction, check_non_negative, check_positive

__all__ = ["Optimizer", "SGD", "Adam", "OPTIMIZERS", "get_optimizer"]


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float
        Step size.
    weight_decay : float, default 0
        L2 penalty ``weight_decay / 2 * sum(W**2)`` over every weight matrix (not the biases); the
        network adds it to the loss and ``weight_decay * W`` to the gradient.
    """

    def __init__(self, learning_rate, weight_decay=0.0):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self._params = None

    def bind(self, params, grads):
        """Attach to a network's flat parameter and gradient vectors (one network per optimizer)."""
        if self._params is not None and self._params is not params:
            raise ValueError(f"this {type(self).__name__} already belongs to another network; "
                             "create one optimizer per network")
        self._params, self._grads = params, grads
        self.reset()

    def reset(self):
        """Forget the accumulated state (moments, step count)."""

    def step(self):
        raise NotImplementedError

    def get_config(self):
        """The constructor arguments, for saving and for ``repr``."""
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum, in PyTorch's form.

    Plain: ``p -= lr * g``. Momentum ``mu``: ``v = mu * v + g``; ``p -= lr * v``.
    Nesterov: ``v = mu * v + g``; ``p -= lr * (g + mu * v)``.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay)
        self.momentum = check_non_negative("momentum", momentum)
        if self.momentum >= 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum greater than 0")
        self.nesterov = bool(nesterov)

    def reset(self):
        self._velocity = np.zeros_like(self._params) if self.momentum else None
        self._scratch = np.empty_like(self._params)

    def step(self):
        p, g, lr = self._params, self._grads, self.learning_rate
        if not self.momentum:
            p -= g if lr == 1.0 else np.multiply(g, lr, out=self._scratch)
            return
        v, direction = self._velocity, self._scratch
        v *= self.momentum
        v += g
        if self.nesterov:
            np.multiply(v, self.momentum, out=direction)
            direction += g
            direction *= lr
        else:
            np.multiply(v, lr, out=direction)
        p -= direction


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015, Algorithm 1), the form PyTorch implements.

    ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g**2``;
    ``p -= lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``.

    Adam is memory-bound (every pass reads and writes the whole parameter vector), so the state is
    kept in units that save passes: ``_m_scaled = m / (1 - b1)`` and ``_v_scaled = v / (1 - b2)``
    (PyTorch's ``exp_avg`` and ``exp_avg_sq`` times those constants), which turns the moment
    updates into ``_m_scaled = b1 _m_scaled + g`` and ``_v_scaled = b2 _v_scaled + g**2``; the
    constant factors move into the two Python-float scalars of the step. Ten passes per step
    instead of thirteen.
    """

    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay)
        self.beta1 = check_fraction("Adam beta1", beta1)
        self.beta2 = check_fraction("Adam beta2", beta2)
        self.epsilon = check_positive("epsilon", epsilon)

    def reset(self):
        self.t = 0
        self._m_scaled = np.zeros_like(self._params)
        self._v_scaled = np.zeros_like(self._params)
        self._scratch = np.empty_like(self._params)

    def get_config(self):
        config = super().get_config()
        config.pop("t", None)
        return config

    def __setstate__(self, state):
        # networks pickled before the moments were named for what they hold
        for old, new in (("_m", "_m_scaled"), ("_v", "_v_scaled")):
            if old in state:
                state[new] = state.pop(old)
        self.__dict__.update(state)

    def step(self):
        p, g, tmp = self._params, self._grads, self._scratch
        m_scaled, v_scaled = self._m_scaled, self._v_scaled
        b1, b2 = self.beta1, self.beta2
        self.t += 1
        # m / (1 - b1) = b1 m / (1 - b1) + g
        m_scaled *= b1
        m_scaled += g
        # v / (1 - b2) = b2 v / (1 - b2) + g^2
        v_scaled *= b2
        np.multiply(g, g, out=tmp)
        v_scaled += tmp
        # sqrt(v_hat) + eps = c (sqrt(v_scaled) + eps / c) with c = sqrt((1 - b2) / (1 - b2^t)),
        # and lr m_hat = lr (1 - b1) / (1 - b1^t) m_scaled, so
        # p -= (lr (1 - b1) / (1 - b1^t) / c) m_scaled / (sqrt(v_scaled) + eps / c)
        c = math.sqrt((1.0 - b2) / (1.0 - b2 ** self.t))
        step_size = self.learning_rate * (1.0 - b1) / (1.0 - b1 ** self.t) / c
        np.sqrt(v_scaled, out=tmp)
        tmp += self.epsilon / c
        np.divide(m_scaled, tmp, out=tmp)
        tmp *= step_size
        p -= tmp


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer):
    """Resolve a name (``"sgd"``, ``"adam"``: with its defaults) or an :class:`Optimizer` instance."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()]()
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        raise TypeError(f"optimizer={optimizer.__name__} is the class; give an instance, "
                        f"{optimizer.__name__}(learning_rate=...), or its name")
    raise ValueError(f"unknown optimizer {optimizer!r}; known: {', '.join(sorted(OPTIMIZERS))}")
