"""Guards on Network and its parts that a new user runs into: shared layers, writing ``parameters``,
missing labels, seeds and settings of the wrong type, and history across fits."""
import copy
import gc
import math
import pickle
import warnings

import numpy as np
import pytest

import neuronet as nn

rng = np.random.default_rng(0)
X = rng.normal(size=(60, 3))
y = X @ np.array([1.0, 2.0, 3.0])


def make_layers():
    return [nn.Dense(3, 16, activation="tanh"), nn.Dense(16, 1)]


def classifier(n_classes=3, **kwargs):
    return nn.Network([nn.Dense(2, 8, activation="relu"),
                       nn.Dense(8, n_classes, activation="softmax")], seed=0, **kwargs)


# --------------------------------------------------------------------------------------------------
# 1. A layer belongs to one network


def test_a_second_network_from_the_same_layers_is_refused_and_the_first_keeps_working():
    layers = make_layers()
    first = nn.Network(layers, optimizer=nn.Adam(0.05), seed=0)
    before = first.predict(X)
    with pytest.raises(ValueError, match=r"layer 1 Dense\(3, 16, activation='tanh'\) already belongs "
                                         r"to another Network that is still alive .*; create new layers for each network"):
        nn.Network(layers, optimizer=nn.Adam(0.01), seed=1)
    np.testing.assert_array_equal(first.predict(X), before)
    # The first network's layers still read its own vector, so training it changes what it predicts.
    assert np.shares_memory(first.layers[0].weights, first.parameters)
    first.fit(X, y, epochs=30, batch_size=20)
    assert first.history["loss"][-1] < first.history["loss"][0]
    assert not np.array_equal(first.predict(X), before)


def test_one_layer_object_listed_twice_is_refused_naming_both_positions():
    dense = nn.Dense(4, 4, activation="tanh")
    with pytest.raises(ValueError, match=r"layers 1 and 2 are the same "
                                         r"Dense\(4, 4, activation='tanh'\) object"):
        nn.Network([dense, dense, nn.Dense(4, 1)])
    drop = nn.Dropout(0.2)
    with pytest.raises(ValueError, match=r"layers 2 and 4 are the same Dropout\(0.2\) object"):
        nn.Network([nn.Dense(3, 4), drop, nn.Dense(4, 4), drop, nn.Dense(4, 1)])


def test_layers_are_free_again_when_building_failed_or_their_network_is_gone():
    layers = make_layers()
    taken = nn.Adam()
    nn.Network([nn.Dense(3, 1)], optimizer=taken)
    with pytest.raises(ValueError, match="already belongs to another network") as caught:
        nn.Network(layers, optimizer=taken)            # the optimizer's guard, not the layers'
    # The traceback (as a console's sys.last_traceback would) keeps the half-built network alive,
    # but it never claimed the layers.
    assert caught.tb is not None
    net = nn.Network(layers, seed=0)
    assert all(layer.network is net for layer in layers)
    del net
    gc.collect()
    assert nn.Network(layers, seed=0).layers[1] is layers[1]


