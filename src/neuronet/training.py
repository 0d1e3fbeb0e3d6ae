"""The training loop: epochs of (shuffled) mini-batches, validation, early stopping, callbacks.

``train`` is what ``Network.fit`` runs once the data are validated. Per batch it gathers the rows into
reused buffers, asks the network for the loss and gradients in one pass, and lets the optimizer step.
It never prints: progress goes to callbacks.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["train", "hold_out", "TrainingDiverged"]


class TrainingDiverged(ValueError, ArithmeticError):
    """The loss became NaN or infinite; the weights were restored to the last finite epoch."""


def _go_back(net, what, weights, epoch, loss):
    """Put ``weights`` (those at the start of ``epoch``, whose training loss was ``loss``) back into
    the network and return the error to raise. ``epoch`` None: the starting weights themselves gave
    a non-finite loss."""
    net.parameters[...] = weights
    net.optimizer.reset()
    if epoch is None:
        kept = ("The weights were left as training found them: their loss is not finite either, "
                "so check the scale of the inputs and targets too.")
    else:
        kept = f"The weights were restored to those at the start of epoch {epoch}"
        if loss is not None:
            kept += (f", the epoch with the lowest training loss ({loss:.6g}, its mean over the "
                     "epoch's batches)")
        kept += ": the starting weights, so the model is untrained." if epoch == 1 else "."
    return TrainingDiverged(f"training diverged: {what}. Try a smaller learning rate (now "
                            f"{net.optimizer.learning_rate:g}). {kept}")


class _Batches:
    """Row indices of each mini-batch, gathered into buffers that are reused every epoch."""

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, rng):
        self.X, self.Y, self.w = X, Y, sample_weight
        n = X.shape[0]
        self.size = n if batch_size is None else min(int(batch_size), n)
        self.whole = self.size == n  # one full batch: no gathering, no shuffling
        self.shuffle, self.rng = shuffle, rng
        self.n_batches = -(-n // self.size)
        if self.whole:
            self._one_batch = [(X, Y, sample_weight)]
        else:
            self._order = np.arange(n)
            self._X = np.empty((self.size, X.shape[1]), dtype=X.dtype)
            self._Y = np.empty((self.size, Y.shape[1]), dtype=Y.dtype)
            if sample_weight is not None:
                self._w = np.empty(self.size, dtype=sample_weight.dtype)

    def __iter__(self):
        return iter(self._one_batch) if self.whole else self._gather()

    def _gather(self):
        if self.shuffle:
            self.rng.shuffle(self._order)
        for start in range(0, self.X.shape[0], self.size):
            idx = self._order[start:start + self.size]
            m = idx.shape[0]
            # One gather per array; mode="clip" lets np.take write straight into the buffer
            # (the indices are in range anyway).
            Xb = np.take(self.X, idx, axis=0, out=self._X[:m], mode="clip")
            Yb = np.take(self.Y, idx, axis=0, out=self._Y[:m], mode="clip")
            wb = None if self.w is None else np.take(self.w, idx, out=self._w[:m], mode="clip")
            yield Xb, Yb, wb


def _record_val_loss(history, val_loss):
    """Append an epoch's ``val_loss`` (None: the epoch had no validation data) in line with
    ``history["loss"]``: ``val_loss`` stays empty until an epoch is validated, and from then on gets
    one entry per epoch too, NaN for the epochs without validation, so ``val_loss[i]`` and
    ``loss[i]`` always belong to the same epoch."""
    recorded = history["val_loss"]
    if val_loss is None and not recorded:
        return
    recorded.extend([math.nan] * (len(history["loss"]) - 1 - len(recorded)))
    recorded.append(math.nan if val_loss is None else val_loss)


def hold_out(X, Y, sample_weight, fraction, rng):
    """Split the rows at random into ``(X, Y, w)`` to train on and ``(X_val, Y_val, w_val)`` to
    validate on, ``round(fraction * n_samples)`` of them; each part keeps the rows' order."""
    n_val = int(round(X.shape[0] * fraction))
    if n_val < 1 or n_val >= X.shape[0]:
        raise ValueError(f"validation_split={fraction} of {X.shape[0]} samples leaves no validation "
                         "or no training rows")
    order = rng.permutation(X.shape[0])
    parts = []
    for rows, what in ((np.sort(order[n_val:]), "training"), (np.sort(order[:n_val]), "held-out")):
        w = None if sample_weight is None else sample_weight[rows]
        if w is not None and not w.sum() > 0:
            raise ValueError(f"validation_split={fraction}: every {what} row drawn has sample_weight "
                             "0, so its loss is undefined; give more rows a positive weight, or pass "
                             "validation_data=(X_val, y_val) yourself")
        parts.append((X[rows], Y[rows], w))
    return parts


