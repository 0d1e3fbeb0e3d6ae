"""Every mistake a user can make with fit/predict is a ValueError (or TypeError) that names it."""
import numpy as np
import pytest

import neuronet as nn


def regressor():
    return nn.Network([nn.Dense(3, 4, activation="tanh"), nn.Dense(4, 1)], seed=0)


def classifier():
    return nn.Network([nn.Dense(3, 4, activation="tanh"), nn.Dense(4, 3, activation="softmax")],
                      seed=0)


X = np.arange(12, dtype=float).reshape(4, 3)
y = np.array([0.0, 1.0, 0.5, 0.2])


@pytest.mark.parametrize("bad,match", [
    (np.where(X == 4, np.nan, X), r"NaN or infinite values \(row 1\)"),
    (np.where(X == 7, np.inf, X), r"NaN or infinite values \(row 2\)"),
    (np.where(X == 0, -np.inf, X), r"row 0"),
    (X[:, :2], r"2 features per sample, but the network's first layer expects 3"),
    (X.ravel(), r"must be 2-D.*reshape\(1, -1\)"),
    (X[None], r"must be 2-D"),
    (np.empty((0, 3)), r"empty"),
    ([["a", "b", "c"]] * 4, r"must be numeric"),
    ([[1, 2, 3], [1, 2]], r"rectangular"),
    (X + 1j, r"real-valued"),
])
def test_bad_X(bad, match):
    with pytest.raises(ValueError, match=match):
        regressor().fit(bad, y)
    with pytest.raises(ValueError, match=match):
        regressor().predict(bad)


@pytest.mark.parametrize("bad,match", [
    (y[:3], r"X has 4 samples but y has 3"),
    (np.append(y, 1.0), r"X has 4 samples but y has 5"),
    (np.ones((4, 2)), r"output layer has 1 unit: y must have shape \(4,\) or \(4, 1\)"),
    (np.ones((4, 1, 1)), r"y must have shape"),
    (np.array([0.0, np.nan, 1.0, 0.0]), r"y contains NaN"),
    (["a", "b", "c", "d"], r"y must be numeric"),
])
def test_bad_y_for_a_regressor(bad, match):
    with pytest.raises(ValueError, match=match):
        regressor().fit(X, bad)


def test_sigmoid_labels_outside_zero_one():
    net = nn.Network([nn.Dense(3, 1, activation="sigmoid")])
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\] for a sigmoid output; row 2"):
        net.fit(X, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="row 0"):
        net.fit(X, [-1, 1, 1, 0])


def test_softmax_label_problems():
    with pytest.raises(ValueError, match=r"y has 4 classes .* but the softmax output has 3 units"):
        classifier().fit(X, ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"name all of them with classes=\[...\] \(fit, prepare\) "
                                         r"or give y as one-hot rows"):
        classifier().fit(X, ["a", "b", "a", "b"])
    net = classifier().fit(X, ["a", "b", "c", "a"])
    with pytest.raises(ValueError, match=r"labels the network does not know: 'z'"):
        net.fit(X, ["a", "b", "z", "a"])
    with pytest.raises(ValueError, match=r"classes has 2 distinct labels"):
        classifier().fit(X, ["a", "b", "a", "b"], classes=["a", "b"])
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\] for a softmax output"):
        classifier().fit(X, np.full((4, 3), 2.0))


def test_classes_given_up_front():
    net = classifier().fit(X, ["a", "b", "a", "b"], classes=["a", "b", "c"])
    assert list(net.classes_) == ["a", "b", "c"]


