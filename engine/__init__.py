"""Sentido's headless engine: plugins, model bundles, tokenizers and inference.

Never imports PySide6 or ``sentido.desktop``; usable from scripts, notebooks, the CLI and the GUI alike.

>>> from sentido.engine import Engine
>>> engine = Engine()
>>> engine.analyze(["A masterpiece."])[0].label      # doctest: +SKIP
'positive'
"""

from typing import TYPE_CHECKING

from sentido.engine.errors import (
    BundleError,
    CancelledError,
    InputError,
    ManifestError,
    PluginError,
    SentidoError,
    TrustError,
)

__all__ = [
    "BundleError",
    "CancelledError",
    "Engine",
    "InputError",
    "ManifestError",
    "PluginError",
    "SentidoError",
    "TrustError",
]
__version__ = "0.1.0"


if TYPE_CHECKING:  # type checkers see the real class; at run time the lazy __getattr__ below imports it
    from sentido.engine.api import Engine


def __getattr__(name: str):
    # The Engine pulls in torch; keep `import sentido.engine` cheap for tools that only read manifests.
    if name == "Engine":
        from sentido.engine.api import Engine

        return Engine
    raise AttributeError(name)
