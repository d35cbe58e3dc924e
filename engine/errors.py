"""One error funnel: every failure Sentido expects is a ``SentidoError``.

The CLI prints ``str(exc)`` on one line and exits 1; the GUI shows it in a message box. Anything that is not a
``SentidoError`` is a bug and gets a traceback.
"""

from __future__ import annotations

from pathlib import Path


class SentidoError(Exception):
    """Root of every error Sentido raises on purpose."""


class InputError(SentidoError):
    """The user's text, file or argument cannot be used as given."""


class PluginError(SentidoError):
    """A plugin cannot be discovered, imported or used."""

    def __init__(self, message: str, *, plugin: str | None = None, path: Path | str | None = None):
        self.plugin = plugin
        self.path = Path(path) if path is not None else None
        super().__init__(message)


class ManifestError(PluginError):
    """A ``plugin.toml`` is invalid. ``problems`` holds one plain-language line per wrong field."""

    def __init__(self, path: Path | str, problems: list[str], *, plugin: str | None = None):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{path}: invalid plugin manifest\n{lines}", plugin=plugin, path=path)


class BundleError(PluginError):
    """A model bundle (weights, tokenizer, config) cannot be loaded."""


class TrustError(PluginError):
    """A plugin carries Python code that the user has not trusted (or that changed since)."""


class CancelledError(SentidoError):
    """Long work was cancelled by the user. Shown silently by the GUI."""
