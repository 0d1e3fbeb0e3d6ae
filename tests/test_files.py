"""neuronet._files.atomic_write, the one helper every writer uses: links, FIFOs, devices, failures."""
import os
import stat
import threading

import numpy as np
import pytest

import neuronet as nn
from neuronet._files import atomic_write


def _write(data):
    return lambda f: f.write(data)


def _read_fifo_while(fifo, write):
    """Make a FIFO, call ``write(fifo)`` while a thread reads it; returns what the thread read."""
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        write(fifo)
    finally:
        reader.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    return received


def test_new_file_gets_the_content_and_the_usual_permissions(tmp_path):
    path = tmp_path / "a.bin"
    mask = os.umask(0o027)
    try:
        assert atomic_write(path, _write(b"hello")) == str(path)
    finally:
        os.umask(mask)
    assert path.read_bytes() == b"hello"
    assert path.stat().st_mode & 0o777 == 0o640
    atomic_write(path, _write("h\u00e9\r\n"), binary=False)          # text: utf-8, newlines as given
    assert path.read_bytes() == "h\u00e9\r\n".encode("utf-8")
    assert os.listdir(tmp_path) == ["a.bin"]


def test_a_symlink_stays_a_link_and_its_target_gets_the_content(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "target.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(os.path.join("real", "target.csv"))            # a relative link
    atomic_write(link, _write(b"new"))
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "target.csv")
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path / "real")) == ["target.csv"]   # temp file was next to the target
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "real" / "later.csv")
    atomic_write(dangling, _write(b"x"))
    assert dangling.is_symlink() and (tmp_path / "real" / "later.csv").read_bytes() == b"x"


def test_a_fifo_receives_the_data_and_stays_a_fifo(tmp_path):
    received = _read_fifo_while(tmp_path / "pipe", lambda fifo: atomic_write(fifo, _write(b"piped")))
    assert received == [b"piped"]
    assert os.listdir(tmp_path) == ["pipe"]


def test_dev_null_works_and_stays_a_character_device():
    atomic_write(os.devnull, _write(b"discarded"))
    atomic_write(os.devnull, _write("discarded"), binary=False)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_path_naming_an_open_descriptor_is_written_through_it(tmp_path):
    # /dev/stdout is a link to /proc/self/fd/1; a pipe and a regular file behind such a path
    read_end, write_end = os.pipe()
    try:
        atomic_write(f"/proc/self/fd/{write_end}", _write(b"to the pipe"))
        os.close(write_end)
        write_end = None
        assert os.read(read_end, 100) == b"to the pipe"
    finally:
        os.close(read_end)
        if write_end is not None:
            os.close(write_end)
    log = tmp_path / "log.txt"
    with open(log, "w") as f:                   # like `neuronet ... > log.txt`
        f.write("before\n")
        f.flush()
        inode = os.fstat(f.fileno()).st_ino
        atomic_write(f"/proc/self/fd/{f.fileno()}", _write(b"after\n"))
    assert log.read_text() == "before\nafter\n" and log.stat().st_ino == inode
    assert os.listdir(tmp_path) == ["log.txt"]


def test_a_crash_mid_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "m.nn"
    path.write_bytes(b"old content")

    def half_then_crash(f):
        f.write(b"half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, half_then_crash)
    assert path.read_bytes() == b"old content"
    assert os.listdir(tmp_path) == ["m.nn"]

    def disk_full(f):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match=f"cannot write {path}: No space left on device"):
        atomic_write(path, disk_full)
    assert path.read_bytes() == b"old content"
    assert os.listdir(tmp_path) == ["m.nn"]


def test_errors_name_the_users_path(tmp_path):
    with pytest.raises(ValueError, match=f"cannot write {tmp_path}: it is a folder"):
        atomic_write(tmp_path, _write(b""))
    missing = tmp_path / "no" / "f.csv"
    with pytest.raises(ValueError, match=f"cannot write {missing}: the folder .* does not exist"):
        atomic_write(missing, _write(b""))
    (tmp_path / "plain.txt").write_text("x")
    under = tmp_path / "plain.txt" / "f.csv"
    with pytest.raises(OSError, match=f"cannot write {under}: Not a directory"):
        atomic_write(under, _write(b""))
    assert sorted(os.listdir(tmp_path)) == ["plain.txt"]


def test_model_files_go_through_a_symlink_and_into_a_fifo(tmp_path):
    net = nn.Network([nn.Dense(2, 1, activation="sigmoid")], seed=0)
    (tmp_path / "real").mkdir()
    link = tmp_path / "m.nn"
    link.symlink_to(tmp_path / "real" / "m.nn")
    nn.save(net, link)
    assert link.is_symlink()
    np.testing.assert_array_equal(nn.load(tmp_path / "real" / "m.nn").parameters, net.parameters)
    received = _read_fifo_while(tmp_path / "pipe", lambda fifo: nn.save(net, fifo))
    assert received == [(tmp_path / "real" / "m.nn").read_bytes()]


def test_onnx_and_plot_files_keep_a_symlink(tmp_path):
    pytest.importorskip("onnx")
    pytest.importorskip("matplotlib")
    from neuronet.plotting import plot_history
    net = nn.Network([nn.Dense(2, 1, activation="sigmoid")], seed=0)
    (tmp_path / "real").mkdir()
    for name in ("m.onnx", "loss.png"):
        (tmp_path / name).symlink_to(tmp_path / "real" / name)
    net.to_onnx(tmp_path / "m.onnx")
    plot_history({"loss": [1.0, 0.5], "val_loss": []}, tmp_path / "loss.png")
    assert (tmp_path / "m.onnx").is_symlink() and (tmp_path / "loss.png").is_symlink()
    assert (tmp_path / "real" / "m.onnx").stat().st_size > 0
    assert (tmp_path / "real" / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(os.listdir(tmp_path / "real")) == ["loss.png", "m.onnx"]


def test_replacing_a_file_keeps_its_permission_bits(tmp_path):
    path = tmp_path / "private.csv"
    for mode in (0o600, 0o640, 0o755):
        path.write_text("old")
        os.chmod(path, mode)
        atomic_write(path, _write(b"new"))
        assert path.read_bytes() == b"new"
        assert stat.S_IMODE(os.stat(path).st_mode) == mode
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    os.chmod(path, 0o600)
    atomic_write(link, _write(b"through the link"))
    assert link.is_symlink() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