@pytest.mark.parametrize("make,match", [
    (lambda: nn.Dense(3, 4, activation="swish"), r"unknown activation 'swish'; known: .*relu.*sigmoid"),
    (lambda: nn.Network([nn.Dense(3, 1)], loss="hinge"), r"unknown loss 'hinge'; known: .*mse.*sse"),
    (lambda: nn.Network([nn.Dense(3, 1)], init="ones"), r"unknown initializer 'ones'; known: .*glorot.*he"),
    (lambda: nn.Network([nn.Dense(3, 1)], optimizer="rmsprop"), r"unknown optimizer 'rmsprop'; known: adam, sgd"),
    (lambda: nn.Network([nn.Dense(3, 1)], dtype="float16"), r"dtype must be 'float32' or 'float64'"),
    (lambda: nn.Network([nn.Dense(3, 4), nn.Dense(5, 1)]), r"do not chain: Dense\(3, 4.* gives 4 outputs"),
    (lambda: nn.Dense(0, 3), r"n_in must be a positive integer"),
    (lambda: nn.Dense(3, 2.5), r"n_out must be a positive integer"),
    (lambda: nn.Dropout(1.0), r"rate must be in \[0, 1\)"),
    (lambda: nn.Network([]), r"non-empty list"),
])
def test_bad_construction(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("kwargs,match", [
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"epochs": 2.5}, "epochs must be a positive integer"),
    ({"batch_size": -1}, "batch_size must be a positive integer"),
    ({"validation_split": 1.0}, r"validation_split must be in \[0, 1\)"),
    ({"validation_split": 0.1, "validation_data": (X, y)}, "not both"),
    ({"validation_data": (X[:, :2], y)}, "validation X has 2 features"),
    ({"validation_data": (X, y[:2])}, "X has 4 samples but y has 2"),
    ({"validation_data": X}, r"validation_data must be \(X_val, y_val\)"),
    ({"sample_weight": [1, 2]}, r"sample_weight must have shape \(4,\)"),
    ({"sample_weight": [1, -1, 1, 1]}, "must not be negative"),
    ({"sample_weight": [0, 0, 0, 0]}, "sums to 0"),
    ({"patience": 0}, "patience must be a positive integer"),
    ({"callbacks": [print]}, "callbacks must be neuronet.Callback"),
])
def test_bad_fit_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        regressor().fit(X, y, **kwargs)


def test_writing_weights_of_the_wrong_shape_or_with_nan():
    net = regressor()
    with pytest.raises(ValueError, match=r"weights must have shape \(3, 4\), got \(4, 3\)"):
        net.layers[0].weights = np.zeros((4, 3))
    with pytest.raises(ValueError, match="NaN"):
        net.layers[0].bias = [np.nan] * 4
    with pytest.raises(ValueError, match="bias=False"):
        nn.Dense(2, 2, bias=False).bias = [0.0, 0.0]
    with pytest.raises(ValueError, match=r"shape \(21,\), got \(3,\)"):
        net.set_flat_parameters(np.zeros(3))


def test_predict_proba_on_a_regressor():
    with pytest.raises(ValueError, match="softmax or sigmoid output"):
        regressor().predict_proba(X)


def test_a_failed_fit_leaves_the_network_untouched():
    net = regressor()
    before = net.get_flat_parameters()
    with pytest.raises(ValueError):
        net.fit(np.where(X == 4, np.nan, X), y)
    np.testing.assert_array_equal(net.parameters, before)
    assert net.history["loss"] == []


@pytest.mark.parametrize("output,loss", [("sigmoid", "categorical_crossentropy"),
                                         ("identity", "binary_crossentropy"),
                                         ("relu", "categorical_crossentropy")])
def test_losses_that_need_probabilities_refuse_other_outputs(output, loss):
    with pytest.raises(ValueError, match=rf"loss '{loss}' needs probabilities from a .*softmax "
                                         rf"output layer, but the last layer's activation is '{output}'"):
        nn.Network([nn.Dense(3, 2, activation=output)], loss=loss)


def test_built_in_activations_cannot_be_replaced():
    with pytest.raises(ValueError, match="'relu' is a built-in activation"):
        nn.register_activation("relu", np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    assert nn.Network([nn.Dense(1, 1, activation="relu")]).layers[0].activation.name == "relu"


def test_low_level_passes_refuse_targets_of_another_shape():
    net = regressor()
    Xc, Y, _ = net.prepare(X, y)
    with pytest.raises(ValueError, match=r"targets of shape \(4,\) do not match the network's "
                                         r"outputs \(4, 1\); validate them with net.prepare"):
        net.evaluate_loss(Xc, y)
    with pytest.raises(ValueError, match="net.prepare"):
        net.loss_and_gradients(Xc, y)
    assert np.isfinite(net.evaluate_loss(Xc, Y))


def test_neuron_names_its_iterations():
    with pytest.raises(ValueError, match="number of training iterations must be a positive integer, "
                                         "got 0"):
        nn.Neuron(3).train([[0, 0, 1]], [[0]], 0)
