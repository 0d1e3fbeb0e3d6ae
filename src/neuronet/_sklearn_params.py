"""The estimators' hyper-parameters: their checks (one table) and their shared documentation.

scikit-learn checks parameters in ``fit``, never in ``__init__`` (``clone`` and ``set_params`` must accept
anything). :func:`check_params` runs every rule of :data:`RULES` and raises a ValueError or TypeError
naming the parameter at fault.
"""
from __future__ import annotations

import numbers

import numpy as np

from .activations import get_activation

__all__ = ["RULES", "check_params", "hidden_sizes", "per_layer", "PARAMETERS_DOC"]


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _positive_int(name, value):
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _real_in(low, high, low_closed=True, high_closed=False):
    def rule(name, value):
        if not _is_real(value):
            raise TypeError(f"{name} must be a real number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        ok_low = value >= low if low_closed else value > low
        ok_high = high is None or (value <= high if high_closed else value < high)
        if not (ok_low and ok_high):
            upper = "inf)" if high is None else f"{high:g}{']' if high_closed else ')'}"
            interval = f"{'[' if low_closed else '('}{low:g}, {upper}"
            raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return rule


def _one_of(*choices):
    def rule(name, value):
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return rule


def _solver(name, value):
    if value == "lbfgs":
        raise ValueError("solver='lbfgs' is not available: neuronet trains by mini-batch gradient "
                         "descent; use solver='adam' (the default) or solver='sgd'")
    _one_of("adam", "sgd")(name, value)


def _batch_size(name, value):
    if value != "auto":
        _positive_int(name, value)


def _bool(name, value):
    if not isinstance(value, (bool, np.bool_, numbers.Integral)):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def _loss(name, value):
    if isinstance(value, str) and value == "squared_error":
        return
    hint = (" (hidden layer sizes go in hidden_layer_sizes=, the second positional argument, "
            "as in MLPRegressor)" if not isinstance(value, str) else
            "; MLPRegressor's 'poisson' is not available" if value == "poisson" else "")
    raise ValueError(f"{name} must be 'squared_error', got {value!r}{hint}")


def _random_state(name, value):
    if value is None or (_is_int(value) and value >= 0) or isinstance(
            value, (np.random.RandomState, np.random.Generator)):
        return
    raise ValueError(f"{name} must be None, an int >= 0, a numpy RandomState or Generator; got "
                     f"{value!r}")


def _dtype(name, value):
    try:
        ok = value is None or np.dtype(value).name in ("float64", "float32")
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must be 'float64', 'float32' or None (follow X), or np.float64, "
                         f"np.float32; got {value!r}")


def _class_weight(name, value):
    if value is None or (isinstance(value, str) and value == "balanced"):
        return
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be None, 'balanced' or a dict {{label: weight}}, got {value!r}")
    for label, weight in value.items():
        if not _is_real(weight):
            raise TypeError(f"{name}[{label!r}] must be a number, got {weight!r}")
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(f"{name}[{label!r}] must be a finite number >= 0, got {weight!r}")


