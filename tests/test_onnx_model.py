"""ONNX export of a trained Model: preprocessing and labels inside the graph, same answers as predict."""
import json
from pathlib import Path

import numpy as np
import pytest

import neuronet
from neuronet.csvdata import parse_csv_text, read_csv
from neuronet.model import Model

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from neuronet.onnx_export import to_onnx  # noqa: E402

IRIS = Path(neuronet.__file__).parent / "datasets" / "iris.csv"


def _run(path, feeds):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))


def _numeric(table, model):
    """The raw numeric columns, in the model's order, as the ONNX input 'X': float64 (as neuronet
    reads them), whatever the model's dtype."""
    columns = [[float(v) for v in table.column(c)] for c in model.preprocessor.numeric_columns_]
    return np.array(columns, dtype=np.float64).T


def _props(path):
    return {p.key: p.value for p in onnx.load(str(path)).metadata_props}


def _close(actual, expected, dtype):
    if np.dtype(dtype) == np.float64:
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_iris_classifier_gives_the_same_labels_and_probabilities(tmp_path, dtype):
    table = read_csv(IRIS)
    model = Model.for_table(table, "species", hidden=(8,), seed=0, dtype=dtype)
    model.fit(table, epochs=15, batch_size=32, validation_split=0.0, patience=None)
    path = tmp_path / "iris.onnx"
    to_onnx(model, path)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)

    out = _run(path, {"X": _numeric(table, model)})
    assert list(out) == ["label", "probabilities"]          # the order export prints and documents
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    label, proba = session.run(None, {"X": _numeric(table, model)})
    np.testing.assert_array_equal(label, out["label"])
    np.testing.assert_array_equal(proba, out["probabilities"])
    assert out["label"].dtype == object and out["label"].shape == (150,)
    np.testing.assert_array_equal(out["label"].astype(str), model.predict(table))
    assert set(out["label"]) == {"setosa", "versicolor", "virginica"}
    assert out["probabilities"].dtype == np.dtype(dtype)
    _close(out["probabilities"], model.predict_proba(table), dtype)

    props = _props(path)
    assert json.loads(props["neuronet.numeric_columns"]) == model.preprocessor.numeric_columns_
    assert json.loads(props["neuronet.classes"]) == ["setosa", "versicolor", "virginica"]
    assert props["neuronet.task"] == "multiclass" and props["neuronet.target"] == "species"
    assert "sepal_length" in onnx.load(str(path)).doc_string


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_regressor_undoes_the_target_scaling(tmp_path, dtype):
    rng = np.random.default_rng(3)
    X = rng.normal(loc=[5.0, -2.0, 100.0], scale=[1.0, 3.0, 20.0], size=(80, 3))
    y = 40.0 + 3.0 * X[:, 0] - X[:, 1] + 0.05 * X[:, 2] + rng.normal(scale=0.5, size=80)
    text = "a,b,c,target\n" + "\n".join(",".join(f"{v:.6f}" for v in [*row, t])
                                          for row, t in zip(X, y))
    table = parse_csv_text(text, "reg.csv")
    model = Model.for_table(table, "target", hidden=(6,), activation="tanh", seed=1, dtype=dtype)
    model.fit(table, epochs=10, batch_size=16, validation_split=0.0, patience=None)
    assert model.task == "regression" and abs(model.target_mean_) > 10

    path = tmp_path / "reg.onnx"
    to_onnx(model, path)
    out = _run(path, {"X": _numeric(table, model)})
    assert list(out) == ["prediction"]
    # float64 like Model.predict: the target scaling is undone in float64 for float32 models too
    assert out["prediction"].shape == (80,) and out["prediction"].dtype == np.float64
    _close(out["prediction"], model.predict(table), dtype)
    assert _props(path)["neuronet.task"] == "regression"


def test_integer_labels_come_back_as_int64(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] + X[:, 1] > 0, 7, 3)
    text = "u,v,kind\n" + "\n".join(f"{a:.5f},{b:.5f},{c}" for (a, b), c in zip(X, y))
    table = parse_csv_text(text, "ints.csv")
    model = Model.for_table(table, "kind", hidden=(4,), seed=0)
    model.fit(table, epochs=20, batch_size=16, validation_split=0.0, patience=None)
    assert model.task == "binary"
    path = tmp_path / "ints.onnx"
    to_onnx(model, path)
    out = _run(path, {"X": _numeric(table, model)})
    assert out["label"].dtype == np.int64
    np.testing.assert_array_equal(out["label"], model.predict(table))
    assert set(out["label"].tolist()) <= {3, 7}


