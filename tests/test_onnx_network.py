"""ONNX export of a Network: onnxruntime must compute what Network.predict computes."""
import os

import numpy as np
import pytest

import neuronet as nn
from neuronet.activations import LeakyReLU

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from neuronet import _files, onnx_export  # noqa: E402  (after the importorskip)

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", LeakyReLU(0.2), "softmax"]


def _run(path, feeds):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))


def _random_network(activation, bias, dtype, seed=0):
    """Dense -> Dropout -> Dense -> Dense, every weight and bias random (biases are not left at zero)."""
    net = nn.Network([nn.Dense(5, 7, activation=activation, bias=bias), nn.Dropout(0.3),
                      nn.Dense(7, 6, activation=activation, bias=bias),
                      nn.Dense(6, 3, activation=activation, bias=bias)], seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed)
    net.set_flat_parameters(rng.normal(scale=0.8, size=net.n_parameters))
    return net


def _assert_close(actual, expected, dtype):
    assert actual.dtype == np.dtype(dtype)
    assert actual.shape == expected.shape
    if np.dtype(dtype) == np.float64:
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9)
    else:  # relative 1e-5, relative to the size of the outputs for entries near zero
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
def test_onnxruntime_matches_predict(tmp_path, activation, bias, dtype):
    net = _random_network(activation, bias, dtype)
    X = np.random.default_rng(1).normal(scale=2.0, size=(40, 5)).astype(dtype)
    X[0] = 40.0   # saturates sigmoid/tanh/softmax
    X[1] = -40.0
    path = tmp_path / "net.onnx"
    assert net.to_onnx(path) == str(path)
    outputs = _run(path, {"X": X})
    assert list(outputs) == ["output"]
    _assert_close(outputs["output"], net.predict(X), dtype)


def test_leaky_relu_uses_its_slope(tmp_path):
    net = nn.Network([nn.Dense(1, 1, activation=LeakyReLU(0.25))], dtype="float64")
    net.layers[0].weights = [[1.0]]
    path = tmp_path / "leaky.onnx"
    net.to_onnx(path)
    out = _run(path, {"X": np.array([[-4.0], [0.0], [3.0]])})["output"]
    np.testing.assert_array_equal(out[:, 0], [-1.0, 0.0, 3.0])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_network_with_labels_exports_label_output(tmp_path, dtype):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = np.array(["setosa", "versicolor", "virginica"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    net = nn.Network([nn.Dense(4, 8, activation="relu"), nn.Dense(8, 3, activation="softmax")],
                     seed=0, dtype=dtype).fit(X, y, epochs=20, batch_size=16)
    path = tmp_path / "cls.onnx"
    net.to_onnx(path)
    outputs = _run(path, {"X": X.astype(dtype)})
    assert list(outputs) == ["label", "output"]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    label, output = session.run(None, {"X": X.astype(dtype)})      # label first, as documented
    np.testing.assert_array_equal(label, net.predict_classes(X))
    _assert_close(output, net.predict(X), dtype)
    _assert_close(outputs["output"], net.predict(X), dtype)
    np.testing.assert_array_equal(outputs["label"], net.predict_classes(X))


def test_checker_passes_and_versions_are_pinned(tmp_path):
    path = tmp_path / "net.onnx"
    _random_network("relu", True, "float64").to_onnx(path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == onnx_export.IR_VERSION == 10
    assert [(o.domain, o.version) for o in model.opset_import] == [("", onnx_export.OPSET)]
    assert onnx_export.OPSET == 21
    assert model.producer_name == "neuronet"
    assert {p.key: p.value for p in model.metadata_props}["neuronet.kind"] == "network"
    # Dropout leaves no trace; every Dense layer is a MatMul
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("MatMul") == 3 and "Dropout" not in ops


def test_custom_activation_is_refused_naming_the_layer(tmp_path):
    nn.register_activation("onnx_test_cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    net = nn.Network([nn.Dense(4, 16, activation="relu"), nn.Dropout(0.1),
                      nn.Dense(16, 3, activation="onnx_test_cube")])
    path = tmp_path / "custom.onnx"
    with pytest.raises(ValueError, match=r"layer 2 Dense\(16, 3, activation='onnx_test_cube'\)"):
        net.to_onnx(path)
    assert os.listdir(tmp_path) == []


def test_failed_export_leaves_existing_file_untouched(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"previous contents")
    nn.register_activation("onnx_test_square", lambda z: z ** 2, lambda z: 2 * z)
    net = nn.Network([nn.Dense(2, 1, activation="onnx_test_square")])
    with pytest.raises(ValueError, match="layer 0"):
        net.to_onnx(path)
    assert path.read_bytes() == b"previous contents"
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_failure_while_writing_removes_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"previous contents")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="cannot write .*model.onnx"):
        _random_network("tanh", True, "float64").to_onnx(path)
    assert path.read_bytes() == b"previous contents"
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_successful_export_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"previous contents")
    _random_network("sigmoid", True, "float32").to_onnx(path)
    assert os.listdir(tmp_path) == ["model.onnx"]
    onnx.checker.check_model(onnx.load(str(path)))


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        _random_network("relu", True, "float64").to_onnx(tmp_path / "nowhere" / "m.onnx")


def test_not_a_network_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="Network or Model"):
        onnx_export.to_onnx(object(), tmp_path / "m.onnx")


def test_missing_onnx_names_the_extra(tmp_path, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "onnx", None)     # makes `import onnx` fail
    with pytest.raises(ImportError, match=r"pip install neuronet\[onnx\]"):
        _random_network("relu", True, "float64").to_onnx(tmp_path / "m.onnx")
    assert os.listdir(tmp_path) == []
