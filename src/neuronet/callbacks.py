"""Callbacks: how training reports to the outside world without printing anything itself.

Pass a list of callbacks to ``Network.fit``. Each hook receives the network and a ``logs`` dict:

- ``on_train_begin(net, logs)``: ``logs`` has ``epochs``, ``n_batches`` (per epoch) and ``n_samples``;
- ``on_batch_end(net, batch, logs)``: ``logs`` has ``epoch``, ``loss`` (that batch's) and ``size``;
- ``on_epoch_end(net, epoch, logs)``: ``logs`` has ``loss`` and, with validation data, ``val_loss``;
- ``on_train_end(net, logs)``: ``logs`` has ``epochs_run`` and ``stopped`` (why training ended).

Setting ``net.stop_training = True`` from any hook (or from a signal handler) ends training after the
current batch.
"""
from __future__ import annotations

__all__ = ["Callback", "LambdaCallback", "as_callback_list"]


class Callback:
    """Base class with empty hooks: override the ones you need.

    Set ``net.stop_training = True`` in a hook to stop after the current batch.
    """

    def on_train_begin(self, net, logs):
        """Before the first batch; ``logs``: ``{"epochs", "n_batches", "n_samples"}``."""

    def on_batch_end(self, net, batch, logs):
        """After each step; ``batch`` counts from 0 in each epoch; ``logs``: ``{"epoch", "loss"
        (the batch's loss, measured before its step), "size" (its rows)}``."""

    def on_epoch_end(self, net, epoch, logs):
        """After each epoch; ``epoch`` counts from 1 and goes on across ``fit`` calls (it is the
        epoch's place in ``net.history``); ``logs``: ``{"loss"}``, and ``"val_loss"`` with
        validation data."""

    def on_train_end(self, net, logs):
        """After training; ``logs``: ``{"epochs_run", "stopped"}`` (see ``net.stopped_``)."""


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda net, epoch, logs: ...)``."""

    def __init__(self, on_train_begin=None, on_batch_end=None, on_epoch_end=None, on_train_end=None):
        for name, fn in (("on_train_begin", on_train_begin), ("on_batch_end", on_batch_end),
                         ("on_epoch_end", on_epoch_end), ("on_train_end", on_train_end)):
            if fn is not None:
                if not callable(fn):
                    raise TypeError(f"LambdaCallback {name} must be callable, got {fn!r}")
                setattr(self, name, fn)


def as_callback_list(callbacks):
    """``callbacks`` as ``Network.fit`` takes them, None or a list (or tuple) of Callback, as a list."""
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of neuronet.Callback instances, got "
                        f"{callbacks!r}{_hint(callbacks, '[cb]')}")
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be neuronet.Callback instances, got {cb!r}{_hint(cb, 'cb')}")
    return list(callbacks)


def _hint(value, spelled):
    """What to do with a lone Callback (``spelled``: how the fix reads) or a plain function."""
    if isinstance(value, Callback):
        return f" (put a single one in a list: callbacks={spelled})"
    if callable(value):
        return " (wrap a function in neuronet.LambdaCallback, e.g. on_epoch_end=...)"
    return ""
