"""``neuronet demo``: the tutorial's story, told by the library, then a hidden layer learning XOR."""
from __future__ import annotations

import sys

import numpy as np

from .. import datasets_builtin as builtin
from ..layers import Dense
from ..network import Network
from ..neuron import Neuron
from ..optimizers import SGD
from . import UsageError
from ._common import command_parser, non_negative_int, positive_int, print_json


def add_parser(subparsers):
    p = command_parser(
        subparsers, "demo", run,
        summary="the tutorial's single neuron, then a hidden layer learning XOR",
        description="Train the tutorial's single neuron on its four examples, show it a new "
                    "situation [1, 0, 0], then train a network with a hidden layer on XOR.")
    p.add_argument("--iterations", type=positive_int, default=10_000, metavar="N",
                   help="training iterations for the neuron (default 10000)")
    p.add_argument("--seed", type=non_negative_int, default=1, help="random seed for the starting weights (default 1)")
    p.add_argument("--ask", action="store_true",
                   help="ask for the new situation on standard input instead of using [1, 0, 0] "
                        "(three numbers, e.g. 1 0 0, 1, 0, 0 or [1, 0, 0])")


#: Brackets and commas around the numbers (as the demo prints them) are read as spaces.
_SEPARATORS = str.maketrans({c: " " for c in ",;[]()"})


def _ask(stream_in, stream_out):
    """Read three numbers (``1 0 0``, ``1, 0, 0`` or ``[1, 0, 0]``), asking again until a line
    holds exactly three."""
    while True:
        stream_out.write("New situation: type three numbers, e.g. 1 0 0: ")
        stream_out.flush()
        line = stream_in.readline()
        if not line:
            raise UsageError("no new situation given (end of input)")
        if not _is_terminal(stream_in):  # piped in: show the answer the way a terminal would
            stream_out.write(line if line.endswith("\n") else line + "\n")
        parts = line.translate(_SEPARATORS).split()
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) == 3 and all(np.isfinite(values)):
            return np.array(values)
        stream_out.write(f"  {line.strip()!r} is not three numbers; try again.\n")


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def run(args, stdin=None, stdout=None):
    """Tell the story on ``stdout``; with ``args.json``, print one JSON object instead (the
    ``--ask`` prompt then goes to stderr)."""
    out = stdout or sys.stdout
    as_json = getattr(args, "json", False)

    def say(*text):
        if not as_json:
            print(*text, file=out)

    X, y = builtin.tutorial()
    say("Act one: the tutorial's single neuron")
    say("Training set (inputs -> output):")
    for row, target in zip(X, y[:, 0]):
        say(f"  {row.tolist()} -> {target}")
    neuron = Neuron(n_inputs=3, seed=args.seed)
    start = neuron.weights.copy()
    say(f"Random starting synaptic weights (seed {args.seed}):")
    say(neuron.weights)
    neuron.train(X, y, args.iterations)
    say(f"New synaptic weights after training ({args.iterations} iterations):")
    say(neuron.weights)
    situation = (_ask(stdin or sys.stdin, sys.stderr if as_json else out) if args.ask
                 else np.array([1, 0, 0]))
    answer = neuron.think(situation)
    shown = "[" + ", ".join(f"{v:g}" for v in situation) + "]"
    say(f"Considering new situation {shown} -> ?:")
    say(answer)

    say("\nAct two: XOR, which one neuron cannot learn")
    Xx, yx = builtin.xor()
    lonely = Network([Dense(2, 1, activation="sigmoid")], loss="sse", optimizer=SGD(1.0),
                     init="tutorial", seed=args.seed).fit(Xx, yx, epochs=args.iterations)
    hidden = Network([Dense(2, 4, activation="sigmoid"), Dense(4, 1, activation="sigmoid")],
                     loss="sse", optimizer=SGD(1.0), init="tutorial",
                     seed=args.seed).fit(Xx, yx, epochs=args.iterations)
    one, two = lonely.predict(Xx)[:, 0], hidden.predict(Xx)[:, 0]
    say(f"{'inputs':<10} {'target':>6} {'one neuron':>11} {'2-4-1 network':>14}")
    for row, target, a, b in zip(Xx, yx, one, two):
        say(f"{str(row.tolist()):<10} {target:>6} {a:>11.4f} {b:>14.4f}")
    say("The hidden layer lets the network combine two simple rules into XOR.")
    if as_json:
        print_json({"command": "demo", "seed": args.seed, "iterations": args.iterations,
                    "training_set": {"inputs": X.tolist(), "outputs": y[:, 0].tolist()},
                    "starting_weights": start[:, 0].tolist(),
                    "trained_weights": neuron.weights[:, 0].tolist(),
                    "situation": situation.tolist(), "answer": float(answer[0]),
                    "xor": {"inputs": Xx.tolist(), "targets": np.ravel(yx).tolist(),
                            "one_neuron": one.tolist(), "hidden_layer_2_4_1": two.tolist()}},
                   out)
    return 0
