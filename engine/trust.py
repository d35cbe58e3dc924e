"""Trust for plugins that carry Python code, remembered by a hash of their files.

A plugin loaded from a path (not an installed package) may run code only after the user trusts it; the trust is
stored against a SHA-256 of every file in the plugin folder, so any change to them revokes it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sentido.engine import paths

_IGNORED_DIRS = {"__pycache__", ".git"}


def plugin_digest(root: Path) -> str:
    """SHA-256 over the relative path and bytes of every file below ``root`` (caches ignored)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if any(part in _IGNORED_DIRS for part in path.relative_to(root).parts) or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


class TrustStore:
    def __init__(self, file: Path | None = None):
        self.file = file or paths.trust_file()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict[str, str]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.file)

    def is_trusted(self, root: Path) -> bool:
        recorded = self._read().get(str(root.resolve()))
        return recorded is not None and recorded == plugin_digest(root)

    def trust(self, root: Path) -> str:
        data = self._read()
        digest = plugin_digest(root)
        data[str(root.resolve())] = digest
        self._write(data)
        return digest

    def revoke(self, root: Path) -> None:
        data = self._read()
        if data.pop(str(root.resolve()), None) is not None:
            self._write(data)
