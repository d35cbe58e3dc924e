"""The main window: Analyze, Models & plugins, Batch and Inside the model, a status bar, menus and shortcuts."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import platform
import resource
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from sentido.desktop import errors
from sentido.desktop.analyze import AnalyzeView
from sentido.desktop.batch_view import BatchView
from sentido.desktop.facade import EngineFacade
from sentido.desktop.plugins_view import PluginsView
from sentido.desktop.settings import Settings
from sentido.desktop.settings_dialog import SettingsDialog
from sentido.desktop.theme import apply_theme, icon


def memory_in_use() -> int | None:
    """Resident memory of this process in bytes (Linux: current; elsewhere: the peak)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (OSError, ValueError):
        return None


def versions() -> dict[str, str]:
    """Versions for the About box, read from package metadata (torch is not imported for this)."""
    found = {"Sentido": "", "Python": platform.python_version(), "Qt": qVersion()}
    for label, dist in (("Sentido", "sentido"), ("PySide6", "PySide6-Essentials"), ("PyTorch", "torch"),
                        ("tokenizers", "tokenizers"), ("safetensors", "safetensors")):
        try:
            found[label] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[label] = "—"
    return found


class MainWindow(QMainWindow):
    def __init__(self, facade: EngineFacade, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.facade = facade
        self.settings = settings
        self.setWindowTitle(self.tr("Sentido"))
        self.setWindowIcon(icon("sentido"))
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("views")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.analyze = AnalyzeView(facade, settings)
        self.plugins = PluginsView(facade)
        self.batch = BatchView(facade, settings)
        self.tabs.addTab(self.analyze, icon("analyze"), self.tr("&Analyze"))
        self.tabs.addTab(self.plugins, icon("models"), self.tr("&Models && plugins"))
        self.tabs.addTab(self.batch, icon("batch"), self.tr("&Batch"))
        # "Inside the model" is built on first use: its plotting library takes seconds to import on a busy
        # machine, and the window must come up at once. Until then its tab holds a placeholder.
        self._inside_view: QWidget | None = None
        self._inside_placeholder: QLabel | None = None
        if importlib.util.find_spec("sentido.desktop.inside") is not None:
            self._inside_placeholder = QLabel(self.tr("Loading the Inside the model view…"))
            self._inside_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.tabs.addTab(self._inside_placeholder, icon("inside"), self.tr("&Inside the model"))
            self.tabs.currentChanged.connect(self._tab_did_change)
            self.analyze.details_available = True
            self.analyze.view_did_request_explanation.connect(self.explain)
        self.analyze.example_batch_button.clicked.connect(self.show_example_batch)
        self._build_status_bar()
        self._build_menus()
        self._restore_geometry()
        facade.engine_did_start.connect(self._engine_did_start)
        facade.engine_did_fail.connect(lambda exc: errors.show_exception(self, exc))
        facade.model_did_load.connect(self._model_did_load)
        facade.device_did_change.connect(self._show_device)
        errors.set_cpu_fallback(self.switch_to_cpu)

    @property
    def inside(self) -> QWidget | None:
        """The "Inside the model" view (built now if it was not yet); None when it cannot be loaded."""
        if self._inside_view is None and self._inside_placeholder is not None:
            placeholder, self._inside_placeholder = self._inside_placeholder, None
            index = self.tabs.indexOf(placeholder)
            try:
                from sentido.desktop.inside import InsideView

                view = InsideView(self.facade, self)
            except Exception as exc:  # noqa: BLE001 - an optional view must never crash the app
                errors.log.warning("Inside the model view unavailable: %s", exc)
                placeholder.setText(self.tr("The Inside the model view could not be loaded:\n%1").replace("%1", str(exc)))
                return None
            current = self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, view, icon("inside"), self.tr("&Inside the model"))
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self._inside_view = view
            if self.facade.is_ready:
                view_started = getattr(getattr(view, "backend", None), "backend_did_start", None)
                if view_started is not None:
                    view_started.emit()  # the engine started before the view existed
        return self._inside_view

    def explain(self, text: str, model: str) -> None:
        """The Analyze view's "Why this label?": the Inside view's explanation of the same text and model."""
        inside = self.inside
        if inside is None or not hasattr(inside, "explain_text"):
            self.analyze.details_available = False
            self.analyze.details_button.setVisible(False)
            return
        self.tabs.setCurrentWidget(inside)
        inside.explain_text(text, model)

    def _tab_did_change(self, index: int) -> None:
        if self._inside_placeholder is not None and self.tabs.widget(index) is self._inside_placeholder:
            self.inside  # noqa: B018 - builds the view on first visit

    def _prewarm_inside(self) -> None:
        """Import the Inside view's modules on an idle worker, so its first visit is quick (widgets stay here)."""
        if self._inside_placeholder is not None and not self.facade.batch_lane.busy:
            from sentido.desktop.facade import freeze_startup_objects

            self.facade.batch_lane.submit(importlib.import_module, "sentido.desktop.inside.view",
                                          on_done=lambda _module: freeze_startup_objects(), on_error=lambda exc: None)

    # -- status bar -----------------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.device_label = QLabel(self.tr("Starting the engine…"))
        self.device_label.setObjectName("status-device")
        self.device_label.setToolTip(self.tr("Where models run (change it in Settings)"))
        self.model_label = QLabel(self.tr("No model loaded"))
        self.model_label.setObjectName("status-model")
        self.memory_label = QLabel("")
        self.memory_label.setObjectName("status-memory")
        self.memory_label.setToolTip(self.tr("Memory used by Sentido"))
        self.busy_label = QLabel("")
        bar.addWidget(self.device_label, 1)
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.model_label)
        bar.addPermanentWidget(self.memory_label)
        self._memory_timer = QTimer(self, interval=2000)
        self._memory_timer.timeout.connect(self._show_memory)
        self._memory_timer.start()
        self._show_memory()
        for lane in self.facade.lanes():
            lane.lane_did_become_busy.connect(self._show_busy)
            lane.lane_did_become_idle.connect(self._show_busy)

    def _show_memory(self) -> None:
        used = memory_in_use()
        self.memory_label.setText(self.tr("Memory %1 MB").replace("%1", f"{used / 2**20:,.0f}") if used else "")

    def _show_busy(self) -> None:
        self.busy_label.setText(self.tr("Working…") if self.facade.busy() else "")

    def _show_device(self, text: str) -> None:
        self.device_label.setText(self.tr("Device: %1").replace("%1", text))
        if self.facade.engine is not None:
            self.device_label.setToolTip(self.facade.engine.device_choice.reason)

    def _model_did_load(self, _name: str) -> None:
        loaded = self.facade.loaded_models()
        self.model_label.setText(self.tr("Loaded: %1").replace("%1", ", ".join(loaded)) if loaded else self.tr("No model loaded"))

    def _engine_did_start(self) -> None:
        self._show_device(self.facade.device_text())
        if self.facade.startup_warning is not None:
            self.statusBar().showMessage(self.tr("Saved device unavailable, using automatic: %1")
                                         .replace("%1", str(self.facade.startup_warning)), 15000)
        self._prewarm_inside()
        if not self.facade.models():
            self.statusBar().showMessage(self.tr("No models installed yet: load a plugin in Models & plugins"), 15000)

    # -- menus ----------------------------------------------------------------------------------------------
    def _action(self, text: str, shortcut, slot, tip: str = "", icon_name: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        for action in self.analyze.actions():
            file_menu.addAction(action)
        for action in self.plugins.actions():
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.settings_action = self._action(self.tr("&Settings…"), QKeySequence.StandardKey.Preferences, self.show_settings,
                                            self.tr("Device, batch size and theme"), "settings")
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        if quit_action.shortcut().isEmpty():  # some platforms define no standard Quit key
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(quit_action)
        batch_menu = menu.addMenu(self.tr("&Batch"))
        for action in self.batch.actions():
            batch_menu.addAction(action)
        batch_menu.addAction(self._action(self.tr("Use the &example folder"), "Ctrl+Shift+E", self.show_example_batch))
        view_menu = menu.addMenu(self.tr("&View"))
        for index in range(self.tabs.count()):
            name = self.tabs.tabText(index).replace("&&", "\0").replace("&", "").replace("\0", "&")
            view_menu.addAction(self._action(name, f"Ctrl+{index + 1}", lambda _=False, i=index: self.tabs.setCurrentIndex(i)))
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&About Sentido"), "F1", self.show_about))

    # -- actions --------------------------------------------------------------------------------------------
    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self.facade, self)
        dialog.settings_did_change.connect(lambda: apply_theme(self.settings.theme))
        dialog.open()
        return dialog

    def show_example_batch(self) -> None:
        self.batch.add_example()
        self.tabs.setCurrentWidget(self.batch)

    def switch_to_cpu(self) -> None:
        self.settings.device = "cpu"
        self.facade.set_device("cpu")

    def about_text(self) -> str:
        found = versions()
        rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{value}</td></tr>" for name, value in found.items())
        device = self.facade.device_text() or self.tr("starting")
        return (self.tr("<h3>Sentido %1</h3><p>Sentiment and text analysis with recurrent neural networks.</p>")
                .replace("%1", found["Sentido"]) + f"<table>{rows}</table><p>" +
                self.tr("Device: %1").replace("%1", device) + "</p>")

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Sentido"), self.about_text())

    # -- drag and drop onto the window ----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        """A plugin (folder with plugin.toml, or .zip) is loaded; a text file opens in Analyze; else it is batched."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.open_paths(paths)

    def open_paths(self, paths: list[Path]) -> None:
        plugins = [p for p in paths if (p / "plugin.toml").is_file() or p.suffix.lower() == ".zip"]
        for path in plugins:
            self.tabs.setCurrentWidget(self.plugins)
            self.plugins.load_plugin(path)
        rest = [p for p in paths if p not in plugins]
        if len(rest) == 1 and rest[0].is_file() and rest[0].suffix.lower() in (".txt", ".md", ""):
            self.tabs.setCurrentWidget(self.analyze)
            self.analyze.open_file(str(rest[0]))
        elif rest:
            self.tabs.setCurrentWidget(self.batch)
            self.batch.add_inputs(rest)

    # -- geometry and quitting ------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.save_geometry(self.saveGeometry())
        if self.batch.state is not None:
            self.batch.state.cancel()  # stop at the end of the current chunk; what was written is kept
        self.facade.shutdown()
        errors.set_cpu_fallback(None)
        super().closeEvent(event)
