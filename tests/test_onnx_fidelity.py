"""The ONNX graph of a tabular model computes what neuronet computes, in the same dtypes.

Raw numbers go in as float64 and are standardized in float64 before a float32 network sees them
(columns with a large offset and a small spread lose their digits otherwise); labels come out as
``neuronet predict`` writes them; and the documented differences (category strings compared exactly,
missing-value markers) stay as documented.
"""
import json

import numpy as np
import pytest

from neuronet.csvdata import parse_csv_text
from neuronet.model import Model

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from neuronet.onnx_export import to_onnx  # noqa: E402  (after the importorskip)

_NUMPY_OF = {"tensor(double)": np.float64, "tensor(float)": np.float32}


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _raw_numeric(table, model, session):
    """The raw numeric columns, in the dtype the graph's input 'X' declares."""
    dtype = _NUMPY_OF[next(i.type for i in session.get_inputs() if i.name == "X")]
    columns = [[float(v) for v in table.column(c)] for c in model.preprocessor.numeric_columns_]
    return np.array(columns, dtype=np.float64).T.astype(dtype)


def _props(path):
    return {p.key: p.value for p in onnx.load(str(path)).metadata_props}


def _trained(text, target, dtype="float64", epochs=20, **options):
    table = parse_csv_text(text, "data.csv")
    model = Model.for_table(table, target, hidden=(8,), seed=0, dtype=dtype, **options)
    model.fit(table, epochs=epochs, batch_size=16, validation_split=0.0, patience=None)
    return table, model


def _offset_columns(kind, n=200):
    """Two columns with a large offset and a small spread, and a label that depends on both."""
    rng = np.random.default_rng(0)
    if kind == "lat_lon":
        a, b = rng.uniform(37.70, 37.80, n), rng.uniform(-122.50, -122.40, n)
        label = np.where((a - 37.75) * 3 + (b + 122.45) > 0, "north", "south")
        return "lat,lon,zone\n" + "".join(f"{x:.6f},{y:.6f},{z}\n" for x, y, z in zip(a, b, label))
    a, b = 1.6e9 + rng.uniform(-1e5, 1e5, n), rng.normal(size=n)
    label = np.where((a - 1.6e9) / 1e5 + b > 0, "late", "early")
    return "timestamp,x,zone\n" + "".join(f"{x:.0f},{y:.5f},{z}\n" for x, y, z in zip(a, b, label))


@pytest.mark.parametrize("kind", ["lat_lon", "timestamp"])
def test_float32_model_standardizes_offset_columns_like_neuronet(tmp_path, kind):
    table, model = _trained(_offset_columns(kind), "zone", dtype="float32")
    path = tmp_path / "offset.onnx"
    to_onnx(model, path)
    session = _session(path)
    label, proba = session.run(None, {"X": _raw_numeric(table, model, session)})
    expected = model.predict_proba(table)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    np.testing.assert_array_equal(label.astype(str), model.predict(table))
    # the raw numbers come in as float64 (as neuronet reads them), not in the network's float32
    assert [(i.name, i.type) for i in session.get_inputs()] == [("X", "tensor(double)")]


