"""``sentido``: the command line over the engine.

Exit codes: 0 on success, 2 on a usage error (argparse), 1 on a failure with a one-line message (the traceback
only with ``--debug``); a closed pipe (``sentido ... | head``) ends quietly with 0. Each command group lives in
``sentido.engine.commands.<name>`` and adds its own parser. The global options (``--debug``, ``--device``,
``--plugin-path``) work before or after the command: ``sentido --device cpu analyze x`` and
``sentido analyze x --device cpu`` are the same.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import traceback
from typing import Any

from sentido.engine.errors import CancelledError, SentidoError

# Command modules, each with ``register(subparsers)`` setting ``func`` on its parsers.
COMMAND_MODULES = [
    "sentido.engine.commands.plugins",
    "sentido.engine.commands.inference",
    "sentido.engine.commands.batch",
    "sentido.engine.commands.train",
    "sentido.engine.commands.evaluate",
    "sentido.engine.commands.info",
]

# Global options: (flags, keyword arguments) for the top-level parser; each command accepts them as well.
GLOBAL_OPTIONS = [
    (("--debug",), dict(action="store_true", help="show tracebacks for failures")),
    (("--device",), dict(default=None, help="auto (default), cpu, cuda, cuda:N or mps; or set SENTIDO_DEVICE")),
    (("--plugin-path",), dict(action="append", default=[], metavar="PATH", help="also load the plugin at PATH")),
]


def build_parser() -> argparse.ArgumentParser:
    from sentido.engine import __version__

    parser = argparse.ArgumentParser(prog="sentido", description="Sentiment and text analysis with recurrent networks.")
    parser.add_argument("--version", action="version", version=f"sentido {__version__}")
    for flags, options in GLOBAL_OPTIONS:
        parser.add_argument(*flags, **options)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command in _command_parsers(parser):
        _add_late_global_options(command)
    return parser


def _command_parsers(parser: argparse.ArgumentParser):
    """Every (sub-)command's parser, nested ones (``plugins list``) included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in dict.fromkeys(action.choices.values()):  # an alias maps to the same parser
                yield command
                yield from _command_parsers(command)


def _add_late_global_options(command: argparse.ArgumentParser) -> None:
    # Defaults are SUPPRESS and the destinations apart (late_*), so that an option given only before the command
    # is not reset by the command's parser, and `--plugin-path` given on both sides keeps every path.
    group = command.add_argument_group("global options (also accepted before the command)")
    for flags, options in GLOBAL_OPTIONS:
        if any(flag in command._option_string_actions for flag in flags):
            continue  # the command has an option of its own by that name
        name = flags[0].lstrip("-").replace("-", "_")
        late = {**options, "default": argparse.SUPPRESS, "dest": "late_" + name}
        if options.get("action") not in ("store_true", "store_false"):
            late.setdefault("metavar", name.upper())
        group.add_argument(*flags, **late)


def _merge_late_global_options(args: argparse.Namespace) -> None:
    if getattr(args, "late_debug", False):
        args.debug = True
    if getattr(args, "late_device", None) is not None:
        args.device = args.late_device
    args.plugin_path = [*args.plugin_path, *getattr(args, "late_plugin_path", [])]
    for name in ("late_debug", "late_device", "late_plugin_path"):
        if hasattr(args, name):
            delattr(args, name)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as a second error when Python exits
        return code
    except BrokenPipeError:  # `sentido ... | head`: the reader has gone; stop quietly, as other tools do
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    import os

    try:  # no second error when Python flushes what is left at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a file (tests, embedding)
        pass


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (not the one at set-up: tests and hosts swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _log_to_stderr(level: int) -> None:
    logger = logging.getLogger("sentido")
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):  # main() may run many times in one process
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("sentido: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _merge_late_global_options(args)
    # Library code reports through `logging`; the command line shows those records as one line each on stderr.
    _log_to_stderr(logging.DEBUG if args.debug else logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except CancelledError:
        print("sentido: cancelled", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # main() ends quietly
    except KeyboardInterrupt:
        print("sentido: interrupted", file=sys.stderr)
        return 130
    except SentidoError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"sentido: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: one line unless --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"sentido: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
