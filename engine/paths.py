"""Where Sentido keeps the user's things. ``$SENTIDO_HOME`` overrides them all (tests, portable installs)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import platformdirs

APP = "sentido"


def _home() -> Path | None:
    value = os.environ.get("SENTIDO_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP))


def user_plugin_dir() -> Path:
    """Folder scanned for plugins the user installed (``sentido plugins install``)."""
    return data_dir() / "plugins"


def trust_file() -> Path:
    return config_dir() / "trusted-plugins.json"


def plugin_state_file() -> Path:
    return config_dir() / "plugin-state.json"


def resources_dir() -> Path:
    """The shipped ``resources/`` folder (models, samples, icons)."""
    import sentido.resources

    return Path(next(iter(sentido.resources.__path__)))


def shipped_models_dir() -> Path:
    """The trained model bundles: the installed ``sentido-models`` distribution (its ``sentido_models`` package
    folder, found without importing anything), else ``resources/models`` of a checkout."""
    spec = importlib.util.find_spec("sentido_models")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return resources_dir() / "models"
