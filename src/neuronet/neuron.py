"""The tutorial's neuron: one sigmoid unit, no bias, trained by the tutorial's own rule.

It is a thin shell over :class:`~neuronet.Network` (one ``Dense`` layer, sigmoid, the tutorial's
initializer, plain gradient descent with learning rate 1 on half the summed squared error, whole batch),
with the tutorial's words beside the standard ones::

    neuron = Neuron(n_inputs=3, seed=1)
    neuron.train(X, y, 10_000)       # or neuron.fit(X, y, iterations=10_000)
    neuron.think([1, 0, 0])          # or neuron.predict(...) -> array([0.99993704])

One full-batch step of that network is exactly the tutorial's
``W += X.T @ ((y - out) * (out * (1 - out)))`` (the error times the sigmoid's derivative, with the
tutorial's brackets: in floating point they matter in the last bit).
"""
from __future__ import annotations

import numpy as np

from .layers import Dense
from .network import Network
from .optimizers import SGD
from .validation import check_count

__all__ = ["Neuron"]


class Neuron:
    """A single sigmoid neuron with ``n_inputs`` inputs, started from the tutorial's weights.

    Parameters
    ----------
    n_inputs : int, default 3
    seed : int, default 1
        The tutorial seeds NumPy's legacy generator with 1; weights are ``2 * random_sample((n_inputs, 1)) - 1``.
        (An int in [0, 2**32), as ``np.random.seed`` takes, or None.)
    """

    def __init__(self, n_inputs=3, seed=1):
        check_count("n_inputs", n_inputs)
        self.network = Network([Dense(n_inputs, 1, activation="sigmoid", bias=False)],
                               loss="sse", optimizer=SGD(learning_rate=1.0), init="tutorial", seed=seed)

    @property
    def weights(self):
        """The synaptic weights, shape ``(n_inputs, 1)``; assignable."""
        return self.network.layers[0].weights

    @weights.setter
    def weights(self, value):
        self.network.layers[0].weights = value

    @property
    def history(self):
        """The loss of every iteration trained so far: ``{"loss": [...], "val_loss": []}``."""
        return self.network.history

    def train(self, training_set_inputs, training_set_outputs, number_of_training_iterations):
        """The tutorial's ``train``: that many full-batch gradient steps. Returns ``self``."""
        n = check_count("the number of training iterations", number_of_training_iterations)
        self.network.fit(training_set_inputs, training_set_outputs,
                         epochs=number_of_training_iterations, batch_size=None, shuffle=False)
        return self

    def fit(self, X, y, iterations=10_000):
        """``train`` under the usual name."""
        return self.train(X, y, iterations)

    def think(self, inputs):
        """The neuron's output for one situation (shape ``(n_inputs,)`` -> ``(1,)``) or for a batch
        (``(n_samples, n_inputs)`` -> ``(n_samples, 1)``)."""
        inputs = np.asarray(inputs)
        if inputs.ndim == 1:
            return self.network.predict(inputs.reshape(1, -1))[0]
        return self.network.predict(inputs)

    predict = think

    def __repr__(self):
        return f"Neuron(n_inputs={self.network.n_inputs}, weights={self.weights.ravel().tolist()})"
