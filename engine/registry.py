"""Plugin discovery and the registry of architectures and models.

Discovery never raises: each place it looks yields plugins, and a broken plugin is kept with its reason while
everything else loads. Places, in order: entry points of the ``sentido.plugins`` group (the built-ins and any
installed package), the shipped ``resources/models/``, the user's plugin folder, and any path given explicitly.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.resources
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sentido.engine import paths
from sentido.engine.errors import ManifestError, PluginError, SentidoError, TrustError
from sentido.engine.manifest import MANIFEST_NAME, ArchitectureSpec, Manifest, ModelSpec, read_manifest
from sentido.engine.trust import TrustStore, import_from_snapshot, snapshot

ENTRY_POINT_GROUP = "sentido.plugins"
BUILTIN, PACKAGE, SHIPPED, USER, PATH = "built-in", "package", "shipped", "user", "path"
MAX_ZIP_BYTES = 1 << 30  # refuse archives that unpack to more than 1 GiB (zip bombs) ...
MAX_ZIP_RATIO = 50  # ... or to more than 50 times their own size
MAX_ZIP_MEMBERS = 10_000


def format_size(size: float) -> str:
    """Bytes as people read them: 512 B, 7.5 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


@dataclass
class Plugin:
    """One discovered plugin: its manifest, or the reason it could not be read."""

    root: Path | None
    source: str
    manifest: Manifest | None = None
    error: str | None = None
    enabled: bool = True
    trusted: bool = True
    package: str | None = None  # import name for plugins that come from an installed package
    fallback_name: str = ""

    @property
    def name(self) -> str:
        return self.manifest.plugin.name if self.manifest else self.fallback_name

    @property
    def version(self) -> str:
        return self.manifest.plugin.version if self.manifest else ""

    @property
    def has_code(self) -> bool:
        return bool(self.manifest and self.manifest.has_code)

    @property
    def needs_trust(self) -> bool:
        """Code from a folder or archive (not an installed package) runs only once the user trusts it."""
        return self.has_code and self.source in (USER, PATH)

    @property
    def status(self) -> str:
        if self.error:
            return "broken"
        if not self.enabled:
            return "disabled"
        if self.needs_trust and not self.trusted:
            return "untrusted"
        return "ok"


@dataclass
class ModelEntry:
    spec: ModelSpec
    plugin: Plugin

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def root(self) -> Path:
        assert self.plugin.root is not None
        return self.plugin.root

    @property
    def size_bytes(self) -> int:
        return sum((self.root / f).stat().st_size for f in (self.spec.weights, self.spec.tokenizer) if (self.root / f).is_file())

    @property
    def headline(self) -> tuple[str, float] | None:
        key = self.spec.headline or next(iter(self.spec.metrics), "")
        return (key, self.spec.metrics[key]) if key in self.spec.metrics else None


@dataclass
class _Architecture:
    name: str
    plugin: Plugin | None
    spec: ArchitectureSpec | None
    cls: type | None = None


@dataclass
class PluginState:
    """Which plugins the user disabled, persisted as JSON beside the trust file."""

    file: Path = field(default_factory=paths.plugin_state_file)

    def disabled(self) -> set[str]:
        try:
            return set(json.loads(self.file.read_text(encoding="utf-8")).get("disabled", []))
        except (OSError, ValueError, AttributeError):
            return set()

    def set_enabled(self, name: str, enabled: bool) -> None:
        names = self.disabled()
        names.discard(name) if enabled else names.add(name)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps({"disabled": sorted(names)}, indent=2), encoding="utf-8")


def iter_entry_points() -> Iterator[importlib.metadata.EntryPoint]:
    yield from importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


def validate_plugin(path: Path | str) -> tuple[Path | None, Manifest | None, list[str]]:
    """(root, manifest, problems) of a plugin folder or .zip, checked without running anything: its folder and
    manifest, or every problem found, in plain words. The CLI's ``plugins validate`` and the desktop both use it."""
    path = Path(path)
    try:
        root = extract_zip(path) if path.suffix.lower() == ".zip" and path.is_file() else path
        if not root.exists():
            return None, None, [f"{path}: no such file or folder"]
        if root.is_file():
            return None, None, [f"{path.name}: a plugin is a folder holding plugin.toml, or a .zip of one"]
        return root, read_manifest(root), []
    except ManifestError as exc:
        return None, None, list(exc.problems)
    except PluginError as exc:
        return None, None, list(getattr(exc, "problems", None) or [str(exc)])
    except OSError as exc:
        return None, None, [f"{path}: {exc.strerror or exc}"]


