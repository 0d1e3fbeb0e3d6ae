"""Model: task inference, labels in and out, regression scaling, evaluation, divergence."""
import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets
from neuronet.csvdata import parse_csv_text
from neuronet.model import Model, infer_task


@pytest.mark.parametrize("values, task, expected", [
    (["a", "b", "a"], None, "binary"),
    (["a", "b", "c"], None, "multiclass"),
    (["0", "1", "1"], None, "binary"),
    (["1", "2", "3", "4"] * 2, None, "multiclass"),
    (["0.5", "1.25", "2"], None, "regression"),
    ([str(i) for i in range(30)], None, "regression"),
    (["161000", "198000", "342000", "171500"], None, "regression"),     # one row per value
    (["0", "1", "1", "0"], None, "binary"),
    (["1", "2", "3"], "regression", "regression"),
    (["0.5", "1.5", "0.5"], "classification", "binary"),
])
def test_infer_task(values, task, expected):
    assert infer_task(values, task) == expected


def test_infer_task_refusals():
    with pytest.raises(ValueError, match=r"only one class \('x'\)"):
        infer_task(["x", "x"])
    with pytest.raises(ValueError, match=r"holds text \('b' at row 1\), so it cannot be a regression target"):
        infer_task(["1", "b"], "regression")


def test_classifier_predicts_original_labels_and_probabilities_in_class_order():
    table = datasets.load("iris")
    model = Model.for_table(table, "species", hidden=(16,), seed=0, learning_rate=0.01).fit(table, epochs=60)
    assert model.task == "multiclass" and model.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    labels = model.predict(table)
    proba = model.predict_proba(table)
    assert labels.dtype.kind == "U" and proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(labels, model.classes_[proba.argmax(axis=1)])
    result = model.evaluate(table)
    assert result["accuracy"] > 0.9
    assert np.sum(result["confusion_matrix"]) == 150
    assert np.trace(result["confusion_matrix"]) == round(result["accuracy"] * 150)
    rows = [dict(zip(table.columns[:4], row[:4])) for row in table.rows[:5]]
    np.testing.assert_array_equal(model.predict(rows), labels[:5])
    np.testing.assert_array_equal(model.predict([row[:4] for row in table.rows[:5]]), labels[:5])


def test_binary_classifier_uses_two_softmax_units_and_integer_labels():
    table = datasets.load("xor")
    model = Model.for_table(table, "output", hidden=(8,), seed=0, learning_rate=0.05)
    assert model.task == "binary" and model.network.n_outputs == 2
    assert model.network.output_activation == "softmax"
    assert model.network.loss.name == "categorical_crossentropy"
    model.fit(table, epochs=300, batch_size=4, validation_split=0.0, patience=None)
    assert model.predict(table).tolist() == [0, 1, 1, 0]
    assert model.classes_.dtype == np.int64


def test_regression_targets_are_standardized_and_mapped_back():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=200), rng.normal(size=200)
    y = 1000 + 50 * a - 20 * b
    text = "a,b,y\n" + "".join(f"{x!r},{z!r},{t!r}\n" for x, z, t in zip(a.tolist(), b.tolist(), y.tolist()))
    table = parse_csv_text(text, "lin.csv")
    model = Model.for_table(table, "y", hidden=(), seed=0, learning_rate=0.05)
    assert model.task == "regression"
    assert model.target_mean_ == pytest.approx(y.mean()) and model.target_scale_ == pytest.approx(y.std())
    model.fit(table, epochs=100, validation_split=0.0, patience=None)
    np.testing.assert_allclose(model.predict(table), y, atol=0.5)
    metrics = model.evaluate(table)
    assert metrics["r2"] > 0.999 and metrics["mae"] < 0.5
    with pytest.raises(ValueError, match="predict_proba is for classifiers"):
        model.predict_proba(table)
    with pytest.raises(ValueError, match="does not suit a regression target"):
        Model.for_table(table, "y", loss="categorical_crossentropy")


