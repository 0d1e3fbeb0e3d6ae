"""Model files crafted to hurt (review 5d): memory bombs, huge numbers, odd metadata, terminal escapes,
labels that change type, permissions, FIFOs. Every one is refused with a ModelFileError naming the
file, before anything large is built, and the command line answers in one line with exit code 2."""
import copy
import functools
import json
import os
import stat
import threading

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets, io, model_schema
from neuronet.cli import main
from neuronet.csvdata import parse_csv_text
from neuronet.io import ModelFileError
from neuronet.model import Model
from neuronet.tasks import _as_labels, infer_task, label_kind, parse_labels
from test_io import _rewrite


# ------------------------------------------------------------------------------------------------
# Helpers: a trained iris model, and rewriting a file's header with both checksums re-sealed
@pytest.fixture(scope="module")
def iris():
    table = datasets.load("iris")
    model = Model.for_table(table, "species", hidden=(4,), seed=0).fit(table, epochs=2)
    model.metadata["data"] = {"source": "iris", "rows": 150, "columns": list(table.columns),
                              "file": None}
    model.metadata["metrics"] = {"train": model.evaluate(table), "test": None}
    return model, table


@pytest.fixture
def iris_file(tmp_path, iris):
    path = tmp_path / "m.nn"
    nn.save(iris[0], path)
    return path


def _craft(path, edit):
    """Apply ``edit(header)`` to the file and re-seal both checksums, as an attacker could; returns
    the path."""
    _rewrite(path, edit)
    return path


def _cli_error(capsys, *argv):
    """Run the command line in-process: it must exit 2 with one line; returns that line."""
    code = main([str(a) for a in argv])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, (code, err)
    return err


def _labels(h):
    return h["model"]["classes"]["values"], h["network"]["classes"]["values"]


# ------------------------------------------------------------------------------------------------
# Finding 1: labels are checked as Python values before any NumPy array is built
def test_a_huge_label_is_refused_before_any_array_is_built(tmp_path):
    net = nn.Network([nn.Dense(1, 3, activation="softmax")], loss="categorical_crossentropy", seed=0)
    net.classes_ = np.array(["a", "b", "c"])
    path = tmp_path / "bomb.nn"
    nn.save(net, path)
    _craft(path, lambda h: h["network"]["classes"]["values"].__setitem__(2, "c" * 1_000_000))
    with pytest.raises(ModelFileError, match=r"bomb.nn: .*1,000,000 characters, more than the limit "
                                             r"of 10,000"):
        nn.load(path)


def test_many_long_labels_are_refused_by_their_total_size(tmp_path, monkeypatch):
    net = nn.Network([nn.Dense(1, 10, activation="softmax")], loss="categorical_crossentropy", seed=0)
    net.classes_ = np.array([f"{i}" + "x" * 200 for i in range(10)])
    path = tmp_path / "wide.nn"
    nn.save(net, path)
    monkeypatch.setattr(model_schema, "MAX_LABEL_CHARS", 1000)
    with pytest.raises(ModelFileError, match="10 labels of up to 201 characters are too much text"):
        nn.load(path)


def test_a_memory_error_while_loading_is_a_model_file_error(iris_file, monkeypatch):
    def exhausted(header, arrays):
        raise MemoryError
    monkeypatch.setattr(model_schema, "build", exhausted)
    with pytest.raises(ModelFileError, match="m.nn: there is not enough memory"):
        nn.load(iris_file)


# ------------------------------------------------------------------------------------------------
# Finding 3: whole numbers beyond int64 anywhere in the header
@pytest.mark.parametrize("edit", [
    lambda h: h["network"]["history"]["loss"].__setitem__(0, 10 ** 400),
    lambda h: h["network"]["optimizer"]["config"].__setitem__("beta1", 10 ** 400),
    lambda h: h["model"]["metadata"]["metrics"]["train"].__setitem__("loss", 10 ** 400),
    lambda h: h["model"]["metadata"].__setitem__("anything", -2 ** 63 - 1),
])
def test_whole_numbers_beyond_64_bits_are_refused(iris_file, capsys, edit):
    _craft(iris_file, edit)
    with pytest.raises(ModelFileError, match="m.nn: invalid header: the whole number .* out of range"):
        nn.load(iris_file)
    assert "out of range" in _cli_error(capsys, "info", iris_file)


def test_a_regression_target_mean_beyond_64_bits_is_refused(tmp_path):
    table = parse_csv_text("x,y\n" + "".join(f"{i},{i * 1.5}\n" for i in range(20)), "r.csv")
    path = tmp_path / "r.nn"
    nn.save(Model.for_table(table, "y", hidden=(2,), seed=0), path)
    _craft(path, lambda h: h["model"].__setitem__("target_mean", 10 ** 400))
    with pytest.raises(ModelFileError, match="out of range"):
        nn.load(path)


