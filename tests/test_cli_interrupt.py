"""Ctrl-C during `neuronet train` (SIGINT to a real process): stop after the batch, save, exit 130."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import neuronet as nn


def interrupt_training(args, wait):
    """Start `neuronet train ARGS` in a real process, send SIGINT ``wait`` seconds after it says that
    training starts (the Ctrl-C handler is in place by then); returns (first line, stdout, stderr, code)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-m", "neuronet", "train", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stderr.readline()
        time.sleep(wait)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return first, stdout, stderr, proc.returncode


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process needs POSIX")
def test_sigint_saves_the_best_model_so_far_and_exits_130(tmp_path):
    out = tmp_path / "interrupted.nn"
    first, stdout, stderr, code = interrupt_training(
        ["digits", "--epochs", "100000", "--validation-split", "0.1", "--patience", "100000",
         "--out", str(out)], wait=0.5)                   # let a few epochs run
    assert first.startswith("Training for up to 100000 epochs"), first
    assert code == 130, stderr
    assert "stopping after this batch" in stderr
    assert "saves the best model so far to" in first          # --patience: the best is kept
    assert "the best model so far (epoch " in stderr and f") was saved to {out}" in stderr
    assert "Traceback" not in stderr
    assert "(interrupted)" in stdout
    model = nn.load(out)
    runs = model.metadata["training"]["epochs_run"]
    assert 1 <= runs < 100000 and model.metadata["training"]["stopped"] == "interrupted"
    assert np.all(np.isfinite(model.network.parameters))
    assert model.metadata["metrics"]["test"]["accuracy"] > 0.5
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process needs POSIX")
def test_sigint_without_patience_says_the_last_batch_model_was_saved(tmp_path):
    out = tmp_path / "last.nn"
    first, stdout, stderr, code = interrupt_training(
        ["iris", "--epochs", "1000000", "--out", str(out)], wait=0.3)
    assert "saves the model as of the last completed batch to" in first, first
    assert code == 130, stderr
    assert f"the model as of the last completed batch was saved to {out}" in stderr
    assert "best" not in stderr and "Traceback" not in stderr
    assert nn.load(out).metadata["training"]["stopped"] == "interrupted"
