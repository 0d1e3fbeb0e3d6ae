"""Backprop against central differences, for every activation and every loss, with and without bias."""
import zlib

import numpy as np
import pytest

import neuronet as nn
import neuronet.losses
from neuronet.activations import ACTIVATIONS

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
# (output activation, loss): every loss, fused and unfused forms of the cross-entropies
OUTPUTS = [("identity", "sse"), ("identity", "mse"), ("tanh", "mse"), ("relu", "sse"),
           ("leaky_relu", "mse"), ("sigmoid", "mse"), ("sigmoid", "binary_crossentropy"),
           ("softmax", "categorical_crossentropy"), ("softmax", "binary_crossentropy"),
           ("softmax", "sse")]

TOLERANCE = 1e-6


def data_for(output, rng, n=7, n_out=3):
    X = rng.normal(size=(n, 4))
    if output in ("softmax", "sigmoid"):
        Y = np.eye(n_out)[rng.integers(0, n_out, size=n)]
    else:
        Y = rng.normal(size=(n, n_out))
    return X, Y


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("output,loss", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_gradients_match_central_differences(hidden, output, loss, bias):
    rng = np.random.default_rng(zlib.crc32(f"{hidden}{output}{loss}{bias}".encode()))
    net = nn.Network([nn.Dense(4, 5, activation=hidden, bias=bias),
                      nn.Dense(5, 3, activation=output, bias=bias)], loss=loss, seed=3)
    X, Y = data_for(output, rng)
    report = nn.gradcheck(net, X, Y)
    assert len(report) == 2
    assert max(report.values()) < TOLERANCE, report


@pytest.mark.parametrize("output,loss", OUTPUTS)
def test_gradients_with_sample_weight_and_weight_decay(output, loss):
    rng = np.random.default_rng(7)
    net = nn.Network([nn.Dense(4, 6, activation="tanh"), nn.Dense(6, 3, activation=output)],
                     loss=loss, optimizer=nn.Adam(weight_decay=0.3), seed=0)
    X, Y = data_for(output, rng)
    weights = rng.uniform(0.1, 3.0, size=X.shape[0])
    assert max(nn.gradcheck(net, X, Y, sample_weight=weights).values()) < TOLERANCE


def test_single_output_sigmoid_with_binary_labels():
    rng = np.random.default_rng(1)
    net = nn.Network([nn.Dense(3, 4, activation="relu"), nn.Dense(4, 1, activation="sigmoid")], seed=1)
    X, y = rng.normal(size=(9, 3)), rng.integers(0, 2, size=9)
    assert max(nn.gradcheck(net, X, y).values()) < TOLERANCE


def test_custom_activation_is_checked_and_a_wrong_derivative_is_caught():
    nn.register_activation("softplus_test", lambda z: np.log1p(np.exp(z)),
                           lambda z: 1 / (1 + np.exp(-z)))
    nn.register_activation("softplus_wrong", lambda z: np.log1p(np.exp(z)),
                           lambda z: np.exp(-z))
    try:
        rng = np.random.default_rng(2)
        X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
        good = nn.Network([nn.Dense(2, 3, activation="softplus_test"), nn.Dense(3, 1)], seed=0)
        assert max(nn.gradcheck(good, X, Y).values()) < TOLERANCE
        bad = nn.Network([nn.Dense(2, 3, activation="softplus_wrong"), nn.Dense(3, 1)], seed=0)
        report = nn.gradcheck(bad, X, Y)
        assert report[next(iter(report))] > 1e-2   # the first layer's gradient is wrong
    finally:
        ACTIVATIONS.pop("softplus_test")
        ACTIVATIONS.pop("softplus_wrong")


def test_gradcheck_leaves_parameters_untouched_and_refuses_float32():
    net = nn.Network([nn.Dense(2, 2, activation="tanh"), nn.Dense(2, 1)], seed=0)
    before = net.get_flat_parameters()
    nn.gradcheck(net, np.ones((3, 2)), np.zeros(3))
    np.testing.assert_array_equal(net.parameters, before)
    small = nn.Network([nn.Dense(2, 1)], dtype="float32")
    with pytest.raises(ValueError, match="float64"):
        nn.gradcheck(small, np.ones((3, 2)), np.zeros(3))


def test_sigmoid_is_stable_for_huge_inputs():
    act = ACTIVATIONS["sigmoid"]()
    for dtype in (np.float64, np.float32):
        Z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]], dtype=dtype)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            A = act.forward(Z, out=np.empty_like(Z))
        assert A.dtype == dtype
        assert np.all(np.isfinite(A)) and A[0, 2] == 0.5
        assert A[0, 0] < 1e-30 and A[0, -1] == 1.0


