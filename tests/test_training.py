"""Behaviour of training: it learns, it is repeatable, it validates, stops early and reports."""
import re
import warnings

import numpy as np
import pytest

import neuronet as nn


def xor_network(seed=1, **kw):
    return nn.Network([nn.Dense(2, 4, activation="tanh"), nn.Dense(4, 1, activation="sigmoid")],
                      optimizer=nn.Adam(learning_rate=0.05), seed=seed, **kw)


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
XOR_y = np.array([0, 1, 1, 0])


def test_two_four_one_network_learns_xor():
    net = xor_network().fit(XOR_X, XOR_y, epochs=500)
    np.testing.assert_array_equal(net.predict_classes(XOR_X), XOR_y)
    assert net.history["loss"][-1] < 0.05


def test_a_single_neuron_cannot_learn_xor():
    net = nn.Network([nn.Dense(2, 1, activation="sigmoid")], optimizer=nn.Adam(0.05), seed=1)
    net.fit(XOR_X, XOR_y, epochs=500)
    assert (net.predict_classes(XOR_X) == XOR_y).mean() <= 0.75


def test_softmax_network_separates_three_labelled_classes(three_blobs):
    X, y = three_blobs
    net = nn.Network([nn.Dense(2, 8, activation="relu"), nn.Dense(8, 3, activation="softmax")],
                     optimizer=nn.Adam(0.05), seed=0)
    net.fit(X, y, epochs=60, batch_size=16)
    assert list(net.classes_) == ["east", "north", "west"]
    predicted = net.predict_classes(X)
    assert predicted.dtype.kind == "U" and (predicted == y).mean() > 0.97
    proba = net.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert net.evaluate(X, y)["accuracy"] > 0.97


def test_loss_falls(three_blobs):
    X, y = three_blobs
    net = nn.Network([nn.Dense(2, 8, activation="tanh"), nn.Dense(8, 3, activation="softmax")],
                     optimizer=nn.SGD(0.1, momentum=0.9), seed=0).fit(X, y, epochs=20, batch_size=32)
    losses = net.history["loss"]
    assert len(losses) == 20 and losses[-1] < 0.3 * losses[0]


def test_same_seed_same_result_different_seed_different_result(three_blobs):
    X, y = three_blobs

    def trained(seed):
        net = nn.Network([nn.Dense(2, 8, activation="relu"), nn.Dropout(0.2),
                          nn.Dense(8, 3, activation="softmax")], seed=seed)
        return net.fit(X, y, epochs=3, batch_size=10, validation_split=0.2).parameters

    np.testing.assert_array_equal(trained(5), trained(5))
    assert not np.array_equal(trained(5), trained(6))


def test_mini_batches_are_reshuffled_each_epoch():
    orders = []

    class Recorder(nn.Callback):
        def on_batch_end(self, net, batch, logs):
            orders.append(net.layers[0]._X[:, 0].copy())

    X = np.arange(10, dtype=float).reshape(-1, 1)
    net = nn.Network([nn.Dense(1, 1)], seed=0)
    net.fit(X, X[:, 0], epochs=2, batch_size=10, callbacks=[Recorder()])
    net.fit(X, X[:, 0], epochs=2, batch_size=4, callbacks=[Recorder()])
    np.testing.assert_array_equal(orders[0], np.arange(10))  # one whole batch: in order
    first, second = np.concatenate(orders[2:5]), np.concatenate(orders[5:8])
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert not np.array_equal(first, second)


def test_callbacks_see_every_batch_and_epoch(three_blobs):
    X, y = three_blobs
    seen = {"begin": [], "batch": 0, "epoch": [], "end": []}
    cb = nn.LambdaCallback(
        on_train_begin=lambda net, logs: seen["begin"].append(logs),
        on_batch_end=lambda net, batch, logs: seen.__setitem__("batch", seen["batch"] + 1),
        on_epoch_end=lambda net, epoch, logs: seen["epoch"].append((epoch, sorted(logs))),
        on_train_end=lambda net, logs: seen["end"].append(logs))
    net = nn.Network([nn.Dense(2, 3, activation="softmax")], seed=0)
    net.fit(X, y, epochs=3, batch_size=50, validation_data=(X[:30], y[:30]), callbacks=[cb])
    assert seen["begin"] == [{"epochs": 3, "n_batches": 3, "n_samples": 150}]
    assert seen["batch"] == 9
    assert seen["epoch"] == [(e, ["loss", "val_loss"]) for e in (1, 2, 3)]
    assert seen["end"] == [{"epochs_run": 3, "stopped": "completed"}]
    assert len(net.history["val_loss"]) == 3