def test_save_refuses_a_history_that_load_would_refuse_and_keeps_the_old_file(tmp_path):
    net = nn.Network([nn.Dense(2, 1)], seed=0)
    path = tmp_path / "n.nn"
    nn.save(net, path)
    before = path.read_bytes()
    net.history = {"loss": [10 ** 400], "val_loss": []}
    with pytest.raises(ModelFileError, match="cannot write .*n.nn: neuronet.load would refuse it"):
        nn.save(net, path)
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------------------------
# Finding 4: the metadata that info, predict, evaluate and export read
DEEP = functools.reduce(lambda inner, _: [inner], range(40), 0)


@pytest.mark.parametrize("edit, message", [
    ({"labels_as_written": 5}, "labels_as_written must be a list of labels, one per class"),
    ({"labels_as_written": "abc"}, "labels_as_written must be a list of labels, one per class"),
    ({"labels_as_written": ["x", "x", "x"]}, "labels_as_written repeats a name"),
    ({"labels_as_written": [{"a": 1}] * 3}, "labels_as_written must be a list of strings"),
    ({"labels_as_written": ["a", "b"]}, "one per class"),
    ({"training": {"x": DEEP}}, "nests more than 32 levels deep"),
])
def test_label_spellings_of_the_wrong_shape_are_refused_at_load(iris_file, capsys, edit, message):
    _craft(iris_file, lambda h: h["model"]["metadata"].update(edit))
    with pytest.raises(ModelFileError, match=message):
        nn.load(iris_file)
    for command in (["info"], ["info", "--json"], ["predict"], ["evaluate"]):
        args = [command[0], iris_file, *(["iris"] if command[0] != "info" else []), *command[1:]]
        assert message.split()[-1] in _cli_error(capsys, *args)


@pytest.mark.parametrize("edit, aside", [
    ({"training": [1, 2]}, "training"),
    ({"training": {"x": {"y": 1}}}, "training.x"),
    ({"training": {"seed": "0\nrm -rf ~", "notes": "first run\nlr sweep"}},
     "training.seed, training.notes"),
    ({"data": "x"}, "data"),
    ({"data": {"dropped": [1, 2], "rows": 150.0}}, "data.dropped, data.rows"),
    ({"data": {"file": ["/etc"], "source": "iris", "rows": 150}}, "data.file"),
    ({"metrics": [1]}, "metrics"),
    ({"metrics": {"test": 5, "cv_scores": [0.9, 0.91]}}, "metrics.test, metrics.cv_scores"),
    ({"metrics": {"test": {"accuracy": "high"}}}, "metrics.test"),
    ({"metrics": {"extra": {"loss": True}}}, "metrics.extra"),
])
def test_users_entries_in_training_data_and_metrics_load_and_are_set_aside(iris_file, capsys, edit,
                                                                           aside):
    """``model.metadata`` is the user's to extend: a file holding their own entries loads (files
    saved before these checks existed too); info and evaluate read only the entries of the form
    `neuronet train` writes, so crafted ones crash nothing and reach no terminal."""
    _craft(iris_file, lambda h: h["model"]["metadata"].update(edit))
    loaded = nn.load(iris_file)
    for key, value in edit.items():
        assert loaded.metadata[key] == value            # kept as the file holds it
    assert main(["info", str(iris_file)]) == 0
    out, err = capsys.readouterr()
    assert f"other metadata (shown by --json): {aside}\n" in out and err == ""
    assert "rm -rf" not in out and "lr sweep" not in out
    assert main(["info", str(iris_file), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {k: shown[k] for k in edit} == edit
    assert main(["evaluate", str(iris_file), "iris"]) == 0
    assert "accuracy" in capsys.readouterr().out
    nn.save(loaded, iris_file)                          # and it saves again, unchanged
    assert nn.load(iris_file).metadata == loaded.metadata


def test_the_metadata_train_writes_still_loads_and_free_metadata_is_kept(tmp_path, iris):
    model, table = iris
    model = copy.deepcopy(model)
    model.metadata["notes"] = {"by": "me\tand\nyou", "deep": functools.reduce(
        lambda inner, _: [inner], range(20), 0)}
    nn.save(model, tmp_path / "m.nn")
    loaded = nn.load(tmp_path / "m.nn")
    assert loaded.metadata == json.loads(json.dumps(model.metadata))
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))


