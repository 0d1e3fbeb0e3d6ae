"""Ctrl-C during `neuronet train` (SIGINT to a real process): stop after the batch, save, exit 130."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import neuronet as nn


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process needs POSIX")
def test_sigint_saves_the_best_model_so_far_and_exits_130(tmp_path):
    out = tmp_path / "interrupted.nn"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-m", "neuronet", "train", "digits", "--epochs", "100000",
                             "--validation-split", "0.1", "--patience", "100000", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stderr.readline()          # printed once the Ctrl-C handler is in place
        assert first.startswith("Training for up to 100000 epochs"), first
        time.sleep(0.5)                         # let a few epochs run
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
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
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-m", "neuronet", "train", "iris", "--epochs", "1000000",
                             "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stderr.readline()
        assert "saves the model as of the last completed batch to" in first, first
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert f"the model as of the last completed batch was saved to {out}" in stderr
    assert "best" not in stderr and "Traceback" not in stderr
    assert nn.load(out).metadata["training"]["stopped"] == "interrupted"