def test_stop_training_from_a_callback_stops_after_the_current_batch(three_blobs):
    X, y = three_blobs
    batches = []

    class StopAfterTwo(nn.Callback):
        def on_batch_end(self, net, batch, logs):
            batches.append(batch)
            if len(batches) == 2:
                net.stop_training = True

    net = nn.Network([nn.Dense(2, 3, activation="softmax")], seed=0)
    net.fit(X, y, epochs=10, batch_size=10, callbacks=[StopAfterTwo()])
    assert batches == [0, 1] and net.stopped_ == "interrupted" and len(net.history["loss"]) == 1


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    y = rng.normal(size=40)                       # noise: validation loss soon rises
    Xv, yv = rng.normal(size=(20, 5)), rng.normal(size=20)
    snapshots = {}

    class Snap(nn.Callback):
        def on_epoch_end(self, net, epoch, logs):
            snapshots[epoch] = (logs["val_loss"], net.get_flat_parameters())

    net = nn.Network([nn.Dense(5, 32, activation="relu"), nn.Dense(32, 1)],
                     optimizer=nn.Adam(0.05), seed=0)
    net.fit(X, y, epochs=300, validation_data=(Xv, yv), patience=5, callbacks=[Snap()])
    assert net.stopped_ == "early_stopping"
    assert len(snapshots) < 300
    best_epoch = min(snapshots, key=lambda e: snapshots[e][0])
    assert net.best_epoch_ == best_epoch
    assert max(snapshots) == best_epoch + 5
    np.testing.assert_array_equal(net.parameters, snapshots[best_epoch][1])


def test_validation_split_holds_out_rows(three_blobs):
    X, y = three_blobs
    net = nn.Network([nn.Dense(2, 3, activation="softmax")], seed=0)
    sizes = []
    net.fit(X, y, epochs=1, validation_split=0.2,
            callbacks=[nn.LambdaCallback(on_train_begin=lambda n, logs: sizes.append(logs["n_samples"]))])
    assert sizes == [120] and len(net.history["val_loss"]) == 1


@pytest.mark.parametrize("batch_size", [None, 2])
def test_divergence_stops_with_a_clear_error_and_keeps_the_last_finite_weights(batch_size):
    X = np.array([[1.0, 2.0], [3.0, 4.0], [-2.0, 1.0]]) * 1e3
    y = np.array([1.0, -1.0, 2.0]) * 1e3
    net = nn.Network([nn.Dense(2, 4, activation="relu"), nn.Dense(4, 1)],
                     optimizer=nn.SGD(learning_rate=10.0), seed=0)
    starts = [net.get_flat_parameters()]          # starts[k]: the weights at the start of epoch k + 1
    cb = nn.LambdaCallback(on_epoch_end=lambda n, e, logs: starts.append(n.get_flat_parameters()))
    with pytest.raises(nn.TrainingDiverged, match="smaller learning rate") as info:
        net.fit(X, y, epochs=100, batch_size=batch_size, shuffle=False, callbacks=[cb])
    assert isinstance(info.value, ValueError)
    epoch = int(re.search(r"restored to those at the start of epoch (\d+), the epoch with the "
                          r"lowest training loss", str(info.value)).group(1))
    np.testing.assert_array_equal(net.parameters, starts[epoch - 1])
    assert len(starts) >= 2                        # it did train before diverging
    losses = net.history["loss"]
    assert np.isfinite(losses[:-1]).all() and epoch == int(np.argmin(losses[:len(starts) - 1])) + 1
    # the weights kept are sensible ones, not merely finite
    assert net.evaluate(X, y)["loss"] <= min(losses) * (1.0 + 1e-12) or batch_size is not None
    assert np.all(np.abs(net.predict(X)) < 1e6)


