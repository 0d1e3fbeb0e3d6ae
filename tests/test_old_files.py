"""Model files written by earlier neuronet versions load, keep their metadata, predict as they did,
and work with every command (tests/data/README.md says how each was made)."""
import json
import pathlib

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets
from neuronet.cli import main

DATA = pathlib.Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "expected_d7dd8c2.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_old_file_loads_and_predicts_what_it_predicted(name):
    model = nn.load(DATA / name)
    rows = datasets.load("iris").take(list(range(0, 150, 10)))
    assert model.predict(rows).tolist() == EXPECTED[name]["predict"]
    np.testing.assert_array_equal(model.predict_proba(rows),
                                  np.array(EXPECTED[name]["proba"], dtype=model.network.dtype))


def test_the_users_own_metadata_in_an_old_file_is_kept():
    model = nn.load(DATA / "iris_python_extra_metadata_d7dd8c2.nn")
    assert model.metadata["training"]["notes"] == {"by": "me"}
    assert model.metadata["training"]["comment"] == "first run\nlr sweep"
    assert model.metadata["metrics"] == {"cv_scores": [0.9, 0.91]}
    assert model.metadata["data"] == {"rows": 150.0, "columns": [1, 2]}
    assert model.metadata["mine"] == {"deep": [[1, 2], {"x": None}]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_command_takes_an_old_file(name, tmp_path, capsys):
    path = str(DATA / name)
    assert main(["info", path]) == 0
    assert main(["info", path, "--json"]) == 0
    assert main(["evaluate", path, "iris"]) == 0
    assert main(["predict", path, "iris", "--out", str(tmp_path / "p.csv")]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "\x1b" not in out
    pytest.importorskip("onnx")
    assert main(["export", path, str(tmp_path / "m.onnx")]) == 0
