"""The Models & plugins view: what is installed, loading a plugin (validated first), trust, enable/disable, remove.

"Load plugin…" validates the folder or ``.zip`` before anything is copied and lists every problem in plain words
in the view itself. A plugin that carries Python code is installed only after the user trusts it, with a question
that says where the code comes from; model-only plugins never run code and need no trust.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QSplitter,
    QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from sentido.desktop.errors import show_exception
from sentido.desktop.facade import EngineFacade
from sentido.desktop.theme import icon
from sentido.engine.errors import PluginError, SentidoError
from sentido.engine.registry import format_size, validate_plugin

COLUMNS = 9  # name, task, architecture, language, version, source, size, headline metric, status


class PluginsView(QWidget):
    plugin_did_install = Signal(str)
    plugin_did_fail = Signal(list)  # the problems shown
    plugins_did_refresh = Signal()

    def __init__(self, facade: EngineFacade, parent: QWidget | None = None):
        super().__init__(parent)
        self.facade = facade
        # Asked before code from a folder may run: (plugin name, where from, details) -> trusted?  Tests replace it.
        self.ask_trust: Callable[[str, str, str], bool] = self._ask_trust_dialog
        self.ask_replace: Callable[[str], bool] = self._ask_replace_dialog
        self.ask_remove: Callable[[str], bool] = self._ask_remove_dialog
        self.setAcceptDrops(True)
        self._build()
        facade.engine_did_start.connect(self.refresh)
        facade.registry_did_change.connect(self.refresh)
        facade.model_did_load.connect(lambda _name: self.refresh())

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.load_button = QPushButton(self.tr("Load plugin…"))
        self.load_button.setObjectName("load-plugin")
        self.load_button.setToolTip(self.tr("Add a plugin from a folder or a .zip (Ctrl+L); you can also drop it here"))
        self.load_button.setIcon(icon("plugin-add"))
        self.load_button.clicked.connect(self.choose_plugin)
        buttons.addWidget(self.load_button)
        self.load_zip_button = QPushButton(self.tr("Load .zip…"))
        self.load_zip_button.setToolTip(self.tr("Add a plugin packed as a .zip archive"))
        self.load_zip_button.clicked.connect(lambda: self.choose_plugin(archive=True))
        buttons.addWidget(self.load_zip_button)
        self.toggle_button = QPushButton(self.tr("Disable"))
        self.toggle_button.setToolTip(self.tr("Turn the selected plugin off or on; its models disappear while off"))
        self.toggle_button.clicked.connect(self.toggle_selected)
        buttons.addWidget(self.toggle_button)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Delete the selected plugin you installed (built-in ones stay)"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.problems = QLabel()
        self.problems.setObjectName("plugin-problems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setFrameShape(QFrame.Shape.StyledPanel)
        self.problems.setVisible(False)
        layout.addWidget(self.problems)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.tree = QTreeWidget()
        self.tree.setObjectName("plugin-tree")
        self.tree.setColumnCount(COLUMNS)
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Task"), self.tr("Architecture"), self.tr("Language"),
                                   self.tr("Version"), self.tr("Source"), self.tr("Size"), self.tr("Headline"),
                                   self.tr("Status")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.currentItemChanged.connect(self._selection_did_change)
        self.tree.setAccessibleName(self.tr("Installed plugins and models"))
        splitter.addWidget(self.tree)
        self.card = QTextBrowser()
        self.card.setObjectName("model-card")
        self.card.setOpenExternalLinks(True)
        self.card.setPlaceholderText(self.tr("Select a model to read its model card."))
        splitter.addWidget(self.card)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self._selection_did_change(None, None)

    def actions(self) -> list[QAction]:
        load = QAction(icon("plugin-add"), self.tr("&Load plugin…"), self, shortcut=QKeySequence("Ctrl+L"))
        load.triggered.connect(lambda: self.choose_plugin())
        return [load]

    # -- listing --------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        engine = self.facade.engine
        if engine is None:
            return
        selected = self._selected_key()
        loaded = set(engine.loaded())
        self.tree.clear()
        for plugin in engine.plugins():
            kinds = []
            if plugin.manifest:
                kinds = [a.name for a in plugin.manifest.architectures]
            item = QTreeWidgetItem([
                plugin.manifest.plugin.display_name or plugin.name if plugin.manifest else plugin.name,
                self.tr("architecture: %1").replace("%1", ", ".join(kinds)) if kinds else "",
                "", "", plugin.version, plugin.source, "", "", self._status_text(plugin.status),
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, ("plugin", plugin.name, id(plugin)))
            item.setToolTip(0, str(plugin.root or ""))
            if plugin.error:
                item.setToolTip(8, plugin.error)
                reason = QTreeWidgetItem([self.tr("Reason: %1").replace("%1", plugin.error)])
                reason.setFirstColumnSpanned(True)
                reason.setForeground(0, Qt.GlobalColor.red)
                item.addChild(reason)
            elif plugin.status == "untrusted":
                item.setToolTip(8, self.tr("Carries Python code that has not been trusted; load it again to trust it"))
            self.tree.addTopLevelItem(item)
            for spec in plugin.manifest.models if plugin.manifest else []:
                entry = self._entry(spec.name, plugin)
                headline = entry.headline if entry else None
                size = format_size(entry.size_bytes) if entry else ""
                status = self.tr("loaded") if spec.name in loaded else self._status_text(plugin.status)
                child = QTreeWidgetItem([
                    spec.name, spec.task, spec.architecture, spec.language, plugin.version, plugin.source, size,
                    f"{headline[0]} {headline[1]:.3g}" if headline else "—", status,
                ])
                child.setData(0, Qt.ItemDataRole.UserRole, ("model", spec.name, id(plugin)))
                child.setToolTip(0, spec.description or spec.name)
                item.addChild(child)
            item.setExpanded(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._reselect(selected)
        self.plugins_did_refresh.emit()

    def _status_text(self, status: str) -> str:
        return {"ok": self.tr("ready"), "broken": self.tr("broken"), "disabled": self.tr("disabled"),
                "untrusted": self.tr("untrusted code")}.get(status, status)

    def _entry(self, name: str, plugin):
        try:
            entry = self.facade.engine.registry.model(name)
        except SentidoError:
            return None
        return entry if entry.plugin is plugin else None

    def plugin_names(self) -> list[str]:
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)[1] for i in range(self.tree.topLevelItemCount())]

    def _selected_key(self):
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _reselect(self, key) -> None:
        if not key:
            return
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for item in [top] + [top.child(j) for j in range(top.childCount())]:
                data = item.data(0, Qt.ItemDataRole.UserRole)
                if data and data[:2] == key[:2]:
                    self.tree.setCurrentItem(item)
                    return

    def _selected_plugin(self):
        key = self._selected_key()
        if not key or self.facade.engine is None:
            return None
        return next((p for p in self.facade.engine.plugins() if id(p) == key[2]), None)

    def _selection_did_change(self, current, _previous) -> None:
        plugin = self._selected_plugin()
        removable = plugin is not None and self._is_removable(plugin)
        self.toggle_button.setEnabled(plugin is not None and plugin.manifest is not None)
        self.toggle_button.setText(self.tr("Enable") if plugin is not None and not plugin.enabled else self.tr("Disable"))
        self.remove_button.setEnabled(removable)
        self.remove_button.setToolTip(self.tr("Delete the selected plugin you installed") if removable
                                      else self.tr("Only plugins you installed can be removed; built-in and shipped ones can be disabled"))
        key = self._selected_key()
        if plugin is None:
            self.card.clear()
        elif key[0] == "model":
            self._show_card(plugin, key[1])
        else:
            self._show_plugin(plugin)

    def _show_card(self, plugin, model_name: str) -> None:
        spec = next((m for m in plugin.manifest.models if m.name == model_name), None)
        path = plugin.root / spec.card if spec and plugin.root else None
        try:
            text = path.read_text(encoding="utf-8") if path else ""
        except (OSError, UnicodeDecodeError):
            text = ""
        self.card.setMarkdown(text or self.tr("*This model has no model card.*"))

    def _show_plugin(self, plugin) -> None:
        info = plugin.manifest.plugin if plugin.manifest else None
        lines = [f"## {info.display_name or info.name if info else plugin.name}"]
        if info and info.description:
            lines.append(info.description)
        if info and info.author:
            lines.append(self.tr("**Author:** %1").replace("%1", info.author))
        if info and info.homepage:
            lines.append(self.tr("**Comes from:** %1").replace("%1", info.homepage))
        lines.append(self.tr("**Folder:** `%1`").replace("%1", str(plugin.root or "—")))
        if plugin.error:
            lines.append(self.tr("**Why it is broken:**") + "\n\n```\n" + plugin.error + "\n```")
        self.card.setMarkdown("\n\n".join(lines))

    # -- loading --------------------------------------------------------------------------------------------
    def choose_plugin(self, archive: bool = False) -> None:
        if archive:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Load a plugin archive"), "", self.tr("Plugin archives (*.zip)"))
        else:
            path = QFileDialog.getExistingDirectory(self, self.tr("Load a plugin folder"))
        if path:
            self.load_plugin(Path(path))

    def load_plugin(self, path: Path) -> bool:
        """Validate, ask for trust when the plugin has code, install into the user's folder, and list it."""
        if self.facade.engine is None:
            return False
        root, manifest, problems = validate_plugin(Path(path))
        if problems:
            self.show_problems(Path(path).name, problems)
            return False
        trusted = False
        if manifest.has_code:
            info = manifest.plugin
            where = info.homepage or self.tr("no homepage given")
            details = self.tr("Folder: %1\nAuthor: %2\nComes from: %3").replace("%1", str(path)) \
                .replace("%2", info.author or self.tr("not given")).replace("%3", where)
            trusted = self.ask_trust(info.display_name or info.name, str(path), details)
            if not trusted:
                self.show_problems(info.name, [self.tr("Not installed: it carries Python code and was not trusted.")])
                return False
        from sentido.engine import paths
        from sentido.engine.commands.plugins import install_plugin

        name = manifest.plugin.name
        force = (paths.user_plugin_dir() / name).exists()
        if force and not self.ask_replace(name):
            return False

        def installed(_target):
            self.problems.setVisible(False)
            self.facade.reload_plugins(on_done=lambda _r: self.plugin_did_install.emit(name))

        def failed(exc):
            if isinstance(exc, (SentidoError, OSError)):
                self.show_problems(name, [str(exc)])
            else:
                show_exception(self, exc)

        # Copying a bundle (megabytes of weights) is file work: it runs on the worker, never on the GUI thread.
        self.facade.run(lambda engine: install_plugin(root, trust=trusted, force=force),
                        on_done=installed, on_error=failed)
        return True

    def show_problems(self, name: str, problems: list[str]) -> None:
        items = "".join(f"<li>{_escape(p)}</li>" for p in problems)
        self.problems.setText(self.tr("<b>%1 cannot be loaded:</b>").replace("%1", _escape(name)) + f"<ul>{items}</ul>")
        self.problems.setStyleSheet("QLabel { color: #b3261e; padding: 6px; }")
        self.problems.setVisible(True)
        self.plugin_did_fail.emit(list(problems))

    def problem_text(self) -> str:
        return "" if self.problems.isHidden() else self.problems.text()

    def _ask_trust_dialog(self, name: str, where: str, details: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Trust this plugin?"))
        box.setText(self.tr("“%1” carries Python code that will run inside Sentido with your permissions.\n\n"
                            "Only trust plugins from people you trust.").replace("%1", name))
        box.setInformativeText(details)
        trust = box.addButton(self.tr("Trust and install"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is trust

    def _ask_replace_dialog(self, name: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Replace plugin?"),
                                      self.tr("A plugin named “%1” is already installed. Replace it?").replace("%1", name))
        return answer == QMessageBox.StandardButton.Yes

    def _ask_remove_dialog(self, name: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Remove plugin?"),
                                      self.tr("Delete the plugin “%1” and its files?").replace("%1", name))
        return answer == QMessageBox.StandardButton.Yes

    # -- enable, disable, remove ----------------------------------------------------------------------------
    def _is_removable(self, plugin) -> bool:
        from sentido.engine import paths

        return plugin.root is not None and plugin.root.parent == paths.user_plugin_dir()

    def toggle_selected(self) -> None:
        plugin = self._selected_plugin()
        if plugin is None or plugin.manifest is None:
            return
        self.facade.engine.registry.state.set_enabled(plugin.name, not plugin.enabled)
        self.facade.reload_plugins()

    def remove_selected(self) -> None:
        plugin = self._selected_plugin()
        if plugin is None or not self._is_removable(plugin) or not self.ask_remove(plugin.name):
            return
        from sentido.engine.trust import TrustStore

        try:
            TrustStore().revoke(plugin.root)
            shutil.rmtree(plugin.root)
        except OSError as exc:
            show_exception(self, PluginError(f"could not remove {plugin.root}: {exc.strerror or exc}"))
            return
        self.facade.reload_plugins()

    # -- drag and drop --------------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.load_plugin(Path(url.toLocalFile()))
        event.acceptProposedAction()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