@pytest.mark.parametrize("duplicate", [lambda net: pickle.loads(pickle.dumps(net)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_a_copied_network_owns_new_layers_and_both_train_independently(duplicate):
    net = nn.Network([nn.Dense(3, 8, activation="tanh"), nn.Dropout(0.1), nn.Dense(8, 1)], seed=0)
    net.fit(X, y, epochs=2, batch_size=20)
    twin = duplicate(net)
    assert all(layer.network is twin for layer in twin.layers)
    assert all(layer.network is net for layer in net.layers)
    before = net.get_flat_parameters()
    twin.fit(X, y, epochs=3, batch_size=20)
    np.testing.assert_array_equal(net.parameters, before)
    net.fit(X, y, epochs=3, batch_size=20)
    np.testing.assert_array_equal(net.parameters, twin.parameters)   # same seed state, same steps
    with pytest.raises(ValueError, match="already belongs to another Network"):
        nn.Network(twin.layers)


def test_a_shallow_copy_and_rebinding_a_networks_own_layers_are_allowed():
    net = nn.Network(make_layers(), seed=0)
    twin = copy.copy(net)
    assert all(layer.network is twin for layer in twin.layers)
    net._bind_parameters()                 # what a network does to re-lay its own layers
    net.initialize()
    net.fit(X, y, epochs=2)
    assert np.shares_memory(net.layers[0].weights, net.parameters)


def test_the_layers_of_a_loaded_model_belong_to_it(tmp_path):
    net = nn.Network(make_layers(), seed=0).fit(X, y, epochs=2)
    nn.save(net, tmp_path / "net.nn")
    loaded = nn.load(tmp_path / "net.nn")
    assert all(layer.network is loaded for layer in loaded.layers)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


# --------------------------------------------------------------------------------------------------
# 2. net.parameters = vector


def test_assigning_parameters_copies_into_the_live_vector():
    net = nn.Network(make_layers(), seed=0)
    live = net.parameters
    assert net.parameters is live                       # the getter gives the vector, not a copy
    new = np.random.default_rng(1).normal(size=net.n_parameters)
    net.parameters = new
    assert net.parameters is live
    np.testing.assert_array_equal(live, new)
    W0 = new[:3 * 16].reshape(3, 16)
    np.testing.assert_array_equal(net.layers[0].weights, W0)
    expected = np.tanh(X @ W0 + new[48:64]) @ new[64:80].reshape(16, 1) + new[80]
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-12)
    net.fit(X, y, epochs=1)                             # the optimizer steps the same vector
    assert net.parameters is live and not np.array_equal(live, new)


def test_assigning_parameters_checks_shape_values_and_keeps_float32():
    net = nn.Network(make_layers(), seed=0, dtype="float32")
    with pytest.raises(ValueError, match=r"parameters must have shape \(81,\), got \(3,\)"):
        net.parameters = np.zeros(3)
    with pytest.raises(ValueError, match=r"finite float32 numbers; position 5 holds nan"):
        net.parameters = np.where(np.arange(81) == 5, np.nan, 0.0)
    with pytest.raises(ValueError, match=r"finite float32 numbers; position 2 holds 1e\+39"):
        net.parameters = np.where(np.arange(81) == 2, 1e39, 0.0)
    net.parameters = np.full(81, 0.5)                   # float64 values, cast to the network's float32
    assert net.parameters.dtype == np.float32 and net.layers[0].weights.dtype == np.float32
    assert (net.parameters == 0.5).all()


# --------------------------------------------------------------------------------------------------
# 3. Missing labels


@pytest.mark.parametrize("missing", [None, np.nan], ids=["None", "NaN"])
def test_missing_labels_are_refused_not_made_a_class(missing):
    labels = np.array(["pos", "neg"] * 5, dtype=object)
    labels[[3, 7]] = missing
    with pytest.raises(ValueError, match=r"y contains missing labels, None or NaN \(rows 3, 7\)"):
        classifier().fit(X[:10, :2], labels)


def test_missing_labels_in_a_pandas_column_are_refused():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1]})
    frame["label"] = np.where(frame.a > 0, "pos", "neg")
    frame.loc[[3, 7], "label"] = np.nan
    with pytest.raises(ValueError, match=r"missing labels.*\(rows 3, 7\)"):
        classifier(2).fit(frame[["a", "b"]], frame["label"])
    frame["label"] = frame["label"].astype("string")       # pandas.NA
    with pytest.raises(ValueError, match=r"missing labels.*\(rows 3, 7\)"):
        classifier(2).fit(frame[["a", "b"]], frame["label"])


# --------------------------------------------------------------------------------------------------
# 4. and 5. Seeds and settings of the wrong kind


def test_the_tutorial_initializer_needs_an_int_seed():
    with pytest.raises(ValueError, match=r"init='tutorial' .*RandomState.*seed must be an int, "
                                         r"got Generator"):
        nn.Network([nn.Dense(3, 1, activation="sigmoid", bias=False)], init="tutorial",
                   seed=np.random.default_rng(1))
    with pytest.raises(ValueError, match=r"init='tutorial'.*\[0, 2\*\*32\)"):
        nn.Neuron(seed=2**40)


