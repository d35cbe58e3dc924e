"""The Batch view: many files through one or more models into a results file, with live progress.

It drives the engine's ``run_batch`` (the same function the CLI uses) on the batch lane, so typing in the Analyze
view stays live during a run. Progress is read from the shared ``ProgressState`` by a GUI timer; the worker never
touches a widget. Cancel sets ``state.cancel()``: the run stops at the end of its current chunk (about half a
second) and keeps, finalised, what it wrote.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QSplitter, QStyle, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from sentido.desktop.errors import is_out_of_memory, show_exception
from sentido.desktop.facade import EngineFacade
from sentido.desktop.settings import Settings
from sentido.desktop.theme import icon
from sentido.desktop.widgets import BarChart, add_check_item, checked_names, set_checked_names
from sentido.engine.errors import SentidoError

FORMATS = [("CSV", ".csv"), ("JSON Lines", ".jsonl"), ("Parquet", ".parquet")]


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _table_columns(engine, inputs: list[str], limit: int = 50) -> tuple[list[str], list[dict]]:
    """(every column of the tables among ``inputs``, in order of appearance; one entry per table, the first
    ``limit``: its path, columns, automatic text column and its warning, or why it has none). The automatic
    column comes from the engine's own rule (``engine.batch.columns``), the one a run uses."""
    from sentido.engine.batch import list_inputs
    from sentido.engine.batch.columns import choose_text_column, column_warning, is_table, score_columns, table_head
    from sentido.engine.batch.readers import SkipFile, format_of

    try:
        files = list_inputs(inputs, True)
    except SentidoError:
        return [], []
    union: dict[str, None] = {}
    tables = []
    for path in files[:200]:
        if not is_table(path) or not format_of(path):  # Parquet is not a batch input yet
            continue
        if len(tables) >= limit:
            break
        entry = {"path": str(path), "columns": [], "column": None, "warning": None, "error": None, "warnings": {}}
        try:
            header, rows = table_head(path)
            entry["columns"] = header
            union.update(dict.fromkeys(header))
            if header:
                choice = choose_text_column(header, rows)
                entry["column"], entry["warning"] = choice.column, choice.warning
            entry["warnings"] = {c.name: column_warning(c) for c in score_columns(header, rows)}
        except SkipFile as exc:
            entry["error"] = str(exc)
        tables.append(entry)
    return list(union), tables


