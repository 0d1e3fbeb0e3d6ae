"""Errors of the command line: one line on stderr, exit code 2 (130 for Ctrl-C), and with --json one
JSON object {"command", "error", "exit_code"} on stdout as well."""
import json
import os
import subprocess
import sys

import pytest

from neuronet.cli import main

ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def neuronet(*argv, cwd=None, code_before=None):
    """Run the real entry point in a fresh interpreter; returns (exit code, stdout, stderr lines).

    ``code_before`` runs first in that interpreter (e.g. to make an optional extra unimportable).
    """
    if code_before is None:
        command = [sys.executable, "-m", "neuronet", *map(str, argv)]
    else:
        command = [sys.executable, "-c", f"{code_before}\nimport sys\nfrom neuronet.cli import main\n"
                                         f"sys.exit(main({list(map(str, argv))!r}))"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd, env=ENV)
    return done.returncode, done.stdout, done.stderr.splitlines()


def one_error_line(err, command):
    """The text after ``neuronet <command>: error: `` of the single line ``err`` holds."""
    assert len(err) == 1, err
    prefix = "neuronet: error: " if command is None else f"neuronet {command}: error: "
    assert err[0].startswith(prefix), err
    return err[0][len(prefix):]


# --- the JSON contract, through the real entry point -------------------------------------------

def test_bad_file_with_json_is_one_json_object_and_one_stderr_line(tmp_path):
    (tmp_path / "ragged.csv").write_text("a,b,y\n1,2,x\n3,4\n")
    code, out, err = neuronet("train", "ragged.csv", "--target", "y", "--json", cwd=tmp_path)
    assert code == 2
    message = one_error_line(err, "train")
    assert "ragged.csv" in message and "Traceback" not in message
    assert json.loads(out) == {"command": "train", "error": message, "exit_code": 2}
    assert out.count("\n") == 1                       # exactly one line on stdout


def test_usage_error_with_json_is_one_json_object(tmp_path):
    code, out, err = neuronet("train", "iris", "--epochs", "0", "--json", cwd=tmp_path)
    assert code == 2
    message = one_error_line(err, "train")
    assert message == "argument --epochs: must be at least 1, got 0 (see neuronet train --help)"
    assert json.loads(out) == {"command": "train", "error": message, "exit_code": 2}


def test_missing_extra_with_json_is_one_json_object(tmp_path):
    code, out, err = neuronet("train", "iris", "--plot", "c.png", "--out", "i.nn", "--json",
                              cwd=tmp_path, code_before="import sys; sys.modules['matplotlib'] = None")
    assert code == 2
    message = one_error_line(err, "train")
    assert "pip install neuronet[plot]" in message
    assert json.loads(out) == {"command": "train", "error": message, "exit_code": 2}
    assert not (tmp_path / "i.nn").exists()


# --- one-line usage errors, through the real entry point ---------------------------------------

def test_usage_error_without_json_is_exactly_one_line(tmp_path):
    code, out, err = neuronet("train", "iris", "--epochs", "0", cwd=tmp_path)
    assert code == 2 and out == ""
    assert err == ["neuronet train: error: argument --epochs: must be at least 1, got 0 "
                   "(see neuronet train --help)"]


def test_misspelled_option_is_reported_by_the_subcommand_with_a_suggestion(tmp_path):
    code, out, err = neuronet("train", "iris", "--traget", "species", cwd=tmp_path)
    assert code == 2 and out == ""
    message = one_error_line(err, "train")
    assert message.startswith("unrecognized arguments: --traget")
    assert "did you mean --target?" in message and message.endswith("(see neuronet train --help)")


def test_misspelled_command_suggests_the_right_one(tmp_path):
    code, out, err = neuronet("trian", "iris", cwd=tmp_path)
    assert code == 2 and out == ""
    assert one_error_line(err, None) == "unknown command 'trian'; did you mean train? (see neuronet --help)"


@pytest.mark.parametrize("argv, start", [(["--help"], "usage: neuronet [-h]"),
                                         (["train", "--help"], "usage: neuronet train "),
                                         (["--version"], "neuronet ")])
def test_help_and_version_still_exit_0(tmp_path, argv, start):
    code, out, err = neuronet(*argv, cwd=tmp_path)
    assert code == 0 and err == []
    assert out.startswith(start) and ": error:" not in out
    if argv[-1] == "--help":
        assert len(out.splitlines()) > 5                 # the full usage text is still there


# --- in-process: the details ---------------------------------------------------------------------

