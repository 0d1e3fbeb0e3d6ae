"""Model files: round trips, and every way a file can be wrong is refused with ModelFileError."""
import hashlib
import json
import os
import pathlib
import pickle
import struct

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets, io
from neuronet.csvdata import parse_csv_text
from neuronet.io import MAGIC, ModelFileError
from neuronet.model import Model


@pytest.fixture(scope="module")
def iris_model():
    table = datasets.load("iris")
    return Model.for_table(table, "species", hidden=(6,), seed=0).fit(table, epochs=3), table


@pytest.fixture
def small_file(tmp_path):
    """A small classifier with a categorical column, saved: (path, model, table)."""
    text = "colour,x,label\n" + "red,1.5,yes\nblue,2,no\ngreen,-3,yes\nred,0.25,no\n"
    table = parse_csv_text(text, "s.csv")
    model = Model.for_table(table, "label", hidden=(3,), seed=0).fit(table, epochs=2)
    path = tmp_path / "small.nn"
    nn.save(model, path)
    return path, model, table


def test_round_trip_gives_identical_predictions(tmp_path, iris_model):
    model, table = iris_model
    path = tmp_path / "m.nn"
    assert nn.save(model, path) == str(path)
    loaded = nn.load(path)
    assert isinstance(loaded, Model)
    np.testing.assert_array_equal(loaded.predict_proba(table), model.predict_proba(table))
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert loaded.network.history == model.network.history
    assert loaded.metadata["training"] == model.metadata["training"]
    np.testing.assert_array_equal(loaded.preprocessor.mean_, model.preprocessor.mean_)
    assert loaded.preprocessor.columns_ == model.preprocessor.columns_
    assert loaded.network.optimizer.get_config() == model.network.optimizer.get_config()


@pytest.mark.parametrize("path, error, message", [
    (None, TypeError, "path must be a file name .*got NoneType"),
    (3, TypeError, "path must be a file name .*got int"),
    ("", ModelFileError, "the path is empty: give a file name"),
])
def test_save_and_load_name_a_path_that_is_not_a_file_name(path, error, message):
    net = nn.Network([nn.Dense(2, 1)])
    for call in (lambda: nn.load(path), lambda: net.save(path), lambda: nn.save(net, path)):
        with pytest.raises(error, match=message):
            call()


def test_a_bytes_path_works_and_is_named_as_text(tmp_path):
    path = os.fsencode(tmp_path / "b.nn")
    nn.Network([nn.Dense(2, 1)]).save(path)
    assert nn.load(path).n_parameters == 3
    with pytest.raises(ModelFileError, match=r"^/\S*gone.nn: no such file"):
        nn.load(os.fsencode(tmp_path / "gone.nn"))


def test_round_trip_float32_regression_and_categories(tmp_path):
    rows = "".join(f"{c},{i % 7},{i * 0.5}\n" for i, c in enumerate(["a", "b", "c"] * 10))
    table = parse_csv_text("kind,n,y\n" + rows, "r.csv")
    model = Model.for_table(table, "y", hidden=(5,), seed=1, dtype="float32").fit(table, epochs=2)
    nn.save(model, tmp_path / "r.nn")
    loaded = nn.load(tmp_path / "r.nn")
    assert loaded.task == "regression" and loaded.network.dtype == np.float32
    assert loaded.preprocessor.categories_ == [["a", "b", "c"]]
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    assert loaded.target_mean_ == model.target_mean_


def test_bare_network_round_trip(tmp_path):
    net = nn.Network([nn.Dense(3, 4, activation="leaky_relu"), nn.Dropout(0.25),
                      nn.Dense(4, 2, activation="softmax")], optimizer=nn.SGD(0.1, momentum=0.9))
    X = np.random.default_rng(0).normal(size=(20, 3))
    net.fit(X, np.array(["p", "q"] * 10), epochs=2)
    nn.save(net, tmp_path / "n.nn")
    loaded = nn.load(tmp_path / "n.nn")
    assert isinstance(loaded, nn.Network)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert loaded.classes_.tolist() == ["p", "q"] and loaded.layers[1].rate == 0.25
    assert loaded.layers[0].activation.slope == net.layers[0].activation.slope
    assert loaded.optimizer.get_config() == net.optimizer.get_config()