def train(net, X, Y, sample_weight, *, epochs, batch_size, shuffle, validation, patience, min_delta,
          callbacks, rng):
    """Run ``epochs`` epochs on already-validated arrays; return why training stopped.

    ``validation`` is ``None`` or ``(X_val, Y_val, w_val)``. With ``patience`` set, training stops after
    that many epochs without an improvement greater than ``min_delta`` of the monitored loss
    (``val_loss`` if there is validation data, else ``loss``) and the best weights are restored
    (see :class:`_EarlyStopping`).

    With a mean loss, a mini-batch whose rows all have sample weight 0 is skipped (its weighted mean
    is undefined): no loss, no step. A summed loss (``sse``) steps through it as through any other:
    its data gradient is 0, but momentum and weight decay still move the weights, as in PyTorch.

    If a loss becomes NaN or infinite, :class:`TrainingDiverged` is raised and the weights go back
    (see :class:`_Rollback`).
    """
    batches = _Batches(X, Y, sample_weight, batch_size, shuffle, rng)
    history, params = net.history, net.parameters
    rollback = _Rollback(params)
    stopping = None if patience is None else _EarlyStopping(
        patience, min_delta, "val_loss" if validation is not None else "loss")
    summed, n = net.loss.reduction == "sum", X.shape[0]
    net.stop_training = False
    stopped = "completed"
    epoch0 = len(history["loss"])
    train_step, isfinite = net.train_step, math.isfinite
    for cb in callbacks:
        cb.on_train_begin(net, {"epochs": epochs, "n_batches": batches.n_batches,
                                "n_samples": X.shape[0]})
    epoch, last = 0, None          # last: the batch of the last step, while its buffers hold it
    for epoch in range(1, epochs + 1):
        start = rollback.begin_epoch(params, epoch)
        total, count = 0.0, 0.0
        for batch, (Xb, Yb, wb) in enumerate(batches):
            if wb is not None and not summed and not wb.any():  # a mean over weights summing to
                last = None                                       # 0 is undefined: no step
                continue
            loss, last = train_step(Xb, Yb, wb), (Xb, Yb, wb)
            if not isfinite(loss):
                raise rollback.diverged(net, f"the loss became {loss} in epoch {epoch0 + epoch}, "
                                             f"batch {batch + 1}", epoch0, first_batch=batch == 0)
            # The epoch's loss. Each batch's loss holds the whole L2 penalty.
            if summed:   # a sum of batch sums: a batch of m of the n rows counts its share of the
                m = Xb.shape[0]  # penalty, so the epoch holds it once, as evaluate() does
                total += loss - (1.0 - m / n) * net.last_penalty
            else:        # a mean of batch means, weighted by the batch's rows (or weights)
                m = Xb.shape[0] if wb is None else float(wb.sum())
                total += loss * m
            count += m
            if callbacks:
                for cb in callbacks:
                    cb.on_batch_end(net, batch, {"epoch": epoch0 + epoch, "loss": loss,
                                                 "size": Xb.shape[0]})
            if net.stop_training:
                break
        logs = {"loss": total if summed else total / count}
        history["loss"].append(logs["loss"])
        if not net.stop_training:            # (an interrupted epoch's loss is partial)
            rollback.end_epoch(logs["loss"], epoch0 + epoch)
        if validation is not None:
            logs["val_loss"] = net.evaluate_loss(*validation)
        _record_val_loss(history, logs.get("val_loss"))
        if not isfinite(logs.get("val_loss", 0.0)):
            raise rollback.diverged(net, f"the validation loss became {logs['val_loss']} in "
                                         f"epoch {epoch0 + epoch}", epoch0)
        for cb in callbacks:
            cb.on_epoch_end(net, epoch0 + epoch, logs)
        if stopping is not None and stopping.should_stop(net, logs, params, start, epoch0 + epoch):
            stopped = "early_stopping"
        if net.stop_training:
            stopped = "interrupted"
        if stopped != "completed":
            break
    if stopping is not None:
        stopping.restore(params)
    # Each loss is measured before its step: the last step's weights are checked on its batch.
    if last is not None and not isfinite(net.evaluate_loss(*last)):
        raise rollback.diverged(net, f"the weights after the last step of epoch {epoch0 + epoch} "
                                     "give a loss that is not finite", epoch0)
    for cb in callbacks:
        cb.on_train_end(net, {"epochs_run": epoch, "stopped": stopped})
    return stopped