def _stream_digest(archive: Path) -> str:
    digest = hashlib.sha256()
    with archive.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:24]


def zip_limit(archive_size: int) -> int:
    """Most bytes a plugin archive may unpack to: ``MAX_ZIP_BYTES``, and at most ``MAX_ZIP_RATIO`` times its own size
    (weights barely compress; a 1 MB archive that unpacks to 1 GB is a bomb)."""
    return min(MAX_ZIP_BYTES, MAX_ZIP_RATIO * archive_size + (1 << 20))


def extract_zip(archive: Path) -> Path:
    """Unpack a plugin ``.zip`` safely into the cache and return the folder holding its ``plugin.toml``.

    Every failure (corrupt, encrypted, an unsupported compression method, a bomb, a full disk) is a ``PluginError``
    and leaves nothing behind: the archive is unpacked into a staging folder, counting the bytes actually written,
    and renamed into place only when complete."""
    try:
        digest = _stream_digest(archive)
    except OSError as exc:
        raise PluginError(f"{archive}: cannot read ({exc.strerror or exc})", path=archive) from None
    target = paths.cache_dir() / "zips" / digest
    if not (target / ".complete").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{digest}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _unpack(archive, staging)
            (staging / ".complete").touch()
            shutil.rmtree(target, ignore_errors=True)
            os.replace(staging, target)
        except PluginError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except Exception as exc:  # zipfile raises RuntimeError (encrypted), NotImplementedError, zlib.error, ...
            shutil.rmtree(staging, ignore_errors=True)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
            raise PluginError(f"{archive}: cannot unpack the archive ({reason})", path=archive) from None
    if (target / MANIFEST_NAME).is_file():
        return target
    candidates = [p.parent for p in target.glob(f"*/{MANIFEST_NAME}")]
    if len(candidates) != 1:
        raise PluginError(f"{archive}: the archive must hold one plugin.toml at its top or in one folder", path=archive)
    return candidates[0]


def _unpack(archive: Path, staging: Path) -> None:
    limit = zip_limit(archive.stat().st_size)
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise PluginError(f"{archive}: not a valid .zip archive ({exc})", path=archive) from None
    with zf:
        members = zf.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise PluginError(f"{archive}: more than {MAX_ZIP_MEMBERS} entries; refused", path=archive)
        if sum(m.file_size for m in members) > limit:
            raise PluginError(f"{archive}: archive unpacks to more than {format_size(limit)}; refused", path=archive)
        for member in members:
            name = Path(member.filename)
            kind = (member.external_attr >> 16) & 0o170000
            if name.is_absolute() or ".." in name.parts or kind not in (0, 0o100000, 0o040000):
                raise PluginError(f"{archive}: unsafe entry {member.filename!r} (absolute, '..', a link or a device)",
                                  path=archive)
            if member.flag_bits & 0x1:
                raise PluginError(f"{archive}: entry {member.filename!r} is encrypted; Sentido reads plain archives only",
                                  path=archive)
        written = 0
        for member in members:
            destination = staging / member.filename
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(member) as source, open(destination, "wb") as out:
                for block in iter(lambda: source.read(1 << 20), b""):
                    written += len(block)
                    if written > limit:  # the sizes in the archive's directory may lie
                        raise PluginError(f"{archive}: archive unpacks to more than {format_size(limit)}; refused",
                                          path=archive)
                    out.write(block)


def _load_folder(root: Path, source: str, trust: TrustStore, package: str | None = None) -> Plugin:
    plugin = Plugin(root=root, source=source, package=package, fallback_name=root.name)
    try:
        plugin.manifest = read_manifest(root)
    except SentidoError as exc:
        plugin.error = str(exc)
        return plugin
    except Exception as exc:  # discovery never raises
        plugin.error = f"{root}: could not be read ({type(exc).__name__}: {exc})"
        return plugin
    if plugin.needs_trust:
        plugin.trusted = trust.is_trusted(root)
    return plugin


def _from_path(path: Path, source: str, trust: TrustStore) -> Plugin:
    path = path.expanduser()
    if path.suffix.lower() == ".zip" and path.is_file():
        try:
            root = extract_zip(path)
        except SentidoError as exc:
            return Plugin(root=path, source=source, error=str(exc), fallback_name=path.stem)
        except Exception as exc:  # discovery never raises
            return Plugin(root=path, source=source, error=f"{path}: {type(exc).__name__}: {exc}", fallback_name=path.stem)
        plugin = _load_folder(root, source, trust)
        plugin.fallback_name = path.stem
        return plugin
    if not path.exists():
        return Plugin(root=None, source=source, error=f"{path}: no such file or folder", fallback_name=path.name)
    return _load_folder(path, source, trust)


