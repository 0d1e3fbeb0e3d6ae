"""ONNX export of NeuronetClassifier / NeuronetRegressor: onnxruntime must answer as predict and
predict_proba do, with the inputs and outputs skl2onnx gives MLPClassifier / MLPRegressor."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("sklearn")
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import neuronet as nn  # noqa: E402  (after the importorskip)
from neuronet import onnx_export  # noqa: E402
from neuronet.onnx_export import to_onnx  # noqa: E402
from neuronet.sklearn import NeuronetClassifier, NeuronetRegressor  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

DTYPES = ["float64", "float32"]


def _features(n=80, seed=0):
    return np.random.default_rng(seed).normal(scale=1.5, size=(n, 4))


def _classifier(y, dtype="float64", X=None, **params):
    X = _features() if X is None else X
    params = {"hidden_layer_sizes": (8,), "max_iter": 30, "random_state": 0, **params}
    return NeuronetClassifier(dtype=dtype, **params).fit(X, y), X


def _regressor(y, dtype="float64", X=None):
    X = _features() if X is None else X
    return NeuronetRegressor(hidden_layer_sizes=(8,), activation="tanh", max_iter=30,
                             random_state=0, dtype=dtype).fit(X, y), X


def _export(estimator, tmp_path):
    path = tmp_path / "estimator.onnx"
    assert to_onnx(estimator, path) == str(path)
    return path


def _run(path, X):
    """The graph's outputs for ``X``, by name, in graph order."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["X"]
    return dict(zip([o.name for o in session.get_outputs()], session.run(None, {"X": X})))


def _props(path):
    return {p.key: p.value for p in onnx.load(str(path)).metadata_props}


def _close(actual, expected, dtype):
    assert actual.dtype == np.dtype(dtype)
    assert actual.shape == expected.shape
    if np.dtype(dtype) == np.float64:
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def _same_as_estimator(path, clf, X):
    """label == predict (same dtype kind), probabilities == predict_proba (the network's dtype)."""
    out = _run(path, X)
    assert list(out) == ["label", "probabilities"]        # the order skl2onnx uses
    expected = clf.predict(X)
    assert out["label"].shape == expected.shape
    np.testing.assert_array_equal(out["label"], expected)
    _close(out["probabilities"], clf.predict_proba(X), clf.network_.dtype)
    return out


# --------------------------------------------------------------------------------------------------
# Classifiers
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_classifier_with_string_labels(tmp_path, dtype):
    X = _features()
    clf, _ = _classifier(np.where(X[:, 0] + X[:, 1] > 0, "spam", "ham"), dtype, X)
    path = _export(clf, tmp_path)
    out = _same_as_estimator(path, clf, X.astype(dtype))
    assert out["label"].dtype == object and set(out["label"]) == {"ham", "spam"}
    assert out["probabilities"].shape == (80, 2)           # [1 - p, p], not the single sigmoid unit
    props = _props(path)
    assert json.loads(props["neuronet.classes"]) == ["ham", "spam"]
    assert props["neuronet.task"] == "binary"


@pytest.mark.parametrize("dtype", DTYPES)
def test_multiclass_classifier_with_int_labels(tmp_path, dtype):
    X = _features()
    y = np.array([3, 7, 11])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    clf, _ = _classifier(y, dtype, X)
    path = _export(clf, tmp_path)
    out = _same_as_estimator(path, clf, X.astype(dtype))
    assert out["label"].dtype == np.int64
    assert out["probabilities"].shape == (80, 3)
    props = _props(path)
    assert json.loads(props["neuronet.classes"]) == [3, 7, 11]
    assert props["neuronet.task"] == "multiclass"


def test_bool_labels_come_back_as_bool(tmp_path):
    X = _features()
    clf, _ = _classifier(X[:, 0] > 0, X=X)
    out = _same_as_estimator(_export(clf, tmp_path), clf, X)
    assert out["label"].dtype == bool and clf.predict(X).dtype == bool
    assert json.loads(_props(tmp_path / "estimator.onnx")["neuronet.classes"]) == [False, True]