def test_categorical_columns_become_string_inputs(tmp_path):
    rng = np.random.default_rng(2)
    colours = np.array(["red", "green", "blue"])[rng.integers(0, 3, 90)]
    sizes = np.array(["S", "L"])[rng.integers(0, 2, 90)]
    x = rng.normal(size=90)
    label = np.where((colours == "red") ^ (x > 0), "yes", "no")
    text = "x,colour,size,label\n" + "\n".join(f"{a:.5f},{c},{s},{l}"
                                              for a, c, s, l in zip(x, colours, sizes, label))
    table = parse_csv_text(text, "cats.csv")
    model = Model.for_table(table, "label", hidden=(6,), seed=0)
    model.fit(table, epochs=20, batch_size=16, validation_split=0.0, patience=None)
    assert model.preprocessor.categorical_columns_ == ["colour", "size"]

    path = tmp_path / "cats.onnx"
    to_onnx(model, path)
    feeds = {"X": _numeric(table, model),
             "colour": np.array(table.column("colour"), dtype=object).reshape(-1, 1),
             "size": np.array(table.column("size"), dtype=object).reshape(-1, 1)}
    out = _run(path, feeds)
    np.testing.assert_array_equal(out["label"].astype(str), model.predict(table))
    _close(out["probabilities"], model.predict_proba(table), "float64")
    props = _props(path)
    assert json.loads(props["neuronet.inputs"]) == ["X", "colour", "size"]
    assert json.loads(props["neuronet.categorical_columns"]) == ["colour", "size"]


def test_categorical_only_model_has_no_numeric_input(tmp_path):
    text = "colour,ok\n" + "\n".join(f"{c},{'y' if c == 'red' else 'n'}"
                                      for c in ["red", "blue", "green"] * 10)
    table = parse_csv_text(text, "colours.csv")
    model = Model.for_table(table, "ok", hidden=(3,), seed=0)
    model.fit(table, epochs=5, batch_size=8, validation_split=0.0, patience=None)
    path = tmp_path / "colours.onnx"
    to_onnx(model, path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["colour"]
    colours = np.array(table.column("colour"), dtype=object).reshape(-1, 1)
    label, = session.run(["label"], {"colour": colours})
    np.testing.assert_array_equal(label.astype(str), model.predict(table))


def test_model_with_custom_activation_is_refused_naming_the_layer(tmp_path):
    neuronet.register_activation("onnx_test_softsign", lambda z: z / (1 + abs(z)),
                                 lambda z: 1 / (1 + abs(z)) ** 2)
    table = read_csv(IRIS)
    model = Model.for_table(table, "species", hidden=(5,), activation="onnx_test_softsign")
    path = tmp_path / "x.onnx"
    with pytest.raises(ValueError, match=r"layer 0 Dense\(4, 5, activation='onnx_test_softsign'\)"):
        to_onnx(model, path)
    assert not path.exists()


def test_a_categorical_column_may_take_any_name_the_graph_does_not_use(tmp_path):
    rows = "".join(f"{x},{'ab'[i % 2]},{'cd'[i // 2 % 2]},{'yes' if x > 5 else 'no'}\n"
                   for i, x in enumerate(range(12)))
    table = parse_csv_text("X,output,label,y\n" + rows)       # no numeric column is called X here
    with pytest.raises(ValueError, match="categorical column 'label' cannot be exported to ONNX: "
                                         r"the graph uses that name itself \(X, label, probabilities"):
        model = Model.for_table(table, "y", hidden=(4,), seed=0)
        to_onnx(model, tmp_path / "refused.onnx")
    assert not (tmp_path / "refused.onnx").exists()
    keep = parse_csv_text("n,output,y\n" + "".join(f"{x},{'ab'[x % 2]},{'yes' if x > 5 else 'no'}\n"
                                                    for x in range(12)))
    model = Model.for_table(keep, "y", hidden=(4,), seed=0)
    model.fit(keep, epochs=3, validation_split=0.0, patience=None)
    to_onnx(model, tmp_path / "output_column.onnx")
    feeds = {"X": _numeric(keep, model), "output": np.array([[v] for v in keep.column("output")],
                                                            dtype=object)}
    out = _run(tmp_path / "output_column.onnx", feeds)
    np.testing.assert_array_equal(out["label"].astype(str), model.predict(keep))
