"""Pictures of training: the loss curves of a history, drawn with matplotlib (the ``plot`` extra)."""
from __future__ import annotations

import io
import os

from ._extras import require
from ._files import atomic_write

__all__ = ["plot_history"]


def plot_history(history, path, title=None):
    """Write the training (and validation) loss per epoch to an image file; returns ``path``.

    Parameters
    ----------
    history : dict
        ``{"loss": [...], "val_loss": [...]}`` as in ``Network.history`` (``val_loss`` may be empty).
    path : str or os.PathLike
        The image file; its extension (``.png``, ``.svg``, ``.pdf``) picks the format (no
        extension: PNG). Written by :func:`neuronet._files.atomic_write` (temporary file next to the
        symlink-resolved target, then renamed; a FIFO or device is written straight into).
    title : str, optional
    """
    require("matplotlib", "plot")
    from matplotlib.figure import Figure   # no pyplot: no global state, no GUI backend

    path = os.fspath(path)
    losses = list(history.get("loss", []))
    if not losses:
        raise ValueError("the history is empty: there is nothing to plot")
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    ax = fig.add_subplot()
    epochs = range(1, len(losses) + 1)
    ax.plot(epochs, losses, label="training loss")
    val = list(history.get("val_loss", []))
    if val:
        ax.plot(range(1, len(val) + 1), val, label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if min(v for v in losses + val if v == v) > 0:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    image = io.BytesIO()          # rendered first: a FIFO or device then gets it in one write
    fig.savefig(image, format=fmt)
    atomic_write(path, lambda f: f.write(image.getvalue()))
    return path
