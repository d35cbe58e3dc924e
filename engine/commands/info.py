"""``sentido info``: versions, the device in use and why, plugin folders and installed plugins (for bug reports)."""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import sys

from sentido.engine import __version__, paths
from sentido.engine.registry import ENTRY_POINT_GROUP, Registry


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info", help="versions, the device in use and why, plugin folders and installed plugins",
        description="What a bug report needs: Sentido's, Python's and torch's versions, the device models run on "
        "and why it was chosen, where plugins are looked for, and every plugin found. Imports torch (to ask it "
        "about devices).",
        epilog="examples:\n  sentido info\n  sentido info --device cpu --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(func=cmd_info)


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def collect(args: argparse.Namespace) -> dict:
    import torch

    from sentido.engine.device import choose_device

    choice = choose_device(args.device)
    registry = Registry.discover(args.plugin_path)
    return {
        "sentido": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "platform": platform.platform(),
        "torch": {"version": torch.__version__, "cuda": torch.version.cuda, "threads": torch.get_num_threads()},
        "device": {"device": str(choice.device), "reason": choice.reason},
        "plugin_folders": {
            "user": str(paths.user_plugin_dir()),
            "shipped_models": str(paths.shipped_models_dir()),
            "entry_point_group": ENTRY_POINT_GROUP,
            "plugin_path": [str(p) for p in args.plugin_path],
        },
        "config": str(paths.config_dir()),
        "plugins": [
            {"name": p.name, "version": p.version, "source": p.source, "status": p.status,
             "path": str(p.root) if p.root else None}
            for p in registry.plugins
        ],
        "packages": {name: _version(name) for name in ("sentido-models", "tokenizers", "safetensors", "numpy",
                                                        "pydantic", "gensim", "PySide6-Essentials", "PySide6")},
    }


def cmd_info(args) -> int:
    from sentido.engine.cli import print_json

    data = collect(args)
    if args.json:
        print_json(data)
        return 0
    folders = data["plugin_folders"]
    print(f"sentido   {data['sentido']}")
    print(f"python    {data['python']['version']} ({data['python']['executable']})")
    print(f"platform  {data['platform']}")
    cuda = f", CUDA {data['torch']['cuda']}" if data["torch"]["cuda"] else ", CPU build"
    print(f"torch     {data['torch']['version']}{cuda}, {data['torch']['threads']} threads")
    print(f"device    {data['device']['device']} ({data['device']['reason']})")
    print("plugins are looked for in:")
    print(f"  user plugins    {folders['user']}")
    print(f"  shipped models  {folders['shipped_models']}")
    print(f"  entry points    group {folders['entry_point_group']!r} of installed packages")
    for path in folders["plugin_path"]:
        print(f"  --plugin-path   {path}")
    print(f"settings and trust: {data['config']}")
    print(f"plugins ({len(data['plugins'])}):")
    for p in data["plugins"]:
        print(f"  {p['name']:<28} {p['version']:<8} {p['source']:<9} {p['status']}")
    installed = ", ".join(f"{name} {version}" for name, version in data["packages"].items() if version)
    print(f"packages: {installed}")
    return 0
