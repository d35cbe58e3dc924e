"""Word neighbours: nearest words in a model's embedding space or a word-vector file, and a 2-D map of words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)
from PySide6.QtCore import Qt

from sentido.desktop.inside.common import Page
from sentido.desktop.inside.plots import PlotPanel, draw_projection

WORDS_EXAMPLE = "good, great, excellent, wonderful, bad, awful, terrible, boring, movie, film, actor, story"


def _space(engine, source: str, cached, vector_format: str = "auto", limit: int | None = None):
    """``source`` is ``model:NAME`` or ``file:PATH`` (strings, because Qt item data compares them reliably)."""
    from sentido.engine import explain

    if cached is not None:
        return cached
    kind, _, name = source.partition(":")
    if kind == "model":
        return explain.model_vectors(engine.load(name, engine.registry.model(name).spec.task))
    return explain.load_word_vectors(name, format=vector_format, limit=limit)


def _neighbours(engine, source, cached, word: str, k: int):
    space = _space(engine, source, cached)
    return space, space.neighbours(word, k)


def _project(engine, source, cached, words: list[str]):
    space = _space(engine, source, cached)
    return space, space.project(words)


class NeighboursPage(Page):
    def __init__(self, backend, parent: QWidget | None = None):
        super().__init__(backend, parent)
        self._spaces: dict[str, object] = {}
        self.source_combo = QComboBox()
        self.source_combo.setToolTip(self.tr("A model's embedding layer, or a word-vector file you opened"))
        self.open_button = QPushButton(self.tr("&Open vectors…"))
        self.open_button.setToolTip(self.tr("word2vec (.txt/.bin), GloVe (.txt) or fastText (.vec/.bin) vectors"))
        self.open_button.clicked.connect(self._ask_file)
        self.format_combo = QComboBox()
        for label, value in ((self.tr("Detect format"), "auto"), (self.tr("word2vec text"), "word2vec"),
                             (self.tr("word2vec binary"), "word2vec-binary"), (self.tr("GloVe text"), "glove"),
                             (self.tr("fastText .bin"), "fasttext")):
            self.format_combo.addItem(label, value)
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(0, 5_000_000)
        self.limit_spin.setSingleStep(50_000)
        self.limit_spin.setValue(200_000)
        self.limit_spin.setSpecialValueText(self.tr("all words"))
        self.limit_spin.setToolTip(self.tr("Read only the first (most frequent) words of a large file"))
        self.word_edit = QLineEdit("good")
        self.word_edit.setPlaceholderText(self.tr("a word"))
        self.word_edit.returnPressed.connect(self.find)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 100)
        self.k_spin.setValue(12)
        self.find_button = QPushButton(self.tr("&Find neighbours"))
        self.find_button.clicked.connect(self.find)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Word"), self.tr("Cosine similarity")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.words_edit = QLineEdit(WORDS_EXAMPLE)
        self.words_edit.setPlaceholderText(self.tr("words to place on the map, separated by commas"))
        self.words_edit.returnPressed.connect(self.project)
        self.add_button = QPushButton(self.tr("Add neighbours"))
        self.add_button.setToolTip(self.tr("Put the word and its neighbours on the map"))
        self.add_button.clicked.connect(self._add_neighbours)
        self.project_button = self.make_run_button(self.tr("&Draw map"), self.project)
        self.plot = PlotPanel("word-map", height=4.5)

        source_row = QHBoxLayout()
        source_row.addWidget(QLabel(self.tr("Space:")))
        source_row.addWidget(self.source_combo, 1)
        source_row.addWidget(self.format_combo)
        source_row.addWidget(QLabel(self.tr("Words:")))
        source_row.addWidget(self.limit_spin)
        source_row.addWidget(self.open_button)
        word_row = QHBoxLayout()
        word_row.addWidget(QLabel(self.tr("Word:")))
        word_row.addWidget(self.word_edit, 1)
        word_row.addWidget(QLabel(self.tr("k:")))
        word_row.addWidget(self.k_spin)
        word_row.addWidget(self.find_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(word_row)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.add_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        map_row = QHBoxLayout()
        map_row.addWidget(self.words_edit, 1)
        map_row.addWidget(self.project_button)
        right_layout.addLayout(map_row)
        right_layout.addWidget(self.plot, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(source_row)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.neighbours: list[tuple[str, float]] = []
        self.projection = None
        self.refresh_models()

    # -- sources --------------------------------------------------------------------------------------------
    def refresh_models(self) -> None:
        current = self.source_combo.currentData()
        files = [self.source_combo.itemData(i) for i in range(self.source_combo.count())
                 if str(self.source_combo.itemData(i)).startswith("file:")]
        self.source_combo.clear()
        for entry in self.backend.models():
            self.source_combo.addItem(f"{entry.name}  ({entry.spec.architecture}, {entry.spec.task})", f"model:{entry.name}")
        for source in files:
            self.source_combo.addItem(Path(source.partition(":")[2]).name, source)
        sources = [self.source_combo.itemData(i) for i in range(self.source_combo.count())]
        if current in sources:
            self.source_combo.setCurrentIndex(sources.index(current))
        self._spaces = {k: v for k, v in self._spaces.items() if k in sources}

    def _ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open word vectors"), "",
                                              self.tr("Word vectors (*.txt *.vec *.bin *.gz);;All files (*)"))
        if path:
            self.open_vectors(path)

    def open_vectors(self, path: str | Path) -> None:
        """Read a word-vector file on a worker; it becomes the current space when it is ready."""
        source = f"file:{path}"
        limit = self.limit_spin.value() or None

        def done(space) -> None:
            self._spaces[source] = space
            if self.source_combo.findData(source) < 0:
                self.source_combo.addItem(Path(path).name, source)
            self.source_combo.setCurrentIndex(self.source_combo.findData(source))
            self.show_message(self.tr("{0}: {1:,} words, {2} dimensions").format(Path(path).name, len(space),
                                                                                  space.dimensions), error=False)

        self.submit(_space, source, None, self.format_combo.currentData(), limit, on_done=done)

    def _current(self):
        source = self.source_combo.currentData()
        return source, self._spaces.get(source)

    # -- actions --------------------------------------------------------------------------------------------
    def find(self) -> None:
        source, cached = self._current()
        word = self.word_edit.text().strip()
        if source is None:
            self.show_message(self.tr("No model or vector file to look in."))
            return
        if not word:
            self.show_message(self.tr("Type a word first."))
            return

        def done(result) -> None:
            space, self.neighbours = result
            self._spaces[source] = space
            self.table.setRowCount(len(self.neighbours))
            for row, (neighbour, similarity) in enumerate(self.neighbours):
                self.table.setItem(row, 0, QTableWidgetItem(neighbour))
                self.table.setItem(row, 1, QTableWidgetItem(f"{similarity:.3f}"))

        self.submit(_neighbours, source, cached, word, self.k_spin.value(), on_done=done)

    def _add_neighbours(self) -> None:
        word = self.word_edit.text().strip()
        words = [word] + [w for w, _ in self.neighbours] if word else [w for w, _ in self.neighbours]
        if words:
            self.words_edit.setText(", ".join(words))
            self.project()

    def project(self) -> None:
        source, cached = self._current()
        words = [w.strip() for w in self.words_edit.text().replace(";", ",").split(",") if w.strip()]
        if source is None:
            self.show_message(self.tr("No model or vector file to look in."))
            return

        def done(result) -> None:
            space, self.projection = result
            self._spaces[source] = space
            self.plot.draw(draw_projection, self.projection, space.source, self.word_edit.text().strip())
            missing = self.projection.missing
            self.plot.note.setText(self.tr("Not in the vocabulary: {0}").format(", ".join(missing)) if missing else
                                   self.tr("Words used alike sit close together."))

        self.submit(_project, source, cached, words, on_done=done)
