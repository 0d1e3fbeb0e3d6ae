"""`neuronet export`: a model trained on the command line, run in onnxruntime, gives `neuronet predict`'s answers."""
import csv
import json
import os

import numpy as np
import pytest

from neuronet.cli import main
from neuronet.csvdata import read_csv

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def _run(path, feeds):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))


def _export(capsys, model, out):
    assert main(["export", str(model), str(out), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _raw_numeric(csv_path, columns, dtype):
    table = read_csv(csv_path)
    return np.array([[float(v) for v in table.column(c)] for c in columns], dtype=dtype).T


@pytest.fixture(scope="module")
def iris_csv(tmp_path_factory):
    from neuronet import datasets
    path, _ = datasets.resolve("iris")
    return path


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_exported_classifier_predicts_like_the_model(tmp_path, capsys, iris_csv, dtype):
    model = tmp_path / "iris.nn"
    assert main(["train", "iris", "--out", str(model), "--epochs", "8", "--hidden", "8",
                 "--dtype", dtype, "--quiet"]) == 0
    capsys.readouterr()
    info = _export(capsys, model, tmp_path / "iris.onnx")
    assert info["opset"] == 21 and info["ir_version"] == 10 and info["dtype"] == dtype
    assert info["outputs"] == ["label", "probabilities"] and info["categorical_columns"] == []
    onnx.checker.check_model(onnx.load(str(tmp_path / "iris.onnx")), full_check=True)

    X = _raw_numeric(iris_csv, info["numeric_columns"], "float64")   # raw numbers: float64 always
    session = ort.InferenceSession(str(tmp_path / "iris.onnx"), providers=["CPUExecutionProvider"])
    label, proba = session.run(None, {"X": X})       # in the order export printed: label first
    # what `neuronet predict --proba` writes as CSV (full precision), and what --json prints
    assert main(["predict", str(model), str(iris_csv), "--proba"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    from_csv = {"label": np.array([r[0] for r in rows[1:]]),
                "probabilities": np.array([r[1:] for r in rows[1:]], dtype=float)}
    for expected in (from_csv, _predict_cli(capsys, model, iris_csv, tmp_path)):
        np.testing.assert_array_equal(label.astype(str), expected["label"])
        P = expected["probabilities"]
        if dtype == "float64":
            np.testing.assert_allclose(proba, P, rtol=1e-9, atol=1e-9)
        else:
            np.testing.assert_allclose(proba, P, rtol=1e-5, atol=1e-5 * np.abs(P).max())


def test_exported_regressor_predicts_like_the_model(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[3.0, -1.0], scale=[2.0, 0.5], size=(60, 2))
    y = 250.0 + 12.0 * X[:, 0] - 30.0 * X[:, 1] + rng.normal(size=60)
    data = tmp_path / "houses.csv"
    with open(data, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["rooms", "distance", "price"])
        writer.writerows([[f"{a:.4f}", f"{b:.4f}", f"{c:.3f}"] for (a, b), c in zip(X, y)])
    model = tmp_path / "houses.nn"
    assert main(["train", str(data), "--target", "price", "--out", str(model), "--epochs", "5",
                 "--hidden", "4", "--quiet"]) == 0
    capsys.readouterr()
    info = _export(capsys, model, tmp_path / "houses.onnx")
    assert info["task"] == "regression" and info["outputs"] == ["prediction"]
    assert info["numeric_columns"] == ["rooms", "distance"]
    out = _run(tmp_path / "houses.onnx", {"X": _raw_numeric(data, ["rooms", "distance"], "float64")})
    expected = _predict_cli(capsys, model, data, tmp_path)["prediction"]
    np.testing.assert_allclose(out["prediction"], expected, rtol=1e-9, atol=1e-9)


def test_text_output_names_the_input_columns(tmp_path, capsys):
    model = tmp_path / "xor.nn"
    assert main(["train", "xor", "--out", str(model), "--epochs", "2", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["export", str(model), str(tmp_path / "xor.onnx")]) == 0
    text = capsys.readouterr().out
    assert "opset 21" in text and "IR version 10" in text
    assert "input 'X' (N, 2) float64" in text
    assert sorted(os.listdir(tmp_path)) == ["xor.nn", "xor.onnx"]   # no temporary file left


@pytest.mark.parametrize("problem", ["missing", "garbage", "truncated", "no_folder", "folder_out",
                                     "under_a_file"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, problem):
    model = tmp_path / "m.nn"
    out = tmp_path / "m.onnx"
    if problem in ("truncated", "no_folder", "folder_out", "under_a_file"):
        assert main(["train", "xor", "--out", str(model), "--epochs", "1", "--quiet"]) == 0
    if problem == "missing":
        model = tmp_path / "absent.nn"
    elif problem == "garbage":
        model.write_bytes(b"this is not a model\n")
    elif problem == "truncated":
        model.write_bytes(model.read_bytes()[:-10])
    elif problem == "no_folder":
        out = tmp_path / "nowhere" / "m.onnx"
    elif problem == "folder_out":
        out = tmp_path
    elif problem == "under_a_file":
        (tmp_path / "plain.txt").write_text("x")
        out = tmp_path / "plain.txt" / "m.onnx"
    capsys.readouterr()
    assert main(["export", str(model), str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neuronet export: error: ")
    assert "Traceback" not in err
    named = out if problem in ("no_folder", "folder_out", "under_a_file") else model
    assert str(named) in err
    assert not (tmp_path / "m.onnx").exists()
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


# ----------------------------------------------------------------------------------------------
def _predict_cli(capsys, model, data, tmp_path):
    """What `neuronet predict MODEL DATA --json` prints: labels and probabilities, or numbers."""
    capsys.readouterr()
    classifier = "iris" in str(model)
    assert main(["predict", str(model), str(data), "--json"] + (["--proba"] if classifier else [])) == 0
    result = json.loads(capsys.readouterr().out)
    if not classifier:
        return {"prediction": np.array(result["predictions"])}
    return {"label": np.array(result["predictions"]), "probabilities": np.array(result["probabilities"])}


def test_unwritable_output_folder_is_exit_2(tmp_path, capsys, monkeypatch):
    from neuronet import _files
    model = tmp_path / "m.nn"
    assert main(["train", "xor", "--out", str(model), "--epochs", "1", "--quiet"]) == 0

    def refuse(*args, **kwargs):   # what a read-only folder does (tests may run as root, so fake it)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_files.tempfile, "mkstemp", refuse)
    capsys.readouterr()
    out = tmp_path / "m.onnx"
    assert main(["export", str(model), str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"neuronet export: error: cannot write {out}: Permission denied\n"
    assert not out.exists()


def test_exported_file_gets_the_usual_permissions(tmp_path, capsys):
    model = tmp_path / "m.nn"
    assert main(["train", "xor", "--out", str(model), "--epochs", "1", "--quiet"]) == 0
    mask = os.umask(0o022)
    try:
        assert main(["export", str(model), str(tmp_path / "m.onnx")]) == 0
    finally:
        os.umask(mask)
    assert (tmp_path / "m.onnx").stat().st_mode & 0o777 == 0o644


def test_categorical_columns_survive_the_model_file(tmp_path, capsys):
    rng = np.random.default_rng(2)
    colours = np.array(["red", "green", "blue"])[rng.integers(0, 3, 60)]
    x = rng.normal(size=60)
    label = np.where((colours == "red") ^ (x > 0), "yes", "no")
    data = tmp_path / "cats.csv"
    data.write_text("x,colour,label\n" + "".join(f"{a:.5f},{c},{l}\n"
                                                 for a, c, l in zip(x, colours, label)))
    model = tmp_path / "cats.nn"
    assert main(["train", str(data), "--target", "label", "--out", str(model), "--epochs", "5",
                 "--hidden", "4", "--quiet"]) == 0
    capsys.readouterr()
    info = _export(capsys, model, tmp_path / "cats.onnx")
    assert info["numeric_columns"] == ["x"] and info["categorical_columns"] == ["colour"]
    feeds = {"X": _raw_numeric(data, ["x"], "float64"),
             "colour": np.array(colours, dtype=object).reshape(-1, 1)}
    out = _run(tmp_path / "cats.onnx", feeds)
    capsys.readouterr()
    assert main(["predict", str(model), str(data), "--proba", "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    np.testing.assert_array_equal(out["label"].astype(str), expected["predictions"])
    np.testing.assert_allclose(out["probabilities"], expected["probabilities"], rtol=1e-9, atol=1e-9)


def test_a_saved_bare_network_exports_too(tmp_path, capsys):
    import neuronet as nn
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.where(X[:, 0] > X[:, 1], "up", "down")
    net = nn.Network([nn.Dense(3, 5, activation="leaky_relu"), nn.Dropout(0.2),
                      nn.Dense(5, 2, activation="softmax")], seed=0).fit(X, y, epochs=5)
    nn.save(net, tmp_path / "net.nn")
    info = _export(capsys, tmp_path / "net.nn", tmp_path / "net.onnx")
    assert info["task"] is None and info["outputs"] == ["label", "output"]
    out = _run(tmp_path / "net.onnx", {"X": X})
    np.testing.assert_allclose(out["output"], net.predict(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(out["label"], net.predict_classes(X))


def test_dropout_layers_export_as_the_identity(tmp_path, capsys, iris_csv):
    import neuronet
    model = tmp_path / "drop.nn"
    assert main(["train", "iris", "--out", str(model), "--epochs", "5", "--hidden", "8,8",
                 "--dropout", "0.5", "--quiet"]) == 0
    info = _export(capsys, model, tmp_path / "drop.onnx")
    X = _raw_numeric(iris_csv, info["numeric_columns"], "float64")
    outputs = _run(tmp_path / "drop.onnx", {"X": X})
    loaded = neuronet.load(model)
    np.testing.assert_allclose(outputs["probabilities"], loaded.predict_proba(read_csv(iris_csv)),
                               rtol=1e-12, atol=1e-15)


def test_labels_are_spelled_as_neuronet_predict_writes_them(tmp_path, capsys):
    rng = np.random.default_rng(1)
    x = rng.normal(size=90)
    codes = np.array(["007", "012", "100"])[np.digitize(x, [-0.4, 0.4])]
    data = tmp_path / "codes.csv"
    data.write_text("x,code\n" + "".join(f"{a:.5f},{c}\n" for a, c in zip(x, codes)))
    model = tmp_path / "codes.nn"
    assert main(["train", str(data), "--target", "code", "--out", str(model), "--epochs", "20",
                 "--hidden", "6", "--quiet"]) == 0
    capsys.readouterr()
    _export(capsys, model, tmp_path / "codes.onnx")
    out = _run(tmp_path / "codes.onnx", {"X": _raw_numeric(data, ["x"], "float64")})
    assert main(["predict", str(model), str(data)]) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    written = [r[0] for r in rows[1:]]
    assert set(written) <= {"007", "012", "100"} and len(written) == 90
    np.testing.assert_array_equal(out["label"], np.array(written, dtype=object))


def test_float32_model_export_says_x_is_float64(tmp_path, capsys):
    model = tmp_path / "iris32.nn"
    assert main(["train", "iris", "--out", str(model), "--epochs", "2", "--dtype", "float32",
                 "--quiet"]) == 0
    capsys.readouterr()
    assert main(["export", str(model), str(tmp_path / "iris32.onnx")]) == 0
    out = capsys.readouterr().out
    assert "float32 network)" in out and "input 'X' (N, 4) float64: raw numeric columns" in out
    assert main(["export", str(model), str(tmp_path / "iris32.onnx"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["dtype"] == "float32" and result["input_dtype"] == "float64"
