"""Settings: device (every kind Sentido knows, with why one is unavailable), batch size and theme."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from sentido.desktop.facade import EngineFacade
from sentido.desktop.settings import Settings


def device_infos():
    """The engine's device list (imports torch: call on a worker)."""
    from sentido.engine.device import available_devices

    return available_devices()


class SettingsDialog(QDialog):
    settings_did_change = Signal()

    def __init__(self, settings: Settings, facade: EngineFacade, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.facade = facade
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        self.unavailable: list[tuple[str, str]] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("device")
        self.device_combo.setToolTip(self.tr("Where models run. Unavailable devices say why."))
        self.device_combo.addItem(self.tr("Automatic"), "auto")
        form.addRow(self.tr("&Device"), self.device_combo)
        self.device_note = QLabel("")
        self.device_note.setWordWrap(True)
        self.device_note.setEnabled(False)
        form.addRow("", self.device_note)
        self.batch_spin = QSpinBox()
        self.batch_spin.setObjectName("batch-size")
        self.batch_spin.setRange(1, 4096)
        self.batch_spin.setValue(settings.batch_size)
        self.batch_spin.setToolTip(self.tr("Texts per forward pass in batch runs; larger is faster until memory runs out"))
        form.addRow(self.tr("&Batch size"), self.batch_spin)
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("theme")
        for value, label in (("system", self.tr("Follow the system")), ("light", self.tr("Light")), ("dark", self.tr("Dark"))):
            self.theme_combo.addItem(label, value)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))
        self.theme_combo.setToolTip(self.tr("Colours of the window"))
        form.addRow(self.tr("&Theme"), self.theme_combo)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.device_combo.currentIndexChanged.connect(self._device_did_change)
        self._select_device(settings.device)
        if facade.is_ready:
            facade.run(lambda engine: device_infos(), on_done=self.show_devices, key="devices")

    def show_devices(self, infos) -> None:
        """Fill the device list; unavailable devices stay visible, greyed, with their reason."""
        wanted = self.settings.device
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        model: QStandardItemModel = self.device_combo.model()
        for info in infos:
            label = info.label if info.available else self.tr("%1 — unavailable: %2").replace("%1", info.label).replace("%2", info.reason)
            self.device_combo.addItem(label, info.name)
            item = model.item(self.device_combo.count() - 1)
            item.setToolTip(info.reason or info.label)
            if not info.available:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.device_combo.blockSignals(False)
        self.unavailable = [(info.label, info.reason) for info in infos if not info.available]
        self._select_device(wanted)

    def _select_device(self, name: str) -> None:
        index = self.device_combo.findData(name)
        if index < 0:
            self.device_combo.addItem(name, name)
            index = self.device_combo.count() - 1
        self.device_combo.setCurrentIndex(index)
        self._device_did_change()

    def _device_did_change(self) -> None:
        now = self.facade.device_text() if self.facade.is_ready else ""
        lines = [self.tr("In use now: %1").replace("%1", now)] if now else []
        lines += [self.tr("%1 unavailable: %2").replace("%1", label).replace("%2", reason)
                  for label, reason in self.unavailable]
        self.device_note.setText("\n".join(lines))
        self.adjustSize()  # the note grows when the device list arrives from the worker

    def device(self) -> str:
        return self.device_combo.currentData() or "auto"

    def select_device(self, name: str) -> None:
        self._select_device(name)

    def accept(self) -> None:
        old_device = self.settings.device
        self.settings.device = self.device()
        self.settings.batch_size = self.batch_spin.value()
        self.settings.theme = self.theme_combo.currentData()
        if self.device() != old_device and self.facade.is_ready:
            from sentido.desktop.errors import show_exception

            self.facade.set_device(self.device(), on_error=lambda exc: show_exception(self.parentWidget(), exc))
        self.settings_did_change.emit()
        super().accept()
