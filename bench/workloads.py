"""The timed workloads: synthetic data, one training epoch in neuronet, scikit-learn and PyTorch, and
the epoch's matrix products alone.

Every function here does one thing and returns seconds; ``run.py`` repeats them and takes medians.
scikit-learn and torch are imported inside the functions that use them, so the memory probe (which
imports this module) stays a NumPy-only process.
"""
from __future__ import annotations

import time

import numpy as np

import neuronet as nn

N_FEATURES, N_CLASSES = 784, 10
HIDDEN = (256, 128)
BATCH = 128
LEARNING_RATE = 1e-3


def mnist_shaped(n_samples, seed=0, chunk=10_000):
    """``(X, y)``: ``n_samples`` float32 rows of 784 features and integer labels 0-9.

    Each class has its own mean image (a random pattern) plus unit Gaussian noise, so the problem is
    learnable but not trivial. Built in chunks, straight into float32: no float64 temporary of the
    full size is ever made.
    """
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((N_CLASSES, N_FEATURES), dtype=np.float32) * np.float32(0.15)
    y = rng.integers(0, N_CLASSES, n_samples)
    X = np.empty((n_samples, N_FEATURES), dtype=np.float32)
    for start in range(0, n_samples, chunk):
        rows = slice(start, min(start + chunk, n_samples))
        block = X[rows]
        rng.standard_normal(block.shape, dtype=np.float32, out=block)
        block += means[y[rows]]
    return X, y


def layer_sizes(hidden=HIDDEN):
    return (N_FEATURES, *hidden, N_CLASSES)


def n_weights(hidden=HIDDEN):
    """Weights of the network's matrices (biases excluded): what the FLOP count is based on."""
    sizes = layer_sizes(hidden)
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def epoch_flops(n_samples, hidden=HIDDEN):
    """Forward ``2 n w``, backward ``4 n w`` (gradients of weights and of inputs): ``6 n w``."""
    return 6.0 * n_samples * n_weights(hidden)


def timed(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------------
# neuronet
def neuronet_network(hidden=HIDDEN, seed=0):
    sizes = layer_sizes(hidden)
    layers = [nn.Dense(a, b, activation="relu") for a, b in zip(sizes[:-2], sizes[1:-1])]
    layers.append(nn.Dense(sizes[-2], sizes[-1], activation="softmax"))
    return nn.Network(layers, optimizer=nn.Adam(learning_rate=LEARNING_RATE), seed=seed,
                      dtype="float32")


class NeuronetEpoch:
    """``net.fit(X, y, epochs=1, batch_size=128)``: what a user calls, input checks included."""

    name = "neuronet"

    def __init__(self, X, y, hidden=HIDDEN):
        self.X, self.y = X, y
        self.net = neuronet_network(hidden)
        self.net.fit(X[:2 * BATCH * 8], y[:2 * BATCH * 8], epochs=1, batch_size=BATCH)  # warm-up

    def __call__(self):
        return timed(self.net.fit, self.X, self.y, 1, BATCH)


# --------------------------------------------------------------------------------------------------
# scikit-learn
class SklearnEpoch:
    """``MLPClassifier.partial_fit``: exactly one epoch of Adam, no validation split, no early
    stopping (those belong to ``fit``); ``alpha=0`` as neuronet has no L2 penalty here."""

    name = "scikit-learn"

    def __init__(self, X, y, hidden=HIDDEN):
        from sklearn.neural_network import MLPClassifier

        self.X, self.y = X, y
        self.model = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam",
                                   alpha=0.0, batch_size=BATCH, learning_rate_init=LEARNING_RATE,
                                   shuffle=True, random_state=0)
        self.classes = np.arange(N_CLASSES)
        self.model.partial_fit(X[:2 * BATCH * 8], y[:2 * BATCH * 8], classes=self.classes)
        assert self.model.coefs_[0].dtype == np.float32, "scikit-learn did not keep float32"

    def __call__(self):
        return timed(self.model.partial_fit, self.X, self.y)


# --------------------------------------------------------------------------------------------------
# PyTorch
class TorchEpoch:
    """A plain PyTorch CPU loop: ``nn.Sequential``, ``Adam``, ``cross_entropy``, batches gathered by
    ``index_select`` from a shuffled permutation (no DataLoader), the epoch loss accumulated."""

    name = "PyTorch"

    def __init__(self, X, y, hidden=HIDDEN):
        import torch

        self.torch = torch
        torch.manual_seed(0)
        sizes = layer_sizes(hidden)
        modules = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            modules += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        self.model = torch.nn.Sequential(*modules[:-1])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE)
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(np.ascontiguousarray(y, dtype=np.int64))
        self.generator = torch.Generator().manual_seed(0)
        self._epoch(self.X[:2 * BATCH * 8], self.y[:2 * BATCH * 8])  # warm-up

    def _epoch(self, X, y):
        torch = self.torch
        n = X.shape[0]
        order = torch.randperm(n, generator=self.generator)
        total = 0.0
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            xb, yb = X.index_select(0, idx), y.index_select(0, idx)
            self.optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(self.model(xb), yb)
            loss.backward()
            self.optimizer.step()
            total += loss.item() * idx.shape[0]
        return total / n

    def __call__(self):
        return timed(self._epoch, self.X, self.y)