def test_every_corrupted_byte_is_refused(small_file):
    path, _, _ = small_file
    original = path.read_bytes()
    assert len(original) < 8000
    for position in range(len(original)):
        for flip in (0x01, 0xFF):
            data = bytearray(original)
            data[position] ^= flip
            path.write_bytes(bytes(data))
            with pytest.raises(ModelFileError, match=str(path.name)):
                io.load(path)


def test_every_truncation_and_extension_is_refused(small_file):
    path, _, _ = small_file
    original = path.read_bytes()
    for size in range(len(original)):
        path.write_bytes(original[:size])
        with pytest.raises(ModelFileError):
            io.load(path)
    path.write_bytes(original + b"\0")
    with pytest.raises(ModelFileError, match="truncated or extended"):
        io.load(path)


def _rewrite(path, edit_header, edit_body=None):
    """Change the header (and body) of a saved file and re-seal both checksums, as an attacker could."""
    raw = path.read_bytes()
    version, length, _ = struct.unpack("<IQ32s", raw[len(MAGIC):len(MAGIC) + 44])
    start = len(MAGIC) + 44
    header = json.loads(raw[start:start + length])
    body = raw[start + length:]
    edit_header(header)
    if edit_body is not None:
        body = edit_body(body)
    header["data"]["size"] = len(body)
    header["data"]["sha256"] = hashlib.sha256(body).hexdigest()
    text = json.dumps(header).encode()
    path.write_bytes(MAGIC + struct.pack("<IQ32s", version, len(text), hashlib.sha256(text).digest())
                     + text + body)


def _layer0(h):
    return h["network"]["layers"][0]


@pytest.mark.parametrize("edit, message", [
    (lambda h: _layer0(h).update(activation="os.system"), "unknown activation 'os.system'"),
    (lambda h: h["network"].update(loss="nope"), "unknown loss 'nope'"),
    (lambda h: h["network"]["optimizer"].update(name="evil"), "unknown optimizer 'evil'"),
    (lambda h: h["network"]["optimizer"]["config"].update(learning_rate="x"), "must be a number"),
    (lambda h: h["network"]["optimizer"]["config"].update(bogus=1), "architecture is invalid"),
    (lambda h: _layer0(h).update(n_out=4), "shape"),
    (lambda h: _layer0(h).update(type="lambda"), "unknown layer type 'lambda'"),
    (lambda h: h["arrays"][0].update(dtype="|O"), "only '<f4' and '<f8'"),
    (lambda h: h["arrays"][0].update(shape=[1, 2, 3]), "dimensions"),
    (lambda h: h["arrays"][1].update(offset=0), "overlap"),
    (lambda h: h["arrays"][0].update(offset=10 ** 9), "past the end"),
    (lambda h: h["arrays"][0].update(nbytes=8), "do not fit shape"),
    (lambda h: h["arrays"].append(dict(h["arrays"][0])), "appears twice"),
    (lambda h: h.update(format="other"), "format is 'other'"),
    (lambda h: h.update(kind="pickle"), "kind must be"),
    (lambda h: h["model"].update(task="ranking"), "model.task"),
    (lambda h: h["model"]["classes"].update(values=["no", "no"]), "sorted and distinct"),
    (lambda h: h["model"]["preprocessor"].update(columns=["x"]), "do not make up the columns"),
    (lambda h: h["model"]["preprocessor"]["categories"][0].reverse(), "must be non-empty and sorted"),
    (lambda h: h["network"].update(dtype="object"), "network.dtype"),
    (lambda h: h.pop("network"), "lacks the field 'network'"),
    (lambda h: h["model"]["classes"].update(kind="int", values=[2 ** 70, 2 ** 71]), "out of range"),
    (lambda h: h["model"].update(target_scale=-1.0), "has no target_mean or target_scale"),
])
def test_crafted_headers_with_valid_checksums_are_refused(small_file, edit, message):
    path, _, _ = small_file
    _rewrite(path, edit)
    with pytest.raises(ModelFileError, match=message):
        io.load(path)


def test_nan_weights_are_refused(small_file):
    path, _, _ = small_file

    def poison(body):
        body = bytearray(body)
        body[0:8] = struct.pack("<d", float("nan"))
        return bytes(body)
    _rewrite(path, lambda h: None, poison)
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        io.load(path)