@pytest.mark.parametrize("metadata, message", [
    ({"labels_as_written": 5}, "labels_as_written"),
    ({1: "a", "1": "b"}, "the same text"),
])
def test_save_refuses_metadata_that_load_would_refuse(tmp_path, iris, metadata, message):
    model = copy.deepcopy(iris[0])
    path = tmp_path / "m.nn"
    nn.save(model, path)
    before = path.read_bytes()
    model.metadata.update(metadata)
    with pytest.raises(ModelFileError, match=message):
        nn.save(model, path)
    model.metadata.pop("labels_as_written", None)
    model.metadata["me"] = model.metadata             # holds itself: was a RecursionError
    with pytest.raises(ModelFileError, match="nests more than 32 levels deep"):
        nn.save(model, path)
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------------------------
# Finding 7: control characters and lone surrogates in header strings
ESC = "\x1b]0;owned\x07\x1b[2J"


@pytest.mark.parametrize("edit, message", [
    (lambda h: [v.__setitem__(0, "setosa" + ESC) for v in _labels(h)], "control character"),
    (lambda h: [v.__setitem__(2, "virginica\ud800") for v in _labels(h)], "lone surrogate"),
    (lambda h: [v.__setitem__(0, "setosa\nfake") for v in _labels(h)], "control character"),
    (lambda h: h["model"]["preprocessor"]["columns"].__setitem__(0, ESC), "control character"),
    (lambda h: h["model"].__setitem__("target", "species\x9b31m"), "control character"),
    (lambda h: h["model"]["metadata"].__setitem__("notes", "\x1b[31m"), "control character"),
    (lambda h: h["model"]["metadata"].__setitem__(ESC, 1), "control character"),
])
def test_control_characters_and_surrogates_are_refused_at_load(iris_file, capsys, edit, message):
    _craft(iris_file, edit)
    with pytest.raises(ModelFileError, match=message):
        nn.load(iris_file)
    line = _cli_error(capsys, "info", iris_file)
    assert "\x1b" not in line and "\x9b" not in line and "\ud800" not in line


def test_save_refuses_a_label_with_a_control_character_before_touching_the_file(tmp_path):
    X = np.array([[0.0], [1.0]])
    path = tmp_path / "n.nn"
    good = nn.Network([nn.Dense(1, 2, activation="softmax")], loss="categorical_crossentropy", seed=0)
    nn.save(good.fit(X, np.array(["a", "b"]), epochs=1), path)
    before = path.read_bytes()
    bad = nn.Network([nn.Dense(1, 2, activation="softmax")], loss="categorical_crossentropy", seed=0)
    bad.fit(X, np.array(["a", "b\x1b[2J"]), epochs=1)
    with pytest.raises(ModelFileError, match=r"cannot write .*'b\\x1b\[2J' holds a control character"):
        nn.save(bad, path)
    assert path.read_bytes() == before


def test_train_refuses_a_label_a_model_file_could_not_hold_before_training():
    with pytest.raises(ValueError, match=r"the label 'b\\x1b\[31m' holds a control character"):
        infer_task(["a", "b\x1b[31m", "a", "b\x1b[31m"], where="the target column 'y'")
    table = parse_csv_text('x,y\n1,a\n2,"b\nc"\n3,a\n4,"b\nc"\n', "t.csv")
    with pytest.raises(ValueError, match="a model file cannot hold it"):
        Model.for_table(table, "y")


# ------------------------------------------------------------------------------------------------
# Finding 6: label kinds survive save and load, or save refuses them before touching the file
def test_bool_labels_come_back_as_bool(tmp_path):
    X = np.array([[0.0, 1], [1, 0], [1, 1]])
    net = nn.Network([nn.Dense(2, 2, activation="softmax")], loss="categorical_crossentropy", seed=0)
    net.fit(X, np.array([True, False, True]), epochs=1)
    nn.save(net, tmp_path / "b.nn")
    loaded = nn.load(tmp_path / "b.nn")
    assert loaded.classes_.dtype == bool
    np.testing.assert_array_equal(loaded.predict_classes(X), net.predict_classes(X))


