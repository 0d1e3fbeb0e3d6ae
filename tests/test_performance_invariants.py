"""What the fast path promises, checked without timing anything: buffers are reused, float32 stays
float32, the one-call loss-and-gradient forms agree with the separate ones, and the shortcuts taken
for speed (gathered batches, no weight copy per epoch for one full batch) change no result."""
import numpy as np
import pytest

import neuronet as nn
from neuronet.activations import ACTIVATIONS
from neuronet.losses import LOSSES
from neuronet.training import _Batches

OUTPUTS = [("softmax", "categorical_crossentropy"), ("sigmoid", "binary_crossentropy"),
           ("identity", "mse"), ("sigmoid", "sse"), ("tanh", "mse"), ("softmax", "mse")]


def _data(n=50, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    labels = rng.integers(0, n_out, n)
    return X, labels


def _net(output="softmax", loss=None, dtype="float64", optimizer=None, hidden="relu"):
    return nn.Network([nn.Dense(4, 6, activation=hidden), nn.Dense(6, 5, activation="tanh"),
                       nn.Dense(5, 3, activation=output)], loss=loss, dtype=dtype, seed=0,
                      optimizer=optimizer)


def _targets(output, labels):
    if output == "softmax":
        return labels
    return (np.eye(3)[labels] if output == "sigmoid" else np.eye(3)[labels] * 2.0 - 0.5)


def test_training_buffers_are_the_same_objects_from_batch_to_batch():
    X, y = _data(n=70)
    net = _net()
    seen = {i: set() for i in range(3)}

    class Watch(nn.Callback):
        def on_batch_end(self, net, batch, logs):
            for i in range(3):
                batch_buffers = net.layers[i]._batch
                seen[i].add((logs["size"], id(batch_buffers.Z), id(batch_buffers.A),
                             id(batch_buffers.dZ)))

    net.fit(X, y, epochs=4, batch_size=32, callbacks=[Watch()])  # batches of 32, 32 and 6
    for i in range(3):
        assert sorted(size for size, *_ in seen[i]) == [6, 32], seen[i]
    assert sorted(net.layers[0]._buffers) == [6, 32]
    assert net.layers[0]._batch.dX is None  # the first layer never computes dL/dX


def test_forward_in_training_writes_into_the_same_output_array():
    X, y = _data(n=16)
    net = _net()
    Xc, Y, _ = net.prepare(X, y)
    first = net.forward(Xc, training=True)
    kept = first.copy()
    second = net.forward(Xc[::-1].copy(), training=True)
    assert second is first                      # reused ...
    assert not np.array_equal(second, kept)     # ... and overwritten
    buffer = net.layers[-1].output_gradient_buffer(preactivation=True)
    net.loss_and_gradients(Xc, Y)
    assert net.layers[-1].output_gradient_buffer(preactivation=True) is buffer


@pytest.mark.parametrize("optimizer", [lambda: nn.Adam(1e-2), lambda: nn.SGD(0.05, momentum=0.9),
                                       lambda: nn.SGD(0.05, momentum=0.9, nesterov=True),
                                       lambda: nn.SGD(0.05, weight_decay=1e-3)])
@pytest.mark.parametrize("output,loss", OUTPUTS)
def test_float32_stays_float32_everywhere(output, loss, optimizer):
    X, labels = _data()
    net = _net(output, loss, dtype="float32", optimizer=optimizer())
    y = _targets(output, labels)
    net.fit(X, y, epochs=2, batch_size=16, sample_weight=np.linspace(0.5, 1.5, len(X)),
            validation_split=0.2)
    assert net.parameters.dtype == np.float32 and net.gradients.dtype == np.float32
    state = [v for k, v in vars(net.optimizer).items() if isinstance(v, np.ndarray)]
    assert state and all(a.dtype == np.float32 for a in state)
    for layer in net.layers:
        for name in ("Z", "A", "dZ", "dX", "dA"):
            array = getattr(layer._batch, name)
            assert array is None or array.dtype == np.float32, (layer, name)
    assert net.predict(X).dtype == np.float32
    loss_value, grads = net.loss_and_gradients(*net.prepare(X, y))
    assert type(loss_value) is float and grads.dtype == np.float32
    assert all(type(v) is float for v in net.history["loss"] + net.history["val_loss"])


@pytest.mark.parametrize("name", sorted(set(LOSSES) - {"cross_entropy", "log_loss"}))
@pytest.mark.parametrize("weighted", [False, True])
def test_value_and_gradient_match_the_separate_methods(name, weighted):
    rng = np.random.default_rng(1)
    P = rng.uniform(0.05, 0.95, size=(7, 3))
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(3)[rng.integers(0, 3, 7)]
    w = rng.uniform(0.5, 2.0, 7) if weighted else None
    loss = LOSSES[name]()
    out = np.empty_like(P)
    value, grad = loss.value_and_gradient(Y, P, w, out=out)
    assert grad is out
    assert value == pytest.approx(loss.value(Y, P, w), rel=1e-13)
    np.testing.assert_allclose(grad, loss.gradient(Y, P, w), rtol=1e-13)
    value_alloc, grad_alloc = loss.value_and_gradient(Y, P, w)
    np.testing.assert_array_equal(grad_alloc, grad)
    if loss.fused_activation:
        out2 = np.empty_like(P)
        # logits whose activation is P: softmax(log P) = P (rows sum to 1), sigmoid(logit P) = P
        Z = np.log(P) if loss.fused_activation == "softmax" else np.log(P / (1.0 - P))
        fused_value, dL_dZ = loss.fused_value_and_gradient(Y, Z, P, w, out=out2)
        assert dL_dZ is out2 and fused_value == pytest.approx(value, rel=1e-13)
        np.testing.assert_allclose(dL_dZ, loss.fused_gradient(Y, P, w), rtol=1e-13)


def test_relu_against_cached_zeros_is_still_max_z_0_and_activations_still_compare():
    relu = ACTIVATIONS["relu"]()
    for shape in [(5, 4), (3, 4), (5, 4), (2, 2), (1, 1), (6, 1)]:
        Z = np.random.default_rng(0).normal(size=shape)
        np.testing.assert_array_equal(relu.forward(Z, out=np.empty_like(Z)), np.maximum(Z, 0.0))
        assert relu.forward(Z.astype(np.float32), out=np.empty(shape, np.float32)).dtype == np.float32
    assert relu == ACTIVATIONS["relu"]() and len(relu._zeros) <= 4
    assert ACTIVATIONS["leaky_relu"](0.1) != ACTIVATIONS["leaky_relu"](0.2)


@pytest.mark.parametrize("weighted", [False, True])
def test_gathered_batches_equal_fancy_indexing(weighted):
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(23, 4)), rng.normal(size=(23, 2))
    w = rng.uniform(size=23) if weighted else None
    batches = _Batches(X, Y, w, 5, shuffle=True, rng=np.random.default_rng(7))
    order = np.arange(23)
    np.random.default_rng(7).shuffle(order)  # the same draw the batches make
    got = [(a.copy(), b.copy(), None if c is None else c.copy()) for a, b, c in batches]
    assert [len(a) for a, _, _ in got] == [5, 5, 5, 5, 3]
    for (Xb, Yb, wb), rows in zip(got, np.split(order, [5, 10, 15, 20])):
        np.testing.assert_array_equal(Xb, X[rows])
        np.testing.assert_array_equal(Yb, Y[rows])
        if weighted:
            np.testing.assert_array_equal(wb, w[rows])


