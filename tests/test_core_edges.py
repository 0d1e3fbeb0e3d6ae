"""Edges of the core maths found by review: targets a softmax gradient cannot use, zero sample
weights, which weights early stopping restores, the L2 penalty in a summed loss's history,
initialize() and the optimizer, and the argument checks of gradcheck and the metrics."""
import numpy as np
import pytest

import neuronet as nn
from neuronet.metrics import confusion_matrix, regression_metrics


# --- softmax targets ------------------------------------------------------------------------------
@pytest.mark.parametrize("Y, row, total", [
    ([[1, 1, 0], [0, 1, 0]], 0, "2"),            # multi-hot: a multilabel y on a softmax output
    ([[1, 0, 0], [0.5, 0.2, 0.1]], 1, "0.8"),     # soft labels that were never normalised
])
def test_softmax_rows_that_do_not_sum_to_one_are_refused(Y, row, total):
    net = nn.Network([nn.Dense(2, 3, activation="softmax")], seed=0)
    with pytest.raises(ValueError, match=rf"must sum to 1; row {row} sums to {total} .*sigmoid"):
        net.fit(np.ones((2, 2)), np.array(Y, dtype=float))


def test_softmax_probability_rows_that_sum_to_one_train_and_pass_gradcheck():
    rng = np.random.default_rng(0)
    Y = rng.dirichlet(np.ones(3), size=6).astype(np.float32)      # sums to 1 in float32 rounding
    net = nn.Network([nn.Dense(4, 5, activation="tanh"), nn.Dense(5, 3, activation="softmax")],
                     seed=0, dtype="float32")
    net.fit(rng.normal(size=(6, 4)), Y, epochs=2)
    net64 = nn.Network([nn.Dense(4, 5, activation="tanh"), nn.Dense(5, 3, activation="softmax")],
                       seed=0)
    assert max(nn.gradcheck(net64, rng.normal(size=(6, 4)), Y.astype(float)).values()) < 1e-6


# --- zero sample weights ---------------------------------------------------------------------------
def test_a_batch_whose_rows_all_weigh_zero_is_skipped_not_a_zero_division():
    X = np.arange(8.0).reshape(4, 2)
    w = [1.0, 1.0, 0.0, 0.0]
    net = nn.Network([nn.Dense(2, 2, activation="softmax")], seed=0)
    net.fit(X, [0, 1, 0, 1], batch_size=2, shuffle=False, sample_weight=w, epochs=3)
    # the same as training on the weighted rows alone: the zero-weight batch takes no step
    alone = nn.Network([nn.Dense(2, 2, activation="softmax")], seed=0)
    alone.fit(X[:2], [0, 1], batch_size=2, shuffle=False, epochs=3)
    np.testing.assert_array_equal(net.parameters, alone.parameters)
    assert net.history["loss"] == alone.history["loss"]


def test_batch_size_one_with_zero_weights_trains_as_the_weighted_rows_do():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    w = np.array([1.0, 0.0] * 5)
    net = nn.Network([nn.Dense(3, 1)], loss="mse", seed=0)
    net.fit(X, y, batch_size=1, sample_weight=w, epochs=4, shuffle=False)
    alone = nn.Network([nn.Dense(3, 1)], loss="mse", seed=0)     # the weighted rows only
    alone.fit(X[::2], y[::2], batch_size=1, epochs=4, shuffle=False)
    np.testing.assert_array_equal(net.parameters, alone.parameters)
    np.testing.assert_allclose(net.history["loss"], alone.history["loss"], rtol=1e-14)


def test_a_validation_split_with_only_zero_weights_on_one_side_is_refused():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=10)
    net = nn.Network([nn.Dense(2, 1)], loss="mse", seed=3)
    with pytest.raises(ValueError, match=r"validation_split=0.2: every (held-out|training) row "
                                         r"drawn has sample_weight 0"):
        net.fit(X, y, validation_split=0.2, sample_weight=[1.0] * 5 + [0.0] * 5)


def test_sklearn_classifier_with_zero_weights_and_batch_size_one():
    pytest.importorskip("sklearn")
    from neuronet.sklearn import NeuronetClassifier

    X = np.arange(8.0).reshape(4, 2)
    clf = NeuronetClassifier(hidden_layer_sizes=(3,), batch_size=1, max_iter=2, random_state=0)
    with pytest.warns(Warning):                                      # not converged in 2 epochs
        clf.fit(X, [0, 1, 0, 1], sample_weight=[1.0, 1.0, 0.0, 0.0])
    assert np.all(np.isfinite(clf.loss_curve_))


