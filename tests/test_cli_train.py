"""`neuronet train` through its entry point: reports, JSON, model files, plots, built-in data sets."""
import json
import subprocess
import sys

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets
from neuronet.cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_a_builtin_data_set_reports_and_saves(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", "iris", "--epochs", "30")
    assert code == 0, err
    assert "target 'species' (multiclass, 3 classes)" in out
    assert "Rows: 120 train, 0 validation, 30 test (seed 0)" in out
    assert "Test: accuracy" in out and "Saved the model to iris.nn" in out
    model = nn.load(tmp_path / "iris.nn")
    assert model.metadata["training"]["epochs_run"] == 30
    assert model.metadata["metrics"]["test"]["n_rows"] == 30
    assert len(model.network.history["loss"]) == 30


def test_train_json_plot_validation_and_early_stopping(tmp_path, capsys):
    code, out, err = run(capsys, "train", "wine", "--json", "--epochs", "400", "--hidden", "16,8",
                         "--validation-split", "0.2", "--patience", "3", "--out", tmp_path / "w.nn",
                         "--plot", tmp_path / "curve.png", "--seed", "3")
    assert code == 0, err
    result = json.loads(out)
    assert result["stopped"] == "early_stopping" and result["epochs_run"] < 400
    assert result["rows"] == {"train": 114, "validation": 28, "test": 36}
    assert result["task"] == "multiclass" and result["classes"] == ["class_0", "class_1", "class_2"]
    assert 0.0 <= result["test_metrics"]["accuracy"] <= 1.0
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model = nn.load(result["out"])
    assert len(model.network.history["val_loss"]) == result["epochs_run"]
    assert [layer.n_out for layer in model.network.layers] == [16, 8, 3]


def test_tutorial_and_xor_by_name(tmp_path, capsys):
    code, out, err = run(capsys, "train", "tutorial", "--target", "output", "--out", tmp_path / "t.nn",
                         "--quiet")
    assert code == 0 and out == "", err
    code, out, _ = run(capsys, "predict", tmp_path / "t.nn", "tutorial")
    assert out.splitlines() == ["output", "0", "1", "1", "0"]
    code, out, err = run(capsys, "train", "xor", "--lr", "0.01", "--out", tmp_path / "x.nn", "--json")
    assert code == 0, err
    assert json.loads(out)["train_metrics"]["accuracy"] == 1.0


def test_regression_task_and_string_features(tmp_path, capsys):
    rng = np.random.default_rng(0)
    lines = ["area,city,price"]
    for _ in range(120):
        area, city = rng.uniform(30, 120), rng.choice(["north", "south"])
        lines.append(f"{area:.2f},{city},{3000 * area + (50000 if city == 'north' else 0):.2f}")
    (tmp_path / "houses.csv").write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "train", tmp_path / "houses.csv", "--target", "price", "--json",
                         "--out", tmp_path / "h.nn", "--lr", "0.01", "--epochs", "60")
    assert code == 0, err
    result = json.loads(out)
    assert result["task"] == "regression" and result["features"] == 3
    assert result["test_metrics"]["r2"] > 0.95
    code, out, _ = run(capsys, "evaluate", tmp_path / "h.nn", tmp_path / "houses.csv")
    assert "R2" in out and "MAE" in out
    code, out, _ = run(capsys, "train", tmp_path / "houses.csv", "--target", "price", "--task",
                       "classification", "--out", tmp_path / "c.nn", "--epochs", "1", "--json")
    assert code == 0
    result = json.loads(out)        # 120 distinct prices: 120 classes of one row, none held out
    assert result["task"] == "multiclass" and result["rows"]["test"] == 0
    assert result["test_metrics"] is None


def test_float32_and_sgd(tmp_path, capsys):
    code, out, err = run(capsys, "train", "iris", "--dtype", "float32", "--optimizer", "sgd",
                         "--lr", "0.05", "--epochs", "5", "--out", tmp_path / "f.nn", "--json")
    assert code == 0, err
    model = nn.load(tmp_path / "f.nn")
    assert model.network.dtype == np.float32 and type(model.network.optimizer).__name__ == "SGD"


def test_divergence_exits_3_and_saves_a_finite_model(tmp_path, capsys):
    code, out, err = run(capsys, "train", "iris", "--lr", "1e300", "--out", tmp_path / "d.nn")
    assert code == 3
    line = err.strip().splitlines()[-1]
    assert "diverged" in line and "smaller learning rate" in line and str(tmp_path / "d.nn") in line
    model = nn.load(tmp_path / "d.nn")
    assert np.all(np.isfinite(model.network.parameters))
    assert model.metadata["stopped"] == "diverged"


