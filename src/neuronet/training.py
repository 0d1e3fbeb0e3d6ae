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
    (``val_loss`` if there is validation data, else ``loss``) and the best weights are restored:
    for ``val_loss`` those at the end of the best epoch (where it was measured); for ``loss``, those
    at its start (the loss of an epoch is measured on its batches before each step, so with one
    batch per epoch it is exactly the loss of the weights the epoch started from).

    With a mean loss, a mini-batch whose rows all have sample weight 0 is skipped (its weighted mean
    is undefined): no loss, no step. A summed loss (``sse``) steps through it as through any other:
    its data gradient is 0, but momentum and weight decay still move the weights, as in PyTorch.

    If a loss becomes NaN or infinite, :class:`TrainingDiverged` is raised and the weights go back to
    those at the start of the epoch with the lowest training loss so far (with one full batch per
    epoch, exactly the weights with the lowest loss seen): a diverging run often passes through huge
    but finite losses first, and their weights are useless. Two buffers are swapped, one copy of the
    weights per epoch.
    """
    batches = _Batches(X, Y, sample_weight, batch_size, shuffle, rng)
    history = net.history
    monitor = "val_loss" if validation is not None else "loss"
    params = net.parameters
    # The weights at the start of this epoch, and at the start of the epoch with the lowest
    # training loss so far (where a diverging run goes back to; see the docstring).
    epoch_start, best_start = params.copy(), params.copy()
    lowest, lowest_epoch = math.inf, None
    best, best_params, waited = math.inf, None, 0
    summed, n = net.loss.reduction == "sum", X.shape[0]
    net.stop_training = False
    stopped = "completed"
    epoch0 = len(history["loss"])
    train_step, isfinite = net.train_step, math.isfinite
    for cb in callbacks:
        cb.on_train_begin(net, {"epochs": epochs, "n_batches": batches.n_batches,
                                "n_samples": X.shape[0]})
    epoch = 0
    for epoch in range(1, epochs + 1):
        if epoch > 1:
            np.copyto(epoch_start, params)
        start = epoch_start  # (the swap below renames this buffer; it keeps this epoch's start)
        total, count = 0.0, 0.0
        for batch, (Xb, Yb, wb) in enumerate(batches):
            if wb is not None and not summed and not wb.any():  # a mean over weights summing to
                continue                                          # 0 is undefined: no step
            loss = train_step(Xb, Yb, wb)
            if not isfinite(loss):
                what = f"the loss became {loss} in epoch {epoch0 + epoch}, batch {batch + 1}"
                if lowest_epoch is not None:
                    raise _go_back(net, what, best_start, lowest_epoch, lowest)
                # Still in the first epoch: its start is all there is (and batch 1 measured it).
                raise _go_back(net, what, epoch_start, epoch0 + 1 if batch else None, None)
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
        if logs["loss"] < lowest and not net.stop_training:  # (an interrupted epoch's loss is partial)
            lowest, lowest_epoch = logs["loss"], epoch0 + epoch
            best_start, epoch_start = epoch_start, best_start
        if validation is not None:
            logs["val_loss"] = net.evaluate_loss(*validation)
        _record_val_loss(history, logs.get("val_loss"))
        if not isfinite(logs.get("val_loss", 0.0)):
            raise _go_back(net, f"the validation loss became {logs['val_loss']} in epoch "
                                f"{epoch0 + epoch}", best_start, lowest_epoch, lowest)
        for cb in callbacks:
            cb.on_epoch_end(net, epoch0 + epoch, logs)
        if patience is not None:
            if logs[monitor] < best - min_delta:
                best, waited = logs[monitor], 0
                # val_loss is measured after the epoch, on its final weights; the training loss
                # during it, from the weights it started with (exactly so with one batch per epoch)
                best_params = (params if monitor == "val_loss" else start).copy()
                net.best_epoch_ = epoch0 + epoch
            else:
                waited += 1
                if waited >= patience:
                    stopped = "early_stopping"
        if net.stop_training:
            stopped = "interrupted"
        if stopped != "completed":
            break
    if best_params is not None:
        params[...] = best_params
    for cb in callbacks:
        cb.on_train_end(net, {"epochs_run": epoch, "stopped": stopped})
    return stopped