def _discover_entry_points(trust: TrustStore) -> Iterator[Plugin]:
    for ep in iter_entry_points():
        try:
            resource = importlib.resources.files(ep.module) / (ep.attr or MANIFEST_NAME)
            source = BUILTIN if ep.dist and ep.dist.name == "sentido" else PACKAGE
            yield _load_folder(Path(str(resource)).parent, source, trust, package=ep.module)
        except Exception as exc:  # a broken installed package must not stop the app
            yield Plugin(root=None, source=PACKAGE, error=f"entry point {ep.name} = {ep.value}: {exc}", fallback_name=ep.name)


def _folders_with_manifests(folder: Path) -> Iterator[Path]:
    """Plugin folders and archives in ``folder``; hidden entries (an install's ``.NAME.partial`` staging) are not."""
    try:
        children = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return
    for child in children:
        if child.name.startswith("."):
            continue
        try:
            if child.is_dir() and (child / MANIFEST_NAME).is_file() or child.suffix.lower() == ".zip" and child.is_file():
                yield child
        except OSError:
            continue


class Registry:
    """The plugins found, and the architectures and models they contribute."""

    def __init__(self, trust: TrustStore | None = None, state: PluginState | None = None):
        self.trust = trust or TrustStore()
        self.state = state or PluginState()
        self.plugins: list[Plugin] = []
        self._architectures: dict[str, _Architecture] = {}
        self._models: dict[str, ModelEntry] = {}

    @classmethod
    def discover(
        cls,
        extra_paths: Iterable[Path | str] = (),
        *,
        entry_points: bool = True,
        shipped: bool = True,
        user: bool = True,
        trust: TrustStore | None = None,
        state: PluginState | None = None,
    ) -> "Registry":
        registry = cls(trust, state)
        found: list[Plugin] = []
        if entry_points:
            found.extend(_discover_entry_points(registry.trust))
        if shipped:
            found.extend(_from_path(p, SHIPPED, registry.trust) for p in _folders_with_manifests(paths.shipped_models_dir()))
        if user:
            found.extend(_from_path(p, USER, registry.trust) for p in _folders_with_manifests(paths.user_plugin_dir()))
        found.extend(_from_path(Path(p), PATH, registry.trust) for p in extra_paths)
        for plugin in found:
            registry._add(plugin)
        return registry

    def add_path(self, path: Path | str) -> Plugin:
        """Discover one more plugin (the GUI's "Load plugin..."); never raises, check ``plugin.error``."""
        plugin = _from_path(Path(path), PATH, self.trust)
        self._add(plugin)
        return plugin

    def _add(self, plugin: Plugin) -> None:
        disabled = self.state.disabled()
        if plugin.manifest and not plugin.error:
            clash = next((p for p in self.plugins if p.manifest and p.name == plugin.name and not p.error), None)
            if clash is not None:
                plugin.error = f"a plugin named {plugin.name!r} is already loaded from {clash.root}"
        plugin.enabled = plugin.name not in disabled
        self.plugins.append(plugin)
        if plugin.error or not plugin.enabled or plugin.manifest is None:
            return
        taken = [a.name for a in plugin.manifest.architectures if a.name in self._architectures]
        taken += [m.name for m in plugin.manifest.models if m.name in self._models]
        if taken:
            plugin.error = f"name(s) already provided by another plugin: {', '.join(taken)}"
            return
        for spec in plugin.manifest.architectures:
            self._architectures[spec.name] = _Architecture(spec.name, plugin, spec)
        for spec in plugin.manifest.models:
            self._models[spec.name] = ModelEntry(spec, plugin)

    def remove_plugin(self, plugin: Plugin) -> None:
        """Forget a plugin's contributions in this session (files are left alone)."""
        self.plugins = [p for p in self.plugins if p is not plugin]
        self._architectures = {k: v for k, v in self._architectures.items() if v.plugin is not plugin}
        self._models = {k: v for k, v in self._models.items() if v.plugin is not plugin}

    # -- queries --------------------------------------------------------------------------------------------
    def plugin(self, name: str) -> Plugin:
        for plugin in self.plugins:
            if plugin.name == name:
                return plugin
        raise PluginError(f"no plugin named {name!r}; installed: {', '.join(p.name for p in self.plugins) or 'none'}")

    def architecture_names(self) -> list[str]:
        return sorted(self._architectures)

    def models(self, task: str | None = None) -> list[ModelEntry]:
        return [m for m in self._models.values() if task is None or m.spec.task == task]

    def model(self, name: str) -> ModelEntry:
        try:
            return self._models[name]
        except KeyError:
            valid = ", ".join(sorted(self._models)) or "none installed"
            raise PluginError(f"no model named {name!r}; available: {valid}") from None

    # -- architectures --------------------------------------------------------------------------------------
    def register_architecture(self, name: str, cls: type) -> Callable[[], None]:
        """Register ``cls`` under ``name`` from Python; returns the function that undoes it."""
        from sentido.engine.modeling import check_architecture

        problems = check_architecture(cls)
        if problems:
            raise PluginError(f"architecture {name!r}: {'; '.join(problems)}")
        if name in self._architectures:
            raise PluginError(f"an architecture named {name!r} is already registered")
        self._architectures[name] = _Architecture(name, None, None, cls)

        def unregister() -> None:
            if self._architectures.get(name) and self._architectures[name].cls is cls:
                del self._architectures[name]

        return unregister

    def architecture_class(self, name: str) -> type:
        """Import the architecture's class on first use (after checking trust for code from a path)."""
        from sentido.engine.modeling import check_architecture

        arch = self._architectures.get(name)
        if arch is None:
            raise PluginError(f"unknown architecture {name!r}; valid: {', '.join(self.architecture_names()) or 'none'}")
        if arch.cls is not None:
            return arch.cls
        plugin, spec = arch.plugin, arch.spec
        assert plugin is not None and spec is not None
        taken = None
        if plugin.package is None:
            try:  # one read of the folder, both hashed and imported from: nothing can be swapped in between
                taken = self.trust.verified_snapshot(plugin.root) if plugin.needs_trust else snapshot(plugin.root)
            except TrustError as exc:
                plugin.trusted = False
                raise TrustError(f"plugin {plugin.name!r}: {exc}", plugin=plugin.name, path=plugin.root) from None
        if plugin.needs_trust and taken is None:
            plugin.trusted = False
            raise TrustError(
                f"plugin {plugin.name!r} carries Python code ({plugin.root}) that has not been trusted, or changed "
                f"since it was; trust it with: sentido plugins install {plugin.root} --trust",
                plugin=plugin.name,
                path=plugin.root,
            )
        module_name, attr = spec.entry.split(":")
        try:
            module = importlib.import_module(module_name) if taken is None else import_from_snapshot(plugin.name, taken, module_name)
            cls = getattr(module, attr)
        except Exception as exc:
            raise PluginError(
                f"plugin {plugin.name!r}: cannot import architecture {name!r} from {spec.entry} "
                f"({type(exc).__name__}: {exc})",
                plugin=plugin.name,
                path=plugin.root,
            ) from exc
        problems = check_architecture(cls)
        if problems:
            raise PluginError(f"plugin {plugin.name!r}, architecture {name!r}: {'; '.join(problems)}", plugin=plugin.name)
        arch.cls = cls
        return cls



