"""The ``neuronet`` command line: one console script, one subcommand per ``cmd_<name>.py`` module here.

Each subcommand module defines ``add_parser(subparsers)`` (which registers its ``argparse`` parser and
sets ``func`` to the function that runs it). A user's mistake raises :class:`UsageError` or
``ValueError``/``OSError`` and ends as one line on stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

__all__ = ["main", "UsageError"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake on the command line or in the user's files: reported in one line, exit code 2."""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="neuronet", description="Neural networks from scratch on NumPy: from the tutorial's "
                                     "single neuron to real data.")
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"neuronet {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{module.name}").add_parser(subparsers)
    return parser


def main(argv=None):
    """Run the command line; returns the exit code.

    Exit codes: 0 done; 2 a mistake in the command line or the files, or a missing optional extra
    (one line on stderr); 130 interrupted by Ctrl-C (one line, also while the modules load). Some
    commands add their own (``train``: 3 when the loss diverged).
    """
    try:
        from .._extras import missing_extra
        parser = build_parser()                # imports the subcommands: Ctrl-C may land here
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        print("neuronet: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        return args.func(args) or 0
    except BrokenPipeError:  # e.g. `neuronet demo | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")
        return 0
    except (UsageError, ValueError, OSError) as err:
        message = str(err) or type(err).__name__
        print(f"neuronet {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as err:
        if missing_extra(err) is None:        # not an optional extra: a real bug, keep the traceback
            raise
        print(f"neuronet {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"neuronet {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
