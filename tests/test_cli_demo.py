"""`neuronet demo`, through its real entry points."""
import io
import subprocess
import sys
import types

from neuronet.cli import main
from neuronet.cli.cmd_demo import run


def demo_args(**kw):
    return types.SimpleNamespace(**{"iterations": 10_000, "seed": 1, "ask": False, **kw})


def test_demo_tells_the_tutorial_story(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "[[-0.16595599]\n [ 0.44064899]\n [-0.99977125]]" in out
    assert "Considering new situation [1, 0, 0] -> ?:\n[0.99993704]" in out
    assert "[[ 9.67299303]\n [-0.2078435 ]\n [-4.62963669]]" in out
    assert "XOR" in out


def test_demo_iterations_option(capsys):
    assert main(["demo", "--iterations", "15000"]) == 0
    assert "[0.9999584]" in capsys.readouterr().out


def test_demo_ask_re_asks_until_three_numbers():
    stdin = io.StringIO("hello\n1 2\n1, 0, 0\n")
    out = io.StringIO()
    assert run(demo_args(ask=True), stdin=stdin, stdout=out) == 0
    text = out.getvalue()
    assert text.count("New situation: type three numbers") == 3
    assert "'hello' is not three numbers" in text and "'1 2' is not three numbers" in text
    assert "Considering new situation [1, 0, 0] -> ?:\n[0.99993704]" in text


def test_console_script_and_module_entry_points():
    for cmd in ([sys.executable, "-m", "neuronet", "demo", "--iterations", "100"],):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Considering new situation" in done.stdout


def test_ask_at_end_of_input_is_a_clean_error():
    done = subprocess.run([sys.executable, "-m", "neuronet", "demo", "--ask"], input="1 2\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == \
        "neuronet demo: error: no new situation given (end of input)"
    assert "Traceback" not in done.stderr


def test_bad_option_exits_2():
    done = subprocess.run([sys.executable, "-m", "neuronet", "demo", "--iterations", "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "must be at least 1" in done.stderr


def test_demo_json_is_one_object_with_the_story(capsys):
    import json
    assert main(["demo", "--json"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out)
    assert result["command"] == "demo" and result["iterations"] == 10_000 and result["seed"] == 1
    assert result["starting_weights"] == [-0.165955990594852, 0.4406489868843162, -0.9997712503653102]
    assert [round(w, 8) for w in result["trained_weights"]] == [9.67299303, -0.2078435, -4.62963669]
    assert result["situation"] == [1, 0, 0] and round(result["answer"], 8) == 0.99993704
    xor = result["xor"]
    assert xor["targets"] == [0, 1, 1, 0] and len(xor["one_neuron"]) == 4
    assert [round(p) for p in xor["hidden_layer_2_4_1"]] == [0, 1, 1, 0]


def test_demo_ask_accepts_the_printed_format():
    out = io.StringIO()
    assert run(demo_args(ask=True), stdin=io.StringIO("[1, 0, 0]\n"), stdout=out) == 0
    text = out.getvalue()
    assert "is not three numbers" not in text
    assert "Considering new situation [1, 0, 0] -> ?:\n[0.99993704]" in text


def test_demo_ask_with_json_prompts_on_stderr():
    import json
    done = subprocess.run([sys.executable, "-m", "neuronet", "demo", "--ask", "--json",
                           "--iterations", "100"], input="[0, 1, 1]\n", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["situation"] == [0, 1, 1]
    assert "New situation" in done.stderr


def test_negative_seed_is_refused_naming_the_option(capsys):
    import pytest
    with pytest.raises(SystemExit) as stop:
        main(["demo", "--seed", "-1"])
    assert stop.value.code == 2 and "--seed: must be 0 or more" in capsys.readouterr().err


def test_ask_with_piped_input_echoes_the_answer_on_its_own_line():
    done = subprocess.run([sys.executable, "-m", "neuronet", "demo", "--ask"], input="[1, 0, 0]\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "e.g. 1 0 0: [1, 0, 0]\nConsidering new situation [1, 0, 0] -> ?:\n[0.99993704]" in done.stdout
