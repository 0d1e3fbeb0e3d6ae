"""Every bad input of the issue: exit code 2, one line on stderr naming file/line/column, no traceback."""
import pickle
import subprocess
import sys

import pytest

from neuronet.cli import main

GOOD = "a,b,colour,y\n1,2,red,x\n3,4,blue,y\n5,6,red,x\n7,8,blue,y\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {
        "good.csv": GOOD,
        "empty.csv": "",
        "header.csv": "a,b,y\n",
        "ragged.csv": "a,b,y\n1,2,x\n3,4\n",
        "text.csv": "a,b,y\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n",
        "missing.csv": "a,b,y\n1,2,x\n,4,y\n5,NA,x\n7,8,y\n",
        "missing_target.csv": "a,b,y\n1,2,x\n3,4,\n5,6,y\n7,8,N/A\n",
        "semicolons.csv": "a;b;y\n1;2;x\n",
        "one_class.csv": "a,b,y\n1,2,x\n3,4,x\n",
        "other_columns.csv": "a,z,y\n1,2,x\n",
        "new_label.csv": "a,b,colour,y\n1,2,red,x\n3,4,blue,maybe\n",
        "new_colour.csv": "a,b,colour,y\n1,2,purple,x\n",
        "huge.csv": "a,b,colour,y\n1,2,red,x\n3,-1e50,blue,y\n5,4e39,red,x\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert main(["train", "good.csv", "--target", "y", "--out", "model.nn", "--epochs", "2",
                 "--quiet"]) == 0
    assert main(["train", "good.csv", "--target", "y", "--out", "model32.nn", "--epochs", "2",
                 "--quiet", "--dtype", "float32"]) == 0
    raw = (tmp_path / "model.nn").read_bytes()
    (tmp_path / "truncated.nn").write_bytes(raw[:len(raw) // 2])
    flipped = bytearray(raw)
    flipped[-3] ^= 0x10
    (tmp_path / "corrupted.nn").write_bytes(bytes(flipped))
    version = bytearray(raw)
    version[16] = 7
    (tmp_path / "version.nn").write_bytes(bytes(version))
    (tmp_path / "pickled.nn").write_bytes(pickle.dumps({"weights": [1, 2]}))
    (tmp_path / "empty.nn").write_bytes(b"")
    return tmp_path


CASES = [
    (["train", "nope.csv", "--target", "y"], ["nope.csv", "no such file"]),
    (["train", "empty.csv", "--target", "y"], ["empty.csv", "empty"]),
    (["train", "header.csv", "--target", "y"], ["header.csv", "no data rows"]),
    (["train", "ragged.csv", "--target", "y"], ["ragged.csv:3", "2 fields", "3 columns"]),
    (["train", "good.csv", "--target", "nope"], ["good.csv", "'nope'", "a, b, colour, y"]),
    (["train", "good.csv"], ["--target is required", "a, b, colour, y"]),
    (["train", "semicolons.csv", "--target", "y"], ["semicolons.csv", "separated by ';'"]),
    (["train", "text.csv", "--target", "y"], ["text.csv:3", "column 2 ('b')", "'oops'"]),
    (["train", "missing.csv", "--target", "y"], ["missing.csv", "column 1 ('a') at line 3"]),
    (["train", "missing_target.csv", "--target", "y"], ["missing_target.csv", "column 3 ('y') at lines 3, 5"]),
    (["train", "one_class.csv", "--target", "y"], ["one_class.csv", "only one class ('x')"]),
    (["train", "good.csv", "--target", "y", "--out", "no/such/dir/m.nn"], ["no/such/dir", "does not exist"]),
    (["train", "good.csv", "--target", "y", "--plot", "gone/c.png"], ["gone", "does not exist"]),
    (["train", "good.csv", "--target", "y", "--plot", "c.txt"], ["--plot c.txt", ".png"]),
    (["train", "good.csv", "--target", "y", "--hidden", "8,x"], ["--hidden 8,x"]),
    (["train", "nope.csv", "--target", "y", "--hidden", "8,x"], ["--hidden 8,x"]),  # options first
    (["train", "good.csv", "--target", "colour", "--task", "regression"], ["good.csv", "holds text ('red' at line 2)"]),
    (["predict", "model.nn", "other_columns.csv"], ["other_columns.csv", "do not match", "needs b, colour"]),
    (["predict", "model.nn", "new_colour.csv"], ["new_colour.csv:2", "column 3 ('colour')", "'purple'"]),
    (["predict", "model.nn", "good.csv", "--out", "nowhere/p.csv"], ["nowhere", "does not exist"]),
    (["predict", "model.nn", "text.csv"], ["text.csv", "do not match"]),
    (["predict", "missing.nn", "good.csv"], ["missing.nn", "no such file"]),
    (["evaluate", "model.nn", "new_label.csv"], ["new_label.csv:3", "column 4 ('y')", "'maybe'", "never seen"]),
    (["predict", "model32.nn", "huge.csv"], ["huge.csv:3", "column 2 ('b')", "-1e+50 is too large",
                                             "lines 3, 4", "float32", "float64"]),
    (["evaluate", "model32.nn", "huge.csv"], ["huge.csv:3", "column 2 ('b')", "too large"]),
    (["evaluate", "model.nn", "good.csv", "--target", "zzz"], ["good.csv", "'zzz'"]),
    (["evaluate", "truncated.nn", "good.csv"], ["truncated.nn", "truncated"]),
    (["info", "corrupted.nn"], ["corrupted.nn", "checksum does not match"]),
    (["info", "version.nn"], ["version.nn", "format version 7"]),
    (["info", "pickled.nn"], ["pickled.nn", "pickle"]),
    (["info", "empty.nn"], ["empty.nn", "empty"]),
    (["info", "good.csv"], ["good.csv", "not a neuronet model file"]),
    (["info", "."], ["is a folder"]),
]


@pytest.mark.parametrize("argv, fragments", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input_is_one_line_and_exit_2(folder, capsys, argv, fragments):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"neuronet {argv[0]}: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("argv", [["train", "text.csv", "--target", "y"], ["info", "corrupted.nn"]])
def test_bad_input_in_a_real_process(folder, argv):
    out = subprocess.run([sys.executable, "-m", "neuronet", *argv], capture_output=True, text=True,
                         timeout=120, cwd=folder)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize("argv, fragments", [
    (["train", "iris", "--seed", "-1"], ["--seed", "must be 0 or more, got -1"]),
    (["train", "iris", "--min-delta", "-1"], ["--min-delta", "at least 0, got -1"]),
    (["train", "iris", "--patience", "-2"], ["--patience", "must be 0 or more, got -2"]),
])
def test_negative_numbers_are_refused_naming_the_option(capsys, argv, fragments):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err, err
    assert "Traceback" not in err


def _without(module, argv, cwd):
    """Run the CLI in a fresh interpreter in which ``import <module>`` fails, as if not installed."""
    code = (f"import sys; sys.modules[{module!r}] = None\n"
            "from neuronet.cli import main\n"
            f"sys.exit(main({argv!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_missing_plot_extra_is_one_line_before_training(tmp_path):
    out = _without("matplotlib", ["train", "iris", "--plot", "c.png", "--out", "i.nn"], tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert lines[0].startswith("neuronet train: error: matplotlib is needed")
    assert "pip install neuronet[plot]" in lines[0]
    assert not (tmp_path / "i.nn").exists() and "Training for up to" not in out.stderr


def test_missing_onnx_extra_is_one_line(folder):
    out = _without("onnx", ["export", "model.nn", "model.onnx"], folder)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert "pip install neuronet[onnx]" in lines[0] and lines[0].startswith("neuronet export: error")
    assert not (folder / "model.onnx").exists()


def test_ctrl_c_while_the_commands_load_is_one_line_and_130(monkeypatch, capsys):
    import neuronet.cli as cli

    def interrupted():
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["datasets"]) == 130
    out, err = capsys.readouterr()
    assert err == "neuronet: interrupted\n" and out == ""


def test_hidden_zero_is_refused_and_none_means_no_hidden_layer(capsys, tmp_path):
    from neuronet.cli import main
    assert main(["train", "xor", "--hidden", "0", "--quiet", "--out", str(tmp_path / "x.nn")]) == 2
    assert "--hidden 0: every size must be at least 1" in capsys.readouterr().err
    assert main(["train", "xor", "--hidden", "none", "--quiet", "--out", str(tmp_path / "x.nn")]) == 0
    import neuronet as nn
    assert len(nn.load(tmp_path / "x.nn").network.layers) == 1


def test_huge_metrics_print_with_an_exponent():
    from neuronet.cli._common import metric_text, number_text
    assert number_text(-1.8e160, ".4f") == "-1.8e+160"
    assert number_text(0.97491, ".4f") == "0.9749"
    line = metric_text({"mse": 1e163, "mae": 3e80, "r2": -1.8e160, "loss": 9e159, "n_rows": 5})
    assert line == "MSE 1e+163, MAE 3e+80, R2 -1.8e+160, loss 9e+159 (5 rows)"