def test_uint64_labels_above_int64_are_refused_and_smaller_ones_kept(tmp_path):
    X = _features()
    y = np.where(X[:, 0] > 0, np.uint64(2**63 + 5), np.uint64(7))
    clf, _ = _classifier(y, X=X)
    with pytest.raises(ValueError, match=r"class label 9223372036854775813 is above 2\*\*63 - 1"):
        _export(clf, tmp_path)
    assert not (tmp_path / "estimator.onnx").exists()
    clf, _ = _classifier(np.where(X[:, 0] > 0, np.uint64(9), np.uint64(7)), X=X)
    out = _same_as_estimator(_export(clf, tmp_path), clf, X)
    assert out["label"].tolist() == clf.predict(X).tolist()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_labels_at_an_exact_tie_match_predict(tmp_path, n_classes):
    """p == 0.5 exactly (binary) and equal softmax columns: predict picks the first class."""
    X = _features()
    clf, _ = _classifier(np.array(["a", "b", "c"])[np.arange(80) % n_classes], X=X)
    clf.coefs_[-1] = np.zeros_like(clf.coefs_[-1])
    clf.intercepts_[-1] = np.zeros_like(clf.intercepts_[-1])
    out = _same_as_estimator(_export(clf, tmp_path), clf, X)
    assert set(out["label"]) == {"a"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_multilabel_classifier_gives_indicators_and_per_label_probabilities(tmp_path, dtype):
    X = _features()
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 2] > 0]).astype(int)
    clf, _ = _classifier(Y, dtype, X)
    path = _export(clf, tmp_path)
    out = _same_as_estimator(path, clf, X.astype(dtype))
    assert out["label"].dtype == np.int64 and out["label"].shape == (80, 3)
    assert set(np.unique(out["label"])) <= {0, 1}
    props = _props(path)
    assert props["neuronet.task"] == "multilabel"
    assert json.loads(props["neuronet.classes"]) == [0, 1, 2]


# --------------------------------------------------------------------------------------------------
# Regressors
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_regressor_prediction_matches_predict(tmp_path, dtype, n_outputs):
    X = _features()
    Y = np.column_stack([X[:, 0] * 3 - X[:, 1], X[:, 2] ** 2, 10 + X[:, 3]])[:, :n_outputs]
    reg, _ = _regressor(Y[:, 0] if n_outputs == 1 else Y, dtype, X)
    path = _export(reg, tmp_path)
    out = _run(path, X.astype(dtype))
    assert list(out) == ["prediction"]
    expected = reg.predict(X)
    assert expected.shape == ((80,) if n_outputs == 1 else (80, n_outputs))
    _close(out["prediction"], expected, dtype)
    props = _props(path)
    assert props["neuronet.task"] == "regression" and "neuronet.classes" not in props