@pytest.mark.parametrize("seed,error,match", [
    ("x", TypeError, r"seed must be an int, a numpy Generator or None, got 'x'"),
    (1.5, TypeError, r"seed must be an int, a numpy Generator or None, got 1.5"),
    (True, TypeError, r"seed must be an int.*got True"),
    (-1, ValueError, r"seed must be 0 or greater, got -1"),
])
def test_bad_seeds_are_named(seed, error, match):
    with pytest.raises(error, match=match):
        nn.Network(make_layers(), seed=seed)


@pytest.mark.parametrize("kwargs,error,match", [
    ({"validation_split": None}, TypeError, r"validation_split must be a number in \[0, 1\), got None"),
    ({"validation_split": "abc"}, TypeError, r"validation_split must be a number in \[0, 1\), got 'abc'"),
    ({"validation_split": "0.2"}, TypeError, r"validation_split must be a number in \[0, 1\), got '0.2'"),
    ({"validation_split": float("nan")}, ValueError, r"validation_split must be in \[0, 1\)"),
    ({"min_delta": None}, TypeError, r"min_delta must be a number, got None"),
    ({"min_delta": "x"}, TypeError, r"min_delta must be a number, got 'x'"),
    ({"min_delta": -0.1}, ValueError, r"min_delta must be a finite number, 0 or greater, got -0.1"),
    ({"callbacks": lambda net, epoch, logs: None}, TypeError,
     r"callbacks must be a list of neuronet.Callback instances, got <function.*LambdaCallback"),
    ({"callbacks": [print]}, TypeError,
     r"callbacks must be neuronet.Callback instances, got <built-in function print>.*LambdaCallback"),
    ({"callbacks": nn.Callback()}, TypeError,
     r"callbacks must be a list of .*\(put a single one in a list: callbacks=\[cb\]\)"),
    ({"callbacks": 3}, TypeError, r"callbacks must be a list of neuronet.Callback instances, got 3$"),
])
def test_bad_fit_settings_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.Network(make_layers(), seed=0).fit(X, y, **kwargs)


def test_callbacks_in_a_tuple_are_called():
    epochs = []
    callback = nn.LambdaCallback(on_epoch_end=lambda net, epoch, logs: epochs.append(epoch))
    nn.Network(make_layers(), seed=0).fit(X, y, epochs=3, callbacks=(callback,))
    assert epochs == [1, 2, 3]


@pytest.mark.parametrize("make,error,match", [
    (lambda: nn.Dropout(None), TypeError, r"Dropout rate must be a number in \[0, 1\), got None"),
    (lambda: nn.Dropout("x"), TypeError, r"Dropout rate must be a number in \[0, 1\), got 'x'"),
    (lambda: nn.Neuron(n_inputs=0), ValueError, r"^n_inputs must be a positive integer, got 0$"),
    (lambda: nn.Neuron(n_inputs=2.0), TypeError, r"^n_inputs must be a positive integer, got 2.0$"),
    (lambda: nn.Network(5), TypeError, r"layers must be a non-empty list"),
])
def test_bad_constructor_arguments_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


# --------------------------------------------------------------------------------------------------
# 6. History, evaluate, float32 overflow, softmax targets


def test_val_loss_lines_up_with_loss_across_fits(tmp_path):
    net = nn.Network(make_layers(), seed=0)
    net.fit(X, y, epochs=3)
    assert net.history["val_loss"] == []                # no validation yet: nothing to line up
    net.fit(X, y, epochs=3, validation_split=0.2)
    net.fit(X, y, epochs=2)
    loss, val_loss = net.history["loss"], net.history["val_loss"]
    assert len(loss) == len(val_loss) == 8
    assert [math.isnan(v) for v in val_loss] == [True] * 3 + [False] * 3 + [True] * 2
    nn.save(net, tmp_path / "net.nn")                   # NaN is stored as JSON null, read back as NaN
    loaded = nn.load(tmp_path / "net.nn").history["val_loss"]
    assert [math.isnan(v) for v in loaded] == [math.isnan(v) for v in val_loss]