def test_float32_regressor_takes_float64_numbers_and_returns_float64(tmp_path):
    rng = np.random.default_rng(4)
    stamp = 1.6e9 + rng.uniform(-1e5, 1e5, 120)
    y = 5000.0 + (stamp - 1.6e9) / 50.0 + rng.normal(scale=10.0, size=120)
    text = "timestamp,price\n" + "".join(f"{s:.0f},{p:.3f}\n" for s, p in zip(stamp, y))
    table, model = _trained(text, "price", dtype="float32", activation="tanh")
    assert model.task == "regression"
    path = tmp_path / "reg.onnx"
    to_onnx(model, path)
    session = _session(path)
    prediction, = session.run(None, {"X": _raw_numeric(table, model, session)})
    expected = model.predict(table)                       # float64, as neuronet predict writes it
    np.testing.assert_allclose(prediction, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    assert prediction.dtype == np.float64 and session.get_inputs()[0].type == "tensor(double)"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_metadata_and_doc_string_give_the_input_dtype(tmp_path, dtype):
    table, model = _trained(_offset_columns("lat_lon"), "zone", dtype=dtype, epochs=1)
    path = tmp_path / "geo.onnx"
    to_onnx(model, path)
    props = _props(path)
    assert props["neuronet.input_dtype"] == "float64"
    assert props["neuronet.dtype"] == dtype                      # the network's own dtype
    doc = onnx.load(str(path)).doc_string
    assert "'X' (N, 2) float64: the raw numeric columns lat, lon" in doc
    assert ("then cast to float32" in doc) == (dtype == "float32")


def test_float64_model_graph_has_no_cast_on_the_numbers(tmp_path):
    table, model = _trained(_offset_columns("lat_lon"), "zone", epochs=1)
    path = tmp_path / "geo.onnx"
    to_onnx(model, path)
    ops = [node.op_type for node in onnx.load(str(path)).graph.node]
    assert "Cast" not in ops


# ----------------------------------------------------------------------------------------------
# Labels: as neuronet predict writes them
def _labelled(spellings, n=90):
    rng = np.random.default_rng(5)
    x = rng.normal(size=n)
    which = np.digitize(x, [-0.4, 0.4])
    return "x,code\n" + "".join(f"{v:.5f},{spellings[k]}\n" for v, k in zip(x, which))


@pytest.mark.parametrize("spellings, parsed", [(["007", "012", "100"], [7, 12, 100]),
                                               (["1.0", "2.0", "3.0"], [1, 2, 3])])
def test_labels_come_back_as_written_in_the_training_file(tmp_path, spellings, parsed):
    table, model = _trained(_labelled(spellings), "code", epochs=30)
    assert model.classes_.tolist() == parsed and model.labels_as_written() == spellings
    path = tmp_path / "codes.onnx"
    to_onnx(model, path)
    session = _session(path)
    label, proba = session.run(None, {"X": _raw_numeric(table, model, session)})
    as_written = np.array(spellings)[np.searchsorted(model.classes_, model.predict(table))]
    assert label.dtype == object
    np.testing.assert_array_equal(label, as_written)
    assert json.loads(_props(path)["neuronet.classes"]) == spellings
    np.testing.assert_allclose(proba, model.predict_proba(table), rtol=1e-9, atol=1e-9)


def test_labels_written_plainly_stay_numbers(tmp_path):
    table, model = _trained(_labelled(["7", "12", "100"]), "code", epochs=5)
    path = tmp_path / "codes.onnx"
    to_onnx(model, path)
    session = _session(path)
    label, _ = session.run(None, {"X": _raw_numeric(table, model, session)})
    assert label.dtype == np.int64
    np.testing.assert_array_equal(label, model.predict(table))
    assert json.loads(_props(path)["neuronet.classes"]) == [7, 12, 100]


# ----------------------------------------------------------------------------------------------
# The documented differences: the graph compares category strings exactly
def test_untrimmed_missing_and_unseen_categories_are_encoded_as_zeros(tmp_path):
    rng = np.random.default_rng(6)
    cities = np.array(["Berlin", "Paris", "Rome"])[rng.integers(0, 3, 90)]
    x = rng.normal(size=90)
    label = np.where((cities == "Paris") ^ (x > 0), "yes", "no")
    text = "x,city,ok\n" + "".join(f"{a:.5f},{c},{l}\n" for a, c, l in zip(x, cities, label))
    table, model = _trained(text, "ok")
    path = tmp_path / "cities.onnx"
    to_onnx(model, path)
    session = _session(path)

    odd = ["Paris", " Paris ", "", "NA", "Madrid"]
    X = np.full((len(odd), 1), 0.5)
    _, proba = session.run(None, {"X": X, "city": np.array(odd, dtype=object).reshape(-1, 1)})
    features = np.zeros((len(odd), model.network.n_inputs))
    features[:, 0] = (0.5 - model.preprocessor.mean_[0]) / model.preprocessor.scale_[0]
    zeros = model.network.predict(features)[0]            # x = 0.5 with no city at all
    np.testing.assert_allclose(proba[1:], np.tile(zeros, (4, 1)), rtol=1e-9, atol=1e-12)
    paris = model.predict_proba({"x": ["0.5"], "city": [" Paris "]})   # neuronet trims the spaces
    np.testing.assert_allclose(proba[0], paris[0], rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="missing values in column 'city'"):
        model.predict_proba({"x": ["0.5"], "city": ["NA"]})
    # what a caller needs to refuse unseen categories before the graph
    assert json.loads(_props(path)["neuronet.categories"]) == {"city": ["Berlin", "Paris", "Rome"]}
