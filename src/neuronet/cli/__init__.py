"""The ``neuronet`` command line: one console script, one subcommand per ``cmd_<name>.py`` module here.

Each subcommand module defines ``add_parser(subparsers)`` (which registers its ``argparse`` parser and
sets ``func`` to the function that runs it). A user's mistake raises :class:`UsageError` or
``ValueError``/``OSError`` and ends as one line on stderr and exit code 2, never a traceback; so does
a mistake in the command line itself (argparse's usage text is left to ``--help``). With ``--json``,
every such error is also one JSON object on stdout: ``{"command", "error", "exit_code"}``.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import os
import pkgutil
import sys

__all__ = ["main", "UsageError"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake on the command line or in the user's files: reported in one line, exit code 2."""


class _ArgumentError(Exception):
    """An argparse usage error, raised by :class:`_Parser` for :func:`main` to report in one line."""

    def __init__(self, prog, message):
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors raise instead of printing the usage and exiting."""

    def error(self, message):
        raise _ArgumentError(self.prog, message)


def build_parser():
    parser = _Parser(
        prog="neuronet", description="Neural networks from scratch on NumPy: from the tutorial's "
                                     "single neuron to real data.")
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"neuronet {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    from ._common import add_json_flag
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{module.name}").add_parser(subparsers)
    for command in subparsers.choices.values():    # every command takes --json, listed last
        add_json_flag(command)
    parser.commands = subparsers.choices           # name -> that subcommand's parser
    return parser


def _requested(argv):
    """``(subcommand, json)``: the first word of ``argv`` that is not an option (None if there is
    none), and whether ``--json`` is asked for anywhere before a ``--`` (also misplaced before the
    command: that error is then reported as JSON too). Read from the raw words so that errors
    argparse finds can still be reported as JSON."""
    words = argv[:argv.index("--")] if "--" in argv else argv
    word = next((w for w in words if not w.startswith("-")), None)
    return word, "--json" in words


def _did_you_mean(words, choices):
    """``"; did you mean X?"`` for the close matches of ``words`` among ``choices``, else ``""``."""
    matches = [m for w in words if w not in choices for m in difflib.get_close_matches(w, choices, n=1)]
    return f"; did you mean {', '.join(matches)}?" if matches else ""


def _options(parser):
    """The option strings a parser knows (``--target``, ``-h``, ...)."""
    return [s for action in parser._actions for s in action.option_strings]   # no public API


def _parse(parser, argv, word):
    """``parser.parse_args(argv)``, but an unknown option is reported by the subcommand's parser
    (argparse leaves it to the top-level one) and a missing or unknown subcommand in plain words."""
    before = argv[:argv.index(word)] if word is not None else argv
    top = _options(parser)
    unknown = [w for w in before if w.startswith("-") and w.partition("=")[0] not in top]
    if unknown:                   # e.g. `neuronet --json info m.nn`, `neuronet --versoin`
        command = parser.commands.get(word)
        if command is not None and all(w.partition("=")[0] in _options(command) for w in unknown):
            raise _ArgumentError(command.prog, f"{' '.join(unknown)} goes after the command name: "
                                               f"{command.prog} ... {' '.join(unknown)}")
        names = list(parser.commands)
        everywhere = [w for w in unknown if all(w.partition("=")[0] in _options(c)
                                                for c in parser.commands.values())]
        if everywhere and len(everywhere) == len(unknown):     # `neuronet --json trian iris`
            where = (f"unknown command {word!r}{_did_you_mean([word], names)}" if word is not None
                     else f"choose a command: {', '.join(names)}")
            raise _ArgumentError(parser.prog, f"{where}; {' '.join(unknown)} goes after the "
                                              "command name")
        raise _ArgumentError(parser.prog, f"unrecognized arguments: {' '.join(unknown)}"
                                          f"{_did_you_mean(unknown, top)}")
    try:
        args, extras = parser.parse_known_args(argv)
    except _ArgumentError as err:
        names = list(parser.commands)
        if err.prog != parser.prog or word in names:   # not about the subcommand's name
            raise
        if word is None:
            raise _ArgumentError(parser.prog, f"choose a command: {', '.join(names)}") from None
        hint = _did_you_mean([word], names) or f"; choose one of {', '.join(names)}"
        raise _ArgumentError(parser.prog, f"unknown command {word!r}{hint}") from None
    if extras:
        command = parser.commands[args.command]
        options = _options(command)
        unknown = [w.partition("=")[0] for w in extras if w.startswith("-") and w != "--"]
        command.error(f"unrecognized arguments: {' '.join(extras)}{_did_you_mean(unknown, options)}")
    return args


def _fail(command, error, as_json, exit_code=EXIT_USAGE):
    """Report an error in one line on stderr and, with ``--json``, as one JSON object on stdout.

    ``command`` is the subcommand or None; returns ``exit_code``.
    """
    prog = "neuronet" if command is None else f"neuronet {command}"
    print(f"{prog}: {'interrupted' if exit_code == EXIT_INTERRUPTED else 'error: ' + error}",
          file=sys.stderr)
    if as_json:
        from ._common import print_json
        print_json({"command": command, "error": error, "exit_code": exit_code})
    return exit_code


def main(argv=None):
    """Run the command line; returns the exit code.

    Exit codes: 0 done; 2 a mistake in the command line or the files, or a missing optional extra
    (one line on stderr); 130 interrupted by Ctrl-C (one line, also while the modules load). Some
    commands add their own (``train``: 3 when the loss diverged). With ``--json`` after the
    subcommand, each of these errors also prints ``{"command", "error", "exit_code"}`` on stdout.
    Like argparse, a usage error (and ``--help``, ``--version``) ends with ``SystemExit``.
    """
    argv = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    word, as_json = _requested(argv)
    try:
        from .._extras import missing_extra
        from ._common import writes_to_stdout
        parser = build_parser()                # imports the subcommands: Ctrl-C may land here
        args = _parse(parser, argv, word)
    except KeyboardInterrupt:
        return _fail(None, "interrupted", as_json, EXIT_INTERRUPTED)
    except _ArgumentError as err:
        command = err.prog.partition(" ")[2] or None          # "neuronet train" -> "train"
        _fail(command, f"{err} (see {err.prog} --help)", as_json)
        raise SystemExit(EXIT_USAGE) from None
    as_json = getattr(args, "json", False)
    # An output file that is standard output (`export m.nn /dev/stdout > m.onnx`) gets stdout to
    # itself: the command's report, text or JSON (errors too), goes to stderr, not into the file.
    if writes_to_stdout(args):
        with contextlib.redirect_stdout(sys.stderr):
            return _run(args, as_json, missing_extra)
    return _run(args, as_json, missing_extra)


def _run(args, as_json, missing_extra):
    """Run the parsed command; a user's mistake becomes one line (exit 2), Ctrl-C exit 130."""
    try:
        return args.func(args) or 0
    except BrokenPipeError:  # e.g. `neuronet demo | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")
        return 0
    except (UsageError, ValueError, OSError) as err:
        return _fail(args.command, str(err) or type(err).__name__, as_json)
    except ImportError as err:
        if missing_extra(err) is None:        # not an optional extra: a real bug, keep the traceback
            raise
        return _fail(args.command, str(err), as_json)
    except KeyboardInterrupt:
        return _fail(args.command, "interrupted", as_json, EXIT_INTERRUPTED)