def test_divergence_through_huge_finite_losses_goes_back_to_the_lowest():
    """A run whose loss explodes through 1e100 before becoming infinite must not keep those weights."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * 1e3
    y = X @ np.array([1.0, -2.0, 0.5])
    net = nn.Network([nn.Dense(3, 8, activation="tanh"), nn.Dense(8, 1)],
                     optimizer=nn.SGD(learning_rate=1e3), seed=0)
    start = net.get_flat_parameters()
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # and NumPy prints nothing on the way
        with pytest.raises(nn.TrainingDiverged, match="lowest training loss"):
            net.fit(X, y, epochs=200)
    assert max(net.history["loss"][:-1]) > 1e20       # it did pass through huge finite losses
    np.testing.assert_array_equal(net.parameters, start)   # the first epoch had the lowest loss


def test_divergence_of_the_starting_weights_says_so():
    net = nn.Network([nn.Dense(1, 1)], seed=0)
    net.layers[0].weights = [[1e200]]
    before = net.get_flat_parameters()
    with pytest.raises(nn.TrainingDiverged, match="left as training found them"):
        net.fit([[1e200]], [0.0], epochs=3)
    np.testing.assert_array_equal(net.parameters, before)


def test_float32_end_to_end(three_blobs):
    X, y = three_blobs
    net = nn.Network([nn.Dense(2, 8, activation="relu"), nn.Dense(8, 3, activation="softmax")],
                     optimizer=nn.Adam(0.01), seed=0, dtype="float32")
    net.fit(X, y, epochs=5, batch_size=32)   # float64 input is converted once, at the door
    assert net.parameters.dtype == np.float32 and net.gradients.dtype == np.float32
    assert net.optimizer._m_scaled.dtype == np.float32 and net.optimizer._v_scaled.dtype == np.float32
    for layer in net.layers:
        assert layer.weights.dtype == np.float32 and layer.bias.dtype == np.float32
    assert net.predict(X).dtype == np.float32
    assert net.predict(X.astype(np.float32)).dtype == np.float32
    assert isinstance(net.history["loss"][-1], float)


def test_fit_continues_and_history_accumulates():
    net = xor_network()
    net.fit(XOR_X, XOR_y, epochs=3)
    net.fit(XOR_X, XOR_y, epochs=2)
    assert len(net.history["loss"]) == 5


def test_weight_decay_shrinks_weights():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 4)), rng.normal(size=50)
    plain = nn.Network([nn.Dense(4, 1)], optimizer=nn.SGD(0.1), seed=0).fit(X, y, epochs=50)
    decayed = nn.Network([nn.Dense(4, 1)], optimizer=nn.SGD(0.1, weight_decay=1.0),
                         seed=0).fit(X, y, epochs=50)
    assert np.abs(decayed.layers[0].weights).sum() < 0.7 * np.abs(plain.layers[0].weights).sum()


def test_sample_weight_changes_what_is_learned():
    X = np.array([[0.0], [0.0]])
    y = np.array([0.0, 1.0])
    net = nn.Network([nn.Dense(1, 1)], optimizer=nn.Adam(0.1), seed=0)
    net.fit(X, y, epochs=300, sample_weight=[1.0, 3.0])
    assert net.predict([[0.0]])[0, 0] == pytest.approx(0.75, abs=0.01)


def test_initializers_and_repr():
    glorot = nn.Network([nn.Dense(100, 50, activation="tanh")], seed=0)
    he = nn.Network([nn.Dense(100, 50, activation="relu")], seed=0)
    assert np.abs(glorot.layers[0].weights).max() <= np.sqrt(6 / 150)
    assert np.abs(he.layers[0].weights).max() > np.sqrt(6 / 150)
    assert np.abs(he.layers[0].weights).max() <= np.sqrt(6 / 100)
    assert "Dense(100, 50, activation='relu')" in repr(he)
    assert "5,050" in he.summary()


def test_predict_does_not_disturb_training_buffers(three_blobs):
    X, y = three_blobs
    net = nn.Network([nn.Dense(2, 4, activation="relu"), nn.Dense(4, 3, activation="softmax")], seed=0)
    P1 = net.predict(X)
    P2 = net.predict(X[:10])
    np.testing.assert_array_equal(P1[:10], P2)
    assert not np.shares_memory(P1, P2)


def test_pickle_round_trip_keeps_training_in_step():
    import pickle
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, size=20)
    net = nn.Network([nn.Dense(3, 4, activation="relu"), nn.Dropout(0.1),
                      nn.Dense(4, 2, activation="softmax")], seed=0).fit(X, y, epochs=2, batch_size=5)
    copy = pickle.loads(pickle.dumps(net))
    for layer in (copy.layers[0], copy.layers[2]):   # views into the flat vector again
        assert np.shares_memory(layer.weights, copy.parameters)
        assert np.shares_memory(layer.grad_weights, copy.gradients)
    np.testing.assert_array_equal(copy.predict(X), net.predict(X))
    net.fit(X, y, epochs=3, batch_size=5)
    copy.fit(X, y, epochs=3, batch_size=5)       # same optimizer state, same random stream
    np.testing.assert_array_equal(copy.parameters, net.parameters)
    assert not hasattr(pickle.loads(pickle.dumps(net.layers[0])), "_X")  # no batch caches pickled