class _Rollback:
    """Where a diverging run goes back to: the weights at the start of the epoch with the lowest
    training loss so far (with one full batch per epoch, exactly the weights with the lowest loss
    seen). A diverging run often passes through huge but finite losses first, and their weights are
    useless. Two buffers are swapped: one copy of the weights per epoch."""

    def __init__(self, params):
        self.epoch_start, self.best_start = params.copy(), params.copy()
        self.lowest, self.lowest_epoch = math.inf, None

    def begin_epoch(self, params, epoch):
        """Keep the weights this epoch starts from; returns the buffer holding them."""
        if epoch > 1:
            np.copyto(self.epoch_start, params)
        return self.epoch_start

    def end_epoch(self, loss, epoch):
        """A complete epoch's training loss: the lowest so far keeps its starting weights."""
        if loss < self.lowest:
            self.lowest, self.lowest_epoch = loss, epoch
            self.best_start, self.epoch_start = self.epoch_start, self.best_start

    def diverged(self, net, what, epoch0, first_batch=False):
        """Put the weights back and return the :class:`TrainingDiverged` to raise."""
        if self.lowest_epoch is not None:
            return _go_back(net, what, self.best_start, self.lowest_epoch, self.lowest)
        # Still in the first epoch: its start is all there is (and batch 1 measured it).
        return _go_back(net, what, self.epoch_start, None if first_batch else epoch0 + 1, None)


class _EarlyStopping:
    """Stop after ``patience`` epochs without an improvement greater than ``min_delta`` of the
    ``monitor``-ed loss, and restore the best weights: for ``val_loss`` those at the end of the best
    epoch (where it was measured); for ``loss``, those at its start (an epoch's loss is measured on
    its batches before each step, so with one batch per epoch it is exactly the loss of the weights
    the epoch started from)."""

    def __init__(self, patience, min_delta, monitor):
        self.patience, self.min_delta, self.monitor = patience, min_delta, monitor
        self.best, self.best_params, self.waited = math.inf, None, 0

    def should_stop(self, net, logs, params, start, epoch):
        """After an epoch (its ``logs``; ``start``: the weights it began with): stop now?"""
        if logs[self.monitor] < self.best - self.min_delta:
            self.best, self.waited = logs[self.monitor], 0
            self.best_params = (params if self.monitor == "val_loss" else start).copy()
            net.best_epoch_ = epoch
            return False
        self.waited += 1
        return self.waited >= self.patience

    def restore(self, params):
        if self.best_params is not None:
            params[...] = self.best_params
