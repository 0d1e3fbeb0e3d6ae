"""`neuronet evaluate`, `predict`, `info` and `datasets` on a model trained by `neuronet train`."""
import csv
import io
import json
import os

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets
from neuronet.cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "iris.nn"
    assert main(["train", "iris", "--epochs", "40", "--out", str(path), "--quiet"]) == 0
    return path


def test_evaluate_text_and_json(iris_model, capsys):
    code, out, err = run(capsys, "evaluate", iris_model, "iris")
    assert code == 0, err
    assert "accuracy" in out and "confusion matrix" in out and "versicolor" in out
    code, out, _ = run(capsys, "evaluate", iris_model, "iris", "--json")
    result = json.loads(out)
    model = nn.load(iris_model)
    expected = model.evaluate(datasets.load("iris"))
    assert result["accuracy"] == expected["accuracy"] and result["n_rows"] == 150
    assert np.sum(result["confusion_matrix"]) == 150
    assert result["classes"] == ["setosa", "versicolor", "virginica"]


def test_evaluate_with_another_target_column(iris_model, tmp_path, capsys):
    table = datasets.load("iris")
    text = ",".join(table.columns[:4] + ["truth"]) + "\n" + "".join(
        ",".join(row) + "\n" for row in table.rows)
    (tmp_path / "renamed.csv").write_text(text)
    code, out, err = run(capsys, "evaluate", iris_model, tmp_path / "renamed.csv", "--target", "truth",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["target"] == "truth"


def test_predict_writes_one_row_per_input_with_labels_and_probabilities(iris_model, tmp_path, capsys):
    code, out, err = run(capsys, "predict", iris_model, "iris", "--proba")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["species", "proba_setosa", "proba_versicolor", "proba_virginica"]
    assert len(rows) == 151
    model = nn.load(iris_model)
    table = datasets.load("iris")
    assert [r[0] for r in rows[1:]] == model.predict(table).tolist()
    # full round-trip precision: the CSV reads back as exactly the computed probabilities
    np.testing.assert_array_equal(np.array([r[1:] for r in rows[1:]], dtype=float),
                                  model.predict_proba(table))
    code, out, err = run(capsys, "predict", iris_model, "iris", "--out", tmp_path / "p.csv")
    assert code == 0 and out == "" and "150 predictions" in err
    assert (tmp_path / "p.csv").read_text().splitlines()[1:] == model.predict(table).tolist()
    # rows without the target column work: only the inputs are needed
    text = ",".join(table.columns[:4]) + "\n" + "".join(",".join(r[:4]) + "\n" for r in table.rows[:3])
    (tmp_path / "new.csv").write_text(text)
    code, out, _ = run(capsys, "predict", iris_model, tmp_path / "new.csv", "--json")
    assert json.loads(out)["predictions"] == model.predict(table).tolist()[:3]


def test_predict_out_dash_writes_the_csv_to_standard_output(iris_model, tmp_path, capsys,
                                                           monkeypatch):
    code, expected, _ = run(capsys, "predict", iris_model, "iris", "--proba")
    assert code == 0
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "predict", iris_model, "iris", "--proba", "--out", "-")
    assert code == 0, err
    assert out == expected and out.startswith("species,proba_setosa")
    assert not (tmp_path / "-").exists() and list(tmp_path.iterdir()) == []


def test_predict_out_dev_stdout_writes_through_it(iris_model, capfd):
    # under capfd, descriptor 1 is a capture file: /dev/stdout -> /proc/self/fd/1 -> that file
    assert main(["predict", str(iris_model), "iris", "--out", "/dev/stdout"]) == 0
    out, err = capfd.readouterr()
    assert out.splitlines()[0] == "species" and len(out.splitlines()) == 151
    assert "150 predictions to /dev/stdout" in err
    assert os.path.islink("/dev/stdout")


def test_predict_out_through_a_symlink_writes_the_target(iris_model, tmp_path, capsys):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "target.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    code, out, err = run(capsys, "predict", iris_model, "iris", "--out", link)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text().splitlines()[0] == "species" and len(target.read_text().splitlines()) == 151
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["target.csv"]