def uninstall_plugin(name: str) -> Path:
    """Delete the installed plugin ``name`` from the user's plugin folder and revoke its trust; returns its folder.

    Only a plugin folder directly inside the user plugin folder, holding a ``plugin.toml``, is ever deleted:
    ``name`` is a plugin's name, never a path (``../other``, ``/home``, a link out of the folder are refused), and
    built-in and shipped plugins cannot be removed."""
    from sentido.engine.manifest import _NAME

    folder = paths.user_plugin_dir()
    if not isinstance(name, str) or not _NAME.match(name) or name in {".", ".."}:
        raise PluginError(f"{name!r} is not a plugin name; `plugins remove` takes the name `plugins list` shows, "
                          "never a path")
    target = folder / name
    if not target.exists():
        registry = Registry.discover()
        match = [p for p in registry.plugins if p.name == name and p.root and p.root.parent == folder]
        if not match:
            raise PluginError(f"no installed plugin named {name!r} in {folder} "
                              "(built-in and shipped plugins cannot be removed)")
        target = match[0].root
    if target.is_symlink() or target.resolve().parent != folder.resolve() or not (target / MANIFEST_NAME).is_file():
        raise PluginError(f"{target} is not an installed plugin folder (no plugin.toml directly inside "
                          f"{folder}); nothing was removed")
    TrustStore().revoke(target)
    shutil.rmtree(target)
    return target
