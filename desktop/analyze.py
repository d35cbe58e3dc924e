"""The Analyze view: live sentiment while typing, per-sentence breakdown, next words and continuations.

Every keystroke restarts a short debounce timer; when it fires, one task on the interactive lane updates each
chosen model's ``IncrementalSession`` (only the new tokens run through the network) and the language model's
session for the next words. A newer keystroke replaces a task that has not started yet, so a fast typist never
waits behind stale work. Sentences are scored in a separate, slower task with a per-sentence cache, so a
10,000-word text costs only its changed sentence.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem,
    QTextEdit, QToolButton, QVBoxLayout, QWidget,
)

from sentido.desktop.errors import show_exception
from sentido.desktop.facade import EngineFacade
from sentido.desktop.settings import Settings
from sentido.desktop.theme import icon
from sentido.desktop.widgets import ResultCard, add_check_item, checked_names, score_color, set_checked_names
from sentido.engine.errors import InputError, SentidoError

MAX_TEXT_BYTES = 20 * 1024 * 1024
NEXT_WORDS = 5
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n\s*\n|\n")


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for each non-empty sentence, split after . ! ? … and at line breaks."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start:match.start()]
        if piece.strip():
            spans.append((start, match.start(), piece.strip()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text), text[start:].strip()))
    return spans


def has_sentences(text: str, wanted: int = 2) -> bool:
    """Whether ``text`` holds at least ``wanted`` sentences (as ``split_sentences`` counts them), reading only as
    far as it must: the GUI thread asks this on every pause in typing, also of a 10,000-word text."""
    found, start = 0, 0
    for match in _SENTENCE_END.finditer(text):
        if text[start:match.start()].strip():
            found += 1
            if found >= wanted:
                return True
        start = match.end()
    return found + bool(text[start:].strip()) >= wanted


def read_text_file(path: Path) -> str:
    """A dropped or opened file as text; a clear InputError for anything that is not readable text."""
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise InputError(f"{path.name} is larger than 20 MB; use the Batch view for big files")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\0" in data[:4096]:
        raise InputError(f"{path.name} is not a text file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path.name} is not UTF-8 text")


_NO_SPACE_BEFORE = set(".,!?;:)]}%…'’")


def explain_words(engine, text: str, model: str):
    """Worker-side: which words pushed ``model`` toward its label (integrated gradients; see engine/explain.py)."""
    from sentido.engine.explain import explain  # imports torch: only ever on a worker thread

    return explain(engine.load(model, "classification"), text)


def utf16_positions(text: str) -> list[int] | None:
    """Qt counts UTF-16 code units, Python code points: the map between them, or None when they agree."""
    if text.isascii() or max(map(ord, text)) <= 0xFFFF:
        return None
    positions, position = [], 0
    for ch in text:
        positions.append(position)
        position += 2 if ord(ch) > 0xFFFF else 1
    positions.append(position)
    return positions


def insertion_for(before: str, word: str) -> str:
    """What to insert after ``before`` to add ``word``: BPE continuations (##ing) and closing punctuation join
    the text, other words get a space."""
    if word.startswith("##"):
        return word[2:]
    if word and word[0] in _NO_SPACE_BEFORE:
        return word
    return (" " if before and not before[-1].isspace() else "") + word


@dataclass
class AnalyzeOutcome:
    """What one analysis task produced (built on the worker, shown on the GUI thread)."""

    text: str
    prefix: str
    analyses: dict[str, Any] = field(default_factory=dict)  # model -> Analysis
    errors: dict[str, str] = field(default_factory=dict)  # model -> message
    next_words: list[Any] = field(default_factory=list)
    next_word_error: str = ""
    compute_s: float = 0.0
    loaded_models: bool = False  # a model was loaded (or a session started) for this result: compute_s includes it


class AnalysisWorker:
    """Worker-side state: one incremental session per model, and a sentence cache. Used only on the lane."""

    def __init__(self):
        self.sessions: dict[tuple[str, str], Any] = {}
        self.started_session = False
        self.sentence_cache: dict[tuple[str, str], Any] = {}

    def _session(self, engine, name: str, task: str):
        model = engine.load(name, task)
        session = self.sessions.get((task, name))
        if session is None or session.model is not model:  # first use, or the model reloaded on another device
            session = engine.incremental(name, task)
            self.sessions[(task, name)] = session
            self.started_session = True
        return session

    def analyze(self, engine, text: str, prefix: str, models: list[str], language_model: str | None) -> AnalyzeOutcome:
        started = time.perf_counter()
        self.started_session = False
        outcome = AnalyzeOutcome(text, prefix)
        for name in models:
            try:
                outcome.analyses[name] = self._session(engine, name, "classification").update(text).analysis()
            except SentidoError as exc:  # one broken model must not blank the others
                outcome.errors[name] = str(exc)
        if language_model:
            try:
                outcome.next_words = self._session(engine, language_model, "language-model").update(prefix).next_words(NEXT_WORDS)
            except SentidoError as exc:
                outcome.next_word_error = str(exc)
        outcome.compute_s = time.perf_counter() - started
        outcome.loaded_models = self.started_session
        return outcome

    def sentences(self, engine, text: str, models: list[str]) -> tuple[list[tuple[int, int, str]], dict[str, list[Any]]]:
        spans = split_sentences(text)
        results: dict[str, list[Any]] = {}
        for name in models:
            wanted = [s for _, _, s in spans if (name, s) not in self.sentence_cache]
            if wanted:
                try:
                    for sentence, analysis in zip(wanted, engine.analyze(wanted, model=name)):
                        self.sentence_cache[(name, sentence)] = analysis
                except SentidoError:
                    continue
            results[name] = [self.sentence_cache[(name, s)] for _, _, s in spans]
        if len(self.sentence_cache) > 50_000:  # bound memory on very long editing sessions
            self.sentence_cache.clear()
        return spans, results

    def forget(self) -> None:
        """Drop the sessions (their models moved device). The sentence cache stays valid: same weights."""
        self.sessions.clear()


class TextEditor(QPlainTextEdit):
    """The text area: Tab takes the first suggested word when there is one; text files can be dropped on it."""

    editor_did_request_word = Signal()
    file_did_drop = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.has_suggestion = False
        self.setTabChangesFocus(True)  # without a suggestion, Tab leaves the editor (keyboard users are not trapped)
        self.setAcceptDrops(True)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier and self.has_suggestion:
            self.editor_did_request_word.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        if forward and self.has_suggestion:
            self.editor_did_request_word.emit()  # Tab was consumed by the suggestion
            return True
        return super().focusNextPrevChild(forward)

    def _local_files(self, mime) -> list[str]:
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []

    def dragEnterEvent(self, event) -> None:
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        files = self._local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.file_did_drop.emit(files[0])
        else:
            super().dropEvent(event)


class AnalyzeView(QWidget):
    """Live analysis of the text being typed, with next words and continuations."""

    analysis_did_finish = Signal(object)  # AnalyzeOutcome
    view_did_request_explanation = Signal(str, str)  # text, model
    sentences_did_finish = Signal()
    continuations_did_finish = Signal(list)
    models_did_change = Signal()

    def __init__(self, facade: EngineFacade, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.facade = facade
        self.settings = settings
        self.worker = AnalysisWorker()
        self.debounce_ms = 150
        self.sentence_debounce_ms = 450
        self.last_outcome: AnalyzeOutcome | None = None
        self.last_latency_s: float | None = None
        self._typed_at: float | None = None
        self._cards: dict[str, ResultCard] = {}
        self._suggestions: list[Any] = []
        self._requested: tuple[str, str] | None = None
        self._signed: dict[str, bool] = {}
        self._build()
        self._timer = QTimer(self, singleShot=True, interval=self.debounce_ms)
        self._timer.timeout.connect(self.analyze_now)
        self._sentence_timer = QTimer(self, singleShot=True, interval=self.sentence_debounce_ms)
        self._sentence_timer.timeout.connect(self._analyze_sentences)
        facade.engine_did_start.connect(self.refresh_models)
        facade.registry_did_change.connect(self._signed.clear)
        facade.registry_did_change.connect(self.refresh_models)
        # A plugin installed again under the same model name must not be answered from the old one's cache.
        facade.registry_did_change.connect(
            lambda: facade.run(lambda engine: self.worker.sentence_cache.clear(), lane=facade.background_lane))
        facade.device_did_change.connect(lambda _text: self._after_device_change())

    # -- building -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        root.addWidget(splitter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.welcome = QFrame()
        self.welcome.setObjectName("welcome")
        self.welcome.setFrameShape(QFrame.Shape.StyledPanel)
        welcome_outer = QVBoxLayout(self.welcome)
        welcome_text = QLabel(self.tr("New here? Try Sentido on an example review, or analyse a whole folder of them."))
        welcome_text.setWordWrap(True)
        welcome_outer.addWidget(welcome_text)
        welcome_layout = QHBoxLayout()
        welcome_outer.addLayout(welcome_layout)
        self.example_button = QPushButton(self.tr("Example review"))
        self.example_button.setToolTip(self.tr("Put an example movie review in the text area (Ctrl+E)"))
        self.example_button.clicked.connect(self.load_example)
        welcome_layout.addWidget(self.example_button)
        self.example_batch_button = QPushButton(self.tr("Example batch folder"))
        self.example_batch_button.setToolTip(self.tr("Open the Batch view with the example folder of reviews added"))
        welcome_layout.addWidget(self.example_batch_button)
        welcome_layout.addStretch(1)
        close = QToolButton()
        close.setText("×")
        close.setToolTip(self.tr("Hide this message"))
        close.clicked.connect(self._dismiss_welcome)
        welcome_layout.addWidget(close)
        left_layout.addWidget(self.welcome)
        self.welcome.setVisible(self.settings.first_run)

        self.editor = TextEditor()
        self.editor.setObjectName("analyze-text")
        self.editor.setPlaceholderText(self.tr("Type, paste or drop a text file here. The analysis follows as you type."))
        self.editor.setAccessibleName(self.tr("Text to analyse"))
        self.editor.textChanged.connect(self._text_did_change)
        self.editor.cursorPositionChanged.connect(self._cursor_did_move)
        self.editor.editor_did_request_word.connect(lambda: self.insert_word(0))
        self.editor.file_did_drop.connect(self.open_file)
        left_layout.addWidget(self.editor, 3)

        # "Why this label?": the words that drove the first model, highlighted in the text itself.
        legend_row = QHBoxLayout()
        self.highlight_legend = QLabel("")
        self.highlight_legend.setObjectName("highlight-legend")
        self.highlight_legend.setWordWrap(True)
        legend_row.addWidget(self.highlight_legend, 1)
        self.details_button = QPushButton(self.tr("Details in Inside the model"))
        self.details_button.setObjectName("explain-details")
        self.details_button.setToolTip(self.tr("Attributions, the prediction along the text and more, for the same text"))
        self.details_button.clicked.connect(self.open_details)
        legend_row.addWidget(self.details_button)
        self.details_available = False  # the main window sets it when the Inside view can be loaded
        left_layout.addLayout(legend_row)
        self.highlighted_tokens: list[tuple[int, int, float]] = []  # (start, end, push) of the highlighted words
        self._set_legend_visible(False)

        strip = QHBoxLayout()
        self.next_label = QLabel(self.tr("Next words:"))
        strip.addWidget(self.next_label)
        self.word_buttons: list[QToolButton] = []
        for index in range(NEXT_WORDS):
            button = QToolButton()
            button.setObjectName(f"next-word-{index + 1}")
            button.setAutoRaise(False)
            button.setVisible(False)
            button.clicked.connect(lambda _=False, i=index: self.insert_word(i))
            shortcut = "Tab" if index == 0 else f"Alt+{index + 1}"
            button.setToolTip(self.tr("Insert this word (%1)").replace("%1", shortcut if index else "Tab, Alt+1"))
            strip.addWidget(button)
            self.word_buttons.append(button)
            QShortcut(QKeySequence(f"Alt+{index + 1}"), self, activated=lambda i=index: self.insert_word(i),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        strip.addStretch(1)
        self.latency_label = QLabel("")
        self.latency_label.setToolTip(self.tr("Time the models took for the last update (only new words are read)"))
        self.latency_label.setEnabled(False)
        strip.addWidget(self.latency_label)
        left_layout.addLayout(strip)

        cont = QGroupBox(self.tr("Continue the text"))
        cont_layout = QVBoxLayout(cont)
        row = QHBoxLayout()
        self.continue_button = QPushButton(self.tr("Continue"))
        self.continue_button.setObjectName("continue")
        self.continue_button.setToolTip(self.tr("Suggest continuations by beam search (Ctrl+Return)"))
        self.continue_button.setIcon(icon("continue"))
        self.continue_button.clicked.connect(self.continue_text)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.continue_text,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        row.addWidget(self.continue_button)
        beam_label = QLabel(self.tr("Beam &width"))
        row.addWidget(beam_label)
        self.beam_spin = QSpinBox()
        beam_label.setBuddy(self.beam_spin)
        self.beam_spin.setRange(1, 16)
        self.beam_spin.setValue(4)
        self.beam_spin.setToolTip(self.tr("How many hypotheses beam search keeps at each step"))
        row.addWidget(self.beam_spin)
        length_label = QLabel(self.tr("W&ords"))
        row.addWidget(length_label)
        self.length_spin = QSpinBox()
        length_label.setBuddy(self.length_spin)
        self.length_spin.setRange(1, 40)
        self.length_spin.setValue(8)
        self.length_spin.setToolTip(self.tr("Longest continuation, in words"))
        row.addWidget(self.length_spin)
        row.addStretch(1)
        cont_layout.addLayout(row)
        self.continuations = QListWidget()
        self.continuations.setObjectName("continuations")
        self.continuations.setAccessibleName(self.tr("Continuations"))
        self.continuations.setToolTip(self.tr("Click a continuation (or press Enter on it) to insert it"))
        self.continuations.setMaximumHeight(140)
        self.continuations.itemClicked.connect(self._continuation_chosen)
        self.continuations.itemActivated.connect(self._continuation_chosen)
        cont_layout.addWidget(self.continuations)
        left_layout.addWidget(cont, 1)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        models_box = QGroupBox(self.tr("Models"))
        models_layout = QVBoxLayout(models_box)
        self.model_list = QListWidget()
        self.model_list.setObjectName("compare-models")
        self.model_list.setAccessibleName(self.tr("Sentiment models to compare"))
        self.model_list.setToolTip(self.tr("Tick several models to compare them side by side"))
        self.model_list.setMaximumHeight(110)
        self.model_list.itemChanged.connect(self._models_did_change)
        models_layout.addWidget(self.model_list)
        lm_row = QHBoxLayout()
        lm_label = QLabel(self.tr("&Next-word model"))
        lm_row.addWidget(lm_label)
        self.lm_combo = QComboBox()
        lm_label.setBuddy(self.lm_combo)
        self.lm_combo.setObjectName("language-model")
        self.lm_combo.setToolTip(self.tr("The language model that suggests next words and continuations"))
        self.lm_combo.currentIndexChanged.connect(self._models_did_change)
        lm_row.addWidget(self.lm_combo, 1)
        models_layout.addLayout(lm_row)
        right_layout.addWidget(models_box)

        self.cards_box = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_box)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.addStretch(1)
        self.explain_button = QPushButton(self.tr("Why this label?"))
        self.explain_button.setObjectName("explain")
        self.explain_button.setIcon(icon("inside"))
        self.explain_button.setToolTip(self.tr("Show which words pushed the first model toward its label (Ctrl+I)"))
        self.explain_button.clicked.connect(self.request_explanation)
        self.explain_button.setEnabled(False)  # until there is a result to explain
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.request_explanation,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cards_layout.insertWidget(0, self.explain_button, 0, Qt.AlignmentFlag.AlignRight)
        self.no_models = QLabel(self.tr("No sentiment model is installed yet. Load one in Models & plugins "
                                        "(Ctrl+L), or train one with <code>sentido train</code>."))
        self.no_models.setObjectName("no-models")
        self.no_models.setWordWrap(True)
        self.no_models.setVisible(False)
        self.cards_layout.insertWidget(1, self.no_models)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.cards_box)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        right_layout.addWidget(scroll, 2)

        self.sentence_table = QTableWidget(0, 1)
        self.sentence_table.setObjectName("sentences")
        self.sentence_table.setHorizontalHeaderLabels([self.tr("Sentence")])
        self.sentence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sentence_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sentence_table.verticalHeader().setVisible(False)
        # Model names are long and alike ("sentiment-en-gru"): when squeezed, keep their distinctive end.
        self.sentence_table.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.sentence_table.cellDoubleClicked.connect(self._sentence_chosen)
        self.sentence_table.setToolTip(self.tr("Each sentence scored on its own; double-click to select it in the text"))
        self.sentence_box = QGroupBox(self.tr("Sentence by sentence"))
        sentence_layout = QVBoxLayout(self.sentence_box)
        sentence_layout.addWidget(self.sentence_table)
        right_layout.addWidget(self.sentence_box, 3)
        self.sentence_box.setVisible(False)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self._spans: list[tuple[int, int, str]] = []

    # -- models ---------------------------------------------------------------------------------------------
    def refresh_models(self) -> None:
        """Fill the model pickers from the engine, keeping the user's choice where the models still exist."""
        if not self.facade.is_ready:
            return
        classifiers = [m.name for m in self.facade.models("classification")]
        lms = [m.name for m in self.facade.models("language-model")]
        chosen = [n for n in (self.chosen_models() or self.settings.compare_models) if n in classifiers]
        if not chosen and classifiers:
            try:
                chosen = [self.facade.engine.default_model("classification")]
            except SentidoError:
                chosen = classifiers[:1]
        self.model_list.blockSignals(True)
        self.model_list.clear()
        for name in classifiers:
            spec = self.facade.engine.registry.model(name).spec
            add_check_item(self.model_list, name, name in chosen,
                           tooltip=f"{spec.architecture} · {spec.language} · {', '.join(spec.labels)}")
        self.model_list.blockSignals(False)
        rows = max(1, min(4, self.model_list.count()))
        frame = 2 * self.model_list.frameWidth() + 4
        self.model_list.setMaximumHeight(rows * max(self.model_list.sizeHintForRow(0), self.fontMetrics().height()) + frame)
        current = self.lm_combo.currentText() or self.settings.language_model
        self.lm_combo.blockSignals(True)
        self.lm_combo.clear()
        self.lm_combo.addItems(lms)
        if current in lms:
            self.lm_combo.setCurrentText(current)
        elif lms:
            try:
                self.lm_combo.setCurrentText(self.facade.engine.default_model("language-model"))
            except SentidoError:
                pass
        self.lm_combo.blockSignals(False)
        self._models_did_change()

    def chosen_models(self) -> list[str]:
        return checked_names(self.model_list)

    def set_chosen_models(self, names: list[str]) -> None:
        self.model_list.blockSignals(True)
        set_checked_names(self.model_list, names)
        self.model_list.blockSignals(False)
        self._models_did_change()

    def has_score(self, name: str) -> bool:
        """Whether the model's labels carry a sign (negative..positive); emotions, say, have none."""
        if name not in self._signed:
            try:
                from sentido.engine.inference import label_valence  # torch is loaded by now (the model ran)

                spec = self.facade.engine.registry.model(name).spec
                self._signed[name] = any(value != 0 for value in label_valence(spec))
            except SentidoError:
                return True
        return self._signed[name]

    def language_model(self) -> str | None:
        return self.lm_combo.currentText() or None

    def _models_did_change(self, *_args) -> None:
        chosen = self.chosen_models()
        for name in list(self._cards):
            if name not in chosen:
                card = self._cards.pop(name)
                self.cards_layout.removeWidget(card)
                card.hide()  # at once: deleteLater waits for the event loop
                card.deleteLater()
        for name in chosen:
            if name not in self._cards:
                card = ResultCard(name)
                card.show_message(self.tr("Type or paste some text."))
                self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
                self._cards[name] = card
        if self.model_list.count():
            self.settings.compare_models = chosen
        if self.lm_combo.count():
            self.settings.language_model = self.lm_combo.currentText()
        self.no_models.setVisible(self.facade.is_ready and self.model_list.count() == 0)
        has_lm = self.lm_combo.count() > 0
        self.continue_button.setEnabled(has_lm)
        self.next_label.setEnabled(has_lm)
        self.facade.set_current_models(chosen, self.language_model())
        self.models_did_change.emit()
        self.schedule()

    def _after_device_change(self) -> None:
        self.facade.run(lambda engine: self.worker.forget(), key="forget") if self.facade.is_ready else None
        self.schedule()

    # -- typing ---------------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text and put the cursor at its end, where next words continue."""
        self.editor.setPlainText(text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)

    def prefix(self) -> str:
        """The text before the cursor: next words continue from where the user is typing."""
        cursor = self.editor.textCursor()
        return self.text()[: cursor.position()]

    def _text_did_change(self) -> None:
        if self.highlighted_tokens:
            self.clear_highlights()  # the offsets belong to the old text
        self._typed_at = time.perf_counter()
        if self.text() and self.welcome.isVisible():
            self._dismiss_welcome()
        self.schedule()

    def _cursor_did_move(self) -> None:
        # Moving the cursor changes the prefix the next words continue; typing moves it too, but that is
        # already scheduled by textChanged (the request below is then the same and is skipped).
        if not self._timer.isActive() and self._requested != (self.text(), self.prefix()):
            self.schedule()

    def schedule(self) -> None:
        """Restart the debounce timer (analysis runs when typing pauses for ``debounce_ms``)."""
        if self.debounce_ms <= 0:
            self.analyze_now()
            return
        self._timer.start(self.debounce_ms)
        self._sentence_timer.start(self.sentence_debounce_ms)

    def analyze_now(self) -> None:
        if not self.facade.is_ready:
            return
        text, prefix = self.text(), self.prefix()
        self._requested = (text, prefix)
        self.facade.set_current_text(text)
        self.facade.run(self.worker.analyze, text, prefix, self.chosen_models(), self.language_model(),
                        on_done=self._show_outcome, on_error=self._show_error, key="analyze")
        if self.debounce_ms <= 0:
            self._analyze_sentences()

    def _show_outcome(self, outcome: AnalyzeOutcome) -> None:
        self.last_outcome = outcome
        if self._typed_at is not None and outcome.text == self.text():
            self.last_latency_s = time.perf_counter() - self._typed_at
        words = self.tr("models loaded in %1 ms") if outcome.loaded_models else self.tr("analysed in %1 ms")
        self.latency_label.setText(words.replace("%1", f"{outcome.compute_s * 1000:.0f}"))
        for name, card in self._cards.items():
            if name in outcome.errors:
                card.show_message(outcome.errors[name])
            elif name in outcome.analyses:
                a = outcome.analyses[name]
                card.show_analysis(a.label, a.confidence, a.score, a.probabilities, signed=self.has_score(name))
        self.explain_button.setEnabled(any(a.label is not None for a in outcome.analyses.values()))
        self._show_words(outcome)
        self.analysis_did_finish.emit(outcome)

    def _show_words(self, outcome: AnalyzeOutcome) -> None:
        self._suggestions = list(outcome.next_words)
        for index, button in enumerate(self.word_buttons):
            if index < len(self._suggestions):
                candidate = self._suggestions[index]
                button.setText(f"{candidate.word}  {candidate.probability:.0%}")
                button.setVisible(True)
            else:
                button.setVisible(False)
        self.editor.has_suggestion = bool(self._suggestions)
        if outcome.next_word_error:
            self.next_label.setToolTip(outcome.next_word_error)

    def _show_error(self, exc: BaseException) -> None:
        show_exception(self, exc)

    def suggestions(self) -> list[str]:
        return [c.word for c in self._suggestions]

    def insert_word(self, index: int) -> None:
        if index >= len(self._suggestions):
            return
        cursor = self.editor.textCursor()
        before = self.text()[: cursor.position()]
        cursor.insertText(insertion_for(before, self._suggestions[index].word))
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def request_explanation(self) -> None:
        """Highlight, in the text, the words that pushed the first chosen model toward its label."""
        models = self.chosen_models()
        if not (models and self.text().strip() and self.facade.is_ready):
            return
        self.highlight_legend.setText(self.tr("Finding the words that drove %1…").replace("%1", models[0]))
        self._set_legend_visible(True)
        self.facade.run(explain_words, self.text(), models[0], on_done=self._show_highlights,
                        on_error=self._explanation_failed, key="explain")

    def open_details(self) -> None:
        models = self.chosen_models()
        if self.details_available and models and self.text().strip():
            self.view_did_request_explanation.emit(self.text(), models[0])

    def _explanation_failed(self, exc: BaseException) -> None:
        self.highlight_legend.setText(self.tr("No explanation: %1").replace("%1", str(exc)))
        if not isinstance(exc, SentidoError):
            show_exception(self, exc)

    def _show_highlights(self, explanation) -> None:
        text = self.text()
        if explanation.text != text or explanation.label is None:
            self.clear_highlights()
            return
        # Sentiment reads best as green = pushes positive, red = pushes negative; other label sets show the
        # push toward the predicted label (green) and away from it (red).
        lowered = [label.lower() for label in explanation.labels]
        target = explanation.labels[lowered.index("positive")] if "positive" in lowered else explanation.label
        pushes = [float(v) for v in explanation.toward(target)]
        strongest = max((abs(v) for v in pushes), default=0.0) or 1.0
        positions = utf16_positions(text)
        selections, highlighted = [], []
        for token, push in zip(explanation.tokens, pushes):
            strength = abs(push) / strongest
            if strength < 0.08:
                continue  # leave the words that hardly mattered unmarked, so the important ones stand out
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            start, end = (positions[token.start], positions[token.end]) if positions else (token.start, token.end)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            color = QColor(score_color(1.0 if push > 0 else -1.0))
            color.setAlpha(round(40 + 180 * strength))
            selection.format.setBackground(color)
            selections.append(selection)
            highlighted.append((token.start, token.end, push))
        self.editor.setExtraSelections(selections)
        self.highlighted_tokens = highlighted
        if target.lower() == "positive":
            legend = self.tr("%1 says %2. Green words pushed it toward positive, red ones toward negative; "
                             "stronger colour, stronger push (integrated gradients). Typing clears the colours.")
        else:
            legend = self.tr("%1 says %2. Green words pushed it toward %2, red ones away from it; "
                             "stronger colour, stronger push (integrated gradients). Typing clears the colours.")
        self.highlight_legend.setText(legend.replace("%1", explanation.model).replace("%2", explanation.label))
        self._set_legend_visible(True)

    def clear_highlights(self) -> None:
        self.editor.setExtraSelections([])
        self.highlighted_tokens = []
        self._set_legend_visible(False)

    def _set_legend_visible(self, visible: bool) -> None:
        self.highlight_legend.setVisible(visible)
        self.details_button.setVisible(visible and self.details_available)

    # -- sentences ------------------------------------------------------------------------------------------
    def _analyze_sentences(self) -> None:
        if not self.facade.is_ready:
            return
        text = self.text()
        models = self.chosen_models()
        if not models or not has_sentences(text, 2):
            self.sentence_box.setVisible(False)
            return
        self.facade.run(self.worker.sentences, text, models, on_done=self._show_sentences,
                        on_error=self._show_error, key="sentences", lane=self.facade.background_lane)

    def _show_sentences(self, result) -> None:
        spans, per_model = result
        models = [m for m in self.chosen_models() if m in per_model]
        self._spans = spans
        table = self.sentence_table
        table.setUpdatesEnabled(False)
        table.setColumnCount(1 + len(models))
        table.setHorizontalHeaderLabels([self.tr("Sentence")] + models)
        table.setRowCount(len(spans))
        # Typing changes one sentence: only cells whose text changed are touched (a 10,000-word text has ~600 rows).
        for row, (_, _, sentence) in enumerate(spans):
            self._set_cell(row, 0, sentence)
            for col, name in enumerate(models, start=1):
                analysis = per_model[name][row]
                # Short cells leave the room to the sentences: three letters of the label and the score (the
                # colour says the same; the tooltip has it in full).
                signed = self.has_score(name)
                figure = f"{analysis.score:+.2f}" if signed else f"{analysis.confidence:.0%}"
                short = f"{analysis.label[:3]} {figure}" if analysis.label else "—"
                item = self._set_cell(row, col, short)
                if item is not None:
                    color = QColor(score_color(analysis.score if signed else 0.0))
                    color.setAlpha(70)
                    item.setBackground(color)
                    item.setToolTip(f"{name}: {analysis.label}, score {analysis.score:+.2f} ("
                                    + ", ".join(f"{k} {v:.0%}" for k, v in analysis.probabilities.items()) + ")")
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        cell_width = table.fontMetrics().horizontalAdvance("neg +0.00") + 20
        for col, name in enumerate(models, start=1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, cell_width)
            table.horizontalHeaderItem(col).setToolTip(name)
        table.setUpdatesEnabled(True)
        self.sentence_box.setVisible(len(spans) >= 2)
        self.sentences_did_finish.emit()

    def _set_cell(self, row: int, col: int, text: str) -> QTableWidgetItem | None:
        """Set a cell's text; returns the item when it changed (None when it already showed ``text``)."""
        item = self.sentence_table.item(row, col)
        if item is not None and item.text() == text:
            return None
        if item is None:
            item = QTableWidgetItem(text)
            self.sentence_table.setItem(row, col, item)
        else:
            item.setText(text)
        return item

    def _sentence_chosen(self, row: int, _column: int) -> None:
        if row < len(self._spans):
            start, end, _ = self._spans[row]
            cursor = self.editor.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            self.editor.setTextCursor(cursor)
            self.editor.setFocus()

    # -- continuations --------------------------------------------------------------------------------------
    def continue_text(self) -> None:
        model = self.language_model()
        if not model or not self.facade.is_ready:
            return
        prefix, width, length = self.prefix(), self.beam_spin.value(), self.length_spin.value()
        self.continue_button.setEnabled(False)
        self.continuations.clear()
        self.continuations.addItem(self.tr("Searching…"))

        def done(results):
            self.continue_button.setEnabled(True)
            self.continuations.clear()
            for continuation in results:
                item = QListWidgetItem(self.tr("…%1    score %2").replace("%1", continuation.text)
                                       .replace("%2", f"{continuation.log_probability:.1f}"))
                item.setData(Qt.ItemDataRole.UserRole, continuation.text)
                item.setToolTip(self.tr("log-probability %1, per word %2")
                                .replace("%1", f"{continuation.log_probability:.2f}")
                                .replace("%2", f"{continuation.mean_log_probability:.2f}"))
                self.continuations.addItem(item)
            self.continuations_did_finish.emit(results)

        def failed(exc):
            self.continue_button.setEnabled(True)
            self.continuations.clear()
            show_exception(self, exc)

        self.facade.run(lambda engine: engine.continue_text(prefix, beam_width=width, max_words=length, model=model),
                        on_done=done, on_error=failed, key="continue")

    def _continuation_chosen(self, item: QListWidgetItem) -> None:
        text = item.data(Qt.ItemDataRole.UserRole)
        if not text:
            return
        cursor = self.editor.textCursor()
        cursor.insertText(insertion_for(self.text()[: cursor.position()], text))
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    # -- files and examples ---------------------------------------------------------------------------------
    def open_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a text file"), self.settings.last_folder(),
                                                  self.tr("Text files (*.txt *.md *.csv);;All files (*)"))
            if not path:
                return
        try:
            text = read_text_file(Path(path))
        except SentidoError as exc:
            show_exception(self, exc)
            return
        self.settings.set_last_folder(str(Path(path).parent))
        self.set_text(text)

    def load_example(self) -> None:
        from sentido.engine.paths import resources_dir

        self.open_file(str(resources_dir() / "samples" / "example.txt"))

    def _dismiss_welcome(self) -> None:
        self.welcome.setVisible(False)
        self.settings.mark_first_run_done()

    def actions(self) -> list[QAction]:
        """Menu actions this view offers (the main window puts them in the menus)."""
        open_action = QAction(icon("open"), self.tr("&Open text file…"), self, shortcut=QKeySequence.StandardKey.Open)
        open_action.setToolTip(self.tr("Open a text file in the Analyze view"))
        open_action.triggered.connect(lambda: self.open_file())
        example = QAction(self.tr("Example &review"), self, shortcut=QKeySequence("Ctrl+E"))
        example.triggered.connect(self.load_example)
        cont = QAction(self.tr("&Continue text"), self)
        cont.setShortcut(QKeySequence("Ctrl+Return"))
        cont.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the view's own shortcut fires; this is for the menu
        cont.triggered.connect(self.continue_text)
        return [open_action, example, cont]
