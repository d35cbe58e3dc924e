"""Themes (follow the system, light, dark) and the shipped SVG icons."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication


def icons_dir() -> Path:
    from sentido.engine.paths import resources_dir

    return resources_dir() / "icons"


@cache
def icon(name: str) -> QIcon:
    """A shipped icon by name (``resources/icons/<name>.svg``); an empty icon when it is missing."""
    path = icons_dir() / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(37, 39, 43), QColor(27, 29, 32), QColor(230, 232, 235)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor(44, 47, 52))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(50, 53, 58))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(150, 153, 158))
        p.setColor(group, QPalette.ColorRole.Button, QColor(50, 53, 58))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor(255, 110, 100))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor(64, 120, 200))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        p.setColor(group, QPalette.ColorRole.Link, QColor(110, 170, 255))
        p.setColor(group, QPalette.ColorRole.Mid, QColor(80, 84, 90))
        p.setColor(group, QPalette.ColorRole.Dark, QColor(20, 21, 23))
        p.setColor(group, QPalette.ColorRole.Light, QColor(70, 74, 80))
    disabled = QColor(120, 123, 128)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor(45, 47, 51))
    return p


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hasattr(hints, "colorScheme") and hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(theme: str, app: QApplication | None = None) -> str:
    """Apply 'system', 'light' or 'dark'; returns the scheme actually used ('light' or 'dark')."""
    app = app or QApplication.instance()
    app.setStyle("Fusion")  # the same look on every platform, and one that honours the palette fully
    dark = theme == "dark" or theme == "system" and system_prefers_dark()
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    return "dark" if dark else "light"
