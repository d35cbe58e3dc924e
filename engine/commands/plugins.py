"""``sentido plugins list | validate | install | remove`` and ``sentido models``."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from sentido.engine import paths
from sentido.engine.errors import PluginError, SentidoError
from sentido.engine.manifest import read_manifest
from sentido.engine.registry import Registry, extract_zip, format_size, validate_plugin


def register(sub: argparse._SubParsersAction) -> None:
    plugins = sub.add_parser("plugins", help="list, validate, install and remove plugins")
    psub = plugins.add_subparsers(dest="plugins_command", metavar="ACTION")
    psub.required = True
    p = psub.add_parser("list", help="every plugin found, with its status")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = psub.add_parser("validate", help="check a plugin folder or .zip; prints ✔ or every problem")
    p.add_argument("path", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_validate)
    p = psub.add_parser("install", help="copy a plugin into the user's plugin folder")
    p.add_argument("path", type=Path)
    p.add_argument("--trust", action="store_true", help="allow the plugin's Python code to run")
    p.add_argument("--force", action="store_true", help="replace an installed plugin of the same name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_install)
    p = psub.add_parser("remove", help="delete an installed plugin")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("models", help="installed models with task, language, architecture, size and headline metric")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models)


def _print(args, data, lines) -> None:
    from sentido.engine.cli import print_json

    if args.json:
        print_json(data)
    else:
        for line in lines:
            print(line)


def cmd_list(args) -> int:
    engine_registry = Registry.discover(args.plugin_path)
    rows = []
    for p in engine_registry.plugins:
        rows.append({
            "name": p.name, "version": p.version, "source": p.source, "status": p.status,
            "path": str(p.root) if p.root else None, "error": p.error,
            "architectures": [a.name for a in p.manifest.architectures] if p.manifest else [],
            "models": [m.name for m in p.manifest.models] if p.manifest else [],
        })
    lines = []
    for r in rows:
        what = ", ".join(filter(None, [", ".join(r["architectures"]), ", ".join(r["models"])]))
        lines.append(f"{r['name']:<28} {r['version']:<8} {r['source']:<9} {r['status']:<9} {what}")
        if r["error"]:
            lines.extend("    " + line for line in r["error"].splitlines())
    _print(args, rows, lines or ["no plugins found"])
    return 0


def cmd_validate(args) -> int:
    path = args.path
    _, manifest, problems = validate_plugin(path)
    data = {"path": str(path), "valid": not problems, "problems": problems}
    if manifest is not None:
        data.update(name=manifest.plugin.name, has_code=manifest.has_code)
    if args.json:
        _print(args, data, [])
    elif problems:
        print(f"✘ {path}", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        code = " (carries Python code: needs --trust to run)" if manifest.has_code else ""
        print(f"✔ {path}: plugin {manifest.plugin.name} {manifest.plugin.version}{code}")
    return 0 if not problems else 1


def install_plugin(path: Path, *, trust: bool = False, force: bool = False) -> Path:
    """Validate and copy a plugin folder or .zip into the user's plugin folder; returns the new folder."""
    from sentido.engine.trust import TrustStore

    root = extract_zip(path) if path.suffix.lower() == ".zip" and path.is_file() else path
    manifest = read_manifest(root)
    if not manifest.has_code and trust:
        trust = False  # nothing to trust: a model-only plugin never runs code
    target = paths.user_plugin_dir() / manifest.plugin.name
    if target.exists():
        if not force:
            raise PluginError(f"plugin {manifest.plugin.name!r} is already installed at {target}; use --force to replace it")
        shutil.rmtree(target)
    clash = _name_clash(manifest, target)
    if clash:
        raise PluginError(clash)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(root, staging, ignore=shutil.ignore_patterns("__pycache__", ".complete"))
    staging.rename(target)
    store = TrustStore()
    store.revoke(target)
    if trust:
        store.trust(target)
    return target


def _name_clash(manifest, target: Path) -> str | None:
    registry = Registry.discover()
    names = {m.name: m.plugin for m in registry.models()}
    for model in manifest.models:
        owner = names.get(model.name)
        if owner is not None and owner.root != target:
            return f"a model named {model.name!r} is already provided by plugin {owner.name!r}; rename yours"
    return None


def cmd_install(args) -> int:
    target = install_plugin(args.path, trust=args.trust, force=args.force)
    manifest = read_manifest(target)
    note = ""
    if manifest.has_code and not args.trust:
        note = " (its Python code will not run until you install it again with --trust)"
    _print(args, {"name": manifest.plugin.name, "path": str(target), "trusted": bool(args.trust and manifest.has_code)},
           [f"installed {manifest.plugin.name} {manifest.plugin.version} into {target}{note}"])
    return 0


def cmd_remove(args) -> int:
    from sentido.engine.registry import uninstall_plugin

    target = uninstall_plugin(args.name)
    _print(args, {"removed": args.name, "path": str(target)}, [f"removed {args.name} ({target})"])
    return 0


def cmd_models(args) -> int:
    # Manifests only: listing models never imports torch or any model code (fast, and works without a GPU stack).
    from sentido.engine import catalogue

    registry = Registry.discover(args.plugin_path)
    rows = []
    defaults = {}
    for task in ("classification", "language-model"):
        try:
            defaults[task] = catalogue.default_model(registry, task)
        except SentidoError:
            pass
    for m in catalogue.models(registry):
        headline = m.headline
        rows.append({
            "name": m.name, "task": m.spec.task, "language": m.spec.language, "architecture": m.spec.architecture,
            "size_bytes": m.size_bytes, "labels": m.spec.labels, "plugin": m.plugin.name,
            "headline": {"metric": headline[0], "value": headline[1]} if headline else None,
            "default": defaults.get(m.spec.task) == m.name,
        })
    lines = [f"{'model':<28} {'task':<15} {'lang':<5} {'architecture':<12} {'size':>9}  headline"]
    for r in rows:
        h = f"{r['headline']['metric']} = {r['headline']['value']:.4g}" if r["headline"] else "-"
        star = " (default)" if r["default"] else ""
        lines.append(f"{r['name']:<28} {r['task']:<15} {r['language']:<5} {r['architecture']:<12} {format_size(r['size_bytes']):>9}  {h}{star}")
    _print(args, rows, lines if rows else ["no models installed"])
    return 0