def test_predict_regression_numbers_read_back_exactly(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = 3.0 * x[:, 0] - x[:, 1] + 0.1 * rng.normal(size=40)
    data = tmp_path / "r.csv"
    data.write_text("a,b,y\n" + "".join(f"{a!r},{b!r},{t!r}\n"
                                         for (a, b), t in zip(x.tolist(), y.tolist())))
    code, _, err = run(capsys, "train", data, "--target", "y", "--epochs", "3", "--hidden", "4",
                       "--out", tmp_path / "r.nn", "--quiet")
    assert code == 0, err
    code, out, err = run(capsys, "predict", tmp_path / "r.nn", data)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    model = nn.load(tmp_path / "r.nn")
    expected = np.asarray(model.predict(nn.csvdata.read_csv(data))).ravel()
    np.testing.assert_array_equal(np.array([float(r[0]) for r in rows[1:]]), expected)


def test_info_text_and_json(iris_model, capsys):
    code, out, err = run(capsys, "info", iris_model)
    assert code == 0, err
    for needle in ("task: multiclass", "Dense(4, 100, activation='relu')", "test metrics",
                   "epochs 40", "total"):
        assert needle in out
    code, out, _ = run(capsys, "info", iris_model, "--json")
    result = json.loads(out)
    assert result["parameters"] == 4 * 100 + 100 + 100 * 3 + 3
    assert result["layers"][0]["parameters"] == 500 and result["epochs_trained"] == 40
    assert result["training"]["learning_rate"] == 0.001 and result["metrics"]["test"]["n_rows"] == 30


def test_info_on_a_bare_network(tmp_path, capsys):
    net = nn.Network([nn.Dense(2, 3, activation="tanh"), nn.Dense(3, 1)])
    nn.save(net, tmp_path / "n.nn")
    code, out, err = run(capsys, "info", tmp_path / "n.nn")
    assert code == 0 and "network file" in out
    code, out, err = run(capsys, "predict", tmp_path / "n.nn", "iris")
    assert code == 2 and "bare network" in err


def test_datasets_lists_all(capsys):
    code, out, _ = run(capsys, "datasets")
    assert code == 0
    for name in datasets.names():
        assert name in out
    code, out, _ = run(capsys, "datasets", "--json")
    listed = json.loads(out)["datasets"]
    assert [d["name"] for d in listed] == datasets.names()
    assert {d["name"]: d["rows"] for d in listed}["digits"] == 1797


@pytest.mark.parametrize("command", ["train", "evaluate", "predict", "info", "datasets"])
def test_every_command_has_help_and_json(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--json" in out and out.startswith("usage: neuronet " + command)


def test_predict_keep_copies_columns_through_for_joining_back(iris_model, tmp_path, capsys):
    data = tmp_path / "flowers.csv"
    data.write_text("id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,note\n"
                    "007,5.1,3.5,1.4,0.2,a\n"
                    "x-2,6.7,3.0,5.2,2.3,\"b, c\"\n")
    code, out, err = run(capsys, "predict", iris_model, data, "--keep", "id", "--keep", "note",
                         "--proba")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["id", "note", "species"] and rows[0][3].startswith("proba_")
    assert [r[:3] for r in rows[1:]] == [["007", "a", "setosa"], ["x-2", "b, c", "virginica"]]
    code, out, err = run(capsys, "predict", iris_model, data, "--keep", "id", "--json")
    assert json.loads(out)["kept"] == {"id": ["007", "x-2"]}


def test_keeping_the_target_puts_truth_beside_a_predicted_column(iris_model, tmp_path, capsys):
    data = tmp_path / "flowers.csv"
    data.write_text("id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n"
                    "1,5.1,3.5,1.4,0.2,setosa\n")
    code, out, err = run(capsys, "predict", iris_model, data, "--keep", "species")
    assert code == 0, err
    assert list(csv.reader(io.StringIO(out))) == [["species", "predicted_species"],
                                                  ["setosa", "setosa"]]
    code, out, err = run(capsys, "predict", iris_model, data, "--keep", "species", "--json")
    result = json.loads(out)
    assert result["column"] == "predicted_species" and result["kept"] == {"species": ["setosa"]}


@pytest.mark.parametrize("keep, message", [
    ("ID", "--keep ID: "),
    ("species,predicted_species",
     "--keep predicted_species: is the name of the prediction column"),
])
def test_predict_keep_refuses_unknown_columns_and_the_prediction_name(iris_model, tmp_path, capsys,
                                                                      keep, message):
    data = tmp_path / "flowers.csv"
    data.write_text("id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species,"
                    "predicted_species\n1,5.1,3.5,1.4,0.2,setosa,setosa\n")
    code, out, err = run(capsys, "predict", iris_model, data, "--keep", keep, "--out",
                         tmp_path / "p.csv")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.csv").exists()