# --------------------------------------------------------------------------------------------------
# The floor
class MatmulFloor:
    """Only the epoch's unavoidable matrix products, on preallocated float32 arrays of the same
    shapes: per batch 3 forward ``A @ W``, 3 weight gradients ``A.T @ dZ`` and 2 input gradients
    ``dZ @ W.T`` (the first layer needs none). Same batch sizes as the epoch, last short batch
    included."""

    name = "matrix products"

    def __init__(self, n_samples, hidden=HIDDEN, seed=0):
        rng = np.random.default_rng(seed)
        sizes = layer_sizes(hidden)
        self.batches = [min(BATCH, n_samples - s) for s in range(0, n_samples, BATCH)]
        self.W = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(sizes, sizes[1:])]
        self.gW = [np.empty_like(W) for W in self.W]
        self.sets = {}
        for m in set(self.batches):
            A = [rng.standard_normal((m, s), dtype=np.float32) for s in sizes]
            dZ = [rng.standard_normal((m, s), dtype=np.float32) for s in sizes]
            self.sets[m] = (A, dZ)
        self()  # warm-up

    def _epoch(self):
        W, gW = self.W, self.gW
        for m in self.batches:
            A, dZ = self.sets[m]
            for i in range(len(W)):
                np.matmul(A[i], W[i], out=A[i + 1])
            for i in reversed(range(len(W))):
                np.matmul(A[i].T, dZ[i + 1], out=gW[i])
                if i:
                    np.matmul(dZ[i + 1], W[i].T, out=dZ[i])

    def __call__(self):
        return timed(self._epoch)


# --------------------------------------------------------------------------------------------------
# The tutorial's neuron
TUTORIAL_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
TUTORIAL_Y = np.array([[0, 1, 1, 0]]).T


def bare_tutorial_loop(iterations):
    """The tutorial's nine lines, verbatim in substance; returns seconds for ``iterations``."""
    from numpy import array, dot, exp, random

    training_set_inputs, training_set_outputs = array(TUTORIAL_X), array(TUTORIAL_Y)
    random.seed(1)
    synaptic_weights = 2 * random.random((3, 1)) - 1
    start = time.perf_counter()
    for iteration in range(iterations):
        output = 1 / (1 + exp(-(dot(training_set_inputs, synaptic_weights))))
        synaptic_weights += dot(training_set_inputs.T,
                                (training_set_outputs - output) * output * (1 - output))
    elapsed = time.perf_counter() - start
    return elapsed, 1 / (1 + exp(-(dot(array([1, 0, 0]), synaptic_weights))))


def neuronet_tutorial(iterations):
    """``Neuron(3, seed=1).train(X, y, iterations)``; returns seconds and the new situation's answer."""
    neuron = nn.Neuron(n_inputs=3, seed=1)
    start = time.perf_counter()
    neuron.train(TUTORIAL_X, TUTORIAL_Y, iterations)
    elapsed = time.perf_counter() - start
    return elapsed, neuron.think([1, 0, 0])


# --------------------------------------------------------------------------------------------------
# Where a neuronet epoch goes
class EpochParts:
    """The parts of a neuronet epoch that are not matrix products, each timed alone over one epoch's
    worth of batches: the input checks ``fit`` makes, the gathering of shuffled batches, and the
    Adam updates. (What is left once these and the products are taken away is the activations, the
    loss, the bias gradients and Python.)"""

    def __init__(self, X, y):
        from neuronet.training import _Batches

        self.net = neuronet_network()
        self.X, self.y = X, y
        Xc, Y, _ = self.net.prepare(X, y)
        self.batches = _Batches(Xc, Y, None, BATCH, shuffle=True, rng=np.random.default_rng(0))
        self.net.optimizer.step()  # warm-up (the gradients are zeros: no harm done)

    def checks(self):
        return timed(self.net.prepare, self.X, self.y)

    def gather(self):
        return timed(lambda: [None for _ in self.batches])

    def adam(self):
        step = self.net.optimizer.step
        return timed(lambda: [step() for _ in range(self.batches.n_batches)])
