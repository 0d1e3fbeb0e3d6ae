"""Numerical gradient checking: does backprop agree with central differences?

For every parameter ``p``, ``dL/dp ~ (L(p + h) - L(p - h)) / (2h)``, with an error of order ``h**2``.
For each layer the report gives the worst difference between the two, relative to the layer's largest
gradient: ``max|analytic - numeric| / max(max|analytic|, max|numeric|, floor)``. A correct backward pass
gives ~1e-8 or less in float64; a wrong derivative gives something of order 1.
"""
from __future__ import annotations

import numpy as np

from .layers import Dropout
from .validation import check_positive

__all__ = ["gradcheck"]


def gradcheck(net, X, y, sample_weight=None, epsilon=1e-6, floor=1e-10):
    """Compare ``net``'s backprop gradients with central differences on ``(X, y)``.

    Parameters
    ----------
    net : Network
        Must be float64 (float32 differences are too coarse to tell anything). Dropout layers are
        switched off during the check.
    X, y, sample_weight : as for ``Network.fit``
    epsilon : float
        The step ``h``.
    floor : float
        Keeps the relative error finite for a layer whose gradients are all ~0.

    Returns
    -------
    dict
        ``{"layer 0 Dense(3, 4, ...)": worst relative error, ...}`` for every layer with parameters.
        The network is left exactly as it was: its parameters, and its ``classes_`` (labels ``y``
        of a network that has not seen any are read for this check only).
    """
    from .network import Network

    if not isinstance(net, Network):
        raise TypeError(f"net must be a neuronet Network, got {type(net).__name__}")
    epsilon, floor = check_positive("epsilon", epsilon), check_positive("floor", floor)
    if net.dtype != np.float64:
        raise ValueError("gradcheck needs a float64 network; build it with dtype='float64'")
    classes = net.classes_
    try:
        X, Y, w = net.prepare(X, y, sample_weight)
    finally:
        net.classes_ = classes
    # Dropout draws a new mask on every pass, which no finite difference could follow: switch it off.
    dropouts = [(layer, layer.rate) for layer in net.layers if isinstance(layer, Dropout)]
    for layer, _ in dropouts:
        layer.rate = 0.0
    try:
        return _check(net, X, Y, w, epsilon, floor)
    finally:
        for layer, rate in dropouts:
            layer.rate = rate


def _check(net, X, Y, w, epsilon, floor):
    params = net.parameters
    saved = params.copy()
    _, grads = net.loss_and_gradients(X, Y, w)
    analytic = grads.copy()
    numeric = np.empty_like(analytic)
    with np.errstate(over="ignore", under="ignore"):
        for i in range(params.size):
            params[i] = saved[i] + epsilon
            plus = net.evaluate_loss(X, Y, w)
            params[i] = saved[i] - epsilon
            minus = net.evaluate_loss(X, Y, w)
            params[i] = saved[i]
            numeric[i] = (plus - minus) / (2.0 * epsilon)
    params[...] = saved
    report, offset = {}, 0
    for index, layer in enumerate(net.layers):
        size = sum(int(np.prod(shape)) for _, shape in layer.parameter_shapes())
        if size:
            a, n = analytic[offset:offset + size], numeric[offset:offset + size]
            scale = max(np.abs(a).max(), np.abs(n).max(), floor)
            report[f"layer {index} {layer!r}"] = float(np.abs(a - n).max() / scale)
        offset += size
    return report