def test_a_loss_over_rows_that_all_weigh_zero_is_a_value_error():
    with pytest.raises(ValueError, match="sample_weight sums to 0"):
        nn.losses.MSE().value(np.ones((2, 1)), np.zeros((2, 1)), np.zeros(2))


# --- early stopping ---------------------------------------------------------------------------------
def test_early_stopping_on_the_training_loss_restores_the_weights_whose_loss_was_best():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * [1.0, 1.0, 3.0]
    y = X @ [1.0, -2.0, 0.5]
    net = nn.Network([nn.Dense(3, 1)], loss="mse", optimizer=nn.SGD(learning_rate=0.3), seed=0)
    net.fit(X, y, epochs=100, patience=3)                 # diverging slowly: epoch 1 is the best
    assert net.stopped_ == "early_stopping"
    assert net.evaluate(X, y)["loss"] == pytest.approx(min(net.history["loss"]), rel=1e-12)


def test_early_stopping_on_the_validation_loss_restores_the_weights_it_measured():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(scale=2.0, size=60)
    Xv, yv = X[:20], y[:20]
    net = nn.Network([nn.Dense(3, 32, activation="tanh"), nn.Dense(32, 1)], loss="mse",
                     optimizer=nn.Adam(learning_rate=0.05), seed=0)
    net.fit(X[20:], y[20:], epochs=300, validation_data=(Xv, yv), patience=5)
    assert net.stopped_ == "early_stopping"
    assert net.evaluate(Xv, yv)["loss"] == pytest.approx(np.nanmin(net.history["val_loss"]),
                                                         rel=1e-12)