def test_softmax_rows_sum_to_one_for_huge_logits():
    act = ACTIVATIONS["softmax"]()
    Z = np.array([[1000.0, 1000.0, -1000.0], [0.0, 1.0, 2.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = act.forward(Z, out=np.empty_like(Z))
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[0], [0.5, 0.5, 0.0])


def test_fused_cross_entropy_is_finite_when_the_network_is_certain():
    net = nn.Network([nn.Dense(2, 2, activation="softmax")], seed=0)
    net.layers[0].weights = [[800.0, -800.0], [0.0, 0.0]]
    X, y = np.array([[1.0, 0.0]]), np.array([1])  # certain of class 0, the answer is class 1
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grads = net.loss_and_gradients(*net.prepare(X, y, classes=[0, 1]))
    assert loss == pytest.approx(1600.0, rel=1e-12)      # logsumexp(Z) - Z[1] = 800 - (-800)
    np.testing.assert_allclose(grads[:2], [1.0, -1.0])  # dL/dW row 0 = x0 * (P - Y)


class UnfusedCrossEntropy(nn.losses.CategoricalCrossEntropy):
    """The same loss, but taking the long way: dL/dP through the softmax Jacobian."""
    fused_activation = None


def test_unfused_cross_entropy_path_agrees_with_the_fused_one():
    rng = np.random.default_rng(11)
    X, Y = data_for("softmax", rng)
    fused = nn.Network([nn.Dense(4, 5, activation="tanh"), nn.Dense(5, 3, activation="softmax")],
                       seed=4)
    unfused = nn.Network([nn.Dense(4, 5, activation="tanh"), nn.Dense(5, 3, activation="softmax")],
                         loss=UnfusedCrossEntropy(), seed=4)
    assert max(nn.gradcheck(unfused, X, Y).values()) < TOLERANCE
    loss_a, grads_a = fused.loss_and_gradients(X, Y)
    loss_b, grads_b = unfused.loss_and_gradients(X, Y)
    assert loss_a == pytest.approx(loss_b, rel=1e-14)
    np.testing.assert_allclose(grads_a, grads_b, rtol=1e-10, atol=1e-14)


class SmoothedCrossEntropy(nn.losses.CategoricalCrossEntropy):
    """Label smoothing: its own value and fused gradient, on targets 0.9 Y + 0.1 / k."""
    name = "smoothed"

    def value(self, Y, P, sample_weight=None):
        return super().value(0.9 * Y + 0.1 / Y.shape[1], P, sample_weight)

    def fused_gradient(self, Y, P, sample_weight=None, out=None):
        return super().fused_gradient(0.9 * Y + 0.1 / Y.shape[1], P, sample_weight, out)


class FusedByHand(nn.Loss):
    """A cross-entropy written from the base class, fused with softmax by its attribute alone."""
    name = "fused_by_hand"
    fused_activation = "softmax"

    def value(self, Y, P, sample_weight=None):
        return -float(np.sum(Y * np.log(P))) / P.shape[0]

    def gradient(self, Y, P, sample_weight=None):
        return -Y / P / P.shape[0]


@pytest.mark.parametrize("loss", [SmoothedCrossEntropy(), FusedByHand()])
def test_a_custom_fused_loss_is_trained_reported_and_checked_with_its_own_value(loss):
    rng = np.random.default_rng(13)
    X, Y = data_for("softmax", rng)
    net = nn.Network([nn.Dense(4, 5, activation="tanh"), nn.Dense(5, 3, activation="softmax")],
                     loss=loss, seed=4)
    before = loss.value(Y, net.predict(X))
    net.fit(X, Y, epochs=1, batch_size=None)
    assert net.history["loss"] == [pytest.approx(before, rel=1e-14)]
    assert net.evaluate(X, Y)["loss"] == pytest.approx(loss.value(Y, net.predict(X)), rel=1e-14)
    assert max(nn.gradcheck(net, X, Y).values()) < TOLERANCE


def test_gradcheck_switches_dropout_off_and_restores_it():
    rng = np.random.default_rng(12)
    X, Y = rng.normal(size=(6, 4)), rng.normal(size=(6, 2))
    net = nn.Network([nn.Dense(4, 8, activation="relu"), nn.Dropout(0.5), nn.Dense(8, 2)], seed=0)
    first, second = nn.gradcheck(net, X, Y), nn.gradcheck(net, X, Y)
    assert first == second and max(first.values()) < TOLERANCE
    assert net.layers[1].rate == 0.5


def test_gradcheck_passes_on_a_correct_network_whose_output_is_saturated():
    """The loss from the logits has the slope backprop computes; one from P clipped at eps had none."""
    for activation, loss in (("sigmoid", "binary_crossentropy"), ("softmax", "categorical_crossentropy")):
        n_out = 1 if activation == "sigmoid" else 2
        net = nn.Network([nn.Dense(1, n_out, activation=activation)], loss=loss, seed=0)
        net.layers[0].weights = [[40.0] * n_out] if n_out == 1 else [[40.0, -40.0]]
        X = np.array([[1.0]])
        Y = np.array([[0.0]]) if n_out == 1 else np.array([[0.0, 1.0]])
        assert max(nn.gradcheck(net, X, Y).values()) < TOLERANCE


def test_gradcheck_leaves_classes_as_they_were():
    net = nn.Network([nn.Dense(2, 2, activation="softmax")], seed=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    assert max(nn.gradcheck(net, X, ["a", "b", "a", "b"]).values()) < TOLERANCE
    assert net.classes_ is None                         # fit may still learn labels of its own
    net.fit(X, [3, 4, 3, 4], epochs=1)
    assert net.classes_.tolist() == [3, 4]


class SummedCrossEntropy(nn.Loss):
    """A custom fused loss summed over the batch: the base fused gradient must not average it."""
    name = "summed_ce"
    fused_activation = "softmax"
    reduction = "sum"

    def value(self, Y, P, sample_weight=None):
        w = 1.0 if sample_weight is None else sample_weight[:, None]
        return -float(np.sum(w * Y * np.log(P)))


def test_a_custom_summed_fused_loss_gets_the_summed_gradient():
    rng = np.random.default_rng(14)
    X, Y = data_for("softmax", rng)
    net = nn.Network([nn.Dense(4, 5, activation="tanh"), nn.Dense(5, 3, activation="softmax")],
                     loss=SummedCrossEntropy(), seed=4)
    assert max(nn.gradcheck(net, X, Y).values()) < TOLERANCE
    w = np.r_[np.zeros(X.shape[0] // 2), np.ones(X.shape[0] - X.shape[0] // 2)]
    assert max(nn.gradcheck(net, X, Y, sample_weight=w).values()) < TOLERANCE
