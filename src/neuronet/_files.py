"""Writing output files safely: one helper, :func:`atomic_write`, used by every writer in neuronet.

A regular file (or a new one) is written to a temporary file in the same folder, flushed, fsynced
and renamed over the target, so a reader never sees half a file and a failed write leaves the old
file as it was. Replacing an existing file keeps its permission bits (a private ``0600`` model stays
private); a new file gets ``0666`` less the umask. Symbolic links are followed first: the link stays
a link and its target gets the new content. A hard link is not followed: the path gets a new file
and the other names keep the old content. Special files (a FIFO, ``/dev/null``, a terminal,
``/dev/stdout``) are written straight into, since renaming a regular file over them would replace
them instead of writing through them.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile

__all__ = ["atomic_write"]

#: A path that names an open descriptor (``/dev/stdout`` leads to ``/proc/self/fd/1``).
_DESCRIPTOR = re.compile(r"^/(?:proc/[^/]+|dev)/fd/\d+$")
_MAX_LINKS = 40


def atomic_write(path, write, *, binary=True, encoding="utf-8"):
    """Create or replace the file ``path`` with what ``write(file)`` writes; returns ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write. A symbolic link is resolved: its target is replaced and the link kept.
        An existing special file (FIFO, character device such as ``/dev/null``, or a path that
        names an open descriptor such as ``/dev/stdout``) is written straight into, without a
        temporary file.
    write : callable
        Called once with the open file object; writes the content.
    binary : bool, default True
        Open the file in binary mode; ``False`` gives a text file in ``encoding`` with newlines
        written as they are (``newline=""``, what the :mod:`csv` module needs).
    encoding : str, default "utf-8"
        Encoding of a text file.

    Returns
    -------
    str
        ``path`` as given (``os.fspath(path)``).

    Raises
    ------
    ValueError
        ``path`` is a folder, or the folder it would be written in does not exist.
    OSError
        The file cannot be written; the message names ``path`` and the cause. The temporary file
        is removed and an existing file is left untouched.
    """
    name = os.fspath(path)
    kwargs = {} if binary else {"encoding": encoding, "newline": ""}
    suffix = "b" if binary else ""
    try:
        info = os.stat(name)
    except FileNotFoundError:
        info = None
    except OSError as err:                        # e.g. a path through a regular file
        raise _error(name, err) from err
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ValueError(f"cannot write {name}: it is a folder; give a file name")
    if info is not None and (not stat.S_ISREG(info.st_mode) or _names_descriptor(name)):
        try:        # append: no truncation of what a shell redirection already holds
            with open(name, "a" + suffix, **kwargs) as f:
                write(f)
                f.flush()
        except OSError as err:
            raise _error(name, err) from err
        return name

    target = os.path.realpath(name)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise ValueError(f"cannot write {name}: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as err:
        raise _error(name, err) from err
    try:
        os.chmod(tmp, _mode_for(info))       # mkstemp makes the file private (0600)
        _keep_owner(tmp, info)
        with os.fdopen(fd, "w" + suffix, **kwargs) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise _error(name, err) from err
        raise
    _fsync_folder(folder)
    return name


def _names_descriptor(name):
    """True if ``name`` is, or links to, ``/proc/<pid>/fd/N`` or ``/dev/fd/N``."""
    current = os.path.abspath(name)
    for _ in range(_MAX_LINKS):
        if _DESCRIPTOR.match(current):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return False


def _mode_for(info):
    """The permission bits for the new file: those of the file it replaces (``info``, from
    ``os.stat``), else ``0666`` less the umask, as ``open`` would give."""
    if info is not None:
        return stat.S_IMODE(info.st_mode) & 0o777
    return 0o666 & ~_umask()


def _keep_owner(tmp, info):
    """Give ``tmp`` the owner and group of the file it replaces, where that is permitted (root may;
    anyone may choose among their own groups); otherwise the writer owns the new file."""
    if info is None or not hasattr(os, "chown"):
        return
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.chown(tmp, info.st_uid, info.st_gid)
    except OSError:
        try:
            os.chown(tmp, -1, info.st_gid)
        except OSError:
            pass


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder):
    """Make the rename durable; some file systems refuse to fsync a folder, which is harmless."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _error(name, err):
    """An OSError whose message names the user's ``name`` (not a temporary file) and the cause."""
    error = OSError(f"cannot write {name}: {err.strerror or err}")
    error.errno = err.errno
    return error