# --- the L2 penalty in a summed loss --------------------------------------------------------------
@pytest.mark.parametrize("batch_size", [None, 5, 1])
@pytest.mark.parametrize("weights", [None, [1.0] * 10 + [0.0] * 5 + [2.0] * 5])
def test_sse_history_holds_the_l2_penalty_once_per_epoch(batch_size, weights):
    """Also when a batch's rows all weigh 0: a summed loss steps through it (penalty and all)."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    net = nn.Network([nn.Dense(3, 3, activation="tanh"), nn.Dense(3, 1)], loss="sse",
                     optimizer=nn.SGD(learning_rate=1e-12, weight_decay=0.5), seed=0)
    net.layers[0].weights = np.full((3, 3), 2.0)          # a large penalty: 0.25 * 36 = 9
    net.fit(X, y, batch_size=batch_size, shuffle=False, sample_weight=weights)  # hardly moves
    expected = net.evaluate(X, y, sample_weight=weights)["loss"]
    assert net.history["loss"][0] == pytest.approx(expected, rel=1e-9)


def test_a_summed_loss_steps_through_a_zero_weight_batch_with_momentum_and_decay():
    X, y = np.eye(4, 3), np.array([1.0, 0.0, 1.0, 0.0])
    w = np.array([1.0, 1.0, 0.0, 0.0])

    def trained(sample_weight, rows):
        net = nn.Network([nn.Dense(3, 1, activation="sigmoid")], loss="sse", seed=0,
                         optimizer=nn.SGD(learning_rate=0.5, momentum=0.9, weight_decay=0.1))
        net.fit(X[rows], y[rows], sample_weight=sample_weight, batch_size=2, epochs=3,
                shuffle=False)
        return net.parameters

    moved = trained(w, slice(None))
    skipped = trained(None, slice(0, 2))                # what skipping the zero batch would give
    assert not np.allclose(moved, skipped)              # its step (decay, momentum) is taken


# --- initialize -----------------------------------------------------------------------------------
def test_initialize_resets_the_optimizer_so_training_starts_afresh():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)

    def network():
        return nn.Network([nn.Dense(4, 8, activation="relu"), nn.Dense(8, 3, activation="softmax")],
                          seed=0)

    used = network()
    used.fit(X, y, epochs=50)
    used.initialize("glorot")
    assert used.optimizer.t == 0 and not used.optimizer._m_scaled.any()
    fresh = network()
    fresh.parameters = used.parameters
    used.fit(X, y, epochs=1, shuffle=False)
    fresh.fit(X, y, epochs=1, shuffle=False)
    np.testing.assert_array_equal(used.parameters, fresh.parameters)
    assert len(used.history["loss"]) == 51                 # the record is kept


# --- argument checks ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, message", [
    ({"epsilon": 0}, ValueError, "epsilon must be a finite number greater than 0"),
    ({"epsilon": -1e-6}, ValueError, "epsilon must be a finite number greater than 0"),
    ({"epsilon": "a"}, TypeError, "epsilon must be a number"),
    ({"floor": 0.0}, ValueError, "floor must be a finite number greater than 0"),
])
def test_gradcheck_names_a_bad_step(kwargs, error, message):
    net = nn.Network([nn.Dense(2, 1)], loss="mse", seed=0)
    with pytest.raises(error, match=message):
        nn.gradcheck(net, np.ones((3, 2)), np.ones(3), **kwargs)


def test_gradcheck_needs_a_network():
    with pytest.raises(TypeError, match="net must be a neuronet Network, got NoneType"):
        nn.gradcheck(None, np.ones((3, 2)), np.ones(3))


def test_regression_metrics_refuse_shapes_that_would_broadcast():
    y = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"same shape, got \(3, 1\) and \(3,\)"):
        regression_metrics(y[:, None], y)


def test_r2_of_a_constant_target_is_one_when_predicted_exactly_as_in_scikit_learn():
    assert regression_metrics([2.0, 2.0], [2.0, 2.0])["r2"] == 1.0
    assert regression_metrics([2.0, 2.0], [2.0, 3.0])["r2"] == 0.0


def test_confusion_matrix_refuses_positions_outside_the_classes():
    with pytest.raises(ValueError, match=r"true_index must hold class positions 0 .. 1"):
        confusion_matrix([0, -1], [0, 1], 2)
    with pytest.raises(ValueError, match=r"pred_index must hold class positions 0 .. 1"):
        confusion_matrix([0, 1], [0, 2], 2)
    np.testing.assert_array_equal(confusion_matrix([0, 1, 1], [0, 1, 0], 2), [[1, 0], [1, 1]])


def test_text_labels_on_a_sigmoid_output_point_to_0_1_or_softmax():
    net = nn.Network([nn.Dense(2, 1, activation="sigmoid")], seed=0)
    with pytest.raises(ValueError, match=r"y must be numeric; .*: a sigmoid output takes numbers in "
                                         r"\[0, 1\]; encode the labels as 0/1, or use a softmax"):
        net.fit(np.ones((3, 2)), ["yes", "no", "yes"])


def test_network_and_model_save_as_keras_users_expect(tmp_path):
    rng = np.random.default_rng(0)
    net = nn.Network([nn.Dense(3, 2, activation="softmax")], seed=0)
    net.fit(rng.normal(size=(8, 3)), [0, 1] * 4, epochs=2)
    assert net.save(tmp_path / "n.nn") == str(tmp_path / "n.nn")
    np.testing.assert_array_equal(nn.load(tmp_path / "n.nn").parameters, net.parameters)
    model = nn.Model.for_table({"x": [0.0, 1.0, 2.0, 3.0], "y": ["a", "b", "a", "b"]}, "y")
    model.save(tmp_path / "m.nn")
    assert nn.load(tmp_path / "m.nn").classes_.tolist() == ["a", "b"]


@pytest.mark.parametrize("build, error, message", [
    (lambda: nn.Adam(beta1="0.9"), TypeError, "Adam beta1 must be a number"),
    (lambda: nn.activations.LeakyReLU("a"), TypeError, "leaky_relu slope must be a number"),
    (lambda: setattr(nn.Dense(1, 1), "weights", [["a"]]), ValueError, "weights must be numeric"),
    (lambda: setattr(nn.Network([nn.Dense(1, 1)], dtype="float32").layers[0], "weights", [[1e39]]),
     ValueError, "weights must be finite float32 numbers"),
    (lambda: nn.Network([nn.Dense(2, 1)], loss="mse").fit(np.ones((2, 2)), [1.0, 2.0],
                                                           shuffle="no"),
     TypeError, "shuffle must be True or False, got 'no'"),
])
def test_settings_of_the_wrong_type_are_named(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_a_probability_of_exactly_one_half_is_class_0_everywhere_as_in_scikit_learn():
    net = nn.Network([nn.Dense(1, 1, activation="sigmoid")], seed=0)
    net.layers[0].weights, net.layers[0].bias = [[0.0]], [0.0]          # P = 0.5 exactly
    assert net.predict_proba([[1.0]]).tolist() == [[0.5, 0.5]]
    assert net.predict_classes([[1.0], [2.0]]).tolist() == [0, 0]
    assert net.evaluate([[1.0]], [0])["accuracy"] == 1.0
    pytest.importorskip("sklearn")
    from neuronet.sklearn import NeuronetClassifier
    with pytest.warns(Warning, match="Maximum iterations"):
        clf = NeuronetClassifier((1,), max_iter=1, random_state=0).fit([[0.0], [1.0]], [0, 1])
    for W in (*clf.coefs_, *clf.intercepts_):
        W[...] = 0.0
    assert clf.predict_proba([[1.0]]).tolist() == [[0.5, 0.5]]
    assert clf.predict([[1.0]]).tolist() == [0]