def hidden_sizes(value):
    """``hidden_layer_sizes`` as a list of positive ints (an int means one hidden layer)."""
    sizes = [value] if _is_int(value) else value
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"hidden_layer_sizes must be an int or a sequence of ints, got {value!r}") from None
    if not all(_is_int(s) and s > 0 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must hold positive integers, got {value!r}")
    return [int(s) for s in sizes]


def per_layer(name, value, n_hidden):
    """One value per hidden layer: a scalar (or a string) repeats, a sequence must have ``n_hidden``."""
    if isinstance(value, (str, numbers.Real)) or not hasattr(value, "__len__"):
        return [value] * n_hidden
    values = list(value)
    if len(values) != n_hidden:
        raise ValueError(f"{name} has {len(values)} entries but there are {n_hidden} hidden layers "
                         f"(hidden_layer_sizes); give one value, or one per hidden layer")
    return values


def _activation(name, value):
    # the length against hidden_layer_sizes is checked when the network is built
    for item in ([value] if isinstance(value, str) or not hasattr(value, "__len__") else value):
        try:
            activation = get_activation(item)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{name}: {err}") from None
        if activation.name == "softmax":  # as MLPClassifier: softmax belongs to the output layer
            raise ValueError(f"{name}: 'softmax' is an output activation, not one for hidden layers; "
                             "the classifier puts it on the output layer itself")


def _dropout(name, value):
    for item in ([value] if _is_real(value) or not hasattr(value, "__len__") else value):
        _real_in(0.0, 1.0)(name, item)


#: Parameter name -> rule(name, value) raising ValueError/TypeError. Used by both estimators.
RULES = {
    "hidden_layer_sizes": lambda name, value: hidden_sizes(value),
    "activation": _activation,
    "solver": _solver,
    "alpha": _real_in(0.0, None),
    "batch_size": _batch_size,
    "learning_rate": _one_of("constant", "invscaling", "adaptive"),
    "learning_rate_init": _real_in(0.0, None, low_closed=False),
    "power_t": _real_in(0.0, None),
    "max_iter": _positive_int,
    "shuffle": _bool,
    "random_state": _random_state,
    "tol": _real_in(0.0, None),
    "verbose": _bool,
    "warm_start": _bool,
    "momentum": _real_in(0.0, 1.0),
    "nesterovs_momentum": _bool,
    "early_stopping": _bool,
    "validation_fraction": _real_in(0.0, 1.0, low_closed=False),
    "beta_1": _real_in(0.0, 1.0),
    "beta_2": _real_in(0.0, 1.0),
    "epsilon": _real_in(0.0, None, low_closed=False),
    "n_iter_no_change": _positive_int,
    "max_fun": _positive_int,
    "dropout": _dropout,
    "dtype": _dtype,
    "class_weight": _class_weight,
    "loss": _loss,
}


def check_params(estimator):
    """Check every parameter of ``estimator`` that :data:`RULES` knows; raise on the first bad one."""
    for name, value in estimator.get_params(deep=False).items():
        rule = RULES.get(name)
        if rule is not None:
            rule(name, value)


PARAMETERS_DOC = """
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Units of each hidden layer; ``()`` gives a network without hidden layers.
    activation : str or sequence of str, default="relu"
        Hidden-layer activation: ``"identity"``, ``"logistic"``, ``"tanh"``, ``"relu"`` (as in
        MLPClassifier), ``"leaky_relu"``, or any name registered with
        :func:`neuronet.register_activation`. A sequence gives one per hidden layer.
    solver : {"adam", "sgd"}, default="adam"
        ``"lbfgs"`` is refused: training is mini-batch gradient descent through ``Network.fit``.
    alpha : float, default=1e-4
        L2 penalty, scaled as in MLPClassifier: ``alpha / 2 * sum(W**2)`` divided by the (weighted)
        number of samples in the batch. It becomes the optimizer's ``weight_decay``
        ``= alpha / (batch_size * mean(sample_weight))``; exact for full batches, and for every batch of
        full size when there are no sample weights.
    batch_size : int or "auto", default="auto"
        Rows per step; ``"auto"`` is ``min(200, n_samples)``. Larger values are clipped (with a warning).
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule, for ``solver="sgd"`` only (as in MLPClassifier).
    learning_rate_init : float, default=1e-3
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule: ``lr = learning_rate_init / (t + 1) ** power_t``
        with ``t`` the number of samples seen.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Reshuffle the rows before every epoch.
    random_state : int, RandomState, Generator or None, default=None
        Seeds initialization, shuffling, the validation split and dropout.
    tol : float, default=1e-4
        Training stops when the training loss (or, with ``early_stopping``, the validation score) has
        not improved by ``tol`` for more than ``n_iter_no_change`` epochs in a row.
    verbose : bool, default=False
        Log each epoch's loss (and validation score) to the ``"neuronet.sklearn"`` logger at INFO
        level; library code never prints. To see them: ``logging.basicConfig(level=logging.INFO)``.
    warm_start : bool, default=False
        ``fit`` continues from the current network instead of starting afresh.
    momentum : float, default=0.9
        For ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        For ``solver="sgd"`` with ``momentum > 0``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (stratified for single-output classifiers), stop
        when the validation score (accuracy or R^2) stops improving, and keep the best weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's moment decay rates and its numerical-stability constant.
    n_iter_no_change : int, default=10
    max_fun : int, default=15000
        Accepted so that MLPClassifier's parameters carry over; like there, it only concerns
        ``solver="lbfgs"``, which neuronet does not offer, so it has no effect.
    dropout : float or sequence of float, default=0.0
        Dropout rate after each hidden layer (one value for all, or one per hidden layer).
    dtype : {"float64", "float32"} or None, default="float64"
        Precision of the network and of every array it computes with; ``None`` follows ``X``
        (float32 stays float32, as MLPClassifier does).
"""
