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
from ._common import positive_int


def add_parser(subparsers):
    p = subparsers.add_parser(
        "demo", help="the tutorial's single neuron, then a hidden layer learning XOR",
        description="Train the tutorial's single neuron on its four examples, show it a new "
                    "situation [1, 0, 0], then train a network with a hidden layer on XOR.")
    p.add_argument("--iterations", type=positive_int, default=10_000, metavar="N",
                   help="training iterations for the neuron (default 10000)")
    p.add_argument("--seed", type=int, default=1, help="random seed for the starting weights (default 1)")
    p.add_argument("--ask", action="store_true",
                   help="ask for the new situation on standard input instead of using [1, 0, 0]")
    p.set_defaults(func=run)


def _ask(stream_in, stream_out):
    """Read three numbers, asking again until the line holds exactly three."""
    while True:
        stream_out.write("New situation: type three numbers, e.g. 1 0 0: ")
        stream_out.flush()
        line = stream_in.readline()
        if not line:
            raise UsageError("no new situation given (end of input)")
        parts = line.replace(",", " ").split()
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) == 3 and all(np.isfinite(values)):
            return np.array(values)
        stream_out.write(f"  {line.strip()!r} is not three numbers; try again.\n")


def run(args, stdin=None, stdout=None):
    out = stdout or sys.stdout
    X, y = builtin.tutorial()
    print("Act one: the tutorial's single neuron", file=out)
    print("Training set (inputs -> output):", file=out)
    for row, target in zip(X, y[:, 0]):
        print(f"  {row.tolist()} -> {target}", file=out)
    neuron = Neuron(n_inputs=3, seed=args.seed)
    print(f"Random starting synaptic weights (seed {args.seed}):", file=out)
    print(neuron.weights, file=out)
    neuron.train(X, y, args.iterations)
    print(f"New synaptic weights after training ({args.iterations} iterations):", file=out)
    print(neuron.weights, file=out)
    situation = _ask(stdin or sys.stdin, out) if args.ask else np.array([1, 0, 0])
    shown = "[" + ", ".join(f"{v:g}" for v in situation) + "]"
    print(f"Considering new situation {shown} -> ?:", file=out)
    print(neuron.think(situation), file=out)

    print("\nAct two: XOR, which one neuron cannot learn", file=out)
    Xx, yx = builtin.xor()
    lonely = Network([Dense(2, 1, activation="sigmoid")], loss="sse", optimizer=SGD(1.0),
                     init="tutorial", seed=args.seed).fit(Xx, yx, epochs=args.iterations)
    hidden = Network([Dense(2, 4, activation="sigmoid"), Dense(4, 1, activation="sigmoid")],
                     loss="sse", optimizer=SGD(1.0), init="tutorial",
                     seed=args.seed).fit(Xx, yx, epochs=args.iterations)
    print(f"{'inputs':<10} {'target':>6} {'one neuron':>11} {'2-4-1 network':>14}", file=out)
    for row, target, a, b in zip(Xx, yx, lonely.predict(Xx)[:, 0], hidden.predict(Xx)[:, 0]):
        print(f"{str(row.tolist()):<10} {target:>6} {a:>11.4f} {b:>14.4f}", file=out)
    print("The hidden layer lets the network combine two simple rules into XOR.", file=out)
    return 0