def test_uniform_sample_weights_change_nothing_with_mini_batches():
    X, y = _data(n=40)
    plain = _net().fit(X, y, epochs=3, batch_size=16)
    weighted = _net().fit(X, y, epochs=3, batch_size=16, sample_weight=np.full(40, 2.0))
    np.testing.assert_allclose(weighted.parameters, plain.parameters, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(weighted.history["loss"], plain.history["loss"], rtol=1e-12)


def test_a_non_finite_loss_takes_no_step():
    net = nn.Network([nn.Dense(2, 1)], loss="mse", dtype="float32", optimizer=nn.SGD(0.1), seed=0)
    X = np.array([[3e38, 3e38]], dtype=np.float32)
    Y = np.zeros((1, 1), dtype=np.float32)
    net.layers[0].weights = [[1.0], [1.0]]
    before = net.get_flat_parameters()
    with np.errstate(over="ignore", invalid="ignore"):
        loss = net.train_step(X, Y)
    assert not np.isfinite(loss)
    np.testing.assert_array_equal(net.parameters, before)


def test_one_full_batch_history_is_the_loss_before_each_step():
    # The tutorial neuron: the first epoch's loss is that of the tutorial's starting weights.
    neuron = nn.Neuron(3, seed=1)
    X, y = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], [[0], [1], [1], [0]]
    start = neuron.weights.copy()
    P = 1 / (1 + np.exp(-(np.array(X) @ start)))
    neuron.train(X, y, 3)
    assert neuron.history["loss"][0] == pytest.approx(0.5 * float(((P - np.array(y)) ** 2).sum()),
                                                      rel=1e-14)
    assert len(neuron.history["loss"]) == 3