def test_a_history_with_unvalidated_epochs_can_be_plotted(tmp_path):
    pytest.importorskip("matplotlib")
    from neuronet.plotting import plot_history
    net = nn.Network(make_layers(), seed=0).fit(X, y, epochs=2)
    net.fit(X, y, epochs=2, validation_split=0.2)
    assert plot_history(net.history, tmp_path / "loss.png") == str(tmp_path / "loss.png")
    assert (tmp_path / "loss.png").stat().st_size > 0


def test_evaluate_loss_is_the_trained_loss_with_the_l2_penalty():
    net = nn.Network(make_layers(), optimizer=nn.Adam(weight_decay=1.0), seed=0)
    Xc, Y, w = net.prepare(X, y)
    data_loss = net.loss.value(Y, net.predict(X), w)
    penalty = 0.5 * sum(float((layer.weights ** 2).sum()) for layer in net.layers)
    assert net.evaluate(X, y)["loss"] == pytest.approx(data_loss + penalty, rel=1e-12)
    assert "L2 penalty" in nn.Network.evaluate.__doc__


def test_values_too_large_for_float32_are_named_as_such():
    net = nn.Network(make_layers(), seed=0, dtype="float32")
    big = X[:4].copy()
    big[2, 1] = 1e39
    with pytest.raises(ValueError, match=r"X holds values too large for float32 \(row 2; "
                                         r"float32 holds magnitudes up to 3.4e\+38\)"):
        net.predict(big)
    with pytest.raises(ValueError, match=r"y holds values too large for float32 \(row 1;"):
        net.fit(X[:4], [0.0, -1e39, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no "overflow encountered in cast" either
        with pytest.raises(ValueError, match=r"too large for float32"):
            net.predict(big)
    big[3, 0] = np.nan                                  # a real NaN elsewhere: the overflow is named
    with pytest.raises(ValueError, match=r"too large for float32 \(row 2;"):
        net.predict(big)
    with pytest.raises(ValueError, match=r"X contains NaN or infinite values \(row 3\)"):
        net.predict(np.where(np.isnan(big), np.nan, X[:4]))


def test_softmax_probability_targets_out_of_range_get_advice_that_fits():
    Y = np.tile([0.2, 0.3, 1.5], (10, 1))
    with pytest.raises(ValueError, match=r"read as class probabilities") as caught:
        classifier().fit(X[:10, :2], Y)
    assert "use a softmax output" not in str(caught.value)
    assert "one column, shape (10,)" in str(caught.value)
    sigmoid = nn.Network([nn.Dense(2, 1, activation="sigmoid")], seed=0)
    with pytest.raises(ValueError, match=r"sigmoid output.*or use a softmax output"):
        sigmoid.fit(X[:10, :2], np.arange(10.0))


def test_a_network_pickled_before_parameters_became_a_property_still_loads():
    X = np.random.default_rng(0).normal(size=(20, 3))
    net = nn.Network([nn.Dense(3, 4, activation="tanh"), nn.Dense(4, 1)], seed=0)
    net.fit(X, X[:, 0], epochs=3)
    state = copy.deepcopy(net.__getstate__())               # as unpickling gives: nothing shared
    state["parameters"] = state.pop("_parameters")          # the older pickles' key
    old = nn.Network.__new__(nn.Network)
    old.__setstate__(state)
    np.testing.assert_array_equal(old.predict(X), net.predict(X))
    old.fit(X, X[:, 0], epochs=1)                            # and it trains its own layers
    assert not np.array_equal(old.predict(X), net.predict(X))


@pytest.mark.parametrize("seed", [np.random.SeedSequence(0), np.random.PCG64(0), [1, 2],
                                  np.random.RandomState(0), np.uint32(3)])
def test_seeds_numpy_takes_are_taken(seed):
    net = nn.Network([nn.Dense(3, 2, activation="tanh"), nn.Dense(2, 1)], seed=seed)
    assert np.isfinite(net.parameters).all() and net.parameters.any()


@pytest.mark.parametrize("call, message", [
    (lambda: nn.Dense("3", 1), "Dense n_in must be a positive integer, got '3'"),
    (lambda: nn.Dropout("0.1"), r"Dropout rate must be a number in \[0, 1\), got '0.1'"),
    (lambda: nn.Neuron(n_inputs="3"), "n_inputs must be a positive integer, got '3'"),
    (lambda: nn.SGD("0.1"), "learning_rate must be a number, got '0.1'"),
    (lambda: nn.Adam(beta1="0.9"), r"Adam beta1 must be a number in \[0, 1\), got '0.9'"),
    (lambda: nn.Network([nn.Dense(1, 1)]).fit([[0.0]], [0.0], epochs="3"),
     "epochs must be a positive integer, got '3'"),
])
def test_a_setting_of_the_wrong_type_is_a_type_error_everywhere(call, message):
    with pytest.raises(TypeError, match=message):
        call()


@pytest.mark.parametrize("function, derivative, what, shape", [
    (lambda z: z.sum(axis=1, keepdims=True), lambda z: np.ones_like(z), "function", r"\(4, 1\)"),
    (lambda z: 0.5, lambda z: np.ones_like(z), "function", r"\(\)"),
    (lambda z: z, lambda z: 1.0, "derivative", r"\(\)"),
])
def test_a_custom_activation_that_is_not_elementwise_is_refused(function, derivative, what, shape):
    name = f"not_elementwise_{what}_{shape.count('1')}"
    nn.register_activation(name, function, derivative)
    net = nn.Network([nn.Dense(2, 3, activation=name), nn.Dense(3, 1)], seed=0)
    with pytest.raises(ValueError, match=rf"activation '{name}': its {what} returned shape {shape} "
                                         r"for Z of shape \(4, 3\); it must work elementwise"):
        net.fit(np.ones((4, 2)), np.ones(4), epochs=1)


def test_a_data_frames_columns_must_come_in_the_order_the_network_learned():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(20, 3)), columns=["a", "b", "c"])
    net = nn.Network([nn.Dense(3, 1)], seed=0).fit(df, df["a"] - df["c"], epochs=2)
    assert net.feature_names_in_ == ["a", "b", "c"]
    np.testing.assert_array_equal(net.predict(df), net.predict(df.to_numpy()))   # arrays: positions
    with pytest.raises(ValueError, match=r"X's columns are not those the network was trained on, "
                                         r"in that order: it has c, b, a, the network was trained "
                                         r"on a, b, c; select them with X\[net.feature_names_in_\]"):
        net.predict(df[["c", "b", "a"]])
    with pytest.raises(ValueError, match="X's columns are not those"):
        net.evaluate(df[["c", "b", "a"]], df["a"])
    np.testing.assert_array_equal(net.predict(df[["c", "b", "a"]][net.feature_names_in_]),
                                  net.predict(df))


