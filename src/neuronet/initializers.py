"""Weight initializers: how a layer's first weights are drawn.

Each initializer is a function ``init(n_in, n_out, activation_name, rng) -> array (n_in, n_out)``.

- ``"tutorial"``: ``2 * random_sample((n_in, n_out)) - 1`` from one legacy ``RandomState(seed)``, layer
  after layer, exactly as the tutorial's hand-written code draws them;
- ``"glorot"``: uniform on ``±sqrt(6 / (n_in + n_out))`` (Glorot & Bengio, 2010), for sigmoid, tanh,
  softmax and identity layers;
- ``"he"``: uniform on ``±sqrt(6 / n_in)`` (He et al., 2015), for ReLU-like layers;
- ``"auto"`` (the default): ``"he"`` for relu/leaky_relu, ``"glorot"`` otherwise.

Biases always start at zero.
"""
from __future__ import annotations

import numpy as np

__all__ = ["INITIALIZERS", "get_initializer", "make_rng"]


def tutorial(n_in, n_out, activation_name, rng):
    """The tutorial's ``2 * random.random((n_in, n_out)) - 1``; ``rng`` is a ``RandomState``."""
    return 2 * rng.random_sample((n_in, n_out)) - 1


def glorot(n_in, n_out, activation_name, rng):
    """Glorot/Xavier uniform: keeps the variance of signals and gradients equal across the layer."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he(n_in, n_out, activation_name, rng):
    """He/Kaiming uniform: twice Glorot's variance, because ReLU zeroes half of its inputs."""
    limit = np.sqrt(6.0 / n_in)
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def auto(n_in, n_out, activation_name, rng):
    """He for ReLU-like layers, Glorot for the rest."""
    chosen = he if activation_name in ("relu", "leaky_relu") else glorot
    return chosen(n_in, n_out, activation_name, rng)


INITIALIZERS = {"tutorial": tutorial, "glorot": glorot, "xavier": glorot, "he": he, "auto": auto}


def get_initializer(init):
    """Resolve a name (see ``INITIALIZERS``) or a callable with the initializer signature."""
    if callable(init):
        return init
    if isinstance(init, str) and init in INITIALIZERS:
        return INITIALIZERS[init]
    raise ValueError(f"unknown initializer {init!r}; known: {', '.join(sorted(INITIALIZERS))}")


def make_rng(init, seed):
    """The random source an initializer draws from: legacy ``RandomState`` for the tutorial, else a Generator.

    The tutorial's weights come from ``np.random.seed(seed)`` and its draw order, so ``"tutorial"``
    needs an int seed in [0, 2**32) (or None); a Generator cannot replay that order.
    """
    follows_tutorial = init is tutorial or (isinstance(init, str) and init == "tutorial")
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, np.random.Generator):
        if follows_tutorial:
            raise ValueError(f"init='tutorial' draws from NumPy's legacy RandomState(seed), in the "
                             f"tutorial's order, so seed must be an int, got {seed!r}")
        return seed
    if follows_tutorial:
        if seed is not None and not 0 <= seed < 2**32:
            raise ValueError(f"init='tutorial' seeds NumPy's legacy RandomState, which takes seeds "
                             f"in [0, 2**32), got {seed!r}")
        return np.random.RandomState(seed)
    return np.random.default_rng(seed)
