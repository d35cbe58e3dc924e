"""Trust for plugins that carry Python code, remembered by a hash of their files.

A plugin loaded from a path (not an installed package) may run code only after the user trusts it; the trust is
stored against a SHA-256 of every file in the plugin folder, so any change to them revokes it.

What is hashed is exactly what can run, read once: ``snapshot`` walks the folder without following links, reads
every file once, hashes it in an unambiguous (length-prefixed) encoding and keeps the bytes of each ``.py`` file.
The plugin's modules are then compiled from those very bytes (``import_from_snapshot``), never from the disk
again, so a file swapped after the hash cannot run, and nothing else in the folder can be imported: no ``.pyc``
(``__pycache__`` is neither hashed nor read), no extension module, no file reached through a symbolic link (a
plugin with code may not hold links at all: ``TrustError``).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sentido.engine import paths
from sentido.engine.errors import TrustError

DIGEST_VERSION = "v2"  # digests of the old, ambiguous encoding never match: such plugins must be trusted again
_IGNORED_DIRS = {"__pycache__", ".git"}  # never hashed and never read: the loader compiles only from the snapshot
MAX_SNAPSHOT_FILES = 10_000
MAX_SOURCE_BYTES = 64 << 20  # Python source kept in memory for the import


@dataclass(frozen=True)
class Snapshot:
    """One read of a plugin folder: its digest, and the bytes of every ``.py`` file as they were hashed."""

    root: Path
    digest: str
    sources: dict[str, bytes] = field(default_factory=dict)  # relative posix path -> source bytes


def _record(digest, kind: bytes, *parts: bytes) -> None:
    digest.update(kind)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)


def snapshot(root: Path) -> Snapshot:
    """Read ``root`` once: digest of every entry (kind, length-prefixed path, length-prefixed bytes) and the source
    of every ``.py`` file. Raises ``TrustError`` for a link, a FIFO or device, or a file that changes while read."""
    root = Path(root)
    digest = hashlib.sha256(DIGEST_VERSION.encode())
    sources: dict[str, bytes] = {}
    count = 0
    source_bytes = 0
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(root / folder if folder else root), key=lambda e: e.name)
        except OSError as exc:
            raise TrustError(f"{root / folder}: cannot be read ({exc.strerror or exc})", path=root) from None
        for entry in entries:
            rel = f"{folder}/{entry.name}" if folder else entry.name
            count += 1
            if count > MAX_SNAPSHOT_FILES:
                raise TrustError(f"{root}: more than {MAX_SNAPSHOT_FILES} files; not a plugin Sentido will trust", path=root)
            if entry.is_symlink():
                raise TrustError(f"{root}: {rel} is a symbolic link; a plugin with code may not hold links "
                                 "(copy the file into the plugin instead)", path=root)
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _IGNORED_DIRS:
                    continue
                _record(digest, b"D", rel.encode("utf-8", "surrogateescape"))
                pending.append(rel)
                continue
            data = _read_regular(root, rel, digest, keep=rel.endswith(".py"))
            if data is not None:
                source_bytes += len(data)
                if source_bytes > MAX_SOURCE_BYTES:
                    raise TrustError(f"{root}: more than {MAX_SOURCE_BYTES >> 20} MB of Python source", path=root)
                sources[rel] = data
    return Snapshot(root, f"{DIGEST_VERSION}:{digest.hexdigest()}", sources)


def _read_regular(root: Path, rel: str, digest, keep: bool) -> bytes | None:
    """Hash one regular file (opened without following a link); return its bytes when ``keep``."""
    path = root / rel
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise TrustError(f"{root}: {rel} cannot be read ({exc.strerror or exc})", path=root) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TrustError(f"{root}: {rel} is not a regular file (a FIFO, socket or device)", path=root)
        name = rel.encode("utf-8", "surrogateescape")
        digest.update(b"F" + len(name).to_bytes(8, "big") + name + info.st_size.to_bytes(8, "big"))
        kept = bytearray() if keep else None
        read = 0
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            read += len(block)
            if kept is not None:
                kept += block
            if read > info.st_size:
                break
    if read != info.st_size:
        raise TrustError(f"{root}: {rel} changed while it was being read; try again", path=root)
    return bytes(kept) if kept is not None else None


def plugin_digest(root: Path) -> str:
    """The digest trust is recorded against (see ``snapshot``)."""
    return snapshot(root).digest


class TrustStore:
    def __init__(self, file: Path | None = None):
        self.file = file or paths.trust_file()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError, RecursionError):
            return {}

    def _write(self, data: dict[str, str]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.file)

    def is_trusted(self, root: Path) -> bool:
        recorded = self._read().get(str(root.resolve()))
        if recorded is None:
            return False
        try:
            return recorded == plugin_digest(root)
        except TrustError:
            return False

    def verified_snapshot(self, root: Path) -> Snapshot | None:
        """The snapshot of ``root`` when it is exactly what the user trusted, else None."""
        recorded = self._read().get(str(root.resolve()))
        if recorded is None:
            return None
        taken = snapshot(root)
        return taken if taken.digest == recorded else None

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


# -- importing from a snapshot ------------------------------------------------------------------------------------
def package_name(plugin_name: str, taken: Snapshot) -> str:
    """A private package name per plugin *content*: two plugins (``dup-x``, ``dup_x``) or two versions of one never
    share modules in ``sys.modules``."""
    return "_sentido_plugin_" + re.sub(r"\W", "_", plugin_name) + "_" + taken.digest.split(":")[-1][:16]


class _SnapshotLoader(importlib.abc.Loader):
    def __init__(self, source: bytes | None, origin: str):
        self.source, self.origin = source, origin

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        if self.source is None:  # a folder without __init__.py: a package with no code of its own
            return
        module.__file__ = self.origin
        exec(compile(self.source, self.origin, "exec", dont_inherit=True), module.__dict__)


class _SnapshotFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of one plugin package in its snapshot and nowhere else (never on the file system)."""

    def __init__(self, package: str, taken: Snapshot):
        self.package, self.snapshot = package, taken

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        rel = fullname[len(self.package) + 1:].replace(".", "/")
        sources, root = self.snapshot.sources, self.snapshot.root
        init = f"{rel}/__init__.py" if rel else None
        if init and init in sources:  # a package wins over a module of the same name, as in Python
            return self._spec(fullname, sources[init], root / init, True)
        if rel and f"{rel}.py" in sources:
            return self._spec(fullname, sources[f"{rel}.py"], root / f"{rel}.py", False)
        if not rel or any(k.startswith(rel + "/") for k in sources):
            return self._spec(fullname, None, root / rel, True)
        raise ModuleNotFoundError(f"no module {rel.replace('/', '.')!r} in the plugin", name=fullname)

    @staticmethod
    def _spec(fullname: str, source: bytes | None, origin: Path, is_package: bool):
        spec = importlib.util.spec_from_loader(fullname, _SnapshotLoader(source, str(origin)), origin=str(origin),
                                               is_package=is_package)
        if is_package:
            spec.submodule_search_locations = []  # the file system is never searched for the plugin's modules
        return spec


def import_from_snapshot(plugin_name: str, taken: Snapshot, module_name: str):
    """Import ``module_name`` of a plugin from its snapshot, as a private package (nothing added to sys.path)."""
    package = package_name(plugin_name, taken)
    if not any(isinstance(f, _SnapshotFinder) and f.package == package for f in sys.meta_path):
        sys.meta_path.insert(0, _SnapshotFinder(package, taken))
    return importlib.import_module(f"{package}.{module_name}")