class BatchView(QWidget):
    columns_did_change = Signal(list)
    batch_did_start = Signal()
    batch_did_finish = Signal(object)  # BatchSummary
    batch_did_fail = Signal(object)

    def __init__(self, facade: EngineFacade, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.facade = facade
        self.settings = settings
        self.state = None
        self.summary = None
        self._started_at = 0.0
        self.tables: list[dict] = []  # per table input: its columns and automatic text column (_table_columns)
        self._drop_stale_column = False
        self.setAcceptDrops(True)
        self._build()
        self._poll = QTimer(self, interval=200)
        self._poll.timeout.connect(self._show_progress)
        facade.engine_did_start.connect(self.refresh_models)
        facade.registry_did_change.connect(self.refresh_models)

    # -- building -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)

        setup = QWidget()
        setup_layout = QVBoxLayout(setup)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        inputs_box = QGroupBox(self.tr("Input files and folders"))
        inputs_layout = QVBoxLayout(inputs_box)
        self.inputs = QListWidget()
        self.inputs.setObjectName("batch-inputs")
        self.inputs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.inputs.setToolTip(self.tr("Text, CSV/TSV and JSONL files, or folders of them; drop them here"))
        inputs_layout.addWidget(self.inputs)
        row = QHBoxLayout()
        self.add_files_button = QPushButton(self.tr("Add files…"))
        self.add_files_button.setToolTip(self.tr("Add text, CSV or JSONL files (Ctrl+Shift+O)"))
        self.add_files_button.setIcon(icon("open"))
        self.add_files_button.clicked.connect(self.choose_files)
        self.add_folder_button = QPushButton(self.tr("Add folder…"))
        self.add_folder_button.setToolTip(self.tr("Add every supported file in a folder and its sub-folders"))
        self.add_folder_button.clicked.connect(self.choose_folder)
        self.example_button = QPushButton(self.tr("Example folder"))
        self.example_button.setToolTip(self.tr("Add the example folder of reviews that ships with Sentido"))
        self.example_button.clicked.connect(self.add_example)
        self.remove_input_button = QPushButton(self.tr("Remove"))
        self.remove_input_button.setToolTip(self.tr("Remove the selected inputs from the list (Delete)"))
        self.remove_input_button.clicked.connect(self.remove_selected_inputs)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.inputs,
                           context=Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected_inputs)
        for button in (self.add_files_button, self.add_folder_button, self.example_button, self.remove_input_button):
            row.addWidget(button)
        inputs_layout.addLayout(row)
        setup_layout.addWidget(inputs_box, 2)

        options_box = QGroupBox(self.tr("How"))
        form = QFormLayout(options_box)
        self.column_combo = QComboBox()
        self.column_combo.setObjectName("text-column")
        self.column_combo.setToolTip(self.tr("Which CSV column or JSONL field holds the text"))
        self.column_combo.addItem(self.tr("(automatic)"), None)
        form.addRow(self.tr("Text column"), self.column_combo)
        self.column_choice = QLabel("")
        self.column_choice.setObjectName("text-column-choice")
        self.column_choice.setWordWrap(True)
        self.column_choice.setToolTip(self.tr("The column each table is read from; choose another above"))
        self.column_combo.currentIndexChanged.connect(self._show_column_choice)
        form.addRow("", self.column_choice)
        self.per_line = QCheckBox(self.tr("One text per line in .txt files"))
        self.per_line.setToolTip(self.tr("Otherwise each .txt file is one document"))
        form.addRow("", self.per_line)
        self.models = QListWidget()
        self.models.setObjectName("batch-models")
        self.models.setMaximumHeight(100)
        self.models.setToolTip(self.tr("Tick the models to run; each adds one row per text"))
        form.addRow(self.tr("Models"), self.models)
        self.precision_combo = QComboBox()
        self.precision_combo.setObjectName("batch-precision")
        self.precision_combo.setToolTip(self.tr(
            "Full precision (float32) is the reference. int8 (CPU) and half precision (bfloat16 on CPUs that have it, float16 on a "
            "GPU) run faster and change accuracy by a few tenths of a point at most (measured: docs/batch.md)"))
        self.precision_combo.addItem(self.tr("Full (float32)"), "fp32")
        self.precision_combo.addItem(self.tr("int8, quantized (CPU)"), "int8")
        self.precision_combo.addItem(self.tr("Half (bfloat16 or float16)"), "half")
        form.addRow(self.tr("Precision"), self.precision_combo)
        out_row = QHBoxLayout()
        self.output_edit = QLineEdit()
        self.output_edit.setObjectName("batch-output")
        self.output_edit.setPlaceholderText(self.tr("results.csv"))
        self.output_edit.setToolTip(self.tr("Where the results are written"))
        out_row.addWidget(self.output_edit, 1)
        self.format_combo = QComboBox()
        self.format_combo.setToolTip(self.tr("Output format"))
        for name, suffix in FORMATS:
            self.format_combo.addItem(name, suffix)
        self.format_combo.currentIndexChanged.connect(self._format_did_change)
        out_row.addWidget(self.format_combo)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setToolTip(self.tr("Choose the output file"))
        self.browse_button.clicked.connect(self.choose_output)
        out_row.addWidget(self.browse_button)
        form.addRow(self.tr("Output"), out_row)
        self.resume = QCheckBox(self.tr("Resume an interrupted run into this output"))
        self.resume.setToolTip(self.tr("Skip what an earlier, cancelled run already wrote"))
        form.addRow("", self.resume)
        setup_layout.addWidget(options_box, 2)

        controls = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setObjectName("batch-start")
        self.start_button.setToolTip(self.tr("Run the batch (Ctrl+R)"))
        self.start_button.setIcon(icon("start"))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("batch-cancel")
        self.cancel_button.setToolTip(self.tr("Stop after the current chunk, keeping what was written (Esc)"))
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(lambda: self.cancel())
        self.cancel_button.setEnabled(False)
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton(self.tr("Open results"))
        self.open_button.setToolTip(self.tr("Open the results file with the system's default application"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_results)
        controls.addWidget(self.start_button)
        controls.addWidget(self.cancel_button)
        controls.addStretch(1)
        controls.addWidget(self.open_button)
        setup_layout.addLayout(controls)
        splitter.addWidget(setup)

        progress = QWidget()
        progress_layout = QVBoxLayout(progress)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setObjectName("batch-progress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        progress_layout.addWidget(self.progress)
        grid = QGridLayout()
        self.rows_label, self.files_label, self.speed_label, self.eta_label = QLabel("0"), QLabel("0 / 0"), QLabel("—"), QLabel("—")
        for col, (title, label) in enumerate([(self.tr("Texts read"), self.rows_label), (self.tr("Files"), self.files_label),
                                              (self.tr("Texts/s"), self.speed_label), (self.tr("Time left"), self.eta_label)]):
            caption = QLabel(title)
            caption.setEnabled(False)
            grid.addWidget(caption, 0, col)
            grid.addWidget(label, 1, col)
        progress_layout.addLayout(grid)
        self.message = QLabel("")
        self.message.setObjectName("batch-message")
        self.message.setWordWrap(True)
        progress_layout.addWidget(self.message)
        self.files_table = QTableWidget(0, 2)
        self.files_table.setObjectName("batch-files")
        self.files_table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Status")])
        self.files_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_table.verticalHeader().setVisible(False)
        self.files_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.files_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.files_table.setWordWrap(False)
        progress_layout.addWidget(self.files_table, 2)
        self.chart = BarChart()
        self.chart.setObjectName("label-chart")
        progress_layout.addWidget(self.chart, 1)
        splitter.addWidget(progress)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

    def actions(self) -> list[QAction]:
        add = QAction(self.tr("Add &files to batch…"), self, shortcut=QKeySequence("Ctrl+Shift+O"))
        add.triggered.connect(self.choose_files)
        start = QAction(self.tr("&Start batch"), self, shortcut=QKeySequence("Ctrl+R"))
        start.triggered.connect(self.start)
        cancel = QAction(self.tr("&Cancel batch"), self, shortcut=QKeySequence("Ctrl+."))
        cancel.triggered.connect(self.cancel)
        return [add, start, cancel]

    # -- inputs ---------------------------------------------------------------------------------------------
    def input_paths(self) -> list[str]:
        return [self.inputs.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.inputs.count())]

    def add_inputs(self, paths) -> None:
        have = set(self.input_paths())
        for path in map(str, paths):
            if path in have:
                continue
            kind = QStyle.StandardPixmap.SP_DirIcon if Path(path).is_dir() else QStyle.StandardPixmap.SP_FileIcon
            item = QListWidgetItem(self.style().standardIcon(kind), path)
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.inputs.addItem(item)
            have.add(path)
        self._refresh_columns()
        if not self.output_edit.text() and self.input_paths():
            first = Path(self.input_paths()[0])
            folder = first if first.is_dir() else first.parent
            self.output_edit.setText(str(folder.parent / f"{folder.name}-results{self.format_combo.currentData()}"))

    def remove_selected_inputs(self) -> None:
        if self.running:  # the Delete key reaches the list while a run reads it
            return
        for item in self.inputs.selectedItems():
            self.inputs.takeItem(self.inputs.row(item))
        self._refresh_columns(removed=True)

    def add_example(self) -> None:
        from sentido.engine.paths import resources_dir

        folder = resources_dir() / "samples" / "batch"
        if not folder.is_dir():
            self.message.setText(self.tr("The example folder is missing from this installation."))
            return
        self.add_inputs([folder])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add files"), self.settings.last_folder(),
                                                self.tr("Texts and tables (*.txt *.md *.csv *.tsv *.jsonl *.ndjson *.gz);;All files (*)"))
        if files:
            self.settings.set_last_folder(str(Path(files[0]).parent))
            self.add_inputs(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder"), self.settings.last_folder())
        if folder:
            self.settings.set_last_folder(folder)
            self.add_inputs([folder])

    def choose_output(self) -> None:
        suffix = self.format_combo.currentData()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save results as"), self.output_edit.text(),
                                              self.tr("Results (*%1)").replace("%1", suffix))
        if path:
            if not Path(path).suffix:
                path += suffix
            self.output_edit.setText(path)

    def _format_did_change(self) -> None:
        text = self.output_edit.text()
        if text:
            self.output_edit.setText(str(Path(text).with_suffix(self.format_combo.currentData())))

    def _refresh_columns(self, removed: bool = False) -> None:
        """Offer the columns of the CSV/JSONL inputs and show the column each is read from (their first rows
        only), found on a worker: listing a big folder takes time. After a removal, a column choice that no
        remaining table has is dropped."""
        if removed:
            self._drop_stale_column = True
        if not self.facade.is_ready:
            return
        self.facade.run(_table_columns, self.input_paths(), on_done=self._show_columns,
                        on_error=lambda exc: self._show_columns(([], [])), key="columns", lane=self.facade.background_lane)

    def _show_columns(self, found: tuple[list[str], list[dict]]) -> None:
        columns, self.tables = found
        current = self.column_combo.currentData()
        if self._drop_stale_column and current not in columns:
            current = None  # its file is gone
        self._drop_stale_column = False
        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.column_combo.addItem(self.tr("(automatic)"), None)
        for column in columns:
            self.column_combo.addItem(column, column)
        index = self.column_combo.findData(current)
        if index < 0 and current:
            self.column_combo.addItem(current, current)
            index = self.column_combo.count() - 1
        self.column_combo.setCurrentIndex(max(0, index))
        self.column_combo.blockSignals(False)
        self._show_column_choice()
        self.columns_did_change.emit(list(columns))

    def text_columns(self) -> dict[str, str | None]:
        """The column each listed table will be read from (``None``: it has none, or lacks the named one)."""
        named = self.column_combo.currentData()
        return {t["path"]: (named if named in t["columns"] else None) if named else t["column"]
                for t in self.tables}

    def _show_column_choice(self) -> None:
        named = self.column_combo.currentData()
        lines = []
        for table in self.tables:
            name = self._short_name(table["path"])
            if table["error"] and not named:
                lines.append(self.tr("%1: no text column (%2)").replace("%1", name).replace("%2", table["error"]))
            elif named and named not in table["columns"]:
                lines.append(self.tr("%1: has no column %2; it will be skipped").replace("%1", name).replace("%2", repr(named)))
            else:
                if named:
                    line, warning = self.tr("%1: %2 (chosen by you)").replace("%1", name).replace("%2", named), table["warnings"].get(named)
                else:
                    line = self.tr("%1: %2 (automatic: longest prose)").replace("%1", name).replace("%2", table["column"] or "—")
                    warning = table["warning"]
                if warning:
                    line += " — " + self.tr("warning: %1").replace("%1", warning)
                lines.append(line)
        self.column_choice.setText("\n".join(lines))

    def set_text_column(self, name: str | None) -> None:
        index = self.column_combo.findData(name)
        if index < 0 and name:
            self.column_combo.addItem(name, name)
            index = self.column_combo.count() - 1
        self.column_combo.setCurrentIndex(max(0, index))

    # -- models ---------------------------------------------------------------------------------------------
    def _refresh_precisions(self) -> None:
        """int8 runs on the CPU only; half precision on a GPU, or on a CPU with bfloat16 instructions."""
        from sentido.engine.batch.analysis import cpu_has_bf16

        device = self.facade.engine.device.type if self.facade.is_ready else "cpu"
        allowed = {"fp32": True, "int8": device == "cpu", "half": device != "cpu" or cpu_has_bf16()}
        model = self.precision_combo.model()
        for row in range(self.precision_combo.count()):
            model.item(row).setEnabled(allowed[self.precision_combo.itemData(row)])
        if not allowed[self.precision_combo.currentData()]:
            self.precision_combo.setCurrentIndex(0)

    def refresh_models(self) -> None:
        self._refresh_precisions()
        chosen = set(self.chosen_models())
        names = [m.name for m in self.facade.models("classification")]
        if not chosen and names:
            try:
                chosen = {self.facade.engine.default_model("classification")}
            except SentidoError:
                chosen = {names[0]}
        self.models.clear()
        for name in names:
            add_check_item(self.models, name, name in chosen)
        self._refresh_columns()

    def chosen_models(self) -> list[str]:
        return checked_names(self.models)

    def set_chosen_models(self, names: list[str]) -> None:
        set_checked_names(self.models, names)

    # -- running --------------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.state is not None

    def start(self) -> None:
        if self.running or not self.facade.is_ready:
            return
        inputs, models, output = self.input_paths(), self.chosen_models(), self.output_edit.text().strip()
        problems = []
        if not inputs:
            problems.append(self.tr("Add at least one file or folder."))
        if not models:
            problems.append(self.tr("Tick at least one model."))
        if not output:
            problems.append(self.tr("Choose an output file."))
        if problems:
            self.message.setText(" ".join(problems))
            return
        from sentido.engine.batch import BatchOptions, ProgressState, run_batch

        precision = self.precision_combo.currentData()
        options = BatchOptions(text_column=self.column_combo.currentData(), per_line=self.per_line.isChecked(),
                               batch_size=self.settings.batch_size, resume=self.resume.isChecked(),
                               quantize=precision == "int8", half=precision == "half")
        self.state = state = ProgressState()
        self.summary = None
        self._started_at = time.perf_counter()
        self.files_table.setRowCount(0)
        self.chart.set_data({})
        self.message.setText(self.tr("Starting…"))
        self.progress.setValue(0)
        self._set_running(True)
        self._poll.start()
        engine = self.facade.engine
        self.batch_did_start.emit()
        self.facade.batch_lane.submit(
            lambda: run_batch(inputs, models, output, engine=engine, options=options, state=state),
            on_done=self._did_finish, on_error=self._did_fail,
        )

    def cancel(self) -> None:
        if self.state is not None:
            self.state.cancel()
            self.message.setText(self.tr("Cancelling: finishing the current chunk…"))
            self.cancel_button.setEnabled(False)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.add_files_button, self.add_folder_button, self.example_button, self.remove_input_button,
                       self.models, self.output_edit, self.format_combo, self.browse_button, self.column_combo,
                       self.precision_combo, self.per_line, self.resume):
            widget.setEnabled(not running)

    def _show_progress(self) -> None:
        state = self.state
        if state is None:
            return
        self.rows_label.setText(f"{state.rows_done:,}")
        self.files_label.setText(f"{state.files_done} / {state.files_total}")
        self.speed_label.setText(f"{state.docs_per_s:,.0f}" if state.docs_per_s else "—")
        self.eta_label.setText(format_duration(state.eta_s))
        if state.fraction is not None:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * state.fraction))
        elif state.files_total:
            self.progress.setValue(int(1000 * state.files_done / state.files_total))
        if not state.cancelled and state.current_file:
            self.message.setText(self.tr("Reading %1").replace("%1", Path(state.current_file).name))
        self._show_files(dict(state.file_status))

    def _show_files(self, statuses: dict[str, str]) -> None:
        table = self.files_table
        if table.rowCount() != len(statuses):
            table.setRowCount(len(statuses))
        for row, (path, status) in enumerate(statuses.items()):
            for col, (text, tip) in enumerate(((self._short_name(path), str(path)), (self._status_text(status),) * 2)):
                item = table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    item.setData(Qt.ItemDataRole.UserRole, str(path))
                    table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
                    item.setToolTip(tip)

    def _short_name(self, path) -> str:
        """The file's path below the input folder it came from (the full path is in the tooltip)."""
        path = Path(path)
        for root in map(Path, self.input_paths()):
            if root.is_dir() and path.is_relative_to(root):
                return str(path.relative_to(root))
        return path.name

    def _status_text(self, status: str) -> str:
        if status == "done":
            return self.tr("done")
        if status == "running":
            return self.tr("running…")
        if status.startswith("skipped"):
            return self.tr("skipped: %1").replace("%1", status.partition(":")[2].strip())
        return status

    def _finish(self) -> None:
        self._poll.stop()
        self._show_progress()
        self.state = None
        self._set_running(False)

    def _did_finish(self, summary) -> None:
        self._finish()
        self.summary = summary
        self.progress.setValue(self.progress.maximum() if not summary.cancelled else self.progress.value())
        for path, reason in summary.skipped:
            self._mark_skipped(path, reason)
        one = summary.rows_written == 1
        if summary.cancelled:
            words = self.tr("Cancelled: 1 row kept in %2.") if one else self.tr("Cancelled: %1 rows kept in %2.")
        else:
            words = self.tr("Done: 1 row written to %2.") if one else self.tr("Done: %1 rows written to %2.")
        text = words.replace("%1", f"{summary.rows_written:,}").replace("%2", Path(summary.output).name)
        text += " " + self.tr("%1 s.").replace("%1", f"{summary.seconds:.1f}")
        if summary.skipped:
            skipped = len(summary.skipped)
            files = self.tr("1 file skipped (see the list).") if skipped == 1 else self.tr("%1 files skipped (see the list).")
            text += " " + files.replace("%1", str(skipped))
        if summary.warnings:
            text += "\n" + "\n".join(summary.warnings[:5])
        if summary.errors_report:
            text += "\n" + self.tr("Problems are listed in %1.").replace("%1", Path(summary.errors_report).name)
        self.message.setText(text)
        self.chart.set_data(summary.label_counts)
        self.open_button.setEnabled(Path(summary.output).exists())
        self.batch_did_finish.emit(summary)

    def _mark_skipped(self, path: str, reason: str) -> None:
        for row in range(self.files_table.rowCount()):
            item = self.files_table.item(row, 0)
            if item and item.data(Qt.ItemDataRole.UserRole) == str(path):
                self.files_table.item(row, 1).setText(self.tr("skipped: %1").replace("%1", reason))
                return
        row = self.files_table.rowCount()
        self.files_table.insertRow(row)
        item = QTableWidgetItem(self._short_name(path))
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        self.files_table.setItem(row, 0, item)
        self.files_table.setItem(row, 1, QTableWidgetItem(self.tr("skipped: %1").replace("%1", reason)))

    def _did_fail(self, exc: BaseException) -> None:
        self._finish()
        self.message.setText(str(exc) if isinstance(exc, SentidoError) else self.tr("The batch failed."))
        self.batch_did_fail.emit(exc)
        if not isinstance(exc, SentidoError) or is_out_of_memory(exc):
            show_exception(self, exc)  # a bug or an out-of-memory; known problems stay in the panel (no modal)

    def open_results(self) -> None:
        if self.summary is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary.output)))

    # -- drag and drop --------------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.add_inputs(paths)
            event.acceptProposedAction()
