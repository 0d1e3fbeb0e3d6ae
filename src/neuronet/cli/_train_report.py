"""What ``neuronet train`` shows and handles while and after it trains: Ctrl-C (stop after the
current batch) and the report of a finished run."""
from __future__ import annotations

import signal
import sys

from ._common import metric_text, plural

#: With fewer rows than this, no test rows are held out (the tutorial table has 4).
MIN_ROWS_FOR_TEST = 20


def report(result, model):
    net, settings = model.network, model.metadata["training"]
    what = (f"{result['task']}, {len(result['classes'])} classes" if result["classes"] is not None
            else "regression")
    print(f"Data: {result['data']}, {plural(sum(result['rows'].values()), 'row')}, "
          f"{plural(result['inputs'], 'input column')} -> {plural(result['features'], 'feature')}; "
          f"target {result['target']!r} ({what})")
    rows = result["rows"]
    print(f"Rows: {rows['train']} train, {rows['validation']} validation, {rows['test']} test "
          f"(seed {settings['seed']})")
    sizes = " -> ".join([str(net.n_inputs)] + [f"{layer.n_out} {layer.activation.name}"
                                                for layer in net.layers if hasattr(layer, "n_out")])
    if settings.get("dropout"):
        sizes += f" (dropout {settings['dropout']:g} after each hidden layer)"
    momentum = f", momentum {settings['momentum']:g}" if settings.get("momentum") else ""
    print(f"Network: {sizes}; {net.n_parameters:,} parameters; {settings['optimizer']} "
          f"lr {settings['learning_rate']:g}{momentum}, batch {settings['batch_size']}, {settings['dtype']}")
    why = {"completed": "all epochs run", "early_stopping": "early stopping, best weights kept",
           "interrupted": "interrupted", "diverged": "the loss diverged"}[result["stopped"]]
    runs = result["epochs_run"]
    epochs = f"{runs} epoch{'' if runs == 1 else 's'}"
    if result["stopped"] == "diverged":
        print(f"Ran {epochs} in {result['seconds']:.1f} s before the loss diverged; the weights kept "
              "are named in the error below")
    else:
        print(f"Trained {epochs} in {result['seconds']:.1f} s ({why})")
    for name in ("train", "test"):
        m = result[f"{name}_metrics"]
        if m is None:
            few = sum(rows.values()) < MIN_ROWS_FOR_TEST
            scored = name == "train" or result["rows"]["test"]
            print(f"{name.capitalize()}: not scored (see the error below)" if scored else
                  f"Test: no rows held out{f' (fewer than {MIN_ROWS_FOR_TEST} rows)' if few else ''}")
            continue
        print(f"{name.capitalize()}: {metric_text(m)}")
    print(f"Saved the model to {result['out']}")
    if result["plot"]:
        print(f"Saved the loss curves to {result['plot']}")


class Interrupt:
    """While active, the first Ctrl-C asks the network to stop after the current batch; a second one
    interrupts at once (KeyboardInterrupt)."""

    def __init__(self, net):
        self.net = net
        self.previous = None

    def _handle(self, signum, frame):
        if self.net.stop_training:
            raise KeyboardInterrupt
        self.net.stop_training = True
        print("\nneuronet train: stopping after this batch (Ctrl-C again to abort without saving)",
              file=sys.stderr, flush=True)

    def __enter__(self):
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:            # not the main thread: leave Ctrl-C alone
            self.previous = None
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