def usage_error(capsys, argv):
    """``main(argv)`` for an argparse usage error: (stdout, stderr lines); it must exit with 2."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    return out, err.splitlines()


def test_no_command_lists_the_commands_in_one_line(capsys):
    out, err = usage_error(capsys, [])
    message = one_error_line(err, None)
    assert message.startswith("choose a command: datasets, demo, ")
    assert "train" in message and message.endswith("(see neuronet --help)") and out == ""


def test_unknown_command_without_a_close_match_lists_the_commands(capsys):
    out, err = usage_error(capsys, ["xyzzy", "--json"])
    message = one_error_line(err, None)
    assert message.startswith("unknown command 'xyzzy'; choose one of datasets, demo, ")
    assert json.loads(out) == {"command": None, "error": message, "exit_code": 2}


def test_missing_argument_names_the_subcommand(capsys):
    out, err = usage_error(capsys, ["info", "--json"])
    message = one_error_line(err, "info")
    assert "required: MODEL" in message
    assert json.loads(out) == {"command": "info", "error": message, "exit_code": 2}


def test_json_does_not_count_after_a_double_dash(capsys):
    out, err = usage_error(capsys, ["train", "iris", "--epochs", "0", "--", "--json"])
    assert out == "" and len(err) == 1


def test_unknown_option_equal_to_a_real_one_gets_no_silly_suggestion(capsys):
    out, err = usage_error(capsys, ["datasets", "--jsn"])
    assert one_error_line(err, "datasets").startswith("unrecognized arguments: --jsn; did you mean --json?")
    out, err = usage_error(capsys, ["--json", "datasets"])       # --json before the command
    assert one_error_line(err, "datasets") == \
        "--json goes after the command name: neuronet datasets ... --json (see neuronet datasets --help)"
    assert json.loads(out) == {"command": "datasets", "exit_code": 2, "error":
                               "--json goes after the command name: neuronet datasets ... --json "
                               "(see neuronet datasets --help)"}
    out, err = usage_error(capsys, ["--versoin"])
    assert one_error_line(err, None) == \
        "unrecognized arguments: --versoin; did you mean --version? (see neuronet --help)"


def test_missing_column_with_json(capsys):
    assert main(["train", "iris", "--target", "nope", "--json"]) == 2
    out, err = capsys.readouterr()
    message = one_error_line(err.splitlines(), "train")
    assert "no column 'nope'" in message
    assert json.loads(out) == {"command": "train", "error": message, "exit_code": 2}


def test_unreadable_model_with_json(capsys, tmp_path):
    (tmp_path / "bad.nn").write_text("not a model")
    assert main(["info", str(tmp_path / "bad.nn"), "--json"]) == 2
    out, err = capsys.readouterr()
    message = one_error_line(err.splitlines(), "info")
    assert json.loads(out) == {"command": "info", "error": message, "exit_code": 2}


def test_errors_without_json_leave_stdout_empty(capsys, tmp_path):
    (tmp_path / "bad.nn").write_text("not a model")
    assert main(["info", str(tmp_path / "bad.nn")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1


def test_ctrl_c_with_json(monkeypatch, capsys):
    import neuronet.cli as cli
    from neuronet.cli import cmd_datasets

    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cmd_datasets, "run", interrupted)             # during the command
    assert cli.main(["datasets", "--json"]) == 130
    out, err = capsys.readouterr()
    assert err == "neuronet datasets: interrupted\n"
    assert json.loads(out) == {"command": "datasets", "error": "interrupted", "exit_code": 130}
    monkeypatch.setattr(cli, "build_parser", interrupted)             # while the commands load
    assert cli.main(["datasets", "--json"]) == 130
    out, err = capsys.readouterr()
    assert err == "neuronet: interrupted\n"
    assert json.loads(out) == {"command": None, "error": "interrupted", "exit_code": 130}


def test_train_reports_its_own_post_training_error_once(tmp_path, capsys):
    """train prints its result with "error" itself (here: divergence, exit 3): no second object."""
    rows = "".join(f"{x},{1000 * x * x}\n" for x in range(30))
    (tmp_path / "big.csv").write_text("x,y\n" + rows)
    code = main(["train", str(tmp_path / "big.csv"), "--target", "y", "--optimizer", "sgd", "--lr",
                 "1000", "--epochs", "5", "--json", "--out", str(tmp_path / "d.nn")])
    out, _ = capsys.readouterr()
    assert code == 3 and len(out.splitlines()) == 1
    result = json.loads(out)
    assert result["command"] == "train" and "diverged" in result["error"] and "exit_code" not in result


def test_json_before_a_misspelled_or_missing_command_names_the_command_first(capsys):
    out, err = usage_error(capsys, ["--json", "trian", "iris"])
    assert one_error_line(err, None) == ("unknown command 'trian'; did you mean train?; --json goes "
                                         "after the command name (see neuronet --help)")
    assert json.loads(out)["error"].startswith("unknown command 'trian'")
    out, err = usage_error(capsys, ["--json"])
    assert one_error_line(err, None).startswith("choose a command: datasets, demo, evaluate")
    assert "--version" not in err[0]
