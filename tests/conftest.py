"""Shared fixtures: the tutorial's table and small seeded data sets."""
import numpy as np
import pytest


@pytest.fixture
def tutorial_data():
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    y = np.array([[0, 1, 1, 0]]).T
    return X, y


@pytest.fixture
def three_blobs():
    """Three Gaussian clusters in 2-D, 50 points each, labelled with strings."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 3.0], [3.0, -1.0], [-3.0, -1.0]])
    X = np.vstack([c + rng.normal(scale=0.6, size=(50, 2)) for c in centres])
    y = np.repeat(np.array(["north", "east", "west"]), 50)
    return X, y