def test_a_bool_classifier_model_saves_loads_and_predicts_true_false(tmp_path, capsys):
    table = parse_csv_text("x,s\n" + "".join(f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(20)),
                           "t.csv")
    base = Model.for_table(table, "s", hidden=(2,), seed=0)
    model = Model(base.network, base.preprocessor, "binary", "s", np.array([False, True]),
                  metadata=base.metadata)
    nn.save(model, tmp_path / "b.nn")
    loaded = nn.load(tmp_path / "b.nn")
    assert loaded.classes_.dtype == bool and loaded.predict(table).dtype == bool
    (tmp_path / "t.csv").write_text("x\n1\n2\n")
    assert main(["predict", str(tmp_path / "b.nn"), str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out.split()
    assert out[0] == "s" and set(out[1:]) <= {"True", "False"}


def test_files_with_the_older_label_kinds_still_load(iris_file):
    raw = iris_file.read_bytes()
    assert b'"kind":"str"' in raw and b'"bool"' not in raw
    assert nn.load(iris_file).classes_.tolist() == ["setosa", "versicolor", "virginica"]


@pytest.mark.parametrize("labels, message", [
    (np.array([b"no", b"yes"]), "dtype |S3"),
    (np.array(["2021-01-01", "2021-01-02"], dtype="datetime64[D]"), "datetime64"),
    (np.array([3, 2 ** 63 + 1], dtype=np.uint64), "too large"),
])
def test_labels_load_could_not_give_back_are_refused_before_touching_the_file(tmp_path, labels,
                                                                               message):
    X = np.array([[0.0, 1], [1, 0]])
    path = tmp_path / "n.nn"
    nn.save(nn.Network([nn.Dense(2, 1)], seed=0), path)
    before = path.read_bytes()
    net = nn.Network([nn.Dense(2, 2, activation="softmax")], loss="categorical_crossentropy", seed=0)
    net.fit(X, labels, epochs=1)
    with pytest.raises((TypeError, ValueError), match=message):
        nn.save(net, path)
    assert path.read_bytes() == before


def test_bool_labels_are_parsed_as_bool_when_asked():
    assert parse_labels([True, False, True]).dtype.kind == "U"          # the default, for now
    labels = parse_labels([True, np.bool_(False), True], keep_bool=True)
    assert labels.dtype == bool and labels.tolist() == [True, False, True]
    assert label_kind(np.array([False, True])) == "bool"
    assert _as_labels(["True", " false", True], "bool").tolist() == [True, False, True]
    assert _as_labels(["yes", True], "bool") is None
    assert parse_labels(["True", "False"], keep_bool=True).dtype.kind == "U"   # text stays text


# ------------------------------------------------------------------------------------------------
# Findings 9, 2 and 11: FIFOs, layer and history caps, message sizes
def test_a_fifo_is_refused_at_once_instead_of_hanging(tmp_path, capsys):
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    done = []
    worker = threading.Thread(target=lambda: done.append(_load_error(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert done and "model.fifo: not a regular file" in done[0]
    assert "not a regular file" in _cli_error(capsys, "info", fifo)


def _load_error(path):
    try:
        nn.load(path)
    except ModelFileError as err:
        return str(err)
    return "loaded"


def test_layer_count_and_history_length_are_capped_before_building(iris_file, monkeypatch):
    monkeypatch.setattr(model_schema, "MAX_LAYERS", 3)
    _craft(iris_file, lambda h: h["network"]["layers"].extend([{"type": "dropout", "rate": 0.0}] * 5))
    built = []
    monkeypatch.setattr(model_schema, "Dropout", lambda rate: built.append(rate))
    with pytest.raises(ModelFileError, match="lists 7 layers, more than 3"):
        nn.load(iris_file)
    assert not built
    monkeypatch.setattr(model_schema, "MAX_HISTORY", 1)
    with pytest.raises(ModelFileError, match="history.loss holds 2 epochs, more than 1"):
        nn.load(_craft(iris_file, lambda h: h["network"].update(
            layers=h["network"]["layers"][:2], history={"loss": [1.0, 2.0]})))


def test_names_quoted_in_messages_are_cut_short(iris_file):
    _craft(iris_file, lambda h: h["network"]["layers"][0].update(activation="x" * 9000))
    with pytest.raises(ModelFileError) as error:
        nn.load(iris_file)
    assert "unknown activation 'xxx" in str(error.value) and len(str(error.value)) < 400


# ------------------------------------------------------------------------------------------------
# Finding 8 (permissions) is in test_files.py; a model file keeps them too
def test_saving_over_a_private_model_keeps_it_private(tmp_path, iris):
    path = tmp_path / "m.nn"
    nn.save(iris[0], path)
    os.chmod(path, 0o600)
    nn.save(iris[0], path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_load_with_header_reads_the_file_once_for_info(iris_file, monkeypatch):
    reads = []
    read_verified = io.read_verified
    monkeypatch.setattr(io, "read_verified", lambda *a, **k: reads.append(a) or read_verified(*a, **k))
    model, header = io.load_with_header(iris_file)
    assert isinstance(model, Model) and header["kind"] == "model" and len(reads) == 1