def test_wrong_version_oversized_and_foreign_files(small_file, tmp_path):
    path, model, _ = small_file
    raw = path.read_bytes()
    bad = bytearray(raw)
    bad[len(MAGIC):len(MAGIC) + 4] = struct.pack("<I", 99)
    path.write_bytes(bytes(bad))
    with pytest.raises(ModelFileError, match="format version 99 is not supported"):
        io.load(path)
    bad = bytearray(raw)
    bad[len(MAGIC) + 4:len(MAGIC) + 12] = struct.pack("<Q", 2 ** 40)
    path.write_bytes(bytes(bad))
    with pytest.raises(ModelFileError, match="more than the limit"):
        io.load(path)
    path.write_bytes(raw)
    with pytest.raises(ModelFileError, match="more than the limit of 100 bytes"):
        io.load(path, max_bytes=100)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(model.network.parameters))
    with pytest.raises(ModelFileError, match="looks like a Python pickle"):
        io.load(pickled)
    npz = tmp_path / "a.npz"
    np.savez(npz, a=np.zeros(3))
    with pytest.raises(ModelFileError, match="zip"):
        io.load(npz)
    with pytest.raises(ModelFileError, match="no such file"):
        io.load(tmp_path / "missing.nn")
    with pytest.raises(ModelFileError, match="is a folder"):
        io.load(tmp_path)


def test_json_with_nan_or_repeated_keys_is_refused(small_file):
    path, _, _ = small_file
    for text in (b'{"a": NaN}', b'{"a": 1e999}', b'{"a": 1, "a": 2}', b"[" * 100000, b"\xff\xfe"):
        padded = text
        path.write_bytes(MAGIC + struct.pack("<IQ32s", 1, len(padded), hashlib.sha256(padded).digest())
                         + padded)
        with pytest.raises(ModelFileError, match="not valid JSON"):
            io.load(path)


def test_atomic_write_leaves_no_temporary_file_and_keeps_the_old_file(tmp_path, iris_model,
                                                                       monkeypatch):
    model, _ = iris_model
    path = tmp_path / "m.nn"
    nn.save(model, path)
    before = path.read_bytes()

    def boom(fd):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        nn.save(model, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.nn"]
    with pytest.raises(ModelFileError, match="does not exist"):
        nn.save(model, tmp_path / "no" / "m.nn")
    with pytest.raises(TypeError, match="Model or Network"):
        nn.save({"weights": 1}, tmp_path / "x.nn")


def test_no_pickle_no_eval_in_the_file_code():
    src = pathlib.Path(io.__file__).parent
    for name in ("io.py", "model_schema.py", "schema_checks.py"):
        code = (src / name).read_text()
        for word in ("import pickle", "allow_pickle=True", "eval(", "exec(", "np.load("):
            assert word not in code, (name, word)


def test_save_refuses_what_load_could_not_rebuild_and_keeps_the_old_file(tmp_path):
    class L1(nn.Loss):
        name = "l1"

        def value(self, Y, P, w=None):
            return float(np.abs(P - Y).mean())

        def gradient(self, Y, P, w=None):
            return np.sign(P - Y) / P.shape[0]

    class Swish(nn.Activation):
        name = "swish"

        def forward(self, Z):
            return Z / (1 + np.exp(-Z))

    X = np.random.default_rng(0).normal(size=(20, 3))
    path = tmp_path / "model.nn"
    nn.save(nn.Network([nn.Dense(3, 1)], seed=0), path)
    before = path.read_bytes()
    custom_loss = nn.Network([nn.Dense(3, 1)], loss=L1(), seed=0).fit(X, X[:, 0], epochs=2)
    with pytest.raises(TypeError, match="cannot save loss L1.*a custom Loss cannot be rebuilt"):
        nn.save(custom_loss, path)
    custom_activation = nn.Network([nn.Dense(3, 4, activation=Swish()), nn.Dense(4, 1)], seed=0)
    with pytest.raises(TypeError, match=r"cannot save layer 0 .*custom Activation object.*"
                                        r"register_activation"):
        nn.save(custom_activation, path)
    assert path.read_bytes() == before
    nn.register_activation("squared_for_io_test", lambda z: z * z, lambda z: 2 * z)
    registered = nn.Network([nn.Dense(3, 2, activation="squared_for_io_test"), nn.Dense(2, 1)], seed=0)
    nn.save(registered, path)
    np.testing.assert_array_equal(nn.load(path).predict(X), registered.predict(X))
