"""The user's preferences, persisted with QSettings (organisation "Sentido", application "Sentido").

``$SENTIDO_SETTINGS`` (or the ``path`` argument) points them at an INI file instead of the platform's store; the
tests use that so no test reads or writes the developer's own settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "Sentido"
APPLICATION = "Sentido"
THEMES = ("system", "light", "dark")
ENV_VAR = "SENTIDO_SETTINGS"


class Settings:
    """Typed access to the few values Sentido keeps between runs."""

    def __init__(self, path: Path | str | None = None):
        path = path or os.environ.get(ENV_VAR)
        if path:
            self.qsettings = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self.qsettings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)

    def _get(self, key: str, default, kind=str):
        value = self.qsettings.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value) -> None:
        self.qsettings.setValue(key, value)
        self.qsettings.sync()

    # -- values ---------------------------------------------------------------------------------------------
    @property
    def device(self) -> str:
        return self._get("engine/device", "auto")

    @device.setter
    def device(self, value: str) -> None:
        self._set("engine/device", value)

    @property
    def batch_size(self) -> int:
        return max(1, min(4096, self._get("batch/batch_size", 64, int)))

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        self._set("batch/batch_size", int(value))

    @property
    def theme(self) -> str:
        value = self._get("ui/theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._set("ui/theme", value if value in THEMES else "system")

    @property
    def compare_models(self) -> list[str]:
        value = self.qsettings.value("analyze/models", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value or []]

    @compare_models.setter
    def compare_models(self, names: list[str]) -> None:
        self._set("analyze/models", list(names))

    @property
    def language_model(self) -> str:
        return self._get("analyze/language_model", "")

    @language_model.setter
    def language_model(self, name: str) -> None:
        self._set("analyze/language_model", name)

    @property
    def first_run(self) -> bool:
        return self._get("ui/first_run_done", "false") != "true"

    def mark_first_run_done(self) -> None:
        self._set("ui/first_run_done", "true")

    def geometry(self) -> QByteArray | None:
        value = self.qsettings.value("ui/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray, state: QByteArray | None = None) -> None:
        self.qsettings.setValue("ui/geometry", geometry)
        if state is not None:
            self.qsettings.setValue("ui/state", state)
        self.qsettings.sync()

    def last_folder(self) -> str:
        return self._get("ui/last_folder", "")

    def set_last_folder(self, folder: str) -> None:
        self._set("ui/last_folder", folder)