def test_the_console_entry_point_runs_as_a_module(tmp_path):
    out = subprocess.run([sys.executable, "-m", "neuronet", "train", "xor", "--epochs", "3",
                          "--out", str(tmp_path / "x.nn"), "--json"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["out"] == str(tmp_path / "x.nn")
    assert "Training for up to 3 epochs" in out.stderr      # stderr is not a terminal: no bar


def test_progress_bar_on_a_terminal(tmp_path):
    from neuronet.cli._common import ProgressBar

    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, s):
            self.text += s

        def flush(self):
            pass
    pytest.importorskip("tqdm")
    stream = Terminal()
    bar = ProgressBar(stream=stream, mininterval=0)
    table = datasets.load("iris")
    model = nn.Model.for_table(table, "species", hidden=(4,), seed=0)
    model.fit(table, epochs=3, validation_split=0.2, callbacks=[bar])
    assert "val_loss" in stream.text and "3/3" in stream.text and "epoch" in stream.text
    assert ProgressBar(stream=Terminal(), enabled=False).enabled is False


def _rare_city_csv(path):
    """150 rows; rows 100.. each have a city of their own, so the test split holds unseen cities."""
    rng = np.random.default_rng(0)
    lines = ["size,city,price"]
    for i in range(150):
        size = rng.uniform(0, 10)
        city = f"town{i}" if i >= 100 else rng.choice(["a", "b", "c"])
        lines.append(f"{size:.3f},{city},{2 * size + rng.uniform():.3f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_categories_only_in_the_test_split_do_not_lose_the_model(tmp_path, capsys):
    data = _rare_city_csv(tmp_path / "rarecat.csv")
    code, out, err = run(capsys, "train", data, "--target", "price", "--epochs", "3", "--json",
                         "--out", tmp_path / "r.nn")
    assert code == 0, err
    result = json.loads(out)
    assert result["rows"]["test"] == 30 and result["test_metrics"]["n_rows"] == 30
    model = nn.load(tmp_path / "r.nn")
    cities = dict(zip(model.preprocessor.categorical_columns_, model.preprocessor.categories_))
    assert "town149" in cities["city"]              # the vocabulary covers the whole file ...
    # ... while the standardization comes from the 120 training rows only
    from neuronet.csvdata import read_csv
    from neuronet.preprocessing import stratified_split
    sizes = np.array([float(v) for v in read_csv(data).column("size")])
    keep, held = stratified_split(150, 0.2, 0)
    assert model.preprocessor.mean_[0] == pytest.approx(sizes[keep].mean(), abs=1e-12)
    assert model.preprocessor.mean_[0] != pytest.approx(sizes.mean(), abs=1e-9)
    code, _, err = run(capsys, "predict", tmp_path / "r.nn", data)
    assert code == 0, err


def test_train_metrics_count_the_training_rows_only(tmp_path, capsys):
    code, out, err = run(capsys, "train", "iris", "--validation-split", "0.1", "--epochs", "2",
                         "--json", "--out", tmp_path / "i.nn")
    assert code == 0, err
    result = json.loads(out)
    assert result["rows"] == {"train": 108, "validation": 12, "test": 30}
    assert result["train_metrics"]["n_rows"] == 108
    assert nn.load(tmp_path / "i.nn").metadata["metrics"]["train"]["n_rows"] == 108
    code, out, _ = run(capsys, "train", "iris", "--validation-split", "0.1", "--epochs", "2",
                       "--out", tmp_path / "i.nn")
    assert "Train: accuracy" in out and "(108 rows)" in out


def test_divergence_with_json_exits_3_with_one_json_object(tmp_path, capsys):
    data = _rare_city_csv(tmp_path / "rarecat.csv")
    code, out, err = run(capsys, "train", data, "--target", "price", "--optimizer", "sgd", "--lr",
                         "1000", "--epochs", "5", "--json", "--out", tmp_path / "div.nn")
    assert code == 3, err
    result = json.loads(out)
    assert result["stopped"] == "diverged" and "diverged" in result["error"]
    assert "RuntimeWarning" not in err and "Traceback" not in err


def test_non_finite_metrics_are_null_in_json_and_n_a_in_text(tmp_path, capsys):
    data = _rare_city_csv(tmp_path / "rarecat.csv")
    assert run(capsys, "train", data, "--target", "price", "--epochs", "1", "--quiet",
               "--out", tmp_path / "m.nn")[0] == 0
    model = nn.load(tmp_path / "m.nn")
    model.network.layers[-1].weights[...] = 1e300        # outputs overflow: infinite loss and MSE
    model.metadata["metrics"]["train"].update(loss=float("inf"), mse=None, r2=float("nan"))
    nn.save(model, tmp_path / "huge.nn")
    code, out, err = run(capsys, "evaluate", tmp_path / "huge.nn", data, "--json")
    assert code == 0, err
    result = json.loads(out)                              # one complete, valid JSON object
    assert result["loss"] is None and result["mse"] is None
    assert "Warning" not in err
    code, out, err = run(capsys, "evaluate", tmp_path / "huge.nn", data)
    assert code == 0 and "MSE       n/a" in out, err
    code, out, err = run(capsys, "info", tmp_path / "huge.nn")
    assert code == 0, err
    assert "train metrics: MSE n/a" in out and "R2 n/a, loss n/a" in out
    code, out, err = run(capsys, "info", tmp_path / "huge.nn", "--json")
    assert code == 0 and json.loads(out)["metrics"]["train"]["loss"] is None
    # predict has no "n/a" to give: it refuses rows whose outputs overflowed, naming them
    for layer in model.network.layers:
        layer.weights[...] = 1e200                        # hidden 1e200, output 1e400: inf
    nn.save(model, tmp_path / "inf.nn")
    code, out, err = run(capsys, "predict", tmp_path / "inf.nn", data)
    assert code == 2 and out == "", err
    assert "outputs overflow (NaN or inf) for lines 2, 4, 5, 6, 9, 11, 12, 13, ... (117 in all)" in err
    assert "up to 1e+200" in err
    assert "Warning" not in err
    code, out, err = run(capsys, "evaluate", tmp_path / "inf.nn", data)
    assert code == 2 and "outputs overflow (NaN or inf) for lines 2, 4, 5" in err, err
    loaded = nn.load(tmp_path / "inf.nn")      # size 1 (standardized -1.4) + city: ReLU gives 0
    assert np.isfinite(loaded.predict({"size": [1.0], "city": ["a"]})).all()
    with pytest.raises(ValueError, match=r"outputs overflow \(NaN or inf\) for row 0:"):
        loaded.predict({"size": [9.0, 1.0], "city": ["a", "b"]})


def test_every_command_json_names_the_command(tmp_path, capsys):
    pytest.importorskip("onnx")
    model = tmp_path / "x.nn"
    runs = {"train": ["train", "xor", "--epochs", "2", "--out", model],
            "info": ["info", model], "evaluate": ["evaluate", model, "xor"],
            "predict": ["predict", model, "xor"], "export": ["export", model, tmp_path / "x.onnx"],
            "datasets": ["datasets"], "demo": ["demo", "--iterations", "10"]}
    for name, argv in runs.items():
        code, out, err = run(capsys, *argv, "--json")
        assert code == 0, (name, err)
        assert json.loads(out)["command"] == name


def test_dropout_after_each_hidden_layer_trains_differently_and_predicts_deterministically(
        tmp_path, capsys):
    iris, _ = datasets.resolve("iris")
    results = {}
    for rate in ("0", "0.5"):
        code, out, err = run(capsys, "train", "iris", "--json", "--hidden", "16,8", "--epochs", "20",
                             "--dropout", rate, "--out", tmp_path / f"d{rate}.nn")
        assert code == 0, err
        results[rate] = json.loads(out)
    plain, dropped = nn.load(tmp_path / "d0.nn"), nn.load(tmp_path / "d0.5.nn")
    assert [type(layer).__name__ for layer in plain.network.layers] == ["Dense"] * 3
    assert [type(layer).__name__ for layer in dropped.network.layers] == [
        "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.rate for layer in dropped.network.layers[1::2]] == [0.5, 0.5]
    assert dropped.metadata["training"]["dropout"] == 0.5
    # Same seed, same initial weights: only the dropout masks make the runs differ.
    assert results["0"]["train_metrics"]["loss"] != results["0.5"]["train_metrics"]["loss"]
    # At prediction time dropout is the identity: two predictions agree, and match the report.
    rows = datasets.load("iris")
    np.testing.assert_array_equal(dropped.predict_proba(rows), dropped.predict_proba(rows))
    code, out, err = run(capsys, "evaluate", tmp_path / "d0.5.nn", iris, "--json")
    assert code == 0, err
    code, text, err = run(capsys, "train", "iris", "--dropout", "0.5", "--epochs", "1",
                          "--out", tmp_path / "t.nn")
    assert "(dropout 0.5 after each hidden layer)" in text


@pytest.mark.parametrize("rate", ["1", "-0.1", "half"])
def test_bad_dropout_rate_is_exit_2(tmp_path, capsys, rate):
    with pytest.raises(SystemExit) as stop:              # argparse's usage error
        main(["train", "iris", "--dropout", rate, "--out", str(tmp_path / "m.nn")])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "argument --dropout" in err and "Traceback" not in err
    assert not (tmp_path / "m.nn").exists()


def test_python_defaults_are_the_command_lines():
    """Model.for_table(...).fit(...) with no settings trains as `neuronet train` does."""
    import inspect

    from neuronet.cli import build_parser
    from neuronet.model import Model

    args = build_parser().parse_args(["train", "data.csv", "--target", "y"])
    table = inspect.signature(Model.for_table).parameters
    fit = inspect.signature(Model.fit).parameters
    assert table["hidden"].default == tuple(int(h) for h in args.hidden.split(","))
    assert (table["activation"].default, table["optimizer"].default) == (args.activation, args.optimizer)
    assert (table["learning_rate"].default, table["weight_decay"].default) == (args.lr, args.weight_decay)
    assert (table["dropout"].default, table["dtype"].default, table["seed"].default) == \
        (args.dropout, args.dtype, args.seed)
    assert table["momentum"].default == args.momentum
    assert (fit["epochs"].default, fit["batch_size"].default) == (args.epochs, args.batch_size)
    assert (fit["validation_split"].default, fit["min_delta"].default) == \
        (args.validation_split, args.min_delta)
    assert fit["patience"].default is None and args.patience == 0          # both: no early stopping


def test_sgd_momentum_is_used_reported_and_kept_in_the_model_file(tmp_path, capsys):
    common = ["train", "iris", "--optimizer", "sgd", "--lr", "0.01", "--epochs", "20"]
    code, out, err = run(capsys, *common, "--momentum", "0.9", "--out", tmp_path / "m.nn")
    assert code == 0, err
    assert "sgd lr 0.01, momentum 0.9, batch 32" in out
    model = nn.load(tmp_path / "m.nn")
    assert model.network.optimizer.momentum == 0.9
    assert model.metadata["training"]["momentum"] == 0.9
    code, out, err = run(capsys, *common, "--out", tmp_path / "plain.nn")
    assert code == 0 and "sgd lr 0.01, batch 32" in out
    plain = nn.load(tmp_path / "plain.nn")
    assert plain.network.optimizer.momentum == 0.0 and "momentum" not in plain.metadata["training"]
    assert not np.array_equal(model.network.parameters, plain.network.parameters)


def test_momentum_with_adam_is_a_usage_error(tmp_path, capsys):
    code, out, err = run(capsys, "train", "iris", "--momentum", "0.9", "--out", tmp_path / "m.nn")
    assert code == 2 and "--momentum 0.9: is for --optimizer sgd" in err and "Traceback" not in err
    assert not (tmp_path / "m.nn").exists()


def test_the_readme_houses_example_runs_as_shown(tmp_path, capsys):
    """examples/houses.csv ships with the repository; the README shows these numbers."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "examples" / "houses.csv"
    code, out, err = run(capsys, "train", data, "--target", "price", "--lr", "0.01", "--epochs",
                         "300", "--out", tmp_path / "houses.nn")
    assert code == 0, err
    assert "Test: MSE 1.305e+08, MAE 8917, R2 0.9656, loss 0.0153 (40 rows)" in out
    (tmp_path / "new.csv").write_text("area,rooms,district\n60,2,south\n100,4,north\n")
    code, out, err = run(capsys, "predict", tmp_path / "houses.nn", tmp_path / "new.csv")
    assert code == 0, err
    lines = out.split()
    assert lines[0] == "price"
    np.testing.assert_allclose([float(v) for v in lines[1:]], [172176.85997, 221968.85099], rtol=1e-9)


def test_a_float32_models_loss_that_overflows_float32_is_counted_in_float64(tmp_path, capsys):
    """Finite outputs whose squared error passes 3.4e38: evaluate reports the loss (as it does the
    MSE, in float64), not n/a."""
    data = _rare_city_csv(tmp_path / "rarecat.csv")
    assert run(capsys, "train", data, "--target", "price", "--epochs", "1", "--quiet",
               "--dtype", "float32", "--out", tmp_path / "m32.nn")[0] == 0
    far = tmp_path / "far.csv"
    far.write_text("size,city,price\n1e30,a,1\n2,b,4\n")
    code, out, err = run(capsys, "evaluate", tmp_path / "m32.nn", far, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["loss"] is not None and result["loss"] > 1e38 and result["mse"] > 1e38


def test_a_last_step_that_blows_the_weights_up_is_a_divergence_and_the_model_is_kept(tmp_path,
                                                                                      capsys):
    """The loss is measured before each step: the last step's weights are checked too, so the run
    ends as diverged (exit 3) with a usable model saved, not as exit 2 with no file."""
    out = tmp_path / "lr.nn"
    code, _, err = run(capsys, "train", "iris", "--optimizer", "sgd", "--lr", "1e5", "--epochs", "8",
                       "--quiet", "--out", out)
    assert code == 3, err
    assert "the weights after the last step of epoch 8 give a loss that is not finite" in err
    model = nn.load(out)
    assert np.isfinite(model.predict_proba(nn.datasets.load("iris"))).all()
