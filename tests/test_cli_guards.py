"""The command line refuses what would lose data or train on wrong data, before any training.

Found by trying the commands as a new user would: an output path that is one of the inputs, a
target column of numbers with a stray "#N/A", a column of identifiers, bad values in the rows that
are held out for testing, labels spelled "007", and splits that leave nothing to train on.
"""
import json
import os

import numpy as np
import pytest

import neuronet as nn
from neuronet.cli import main


def write_table(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


@pytest.fixture
def houses(tmp_path, monkeypatch):
    """200 rows: area, rooms -> price (regression), every price distinct."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    area = rng.uniform(40, 200, 200).round(1)
    rows = [[a, i % 5, int(a * 1000 + i)] for i, a in enumerate(area)]
    write_table(tmp_path / "houses.csv", ["area", "rooms", "price"], rows)
    return rows


def one_error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


@pytest.mark.parametrize("argv, option, kind", [
    (["train", "houses.csv", "--target", "price", "--out", "houses.csv"], "--out", "data file"),
    (["train", "houses.csv", "--target", "price", "--plot", "houses.csv"], "--plot", "data file"),
    (["predict", "model.nn", "houses.csv", "--out", "houses.csv"], "--out", "data file"),
    (["predict", "model.nn", "houses.csv", "--out", "./model.nn"], "--out", "model file"),
    (["export", "model.nn", "model.nn"], "OUT.onnx", "model file"),
])
def test_an_output_that_is_one_of_the_inputs_is_refused_and_left_intact(houses, tmp_path, capsys,
                                                                         argv, option, kind):
    assert main(["train", "houses.csv", "--target", "price", "--epochs", "1", "--out", "model.nn",
                 "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    capsys.readouterr()
    assert main(argv) == 2
    line = one_error_line(capsys)
    assert option in line and f"is the {kind} this command reads" in line
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_model_does_not_go_to_standard_output_nor_next_to_its_plot(houses, tmp_path, capsys):
    assert main(["train", "houses.csv", "--target", "price", "--out", "-"]) == 2
    assert "cannot go to standard output" in one_error_line(capsys)
    assert main(["train", "houses.csv", "--target", "price", "--out", "m.png", "--plot",
                 "m.png"]) == 2
    assert "is also the model file" in one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["houses.csv"]


@pytest.mark.parametrize("stray", ["#N/A", "$123", "missing"])
def test_a_stray_text_in_a_numeric_target_is_named_not_taken_as_200_classes(houses, tmp_path,
                                                                            capsys, stray):
    rows = [list(r) for r in houses]
    rows[9][2] = stray
    write_table(tmp_path / "stray.csv", ["area", "rooms", "price"], rows)
    assert main(["train", "stray.csv", "--target", "price", "--quiet"]) == 2
    line = one_error_line(capsys)
    assert f"stray.csv: the target column 'price' holds numbers, but {stray!r} at line 11" in line
    assert "--task classification" in line
    assert not (tmp_path / "stray.nn").exists()


def test_text_labels_with_about_one_row_each_are_refused_unless_asked_for(houses, tmp_path, capsys):
    rows = [[r[0], r[1], f"${r[2]:,}"] for r in houses]          # "$54,845": text, one per row
    write_table(tmp_path / "money.csv", ["area", "rooms", "price"],
                [[a, b, f'"{p}"'] for a, b, p in rows])
    assert main(["train", "money.csv", "--target", "price", "--quiet"]) == 2
    assert "the target column 'price' holds numbers written as text (e.g. '$" in one_error_line(capsys)
    # Asked for explicitly, it is the user's call.
    assert main(["train", "money.csv", "--target", "price", "--task", "classification",
                 "--epochs", "1", "--quiet"]) == 0


def test_a_constant_regression_target_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "flat.csv", ["x", "y"], [[i * 0.5, 2.5] for i in range(30)])
    assert main(["train", "flat.csv", "--target", "y", "--quiet"]) == 2
    assert "holds the same number (2.5) in every row" in one_error_line(capsys)


@pytest.mark.parametrize("bad, expected", [
    ("NA", "missing values in column 1 ('area') at lines 7, 42, 79"),
    ("abc", "bad.csv:7, column 1 ('area'): 'abc' is not a finite number"),
    ("inf", "bad.csv:7, column 1 ('area'): 'inf' is not a finite number"),
])
def test_bad_values_anywhere_in_the_file_are_found_before_training(houses, tmp_path, capsys, bad,
                                                                   expected):
    rows = [list(r) for r in houses]
    for k in (5, 40, 77):                        # line 7 is in the test split of seed 0
        rows[k][0] = bad
    write_table(tmp_path / "bad.csv", ["area", "rooms", "price"], rows)
    assert main(["train", "bad.csv", "--target", "price"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Training for" not in err          # nothing was trained
    assert not (tmp_path / "bad.nn").exists()


def test_drop_leaves_columns_out_and_predict_ignores_them(houses, tmp_path, capsys):
    rows = [[f"user{i}@example.org", *r] for i, r in enumerate(houses)]
    write_table(tmp_path / "ids.csv", ["email", "area", "rooms", "price"], rows)
    assert main(["train", "ids.csv", "--target", "price", "--drop", "email", "--epochs", "2",
                 "--quiet"]) == 0
    assert main(["info", "ids.nn", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["columns"] == ["area", "rooms"] and info["data"]["dropped"] == ["email"]
    assert main(["info", "ids.nn"]) == 0
    assert "left out of the inputs (--drop): email" in capsys.readouterr().out
    assert main(["predict", "ids.nn", "ids.csv", "--out", "p.csv"]) == 0
    assert len((tmp_path / "p.csv").read_text().splitlines()) == 201
    capsys.readouterr()
    assert main(["train", "ids.csv", "--target", "price", "--drop", "emial"]) == 2
    assert "--drop emial: ids.csv: there is no column 'emial'; the columns are email" in \
        one_error_line(capsys)
    assert main(["train", "ids.csv", "--target", "price", "--drop", "area,price"]) == 2
    assert "--drop price: is the target column" in one_error_line(capsys)


@pytest.mark.parametrize("label_a, label_b", [("007", "012"), ("1.0", "2.0")])
def test_predict_writes_the_labels_as_the_training_file_spelled_them(tmp_path, monkeypatch, capsys,
                                                                     label_a, label_b):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(60, 2)).round(3)
    write_table(tmp_path / "codes.csv", ["a", "b", "code"],
                [[a, b, label_a if a > b else label_b] for a, b in X])
    assert main(["train", "codes.csv", "--target", "code", "--epochs", "50", "--quiet"]) == 0
    assert main(["predict", "codes.nn", "codes.csv", "--proba", "--out", "p.csv"]) == 0
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0] == f"code,proba_{label_a},proba_{label_b}"
    assert {line.split(",")[0] for line in lines[1:]} <= {label_a, label_b}
    capsys.readouterr()
    assert main(["predict", "codes.nn", "codes.csv", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["predictions"]) <= {label_a, label_b}
    # Scoring still matches the labels by value, whichever way a file spells them.
    assert main(["evaluate", "codes.nn", "codes.csv", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] > 0.7


def test_splits_that_leave_nothing_to_train_on_are_refused_and_ignored_ones_are_named(
        houses, tmp_path, capsys):
    assert main(["train", "houses.csv", "--target", "price", "--validation-split", "0.995"]) == 2
    assert ("--validation-split 0.995: would hold out 159 of the 160 training rows and train on 1"
            in one_error_line(capsys))
    write_table(tmp_path / "small.csv", ["area", "rooms", "price"], houses[:12])
    assert main(["train", "small.csv", "--target", "price", "--validation-split", "0.3",
                 "--epochs", "1"]) == 0
    captured = capsys.readouterr()
    assert "note: --validation-split 0.3 is ignored: with fewer than 20 rows" in captured.err
    assert "Test: no rows held out (fewer than 20 rows)" in captured.out


def test_labels_that_differ_only_in_case_get_a_note(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "yn.csv", ["a", "y"], [[1, "yes"], [2, "Yes"], [3, "no"], [4, "no"]])
    assert main(["train", "yn.csv", "--target", "y", "--epochs", "1"]) == 0
    assert "note: the labels 'Yes', 'yes' differ only in letter case" in capsys.readouterr().err


def test_an_identifier_column_is_refused_with_the_drop_hint_and_columns_keep_their_numbers(
        houses, tmp_path, capsys):
    rows = [[f"user{i}@example.org", *r] for i, r in enumerate(houses)]
    rows[150][2] = "NA"
    write_table(tmp_path / "ids.csv", ["email", "area", "rooms", "price"], rows)
    assert main(["train", "ids.csv", "--target", "price", "--drop", "email", "--quiet"]) == 2
    assert "ids.csv: missing values in column 3 ('rooms') at line 152" in one_error_line(capsys)
    rows[150][2] = 1
    write_table(tmp_path / "ids.csv", ["email", "area", "rooms", "price"], rows)
    assert main(["train", "ids.csv", "--target", "price", "--quiet"]) == 2
    line = one_error_line(capsys)
    assert "column 1 ('email') has 160 different values in 160 training rows" in line
    assert line.endswith("leave it out of the inputs with --drop email") and "exclude=" not in line
    assert not (tmp_path / "ids.nn").exists()


def test_unseen_categories_at_predict_are_counted(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    colours = ["red", "blue"] * 20
    write_table(tmp_path / "train.csv", ["x", "colour", "y"],
                [[i, c, i % 2] for i, c in enumerate(colours)])
    assert main(["train", "train.csv", "--target", "y", "--epochs", "1", "--quiet"]) == 0
    write_table(tmp_path / "new.csv", ["x", "colour"],
                [[1, "red"], [2, "purple"], [3, "blue"], [4, "purple"], [5, "green"]])
    assert main(["predict", "train.nn", "new.csv"]) == 2
    line = one_error_line(capsys)
    assert ("new.csv:3, column 2 ('colour'): category 'purple' was not seen in training (3 rows "
            "hold unseen categories: lines 3, 5, 6); known: 'blue', 'red'") in line


def test_dash_reads_the_data_from_standard_input(houses, tmp_path):
    import subprocess
    import sys
    text = (tmp_path / "houses.csv").read_text()
    run = subprocess.run([sys.executable, "-m", "neuronet", "train", "-", "--target", "price",
                          "--epochs", "2", "--quiet"], input=text, capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "model.nn").exists()              # no file name to name it after
    run = subprocess.run([sys.executable, "-m", "neuronet", "predict", "model.nn", "-"],
                         input=text, capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and len(run.stdout.splitlines()) == 201
    run = subprocess.run([sys.executable, "-m", "neuronet", "predict", "model.nn", "-"],
                         input="area,rooms\n1,x,3\n", capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2 and run.stderr.startswith("neuronet predict: error: <stdin>:2:")


def test_evaluate_on_the_training_file_says_the_score_is_not_a_test_score(houses, tmp_path,
                                                                           capsys):
    assert main(["train", "houses.csv", "--target", "price", "--epochs", "2", "--quiet"]) == 0
    assert main(["evaluate", "houses.nn", "./houses.csv"]) == 0
    err = capsys.readouterr().err
    assert "note: ./houses.csv is the data the model was trained on" in err
    assert "the held-out test rows scored MSE" in err and "(40 rows) at training" in err
    write_table(tmp_path / "other.csv", ["area", "rooms", "price"], houses[:50])
    assert main(["evaluate", "houses.nn", "other.csv", "--json"]) == 0
    assert "note" not in json.loads(capsys.readouterr().out)


def test_an_empty_hidden_list_is_refused_rather_than_meaning_no_hidden_layer(houses, capsys):
    assert main(["train", "houses.csv", "--target", "price", "--hidden", " "]) == 2
    assert "--hidden is empty" in one_error_line(capsys)


def test_missing_names_the_texts_that_mean_no_value_and_the_model_keeps_them(tmp_path, monkeypatch,
                                                                             capsys):
    monkeypatch.chdir(tmp_path)
    roofs = ["None", "Gable", "Hip"] * 20
    write_table(tmp_path / "roof.csv", ["area", "roof", "price"],
                [[50 + i, r, 1000 * (50 + i) + (5000 if r == "None" else 0)]
                 for i, r in enumerate(roofs)])
    assert main(["train", "roof.csv", "--target", "price", "--quiet"]) == 2
    line = one_error_line(capsys)
    assert "missing values in column 2 ('roof') at lines 2, 5, 8" in line
    assert "read as missing: 'None'" in line and "--missing" in line
    assert main(["train", "roof.csv", "--target", "price", "--missing", "NA, n/a", "--epochs", "2",
                 "--quiet"]) == 0
    assert main(["info", "roof.nn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["categorical_columns"] == {
        "roof": ["Gable", "Hip", "None"]}
    write_table(tmp_path / "new.csv", ["area", "roof"], [[60, "None"], [70, "N/A"], [80, ""]])
    assert main(["predict", "roof.nn", "new.csv"]) == 2          # the saved words still apply
    assert "missing values in column 2 ('roof') at lines 3, 4" in one_error_line(capsys)
    write_table(tmp_path / "new.csv", ["area", "roof"], [[60, "None"], [70, "Hip"]])
    assert main(["predict", "roof.nn", "new.csv", "--out", "p.csv"]) == 0
    assert len((tmp_path / "p.csv").read_text().splitlines()) == 3


def test_a_local_file_named_like_a_built_in_data_set_wins_with_a_note(houses, tmp_path, capsys):
    (tmp_path / "iris").write_text((tmp_path / "houses.csv").read_text())
    assert main(["train", "iris", "--target", "price", "--epochs", "1", "--quiet"]) == 0
    assert "note: reading the file 'iris' in this folder, not the built-in data set" in \
        capsys.readouterr().err
    (tmp_path / "iris").unlink()
    assert main(["train", "iris", "--epochs", "1", "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_text_labels_that_are_not_numbers_with_one_row_each_are_refused(tmp_path, monkeypatch,
                                                                         capsys):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "names.csv", ["x", "name"], [[i, f"person {i}"] for i in range(60)])
    assert main(["train", "names.csv", "--target", "name", "--quiet"]) == 2
    assert "has 60 different labels in 60 rows: a classifier needs several rows per class" in \
        one_error_line(capsys)
    write_table(tmp_path / "flat.csv", ["x", "y"], [[i, "5.0"] for i in range(30)])
    assert main(["train", "flat.csv", "--target", "y", "--task", "regression", "--quiet"]) == 2
    assert "holds the same number (5.0) in every row" in one_error_line(capsys)


def test_an_output_that_is_the_file_behind_standard_input_is_refused(houses, tmp_path):
    import subprocess
    import sys
    assert main(["train", "houses.csv", "--target", "price", "--epochs", "1", "--quiet"]) == 0
    before = (tmp_path / "houses.csv").read_bytes()
    with open(tmp_path / "houses.csv", "rb") as stdin:
        run = subprocess.run([sys.executable, "-m", "neuronet", "predict", "houses.nn", "-", "--out",
                              "houses.csv"], stdin=stdin, capture_output=True, text=True,
                             cwd=tmp_path)
    assert run.returncode == 2 and "is the data file (standard input)" in run.stderr
    assert (tmp_path / "houses.csv").read_bytes() == before


def test_the_training_file_note_follows_the_file_not_its_name(houses, tmp_path, monkeypatch, capsys):
    assert main(["train", "houses.csv", "--target", "price", "--epochs", "1", "--quiet"]) == 0
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "houses.csv").write_text((tmp_path / "houses.csv").read_text())
    monkeypatch.chdir(tmp_path / "sub")
    capsys.readouterr()
    assert main(["evaluate", "../houses.nn", "houses.csv"]) == 0          # a copy: not the file
    assert "note:" not in capsys.readouterr().err
    assert main(["evaluate", "../houses.nn", "../houses.csv"]) == 0       # the file, named otherwise
    assert "note: ../houses.csv is the data the model was trained on" in capsys.readouterr().err


def test_every_command_shows_the_labels_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "codes.csv", ["a", "code"], [[i, "007" if i % 2 else "012"]
                                                        for i in range(40)])
    assert main(["train", "codes.csv", "--target", "code", "--epochs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["007", "012"]
    assert main(["info", "codes.nn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["007", "012"]
    assert main(["info", "codes.nn"]) == 0
    assert "classes: 007, 012" in capsys.readouterr().out
    assert main(["evaluate", "codes.nn", "codes.csv", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["007", "012"]


def test_repeated_missing_options_add_up_and_info_shows_them(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "t.csv", ["a", "kind", "y"],
                [[i, ["None", "x"][i % 2], i % 2] for i in range(40)])
    assert main(["train", "t.csv", "--target", "y", "--missing", "NA", "--missing", "?",
                 "--epochs", "1", "--quiet"]) == 0
    assert main(["info", "t.nn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["missing"] == ["", "?", "na"]
    assert main(["info", "t.nn"]) == 0
    assert "texts read as missing (--missing): '', '?', 'na'" in capsys.readouterr().out


def test_an_unknown_loss_is_named_before_its_fit_to_the_task(houses, capsys):
    assert main(["train", "houses.csv", "--target", "price", "--loss", "mes"]) == 2
    line = one_error_line(capsys)
    assert "unknown loss 'mes'; known:" in line and "(did you mean mse?)" in line


def test_an_output_file_that_is_standard_output_gets_it_alone(houses, tmp_path):
    """`export m.nn /dev/stdout > m.onnx`: the report goes to stderr, not into the file."""
    import subprocess
    import sys
    onnx = pytest.importorskip("onnx")
    assert main(["train", "houses.csv", "--target", "price", "--epochs", "1", "--quiet"]) == 0
    for extra in ([], ["--json"]):
        with open(tmp_path / "piped.onnx", "wb") as stdout:
            run = subprocess.run([sys.executable, "-m", "neuronet", "export", "houses.nn",
                                  "/dev/stdout", *extra], stdout=stdout, stderr=subprocess.PIPE,
                                 text=True, cwd=tmp_path)
        assert run.returncode == 0 and "/dev/stdout" in run.stderr
        onnx.checker.check_model(onnx.load(str(tmp_path / "piped.onnx")), full_check=True)
    with open(tmp_path / "model.nn", "wb") as stdout:
        run = subprocess.run([sys.executable, "-m", "neuronet", "train", "houses.csv", "--target",
                              "price", "--epochs", "1", "--out", "/dev/stdout"],
                             stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert run.returncode == 0 and "Saved the model to /dev/stdout" in run.stderr
    assert main(["info", str(tmp_path / "model.nn")]) == 0
    run = subprocess.run([sys.executable, "-m", "neuronet", "predict", "houses.nn", "houses.csv",
                          "--out", "/dev/stdout", "--json"], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.stdout.splitlines()[0] == "price" and len(run.stdout.splitlines()) == 201
    assert json.loads(run.stderr)["n_rows"] == 200


def test_dev_null_for_both_is_not_standard_output_and_errors_stay_out_of_the_file(houses, tmp_path):
    import subprocess
    import sys
    assert main(["train", "houses.csv", "--target", "price", "--epochs", "1", "--quiet"]) == 0
    run = subprocess.run([sys.executable, "-m", "neuronet", "predict", "houses.nn", "houses.csv",
                          "--out", os.devnull, "--json"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == ""          # the report went to stdout, discarded
    (tmp_path / "bad.nn").write_text("not a model")
    with open(tmp_path / "x.onnx", "wb") as stdout:
        run = subprocess.run([sys.executable, "-m", "neuronet", "export", "bad.nn", "/dev/stdout",
                              "--json"], stdout=stdout, stderr=subprocess.PIPE, text=True,
                             cwd=tmp_path)
    assert run.returncode == 2 and (tmp_path / "x.onnx").read_bytes() == b""
    assert '"error"' in run.stderr


def test_every_column_with_missing_values_is_named_at_once_with_a_drop_hint(tmp_path, capsys):
    """A Titanic-like file: one run names every column with gaps, and the advice works."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(100):
        age = "" if i % 5 == 1 else str(20 + i % 40)
        cabin = f"C{i}" if i % 10 == 0 else ""
        port = "NA" if i == 37 else "SQC"[i % 3]
        rows.append([round(float(rng.normal()), 3), age, cabin, port, i % 2])
    write_table(tmp_path / "ship.csv", ["fare", "age", "cabin", "port", "survived"], rows)
    data, out = str(tmp_path / "ship.csv"), str(tmp_path / "ship.nn")
    assert main(["train", data, "--target", "survived", "--out", out, "--quiet"]) == 2
    line = one_error_line(capsys)
    assert "missing values in 3 columns: column 2 ('age') at lines 3, 8" in line
    assert "(20 of 100 rows); column 3 ('cabin')" in line and "(90 of 100 rows)" in line
    assert "column 4 ('port') at line 39;" in line
    assert "or leave the columns out with --drop age,cabin,port" in line
    assert "name the texts that mean missing with neuronet train --missing)" in line
    assert main(["train", data, "--target", "survived", "--drop",
                 "age,cabin,port", "--out", out, "--quiet", "--epochs", "2"]) == 0


def test_column_lists_escape_control_characters_and_drop_hints_are_shell_quoted(tmp_path, capsys):
    (tmp_path / "odd.csv").write_text("area,ro\x1b[31moms,sale price,price\n1,2,,3\n2,3,4,5\n")
    data = str(tmp_path / "odd.csv")
    assert main(["train", data, "--target", "pricee"]) == 2
    line = one_error_line(capsys)
    assert "the columns are area, 'ro\\x1b[31moms', sale price, price" in line
    assert "\x1b" not in line                          # no escape sequence reaches the terminal
    assert main(["train", data, "--target", "price"]) == 2
    line = one_error_line(capsys)
    assert line.endswith("leave the column out with --drop 'sale price'")


def test_a_small_table_with_one_name_per_row_gets_a_note_with_the_drop_hint(tmp_path, capsys):
    rows = [[f"Person {i}", i % 3, 20.0 + i, i % 2] for i in range(60)]
    write_table(tmp_path / "people.csv", ["name", "cls", "fare", "y"], rows)
    argv = ["train", str(tmp_path / "people.csv"), "--target", "y", "--epochs", "2",
            "--out", str(tmp_path / "p.nn")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert ("note: column 'name' has 48 different values in 48 training rows: it looks like an "
            "identifier") in err and "--drop name" in err
    assert main(argv + ["--drop", "name"]) == 0
    assert "identifier" not in capsys.readouterr().err


def test_a_date_column_is_refused_with_advice_for_dates(tmp_path, capsys):
    import datetime

    start = datetime.date(2020, 1, 1)
    rows = [[start + datetime.timedelta(i), i % 7, i % 2] for i in range(300)]
    write_table(tmp_path / "d.csv", ["day", "x", "y"], rows)
    assert main(["train", str(tmp_path / "d.csv"), "--target", "y", "--out",
                 str(tmp_path / "d.nn")]) == 2
    line = one_error_line(capsys)
    assert "column 1 ('day') has 240 different values in 240 training rows, and they look like " \
           "dates" in line and "the day of the week" in line and line.endswith("--drop day")


@pytest.mark.parametrize("model", ["new.csv", "iris"])
def test_swapped_model_and_data_get_a_hint(tmp_path, capsys, monkeypatch, model):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "new.csv").write_text("a,b\n1,2\n")
    assert main(["predict", model, "m.nn"]) == 2
    assert "(is this the data? the model file comes first" in one_error_line(capsys)
    assert main(["info", model]) == 2                  # info takes no DATA: nothing to swap
    assert "is this the data" not in one_error_line(capsys)


def test_a_data_file_that_does_not_exist_gets_no_swap_hint(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["predict", "gone.csv", "m.nn"]) == 2
    assert one_error_line(capsys).endswith("gone.csv: no such file")


@pytest.mark.parametrize("option, value, message", [
    ("--keep", " , ", "--keep ' , ': names no column"),
    ("--keep", "a,a", "--keep: a given more than once"),
    ("--drop", "b", None),
])
def test_keep_refuses_a_repeated_or_empty_list(tmp_path, capsys, monkeypatch, option, value,
                                               message):
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "t.csv", ["a", "b", "y"], [[i, i % 3, i % 2] for i in range(20)])
    assert main(["train", "t.csv", "--target", "y", "--epochs", "1", "--quiet",
                 "--out", "model.nn"]) == 0
    capsys.readouterr()
    if message is None:                                 # --drop shares the check, in train
        assert main(["train", "t.csv", "--target", "y", "--drop", "b,b", "--quiet"]) == 2
        assert "--drop: b given more than once" in one_error_line(capsys)
        return
    assert main(["predict", "model.nn", "t.csv", option, value]) == 2
    assert message in one_error_line(capsys)


