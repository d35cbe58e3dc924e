"""``sentido-gui``: start the window at once, then the engine (torch, plugins) behind it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from sentido.desktop.settings import APPLICATION, ORGANISATION, Settings


def install_translator(app: QApplication, locale: QLocale | None = None) -> QTranslator | None:
    """Load ``translations/sentido_<lang>.qm`` for the user's language when one is shipped."""
    translator = QTranslator(app)
    folder = Path(__file__).with_name("translations")
    if translator.load(locale or QLocale(), "sentido", "_", str(folder)):
        app.installTranslator(translator)
        return translator
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sentido-gui", description="Sentido's desktop window.")
    parser.add_argument("--plugin-path", action="append", default=[], metavar="PATH", help="also load the plugin at PATH")
    parser.add_argument("--device", default=None, help="auto, cpu, cuda, cuda:N or mps (default: the saved setting)")
    parser.add_argument("--settings", default=None, metavar="FILE", help="keep settings in this INI file")
    parser.add_argument("files", nargs="*", help="text files to open, or files and folders to batch")
    return parser


def create_window(settings: Settings, *, plugin_paths=(), device: str | None = None, synchronous: bool = False):
    """The main window with its facade; the engine is not started yet (call ``window.facade.start()``)."""
    from sentido.desktop.facade import EngineFacade
    from sentido.desktop.main_window import MainWindow
    from sentido.desktop.theme import apply_theme

    apply_theme(settings.theme)
    facade = EngineFacade(device=device or settings.device, plugin_paths=plugin_paths, synchronous=synchronous)
    window = MainWindow(facade, settings)
    facade.setParent(window)
    return window


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Sentido")
    install_translator(app)
    from sentido.desktop.theme import icon

    app.setWindowIcon(icon("sentido"))
    settings = Settings(args.settings)
    window = create_window(settings, plugin_paths=args.plugin_path, device=args.device)
    window.show()
    if args.files:
        window.facade.engine_did_start.connect(lambda: window.open_paths([Path(f) for f in args.files]))
    window.facade.start()  # torch and plugin discovery load on a worker while the window is already up
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
