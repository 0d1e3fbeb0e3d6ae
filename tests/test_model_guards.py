"""Model.for_table and Model.fit from Python: the argument and data mistakes a new user makes are named.

Each test reproduces a finding of the Python-API review (rows without column names, empty data,
Model.fit's arguments, duplicate column names, exclude=, argument types, single rows).
"""
import copy

import numpy as np
import pytest

import neuronet as nn
from neuronet.model import Model
from neuronet.tasks import infer_task

pd = pytest.importorskip("pandas")


def frame(n=60):
    """Two numeric inputs and a regression target that follows them."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    d["y"] = 3 * d.a - d.b
    return d


def labelled(n=60):
    """Two numeric inputs and a text label."""
    d = frame(n)
    d["y"] = np.where(d.a > 0, "pos", "neg")
    return d


# --- 1. rows without column names -----------------------------------------------------------------

@pytest.mark.parametrize("rows, target", [(np.random.default_rng(0).random((50, 3)), "x2"),
                                          ([[1, 2], [3, 4]], "x0"), (None, "y")])
def test_for_table_refuses_rows_without_column_names_and_points_to_network(rows, target):
    with pytest.raises(TypeError, match=r"^Model.for_table needs rows with named columns \(a "
                                        r"DataFrame, a dict of columns, a list of dicts or a Table\)"
                                        r".*use nn.Network"):
        Model.for_table(rows, target)


def test_a_fitted_model_still_takes_an_array_in_column_order():
    d = frame()
    model = Model.for_table(d, "y", hidden=(4,), seed=0).fit(d, epochs=2)
    np.testing.assert_array_equal(model.predict(d[["a", "b"]].to_numpy()), model.predict(d))
    assert model.evaluate(d.to_numpy()) == model.evaluate(d)     # inputs, then the target


# --- 2. empty data ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [frame().head(0), {"a": [], "y": []}, []],
                         ids=["empty DataFrame", "dict of empty columns", "empty list"])
def test_for_table_on_empty_data_says_there_are_no_rows(rows):
    with pytest.raises(ValueError, match="^there are no rows to learn from$"):
        Model.for_table(rows, "y")


def test_infer_task_on_no_values_raises_a_value_error_not_an_index_error():
    with pytest.raises(ValueError, match="the target column 'y' has no values: there are no rows"):
        infer_task([], where="the target column 'y'")


# --- 3. Model.fit's arguments -----------------------------------------------------------------------

@pytest.fixture
def model():
    d = frame()
    return Model.for_table(d, "y", hidden=(4,), seed=0).fit(d, epochs=2), d


@pytest.mark.parametrize("kwargs, error, message", [
    ({"validation_split": 1.5}, ValueError, r"validation_split must be in \[0, 1\), got 1.5"),
    ({"validation_split": -0.3}, ValueError, r"validation_split must be in \[0, 1\), got -0.3"),
    ({"validation_split": None}, TypeError, r"validation_split must be a number in \[0, 1\), got None"),
    ({"epochs": "fast"}, TypeError, "epochs must be a positive integer, got 'fast'"),
    ({"epochs": None}, TypeError, "epochs must be a positive integer, got None"),
    ({"epochs": 2.5}, TypeError, "epochs must be a positive integer, got 2.5"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
    ({"min_delta": "x"}, TypeError, "min_delta must be a number, got 'x'"),
    ({"patience": "3"}, TypeError, "patience must be a positive integer, got '3'"),
    ({"callbacks": nn.Callback()}, TypeError, r"callbacks must be a list .* callbacks=\[cb\]"),
    ({"callbacks": [print]}, TypeError, "callbacks must be neuronet.Callback .*LambdaCallback"),
], ids=lambda v: repr(v) if isinstance(v, dict) else "")
def test_fit_names_the_bad_argument_and_changes_nothing(model, kwargs, error, message):
    model, d = model
    metadata, params = copy.deepcopy(model.metadata), model.network.parameters.copy()
    with pytest.raises(error, match=message):
        model.fit(d, **{"epochs": 1, **kwargs})
    assert model.metadata == metadata
    np.testing.assert_array_equal(model.network.parameters, params)


def test_fit_data_errors_leave_the_metadata_alone(model):
    model, d = model
    metadata = copy.deepcopy(model.metadata)
    with pytest.raises(ValueError, match="no target column 'y'"):
        model.fit(d.drop(columns="y"), epochs=1)
    assert model.metadata == metadata


def test_fit_with_batch_size_none_trains_on_the_whole_set_in_one_batch(model):
    model, d = model
    seen = []
    model.fit(d, epochs=1, batch_size=None, validation_split=0.0,
              callbacks=[nn.LambdaCallback(on_train_begin=lambda net, logs: seen.append(logs))])
    assert seen[0]["n_batches"] == 1
    assert model.metadata["training"]["batch_size"] is None


def test_a_diverged_second_fit_is_recorded_as_diverged(model):
    model, d = model
    assert model.metadata["training"]["stopped"] == "completed"
    model.network.optimizer.learning_rate = 1e300
    with np.errstate(all="ignore"), pytest.raises(nn.TrainingDiverged):
        model.fit(d, epochs=5, validation_split=0.0)
    assert model.metadata["training"]["stopped"] == "diverged"


def test_a_split_too_small_to_hold_out_a_row_is_recorded_as_none(model):
    model, d = model
    model.fit(d.head(4), epochs=1, validation_split=0.1)       # 0.4 of a row
    training = model.metadata["training"]
    assert (training["validation_split"], training["n_validation_rows"]) == (0.0, 0)


# --- 4. duplicate column names ---------------------------------------------------------------------

def test_duplicate_column_names_are_refused():
    d = pd.DataFrame({"a": [1.0, 2, 3, 4] * 10, "b": ["x", "y"] * 20, "y": [0, 1] * 20})
    d.columns = ["a", "a", "y"]
    with pytest.raises(ValueError, match=r"^duplicate column name 'a' \(columns 1 and 2\)"):
        Model.for_table(d, "y")


def test_duplicate_names_of_columns_the_model_does_not_read_are_ignored():
    d = pd.DataFrame({"a": [1.0, 2, 3, 4] * 10, "y": [0, 1] * 20})
    model = Model.for_table(d, "y", hidden=(4,), seed=0).fit(d, epochs=2)
    extra = pd.concat([d, d[["a"]].rename(columns={"a": "z"}), d[["a"]].rename(columns={"a": "z"})],
                      axis=1)
    extra[1], extra["1"] = 0, 0                      # 1 and "1" are the same name as text
    np.testing.assert_array_equal(model.predict(extra), model.predict(d))
    twice = pd.concat([d, d[["a"]]], axis=1)         # but an input column read twice is ambiguous
    with pytest.raises(ValueError, match=r"duplicate column name 'a' \(columns 1 and 3\)"):
        model.predict(twice)


# --- 5. exclude= --------------------------------------------------------------------------------------

def ids_table(n=100):
    rng = np.random.default_rng(0)
    return {"id": [f"r{i}" for i in range(n)], "a": rng.normal(size=n).tolist(),
            "d": rng.normal(size=n).tolist(), "y": rng.normal(size=n).tolist()}


def test_exclude_as_one_name_leaves_out_that_column_only():
    assert Model.for_table(ids_table(), "y", exclude="id").preprocessor.columns_ == ["a", "d"]


def test_exclude_refuses_a_name_that_is_not_a_column_with_a_suggestion():
    with pytest.raises(ValueError, match=r"^exclude: there is no column 'idd' \(did you mean 'id'\?\); "
                                         r"the columns are id, a, d, y$"):
        Model.for_table(ids_table(), "y", exclude=["idd"])
    with pytest.raises(ValueError, match="exclude: 'y' is the target column"):
        Model.for_table(ids_table(), "y", exclude=["id", "y"])


def test_an_identifier_column_refused_from_python_names_exclude_then_the_cli_spelling():
    with pytest.raises(ValueError) as error:
        Model.for_table(ids_table(), "y", exclude=["d"])
    message = str(error.value)
    assert message.startswith("column 'id' has 100 different values in 100 training rows")
    assert message.endswith("leave it out of the inputs with exclude=['d', 'id'] "
                            "(neuronet train: --drop id)")


# --- 6. argument types ---------------------------------------------------------------------------------

@pytest.mark.parametrize("hidden, widths", [(64, [64]), ("64,32", [64, 32]), ("none", []),
                                            ((8, np.int64(4)), [8, 4]), ((), [])])
def test_hidden_takes_an_int_a_sequence_or_the_command_line_text(hidden, widths):
    model = Model.for_table(frame(), "y", hidden=hidden, seed=0)
    assert model.metadata["training"]["hidden"] == widths
    assert [layer.n_out for layer in model.network.layers[:-1]] == widths


@pytest.mark.parametrize("kwargs, error, message", [
    ({"hidden": None}, TypeError, r"hidden must be .* for no hidden layer give hidden=\(\); got None"),
    ({"hidden": (6.5,)}, TypeError, "hidden must hold whole numbers .* got 6.5"),
    ({"hidden": (0,)}, ValueError, "hidden: every layer width must be at least 1, got 0"),
    ({"hidden": "64;32"}, ValueError, "hidden='64;32': expected widths separated by commas"),
    ({"dropout": None}, TypeError, r"dropout must be a number in \[0, 1\), got None"),
    ({"dropout": "x"}, TypeError, r"dropout must be a number in \[0, 1\), got 'x'"),
    ({"dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\), got 1.0"),
    ({"missing": 5}, TypeError, "missing must be a text such as 'NA,.' or a list of texts, got 5"),
    ({"missing": [-999]}, TypeError, "missing must hold texts .* got -999"),
    ({"seed": "a"}, TypeError, "seed must be a whole number .* got 'a'"),
    ({"seed": 1.5}, TypeError, "seed must be a whole number .* got 1.5"),
    ({"seed": -1}, ValueError, "seed must be 0 or greater, got -1"),
    ({"optimizer": "SGD"}, ValueError, r"unknown optimizer 'SGD'; known: 'adam', 'sgd' \(did you "
                                       r"mean 'sgd'\?\)"),
    ({"exclude": 3.5}, TypeError, "exclude must be a column name or a list of column names"),
], ids=lambda v: repr(v) if isinstance(v, dict) else "")
def test_for_table_names_the_argument_of_the_wrong_kind(kwargs, error, message):
    with pytest.raises(error, match=message):
        Model.for_table(frame(), "y", **kwargs)


def test_an_optimizer_object_is_refused_with_where_its_settings_go():
    with pytest.raises(TypeError) as error:
        Model.for_table(frame(), "y", optimizer=nn.SGD(0.1))
    message = str(error.value)
    assert message.startswith("optimizer must be the name of one, 'adam', 'sgd'; got SGD(")
    assert "learning_rate= and weight_decay= as separate arguments" in message
    assert "unknown" not in message


def test_integer_column_labels_of_a_data_frame_work_and_are_kept_as_text():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    d = pd.DataFrame(np.c_[X, (X[:, 0] > 0).astype(int)])
    model = Model.for_table(d, 2, hidden=(4,), seed=0, exclude=[1]).fit(d, epochs=2)
    assert (model.target, model.preprocessor.columns_) == ("2", ["0"])
    assert model.predict(pd.DataFrame(X)).shape == (60,)
    assert model.evaluate(d, target=2)["n_rows"] == 60
    with pytest.raises(ValueError, match=r"there is no target column 5; the columns are 0, 1, 2$"):
        Model.for_table(d, 5)
    with pytest.raises(TypeError, match=r"target must be a column name \(text, or the integer"):
        Model.for_table(d, 2.0)


# --- 7. single rows, and no rows, at prediction ------------------------------------------------------

@pytest.fixture(scope="module")
def classifier():
    d = labelled()
    return Model.for_table(d, "y", hidden=(4,), seed=0).fit(d, epochs=3), d


def test_a_single_row_may_be_a_dict_or_a_pandas_series(classifier):
    model, d = classifier
    row = {"a": float(d.a[3]), "b": float(d.b[3])}
    expected = model.predict([row])
    assert model.predict(row).tolist() == expected.tolist()
    assert model.predict(d[["a", "b"]].iloc[3]).tolist() == expected.tolist()
    np.testing.assert_array_equal(model.predict_proba(row), model.predict_proba([row]))


def test_a_dict_mixing_single_values_and_columns_is_refused(classifier):
    model, _ = classifier
    with pytest.raises(ValueError, match="column 'b' holds a single value but column 'a' holds 2"):
        model.predict({"a": [0.1, 0.2], "b": 0.3})
    with pytest.raises(ValueError, match="column 'b' holds a single value"):
        model.predict({"a": [0.1, 0.2], "b": "xy"})    # text is one value, not a column of letters


def test_no_rows_at_prediction_are_named_as_rows_not_x(classifier):
    model, d = classifier
    for call in (model.predict, model.predict_proba):
        with pytest.raises(ValueError, match="^rows is empty: there are no rows to predict$"):
            call(d.head(0))
    with pytest.raises(ValueError, match="^there are no rows to evaluate$"):
        model.evaluate(d.head(0))


def test_labels_given_as_numbers_have_no_spelling_of_their_own():
    x = np.random.default_rng(0).normal(size=60)
    frame = pd.DataFrame({"x": x, "t": np.where(x > 0, 1.0, 2.0)})     # a float column of classes
    model = Model.for_table(frame, "t", hidden=(4,), task="classification", seed=0)
    assert model.labels_as_written() == ["1", "2"] and model.classes_.tolist() == [1, 2]
    text = pd.DataFrame({"x": x, "t": np.where(x > 0, "1.0", "2.0")})   # written so in a file
    assert Model.for_table(text, "t", hidden=(4,), task="classification").labels_as_written() == \
        ["1.0", "2.0"]


def test_metadata_history_is_json_and_survives_a_save(tmp_path):
    import json

    import neuronet as nn
    x = np.random.default_rng(0).normal(size=40)
    frame = pd.DataFrame({"x": x, "t": 2 * x})
    model = Model.for_table(frame, "t", hidden=(4,), seed=0)
    model.fit(frame, epochs=2)
    model.fit(frame, epochs=2, validation_split=0.25)
    history = model.metadata["history"]
    assert history["val_loss"][:2] == [None, None] and None not in history["val_loss"][2:]
    json.dumps(model.metadata, allow_nan=False)
    nn.save(model, tmp_path / "m.nn")
    assert nn.load(tmp_path / "m.nn").metadata["history"] == history


def test_for_table_momentum_is_for_sgd_and_a_fraction():
    table = {"x": [0.0, 1.0, 2.0, 3.0], "y": ["a", "b", "a", "b"]}
    model = Model.for_table(table, "y", optimizer="sgd", momentum=0.9)
    assert model.network.optimizer.momentum == 0.9
    with pytest.raises(ValueError, match="momentum=0.9 is for optimizer='sgd'; 'adam' takes none"):
        Model.for_table(table, "y", momentum=0.9)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.0"):
        Model.for_table(table, "y", optimizer="sgd", momentum=1.0)
    with pytest.raises(TypeError, match="momentum"):
        Model.for_table(table, "y", optimizer="sgd", momentum="0.9")


def test_a_bool_target_predicts_bool_as_in_scikit_learn(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"x": np.arange(40.0), "s": np.arange(40) % 2 == 0})
    model = Model.for_table(df, "s", seed=0).fit(df, epochs=3)
    predicted = model.predict(df.head(4))
    assert predicted.dtype == bool and model.classes_.tolist() == [False, True]
    assert (predicted == df["s"].head(4).to_numpy()).dtype == bool    # compares, not all False
    model.save(tmp_path / "b.nn")
    assert nn.load(tmp_path / "b.nn").predict(df.head(4)).dtype == bool
    assert set(model.evaluate(df)) >= {"accuracy", "confusion_matrix"}