def test_dropout_reuses_its_buffers_and_keeps_its_random_stream():
    drop = nn.Dropout(0.3)
    drop.bind({}, {}, np.random.default_rng(5))
    X = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    Y1 = drop.forward(X, training=True)
    keep = np.random.default_rng(5).random((6, 4), dtype=np.float32) >= 0.3
    mask = keep.astype(np.float32) * (1.0 / 0.7)
    np.testing.assert_array_equal(Y1, X * mask)
    G = np.arange(24, dtype=np.float32).reshape(6, 4)
    dX1 = drop.backward(G)
    np.testing.assert_array_equal(dX1, G * mask)
    assert Y1.dtype == np.float32 and dX1.dtype == np.float32
    Y2 = drop.forward(X, training=True)
    assert Y2 is Y1 and drop.backward(G) is dX1
    assert drop.forward(X) is X  # prediction: nothing dropped, nothing copied


def test_training_continues_after_a_pickle_round_trip():
    import pickle

    X, y = _data(n=60)
    net = _net(optimizer=nn.Adam(1e-2)).fit(X, y, epochs=1, batch_size=16)
    copy = pickle.loads(pickle.dumps(net))
    net.fit(X, y, epochs=2, batch_size=16, shuffle=False)
    copy.fit(X, y, epochs=2, batch_size=16, shuffle=False)
    np.testing.assert_array_equal(copy.parameters, net.parameters)
    np.testing.assert_array_equal(copy.layers[0].weights, net.layers[0].weights)


def test_the_fast_path_keeps_the_tutorial_bit_for_bit():
    # The operation order in Sigmoid, SSE's gradient, X.T @ dZ and SGD's p -= g is what makes the
    # answer exact; a faster rearrangement that changed the last bit would fail here. (The middle
    # weight has differed from the tutorial's in its last bit since the first version: the tutorial
    # multiplies error * out first, Sigmoid.backward (1 - out) * out; that weight meets a 0 input.)
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    y = np.array([[0, 1, 1, 0]]).T
    rng = np.random.RandomState(1)
    w = 2 * rng.random_sample((3, 1)) - 1
    for _ in range(10_000):
        out = 1 / (1 + np.exp(-(X @ w)))
        w += X.T @ ((y - out) * out * (1 - out))
    bare = 1 / (1 + np.exp(-(np.array([1, 0, 0]) @ w)))
    neuron = nn.Neuron(3, seed=1).train(X, y, 10_000)
    assert neuron.think([1, 0, 0])[0] == bare[0] == 0.9999370428352157
    np.testing.assert_allclose(neuron.weights, w, rtol=1e-15)
