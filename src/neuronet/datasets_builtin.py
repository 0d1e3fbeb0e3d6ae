"""The two tiny tables of the tutorial story, as arrays: the neuron's truth table and XOR."""
from __future__ import annotations

import numpy as np

__all__ = ["tutorial", "xor"]


def tutorial():
    """The tutorial's training set: the output is the first input. X (4, 3) ints, y (4, 1) ints."""
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    y = np.array([[0, 1, 1, 0]]).T
    return X, y


def xor():
    """Exclusive or: X (4, 2), y (4,)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([0, 1, 1, 0])
    return X, y