def test_learner_slips_get_messages_that_say_what_to_do():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"predict_classes needs a softmax or sigmoid output; this "
                                         r"network's output is 'identity' \(numbers: use predict\)"):
        nn.Network([nn.Dense(2, 1)]).predict_classes(X)
    with pytest.raises(TypeError, match="y is None: give the targets, one per sample of X"):
        nn.Network([nn.Dense(2, 1)]).fit(X, None)
    with pytest.raises(TypeError, match=r"optimizer=SGD is the class; give an instance, "
                                        r"SGD\(learning_rate=...\), or its name"):
        nn.Network([nn.Dense(2, 1)], optimizer=nn.SGD)


def test_text_in_x_and_ragged_rows_are_named_by_row_and_column():
    net = nn.Network([nn.Dense(2, 1)])
    with pytest.raises(ValueError, match=r"^X must be numeric; row 0, column 1 holds 'a'$"):
        net.fit([[1, "a"], [3, 4]], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"^X could not be read as a rectangular array \(row 1 has 1 "
                                         r"value, row 0 has 2\)"):
        net.fit([[1, 2], [3]], [0.0, 1.0])
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match=r"^X must be numeric; row 1, column 'b' holds 'y'$"):
        net.fit(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, "y"]}), [0.0, 1.0])
