"""Helpers shared by CLI commands."""

from __future__ import annotations

import argparse
import sys

from sentido.engine.errors import InputError


def make_engine(args: argparse.Namespace):
    from sentido.engine.api import Engine

    return Engine(device=args.device, plugin_paths=args.plugin_path)


def read_texts(values: list[str]) -> list[str]:
    """TEXT arguments, or one text per line of standard input for ``-``."""
    if values == ["-"]:
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("standard input is not UTF-8 text") from None
        texts = [line for line in text.splitlines() if line.strip()]
        if not texts:
            raise InputError("no text on standard input")
        return texts
    text = " ".join(values)
    if not text.strip():
        raise InputError("the text is empty")
    return [text]
