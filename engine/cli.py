"""``sentido``: the command line over the engine.

Exit codes: 0 on success, 2 on a usage error (argparse), 1 on a failure with a one-line message (the traceback
only with ``--debug``). Each command group lives in ``sentido.engine.commands.<name>`` and adds its own parser.
"""

from __future__ import annotations

import argparse
import importlib
import json
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
]


def build_parser() -> argparse.ArgumentParser:
    from sentido.engine import __version__

    parser = argparse.ArgumentParser(prog="sentido", description="Sentiment and text analysis with recurrent networks.")
    parser.add_argument("--version", action="version", version=f"sentido {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for failures")
    parser.add_argument("--device", default=None, help="auto (default), cpu, cuda, cuda:N or mps; or set SENTIDO_DEVICE")
    parser.add_argument("--plugin-path", action="append", default=[], metavar="PATH", help="also load the plugin at PATH")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> int:
    import logging

    parser = build_parser()
    args = parser.parse_args(argv)
    # Library code reports through `logging`; the command line shows those records as one line each on stderr.
    logging.basicConfig(format="sentido: %(levelname)s: %(message)s", level=logging.DEBUG if args.debug else logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except CancelledError:
        print("sentido: cancelled", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `sentido ... | head`: the reader has gone; stop quietly, as other tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
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