def test_categorical_inputs_and_unseen_labels_at_evaluate():
    text = "colour,size,label\n" + "red,1,a\nblue,2,b\nred,3,a\nblue,4,b\n" * 5
    table = parse_csv_text(text, "c.csv")
    model = Model.for_table(table, "label", hidden=(4,), seed=0).fit(table, epochs=5)
    assert model.preprocessor.categorical_columns_ == ["colour"]
    assert model.network.n_inputs == 3
    with pytest.raises(ValueError, match=r"e.csv:3, column 3 \('label'\): label 'z' was never seen"):
        model.evaluate(parse_csv_text("colour,size,label\nred,1,a\nblue,2,z\n", "e.csv"))
    with pytest.raises(ValueError, match="no target column 'nope'"):
        model.evaluate(table, "nope")


def test_missing_target_column_lists_the_columns():
    with pytest.raises(ValueError, match="no target column 'nope'; the columns are sepal_length_cm"):
        Model.for_table(datasets.load("iris"), "nope")


def test_divergence_keeps_the_last_finite_weights():
    table = datasets.load("iris")
    model = Model.for_table(table, "species", hidden=(8,), seed=0, learning_rate=1e300)
    with np.errstate(all="ignore"), pytest.raises(nn.TrainingDiverged):
        model.fit(table, epochs=5)
    assert np.all(np.isfinite(model.network.parameters))
    assert model.metadata["training"]["stopped"] == "diverged"
    assert np.all(np.isfinite(model.predict_proba(table)))


def test_float32_end_to_end():
    table = datasets.load("iris")
    model = Model.for_table(table, "species", hidden=(8,), seed=0, dtype="float32").fit(table, epochs=3)
    assert model.network.parameters.dtype == np.float32
    assert model.predict_proba(table).dtype == np.float32


class _Frame:
    """Just what a data frame offers to neuronet (duck typing): .columns, frame[name], len(frame)."""

    def __init__(self, columns):
        self._data = dict(columns)
        self.columns = list(self._data)

    def __getitem__(self, name):
        return np.asarray(self._data[name])

    def __len__(self):
        return len(next(iter(self._data.values())))


@pytest.fixture(scope="module")
def iris_model():
    table = datasets.load("iris")
    model = Model.for_table(table, "species", hidden=(8,), seed=0)
    return table, model.fit(table, epochs=20, validation_split=0.0, patience=None)


def _columns(table, order):
    return {c: [float(v) if c != "species" else v for v in table.column(c)] for c in order}


def test_named_columns_are_matched_by_name_not_position(iris_model):
    table, model = iris_model
    inputs = [c for c in table.columns if c != "species"]
    expected_p, expected = model.predict_proba(table), model.evaluate(table)
    shuffled = ["species", *inputs[::-1]]                 # target first, inputs reversed
    for rows in (_Frame(dict(_columns(table, shuffled), extra=np.zeros(150))),
                 dict(_columns(table, shuffled), extra=[0] * 150)):
        np.testing.assert_allclose(model.predict_proba(rows), expected_p)
        assert (model.predict(rows) == model.predict(table)).all()
        assert model.evaluate(rows) == expected
    with pytest.raises(ValueError, match="petal_width_cm, which the data lack"):
        model.predict(_Frame(_columns(table, inputs[:3])))
    with pytest.raises(ValueError, match="no target column 'species'"):
        model.evaluate(_columns(table, inputs))
    with pytest.raises(ValueError, match="same length"):
        model.predict({"a": [1, 2], "b": [1]})


def test_a_pandas_data_frame_in_another_column_order(iris_model):
    pd = pytest.importorskip("pandas")
    table, model = iris_model
    inputs = [c for c in table.columns if c != "species"]
    frame = pd.DataFrame(_columns(table, ["species", *inputs[::-1]])).assign(note="x")
    np.testing.assert_allclose(model.predict_proba(frame), model.predict_proba(table))
    assert model.evaluate(frame)["accuracy"] == model.evaluate(table)["accuracy"]
