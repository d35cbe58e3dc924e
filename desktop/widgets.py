"""Small painted widgets: a confidence bar, a result card and a grouped bar chart (no QtCharts in Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

POSITIVE = QColor("#2e9d5b")
NEGATIVE = QColor("#d1453b")
NEUTRAL = QColor("#7a869a")
SERIES = [QColor(c) for c in ("#3b7dd8", "#e08a1e", "#2e9d5b", "#b04ac0", "#d1453b", "#1ea3a3", "#8c6d31", "#7a869a")]


def score_color(score: float) -> QColor:
    """Red for negative, grey near zero, green for positive, mixed by the signed score."""
    score = max(-1.0, min(1.0, score))
    end = POSITIVE if score >= 0 else NEGATIVE
    t = abs(score)
    return QColor(
        round(NEUTRAL.red() + (end.red() - NEUTRAL.red()) * t),
        round(NEUTRAL.green() + (end.green() - NEUTRAL.green()) * t),
        round(NEUTRAL.blue() + (end.blue() - NEUTRAL.blue()) * t),
    )


def add_check_item(list_widget: QListWidget, name: str, checked: bool, text: str = "", tooltip: str = "") -> QListWidgetItem:
    """Add a checkable row for ``name`` (kept in UserRole; ``text`` is what the row shows, the name by default)."""
    item = QListWidgetItem(text or name)
    item.setData(Qt.ItemDataRole.UserRole, name)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    if tooltip:
        item.setToolTip(tooltip)
    list_widget.addItem(item)
    return item


def checked_names(list_widget: QListWidget) -> list[str]:
    """The names of the checked rows of a list filled by ``add_check_item``, in list order."""
    items = (list_widget.item(i) for i in range(list_widget.count()))
    return [item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked]


def set_checked_names(list_widget: QListWidget, names) -> None:
    """Check exactly the rows whose name is in ``names``."""
    for i in range(list_widget.count()):
        item = list_widget.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in names else Qt.CheckState.Unchecked)


class ConfidenceBar(QWidget):
    """A horizontal bar filled to the confidence (0..1), coloured by the signed score."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.confidence = 0.0
        self.score = 0.0
        self.setMinimumHeight(12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(160, max(12, self.fontMetrics().height() // 1 + 2))

    def set_values(self, confidence: float, score: float) -> None:
        self.confidence, self.score = max(0.0, min(1.0, confidence)), score
        self.setAccessibleDescription(f"{self.confidence:.0%}")
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2.5
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, radius, radius)
        if self.confidence > 0:
            fill = QRectF(rect.x(), rect.y(), rect.width() * self.confidence, rect.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(score_color(self.score))
            painter.drawRoundedRect(fill, radius, radius)
        painter.end()


class ResultCard(QFrame):
    """One model's verdict on the text: label, confidence bar and signed score."""

    def __init__(self, model: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName(f"result-{model}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        header = QHBoxLayout()
        self.model_label = QLabel(model)
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label = QLabel("—")
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.label.setFont(font)
        header.addWidget(self.label)
        header.addStretch(1)
        self.score_label = QLabel("")
        header.addWidget(self.score_label)
        layout.addWidget(self.model_label)
        layout.addLayout(header)
        self.bar = ConfidenceBar()
        layout.addWidget(self.bar)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)

    def show_analysis(self, label: str | None, confidence: float, score: float, probabilities: dict[str, float],
                      signed: bool = True) -> None:
        """``signed``: the labels have a valence, so the signed score means something (not for emotions)."""
        if label is None:
            self.show_message(self.tr("Type or paste some text."))
            return
        self.label.setText(label)
        shade = score if signed else 0.0
        self.label.setStyleSheet(f"color: {score_color(shade).name()};" if signed else "")
        if signed:
            self.score_label.setText(self.tr("score %1").replace("%1", f"{score:+.2f}"))
            self.score_label.setToolTip(self.tr("Signed score from -1 (negative) to +1 (positive)"))
        else:
            self.score_label.setText(f"{confidence:.0%}")
            self.score_label.setToolTip(self.tr("Confidence in this label"))
        self.bar.set_values(confidence, shade)
        self.bar.setToolTip(self.tr("Confidence %1").replace("%1", f"{confidence:.0%}"))
        ranked = sorted(probabilities.items(), key=lambda kv: kv[1], reverse=True)
        self.detail.setText("  ".join(f"{name} {p:.0%}" for name, p in ranked))

    def show_message(self, text: str) -> None:
        self.label.setText("—")
        self.label.setStyleSheet("")
        self.score_label.setText("")
        self.bar.set_values(0.0, 0.0)
        self.detail.setText(text)


class BarChart(QWidget):
    """Grouped bars: ``data = {group: {category: count}}`` (label counts per model after a batch)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: dict[str, dict[str, int]] = {}
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, data: dict[str, dict[str, int]]) -> None:
        self.data = {g: dict(c) for g, c in data.items()}
        summary = "; ".join(f"{g}: " + ", ".join(f"{k} {v}" for k, v in c.items()) for g, c in self.data.items())
        self.setAccessibleDescription(summary)
        self.setToolTip(summary)
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = self.fontMetrics()
        line = metrics.height()
        if not self.data:
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Label counts appear here when a batch ends."))
            painter.end()
            return
        categories: list[str] = []
        for counts in self.data.values():
            categories += [c for c in counts if c not in categories]
        peak = max([v for counts in self.data.values() for v in counts.values()] + [1])
        legend_h = line + 6
        top, bottom, left, right = legend_h + 4, line * 2 + 6, metrics.horizontalAdvance(str(peak)) + 10, 8
        plot = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(text_color)
        painter.drawText(QRectF(0, plot.top() - line / 2, left - 4, line), Qt.AlignmentFlag.AlignRight, str(peak))
        painter.drawText(QRectF(0, plot.bottom() - line / 2, left - 4, line), Qt.AlignmentFlag.AlignRight, "0")
        groups = list(self.data)
        group_w = plot.width() / len(groups)
        bar_w = max(2.0, group_w * 0.8 / max(1, len(categories)))
        for g, group in enumerate(groups):
            x0 = plot.left() + g * group_w + group_w * 0.1
            for c, category in enumerate(categories):
                value = self.data[group].get(category, 0)
                h = plot.height() * value / peak
                bar = QRectF(x0 + c * bar_w, plot.bottom() - h, bar_w * 0.9, h)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(_category_color(category, c))
                painter.drawRect(bar)
                if h > line and bar_w > metrics.horizontalAdvance(str(value)):
                    painter.setPen(QColor("white"))
                    painter.drawText(bar, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(value))
            painter.setPen(text_color)
            name = metrics.elidedText(group, Qt.TextElideMode.ElideMiddle, int(group_w))
            painter.drawText(QRectF(plot.left() + g * group_w, plot.bottom() + 4, group_w, line), Qt.AlignmentFlag.AlignHCenter, name)
        x = plot.left()
        for c, category in enumerate(categories):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_category_color(category, c))
            painter.drawRect(QRectF(x, 4, line * 0.8, line * 0.8))
            painter.setPen(text_color)
            painter.drawText(QRectF(x + line, 2, 400, line), Qt.AlignmentFlag.AlignLeft, category)
            x += line + metrics.horizontalAdvance(category) + 16
        painter.end()


def _category_color(category: str, index: int) -> QColor:
    lowered = category.lower()
    if lowered == "positive":
        return POSITIVE
    if lowered == "negative":
        return NEGATIVE
    if lowered == "neutral" or lowered.startswith("("):  # "(no words)" and other non-labels are grey
        return NEUTRAL
    return SERIES[index % len(SERIES)]