# --------------------------------------------------------------------------------------------------
# The file
@pytest.mark.parametrize("dtype", DTYPES)
def test_checker_versions_input_and_metadata(tmp_path, dtype):
    X = _features()
    clf, _ = _classifier(np.where(X[:, 0] > 0, "yes", "no"), dtype, X)
    path = _export(clf, tmp_path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == onnx_export.IR_VERSION
    assert [(o.domain, o.version) for o in model.opset_import] == [("", onnx_export.OPSET)]
    assert model.producer_name == "neuronet"
    (X_info,) = model.graph.input
    assert X_info.name == "X"
    assert X_info.type.tensor_type.elem_type == onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    assert [d.dim_param or d.dim_value for d in X_info.type.tensor_type.shape.dim] == ["N", 4]
    props = _props(path)
    assert props["neuronet.kind"] == "sklearn"
    assert props["neuronet.estimator"] == "NeuronetClassifier"
    assert props["neuronet.dtype"] == props["neuronet.input_dtype"] == dtype
    assert json.loads(props["neuronet.inputs"]) == ["X"]
    assert "neuronet.feature_names" not in props                 # X had no column names
    assert "NeuronetClassifier" in model.doc_string and "'probabilities' (N, 2)" in model.doc_string


def test_feature_names_are_stored(tmp_path):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(_features(), columns=["height", "weight", "age", "income"])
    reg, _ = _regressor(X["height"] * 2.0, X=X)
    path = _export(reg, tmp_path)
    assert json.loads(_props(path)["neuronet.feature_names"]) == ["height", "weight", "age", "income"]
    assert "height, weight, age, income" in onnx.load(str(path)).doc_string
    out = _run(path, X.to_numpy())
    _close(out["prediction"], reg.predict(X), "float64")


@pytest.mark.parametrize("rows", [1, 0])
def test_batches_of_one_and_zero_rows(tmp_path, rows):
    X = _features()
    clf, _ = _classifier(np.where(X[:, 0] > 0, "yes", "no"), X=X)
    reg, _ = _regressor(X[:, 0], X=X)
    clf_out = _run(_export(clf, tmp_path), X[:rows])
    assert clf_out["label"].shape == (rows,) and clf_out["probabilities"].shape == (rows, 2)
    reg_out = _run(_export(reg, tmp_path), X[:rows])
    assert reg_out["prediction"].shape == (rows,)
    if rows:   # predict refuses 0 rows; the graph answers with empty outputs
        np.testing.assert_array_equal(clf_out["label"], clf.predict(X[:rows]))
        _close(reg_out["prediction"], reg.predict(X[:rows]), "float64")


# --------------------------------------------------------------------------------------------------
# Refusals
@pytest.mark.parametrize("estimator", [NeuronetClassifier(), NeuronetRegressor()],
                         ids=["classifier", "regressor"])
def test_unfitted_estimator_is_not_fitted_error_and_writes_nothing(tmp_path, estimator):
    with pytest.raises(NotFittedError, match=type(estimator).__name__):
        to_onnx(estimator, tmp_path / "m.onnx")
    assert os.listdir(tmp_path) == []


def test_custom_activation_is_refused_naming_the_layer(tmp_path):
    nn.register_activation("onnx_sklearn_cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    X = _features()
    clf, _ = _classifier(X[:, 0] > 0, X=X, activation="onnx_sklearn_cube", max_iter=2)
    with pytest.raises(ValueError, match="layer 0 .*onnx_sklearn_cube"):
        to_onnx(clf, tmp_path / "m.onnx")
    assert os.listdir(tmp_path) == []


def test_other_sklearn_estimators_point_to_skl2onnx(tmp_path):
    from sklearn.linear_model import LinearRegression
    X = _features()
    with pytest.raises(TypeError, match="got LinearRegression; .*skl2onnx"):
        to_onnx(LinearRegression().fit(X, X[:, 0]), tmp_path / "m.onnx")


def test_a_pipeline_is_refused_naming_its_last_step(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X = _features()
    pipe = make_pipeline(StandardScaler(), NeuronetRegressor(max_iter=2)).fit(X, X[:, 0])
    with pytest.raises(TypeError, match=r"got Pipeline; .*pipeline\[-1\]"):
        to_onnx(pipe, tmp_path / "m.onnx")


def test_a_network_that_does_not_fit_the_estimator_is_refused(tmp_path):
    X = _features()
    reg, _ = _regressor(X[:, 0], X=X)
    reg.network_ = nn.Network([nn.Dense(4, 2, activation="softmax")])
    with pytest.raises(ValueError, match="NeuronetRegressor cannot be exported to ONNX"):
        to_onnx(reg, tmp_path / "m.onnx")


# --------------------------------------------------------------------------------------------------
# scikit-learn is imported only for an estimator
def test_exporting_a_network_does_not_import_sklearn(tmp_path):
    code = f"""
        import json, sys
        import neuronet as nn
        import neuronet.onnx_export, neuronet.onnx_sklearn
        loaded_on_import = sorted({{"sklearn", "onnx"}} & {{m.split(".")[0] for m in sys.modules}})
        net = nn.Network([nn.Dense(3, 2, activation="softmax")], seed=0)
        nn.onnx_export.to_onnx(net, {str(tmp_path / "net.onnx")!r})
        print(json.dumps([loaded_on_import, "sklearn" in sys.modules]))
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [[], False]


def test_the_estimator_method_writes_the_same_file(tmp_path):
    X = _features()
    clf, _ = _classifier(np.where(X[:, 0] > 0, "spam", "ham"), "float64", X)
    assert clf.to_onnx(tmp_path / "method.onnx") == str(tmp_path / "method.onnx")
    _same_as_estimator(tmp_path / "method.onnx", clf, X)