def test_missing_values_give_their_count_once(tmp_path, capsys):
    rows = [[i, "" if i % 3 else i, i % 2] for i in range(30)]
    write_table(tmp_path / "g.csv", ["a", "b", "y"], rows)
    assert main(["train", str(tmp_path / "g.csv"), "--target", "y"]) == 2
    line = one_error_line(capsys)
    assert "column 2 ('b') at lines 3, 4, 6, 7, 9, 10, 12, 13, ... (20 of 30 rows);" in line
    assert "in all" not in line


def test_a_regression_target_with_decimal_commas_is_explained_as_the_features_are(tmp_path, capsys):
    (tmp_path / "dc.csv").write_text('a,p\n1,"4,5"\n2,3\n3,"2,25"\n')
    assert main(["train", str(tmp_path / "dc.csv"), "--target", "p", "--task", "regression",
                 "--out", str(tmp_path / "dc.nn")]) == 2
    line = one_error_line(capsys)
    assert "the target column 'p' holds '4,5' at line 2, a number written with a decimal comma; " \
           "write it with a decimal point (80.93), so that it can be a regression target" in line


def test_codes_written_as_numbers_get_the_categorical_option(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    floors = rng.choice(["1", "2", "3", "G"], size=100, p=[0.3, 0.3, 0.25, 0.15])
    rows = [[round(float(a), 1), f, round(1000 * a + (0 if f == "G" else 50 * int(f)))]
            for a, f in zip(rng.uniform(40, 120, 100), floors)]
    write_table(tmp_path / "floors.csv", ["area", "floor", "price"], rows)
    first = next(i for i, f in enumerate(floors) if f == "G") + 2
    assert main(["train", "floors.csv", "--target", "price", "--quiet"]) == 2
    line = one_error_line(capsys)
    assert f"floors.csv:{first}, column 2 ('floor'): 'G' is not a finite number" in line
    assert f"({sum(floors != 'G')} of its 100 values are numbers, so it is read as numeric)" in line
    assert line.endswith("one-hot encode it with --categorical floor")
    assert main(["train", "floors.csv", "--target", "price", "--quiet", "--epochs", "2",
                 "--categorical", "floor"]) == 0
    model = nn.load("floors.nn")
    assert model.preprocessor.categorical_columns_ == ["floor"]
    assert model.preprocessor.categories_ == [["1", "2", "3", "G"]]
    assert model.predict({"area": [50.0, 60.0], "floor": ["G", "2"]}).shape == (2,)
    for value, message in (("price", "--categorical price: is the target column"),
                           ("flor", "--categorical flor: floors.csv: there is no column 'flor'")):
        assert main(["train", "floors.csv", "--target", "price", "--categorical", value]) == 2
        assert message in one_error_line(capsys)


def test_a_categorical_column_with_too_many_values_says_how_to_read_it_as_numbers(tmp_path, capsys):
    rows = [[round(0.001 * i * i, 3), "123G"[i % 4], i % 2] for i in range(100)]
    write_table(tmp_path / "hc.csv", ["x", "code", "y"], rows)
    assert main(["train", str(tmp_path / "hc.csv"), "--target", "y", "--categorical", "x,code",
                 "--epochs", "1", "--quiet"]) == 2
    line = one_error_line(capsys)
    assert "column 1 ('x') has 80 different values in 80 training rows" in line
    assert "(it is named as categorical: leave it out of that list to read it as numbers)" in line


def test_categorical_from_python_one_hot_encodes_numbers_as_written():
    table = {"zip": [10115, 80331, 10115, 20095, 80331, 10115], "y": [1, 0, 1, 0, 0, 1]}
    model = nn.Model.for_table(table, "y", hidden=(3,), categorical="zip")
    assert model.preprocessor.categories_ == [["10115", "20095", "80331"]]
    assert model.preprocessor.n_features_out_ == 3
    with pytest.raises(ValueError, match=r"categorical: 'y' is the target column; it cannot be an "
                                         r"input column"):
        nn.Model.for_table(table, "y", categorical=["y"])
