"""Batch analysis: inputs, encodings, bad input, outputs, long texts, cancel and resume (no subprocess here)."""

from __future__ import annotations

import codecs
import csv
import gzip
import json
from pathlib import Path

import pytest
import torch

from sentido.engine.api import Engine
from sentido.engine.batch import BatchOptions, ProgressState, list_inputs, peek_columns, run_batch
from sentido.engine.batch.readers import detect_encoding, SkipFile
from sentido.engine.bundle import save_model_plugin
from sentido.engine.errors import InputError
from tests.helpers import save_tiny, tiny_model, tiny_tokenizer

MODEL = "tiny-lstm-cls"


@pytest.fixture(scope="module")
def plugins(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("batch-models")
    return [save_tiny(root, "lstm", "classification"), save_tiny(root, "gru", "classification")]


@pytest.fixture
def engine(plugins) -> Engine:
    return Engine("cpu", plugin_paths=plugins)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(engine, inputs, output, **options) -> tuple:
    summary = run_batch(inputs, [MODEL], output, engine=engine, options=BatchOptions(**options))
    return summary, read_csv(output) if Path(output).suffix == ".csv" else None


# -- listing and columns ------------------------------------------------------------------------------------------
def test_list_inputs_walks_folders_in_order_and_ignores_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["z.txt", "a.csv", "b/c.jsonl", "b/d.txt.gz", ".hidden.txt", ".git/x.txt", "b/photo.png"]:
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in list_inputs([tmp_path])]
    assert found == ["a.csv", "b/c.jsonl", "b/d.txt.gz", "b/photo.png", "z.txt"]
    assert [p.name for p in list_inputs([tmp_path], recursive=False)] == ["a.csv", "z.txt"]
    assert list_inputs(["-", tmp_path / "z.txt", tmp_path / "z.txt"]) == [Path("-"), tmp_path / "z.txt"]
    with pytest.raises(InputError, match="no such file"):
        list_inputs([tmp_path / "missing"])


def test_peek_columns_reads_headers_and_fields(tmp_path):
    (tmp_path / "a.csv").write_text("id;review;stars\n1;good;5\n")
    (tmp_path / "b.tsv").write_text("text\tlabel\nfine\tpos\n")
    with gzip.open(tmp_path / "c.jsonl.gz", "wt") as handle:
        handle.write('{"body": "x", "id": 1}\n{"body": "y", "extra": true}\n')
    (tmp_path / "d.txt").write_text("plain")
    assert peek_columns(tmp_path / "a.csv") == ["id", "review", "stars"]
    assert peek_columns(tmp_path / "b.tsv") == ["text", "label"]
    assert peek_columns(tmp_path / "c.jsonl.gz") == ["body", "id", "extra"]
    assert peek_columns(tmp_path / "d.txt") == []
    (tmp_path / "e.csv").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="binary"):
        peek_columns(tmp_path / "e.csv")


# -- encodings ----------------------------------------------------------------------------------------------------
TEXT = "Café crème, naïve — a great film"


@pytest.mark.parametrize(
    "data, warned",
    [
        (TEXT.encode("utf-8"), False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), False),
        (TEXT.encode("utf-16"), False),  # with its BOM
        (TEXT.encode("utf-16-le"), False),  # no BOM: told apart by its zero bytes
        (TEXT.encode("utf-16-be"), False),
        (TEXT.encode("utf-32"), False),
        (TEXT.replace("—", "-").encode("cp1252"), True),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le-nobom", "utf16be-nobom", "utf32", "cp1252"],
)
def test_encodings_are_detected(engine, tmp_path, data, warned):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "review.txt").write_bytes(data)
    summary, rows = run(engine, [tmp_path / "in"], tmp_path / "out.csv")
    expected = TEXT.replace("—", "-") if warned else TEXT
    assert rows[0]["text"] == expected
    assert bool(summary.warnings) == warned
    if warned:
        assert "Windows-1252" in summary.warnings[0]
        assert "warning" in (tmp_path / "out.errors.csv").read_text()


def test_binary_and_unsupported_files_are_skipped_with_reasons(engine, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("a great film")
    (folder / "nul.txt").write_bytes(b"abc\x00\x00\x01def" * 10)
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "controls.md").write_bytes(bytes(range(1, 32)) * 20)
    summary, rows = run(engine, [folder], tmp_path / "out.csv")
    assert [r["source"] for r in rows] == [str(folder / "good.txt")]
    reasons = dict(summary.skipped)
    assert "binary" in reasons[str(folder / "nul.txt")]
    assert "binary" in reasons[str(folder / "controls.md")]
    assert "not a supported file type (.png)" in reasons[str(folder / "image.png")]
    report = read_csv(tmp_path / "out.errors.csv")
    assert {r["path"] for r in report if r["kind"] == "skipped file"} == set(reasons)
    assert summary.files_done == 1


def test_an_explicitly_named_file_is_read_whatever_its_suffix(engine, tmp_path):
    (tmp_path / "notes.log").write_text("a great film")
    summary, rows = run(engine, [tmp_path / "notes.log"], tmp_path / "out.csv")
    assert rows[0]["text"] == "a great film" and not summary.skipped


def test_undecodable_bytes_after_the_head_are_replaced_and_counted():
    with pytest.raises(SkipFile):
        detect_encoding(b"text\x00more")
    assert detect_encoding(b"plain ascii") == ("utf-8", None)
    assert detect_encoding("é".encode("utf-8")[:1]) == ("utf-8", None)  # a character cut at the end of the head


def test_late_invalid_utf8_is_replaced_with_a_warning(engine, tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(("good line\n" * 10_000).encode() + b"bad \xff\xfe byte\n")
    summary, rows = run(engine, [path], tmp_path / "out.csv", per_line=True)
    assert len(rows) == 10_001
    assert rows[-1]["text"] == "bad \ufffd\ufffd byte"
    assert any("2 undecodable byte(s)" in w for w in summary.warnings)


# -- formats ------------------------------------------------------------------------------------------------------
def test_csv_dialect_is_sniffed_and_bad_rows_are_reported_with_line_numbers(engine, tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text(
        'id;review;stars\n'
        '1;"A great film; truly";5\n'
        '2;"Two\nlines";4\n'
        '3;broken;row;extra\n'
        '4;"";3\n'
        '5;Terrible;1\n'
    )
    summary, rows = run(engine, [path], tmp_path / "out.csv", text_column="review")
    assert [r["row"] for r in rows] == ["1", "2", "4", "5"]  # data-record numbers; record 3 is bad
    assert [r["review"] for r in rows] == ["A great film; truly", "Two\nlines", "", "Terrible"]
    assert [r["stars"] for r in rows] == ["5", "4", "3", "1"]
    assert rows[2]["label"] == "" and rows[2]["tokens"] == "0"  # empty text: defined, empty result
    bad = [r for r in read_csv(tmp_path / "out.errors.csv") if r["kind"] == "bad row"]
    assert bad == [{"path": str(path), "line": "5", "kind": "bad row", "reason": "expected 3 fields, found 4"}]
    assert summary.bad_rows == 1 and summary.documents == 4


def test_text_column_is_chosen_automatically(engine, tmp_path):
    (tmp_path / "a.csv").write_text("id,stars,body\n1,5,a great film\n2,1,dreadful\n")
    (tmp_path / "b.tsv").write_text("id\tText\n1\tgood\n")
    summary, rows = run(engine, [tmp_path / "a.csv", tmp_path / "b.tsv"], tmp_path / "out.csv")
    assert [r["body"] for r in rows[:2]] == ["a great film", "dreadful"]
    assert rows[2]["Text"] == "good" and rows[2]["tokens"] == "1"
    summary, rows = run(engine, [tmp_path / "a.csv"], tmp_path / "out2.csv", text_column="nope")
    assert "no column 'nope'" in summary.skipped[0][1]


def test_jsonl_fields_and_bad_lines(engine, tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"body": "a great film", "id": 1, "label": "pos"}\n\n[1, 2]\n{"body": 3}\n{oops\n{"id": 9}\n{"body": null}\n')
    summary, _ = run(engine, [path], tmp_path / "out.jsonl", text_column="body")
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(r["row"], r["body"], r["id"], r["input_label"]) for r in rows] == [(1, "a great film", 1, "pos"), (7, None, None, None)]
    assert rows[1]["label"] is None and rows[1]["score"] is None and rows[1]["tokens"] == 0
    lines = {r["line"]: r["reason"] for r in read_csv(tmp_path / "out.errors.csv")}
    assert set(lines) == {"3", "4", "5", "6"}
    assert "expected a JSON object" in lines["3"] and "is a int" in lines["4"]
    assert "invalid JSON" in lines["5"] and "no field 'body'" in lines["6"]


def test_gzip_inputs_and_a_truncated_archive(engine, tmp_path):
    with gzip.open(tmp_path / "a.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("text\n" + "".join(f"review number {i}\n" for i in range(2000)))
    whole = (tmp_path / "a.csv.gz").read_bytes()
    packed = gzip.compress("".join(f"line {i * 7919 % 100003}\n" for i in range(20_000)).encode())
    (tmp_path / "cut.txt.gz").write_bytes(packed[: len(packed) // 2])
    summary, rows = run(engine, [tmp_path / "a.csv.gz", tmp_path / "cut.txt.gz"], tmp_path / "out.csv", per_line=True)
    assert len(whole) > 0 and [r["text"] for r in rows[:2000]] == [f"review number {i}" for i in range(2000)]
    assert summary.skipped and summary.skipped[0][0] == str(tmp_path / "cut.txt.gz")
    assert "read error" in summary.skipped[0][1] and "documents, which are kept" in summary.skipped[0][1]
    assert 2000 < len(rows) < 2000 + 20_000


def test_standard_input_is_one_document_per_line(engine, tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a great film\n\ndreadful\n")))
    summary, rows = run(engine, ["-"], tmp_path / "out.csv")
    assert [(r["source"], r["row"], r["text"]) for r in rows] == [("-", "1", "a great film"), ("-", "3", "dreadful")]


# -- results ------------------------------------------------------------------------------------------------------
def test_a_row_per_document_per_model_matching_the_engine(engine, tmp_path):
    texts = ["I loved this movie, a great and moving story.", "Terrible film. I hated every minute.", "fine"]
    (tmp_path / "a.csv").write_text("text,gold\n" + "".join(f'"{t}",x\n' for t in texts))
    summary = run_batch([tmp_path / "a.csv"], [MODEL, "tiny-gru-cls"], tmp_path / "out.csv", engine=engine)
    rows = read_csv(tmp_path / "out.csv")
    assert list(rows[0]) == ["source", "row", "model", "label", "score", "p_negative", "p_positive", "tokens", "text", "gold"]
    assert [(r["row"], r["model"]) for r in rows] == [(str(i), m) for i in (1, 2, 3) for m in (MODEL, "tiny-gru-cls")]
    for model in (MODEL, "tiny-gru-cls"):
        expected = engine.analyze(texts, model=model)
        got = [r for r in rows if r["model"] == model]
        for analysis, row in zip(expected, got):
            assert row["label"] == analysis.label
            assert float(row["p_positive"]) == pytest.approx(analysis.probabilities["positive"], abs=1e-5)
            assert float(row["score"]) == pytest.approx(analysis.score, abs=1e-5)
            assert int(row["tokens"]) == len(analysis.tokens)
    assert summary.rows_written == 6 and summary.documents == 3
    assert {m: sum(c.values()) for m, c in summary.label_counts.items()} == {MODEL: 3, "tiny-gru-cls": 3}
    assert summary.errors_report is None and not (tmp_path / "out.errors.csv").exists()


def test_long_texts_are_read_in_windows_and_combined_by_token_weight(tmp_path):
    tokenizer = tiny_tokenizer()
    plugin = save_model_plugin(tmp_path / "short", module=tiny_model("lstm", "classification", tokenizer), tokenizer=tokenizer,
                               name="short-window", architecture="lstm", language="en", labels=["negative", "positive"],
                               max_length=4)
    engine = Engine("cpu", plugin_paths=[plugin])
    text = "I loved this movie, a great and moving story."  # 11 tokens: windows of 4, 4 and 3
    (tmp_path / "doc.txt").write_text(text)
    run_batch([tmp_path / "doc.txt"], ["short-window"], tmp_path / "out.csv", engine=engine)
    row = read_csv(tmp_path / "out.csv")[0]
    model = engine.load("short-window")
    ids = model.tokenizer.encode(text).ids
    assert len(ids) == 11 and row["tokens"] == "11"
    windows = [ids[0:4], ids[4:8], ids[8:11]]
    probs = model.probabilities(windows)
    expected = (probs * torch.tensor([4.0, 4.0, 3.0])[:, None]).sum(0) / 11
    assert float(row["p_positive"]) == pytest.approx(float(expected[1]), abs=1e-5)
    assert float(row["p_positive"]) != pytest.approx(float(model.probabilities([ids])[0, 1]), abs=1e-7)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_output_formats_hold_the_same_rows(engine, tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    (tmp_path / "a.csv").write_text('text,n\n"a great film",1\n"",2\n"dreadful, boring",3\n')
    output = tmp_path / f"out{suffix}"
    run_batch([tmp_path / "a.csv"], [MODEL], output, engine=engine)
    if suffix == ".csv":
        rows = read_csv(output)
        got = [(r["row"], r["label"] or None, r["n"]) for r in rows]
    elif suffix == ".jsonl":
        got = [(str(r["row"]), r["label"], r["n"]) for r in map(json.loads, output.read_text().splitlines())]
    else:
        import pyarrow.parquet as pq

        got = [(str(r["row"]), r["label"], r["n"]) for r in pq.read_table(output).to_pylist()]
    assert [(g[0], g[2]) for g in got] == [("1", "1"), ("2", "2"), ("3", "3")]
    assert got[1][1] is None and got[0][1] in ("negative", "positive")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out")] == [output.name]


def test_parquet_without_pyarrow_says_how_to_get_it(engine, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    (tmp_path / "a.txt").write_text("fine")
    with pytest.raises(InputError, match=r"pip install 'sentido\[parquet\]'"):
        run_batch([tmp_path / "a.txt"], [MODEL], tmp_path / "out.parquet", engine=engine)
    with pytest.raises(InputError, match="unknown output format"):
        run_batch([tmp_path / "a.txt"], [MODEL], tmp_path / "out.xlsx", engine=engine)


def _close_to_full_precision(engine, tmp_path, tolerance: float, **options) -> None:
    """A run with ``options`` gives every text within ``tolerance`` of the float32 run's probability."""
    (tmp_path / "a.txt").write_text("I loved this movie\nTerrible film. I hated every minute.\n")
    run_batch([tmp_path / "a.txt"], [MODEL], tmp_path / "fp32.csv", engine=engine, options=BatchOptions(per_line=True))
    run_batch([tmp_path / "a.txt"], [MODEL], tmp_path / "other.csv", engine=engine,
              options=BatchOptions(per_line=True, **options))
    full, other = read_csv(tmp_path / "fp32.csv"), read_csv(tmp_path / "other.csv")
    assert len(full) == len(other) == 2
    for a, b in zip(full, other):
        assert float(a["p_positive"]) == pytest.approx(float(b["p_positive"]), abs=tolerance)
    module = engine.load(MODEL).module  # the engine's own copy is untouched
    assert module.encoder.__class__ is torch.nn.LSTM and module.embedding.weight.dtype == torch.float32


def test_quantized_run_stays_close_to_full_precision(engine, tmp_path):
    _close_to_full_precision(engine, tmp_path, 0.02, quantize=True)


def test_half_precision_on_the_cpu_is_bfloat16_where_the_cpu_has_it(engine, tmp_path, monkeypatch):
    from sentido.engine.batch import analysis

    (tmp_path / "a.txt").write_text("I loved this movie")
    monkeypatch.setattr(analysis, "cpu_has_bf16", lambda: False)
    with pytest.raises(InputError, match="bfloat16 instructions"):
        run_batch([tmp_path / "a.txt"], [MODEL], tmp_path / "h.csv", engine=engine, options=BatchOptions(half=True))
    monkeypatch.setattr(analysis, "cpu_has_bf16", lambda: True)  # bfloat16 runs everywhere, only slowly without it
    _close_to_full_precision(engine, tmp_path, 0.05, half=True)


def test_the_output_folder_is_never_read_as_input(engine, tmp_path):
    (tmp_path / "a.txt").write_text("a great film")
    run_batch([tmp_path], [MODEL], tmp_path / "out.csv", engine=engine)
    summary = run_batch([tmp_path], [MODEL], tmp_path / "out.csv", engine=engine)
    assert summary.documents == 1 and not summary.skipped


# -- progress, cancel, resume -------------------------------------------------------------------------------------
def write_lines(path: Path, count: int) -> Path:
    words = ["great", "terrible", "moving", "boring", "film", "story", "loved", "hated"]
    path.write_text("".join(f"{words[i % 8]} {words[(i * 3) % 8]} {i}\n" for i in range(count)))
    return path


def assert_same_rows(path: Path, reference: Path) -> None:
    """Same rows in the same order; probabilities equal up to float rounding (batches of other sizes sum in
    another order, which can move the sixth digit)."""
    got, expected = read_csv(path), read_csv(reference)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        floats = [k for k in a if k.startswith("p_") or k == "score"]
        assert {k: v for k, v in a.items() if k not in floats} == {k: v for k, v in b.items() if k not in floats}
        for key in floats:
            assert float(a[key]) == pytest.approx(float(b[key]), abs=2e-6)


def test_progress_state_reports_and_cancel_keeps_what_was_done(engine, tmp_path):
    source = write_lines(tmp_path / "in.txt", 3000)
    seen = []

    def on_update(state: ProgressState):
        seen.append((state.rows_done, state.files_total, state.fraction))
        if state.rows_done >= 256:
            state.cancel()

    state = ProgressState(on_update=on_update)
    options = BatchOptions(per_line=True, batch_size=8)
    summary = run_batch([source], [MODEL], tmp_path / "out.csv", engine=engine, options=options, state=state)
    assert summary.cancelled and state.cancelled
    kept = read_csv(tmp_path / "out.csv")
    assert 256 <= len(kept) < 3000 and len(kept) == summary.rows_written
    assert seen[0][1] == 1 and all(0 <= f <= 1 for _, _, f in seen if f is not None)
    assert state.docs_per_s > 0 and state.file_status[str(source)] == "cancelled"

    with pytest.raises(InputError, match="resume"):
        run_batch([source], [MODEL], tmp_path / "out.csv", engine=engine, options=options)
    with pytest.raises(InputError, match="differs .* per_line"):
        run_batch([source], [MODEL], tmp_path / "out.csv", engine=engine, options=BatchOptions(resume=True))

    resumed = run_batch([source], [MODEL], tmp_path / "out.csv", engine=engine,
                        options=BatchOptions(per_line=True, batch_size=8, resume=True))
    run_batch([source], [MODEL], tmp_path / "ref.csv", engine=engine, options=options)
    assert not resumed.cancelled and resumed.rows_written == 3000 and resumed.documents == 3000
    assert_same_rows(tmp_path / "out.csv", tmp_path / "ref.csv")
    assert not (tmp_path / "out.csv.progress.json").exists()


def test_resume_drops_a_half_written_chunk(engine, tmp_path):
    """What a crash mid-write leaves (bytes past the last commit) is cut off; nothing is doubled or missed."""
    source = write_lines(tmp_path / "in.txt", 2000)
    options = BatchOptions(per_line=True, batch_size=8)
    state = ProgressState(on_update=lambda s: s.rows_done >= 500 and s.cancel())
    run_batch([source], [MODEL], tmp_path / "out.csv", engine=engine, options=options, state=state)
    # Simulate kill -9 during the next chunk's write: the data is back in .partial with a torn row appended.
    (tmp_path / "out.csv").rename(tmp_path / "out.csv.partial")
    with open(tmp_path / "out.csv.partial", "ab") as handle:
        handle.write(b"/x/in.txt,999,tiny-lstm-cls,posi")
    run_batch([source], [MODEL], tmp_path / "out.csv", engine=engine,
              options=BatchOptions(per_line=True, batch_size=8, resume=True))
    run_batch([source], [MODEL], tmp_path / "ref.csv", engine=engine, options=options)
    assert_same_rows(tmp_path / "out.csv", tmp_path / "ref.csv")


def test_resume_with_nothing_to_resume_starts_afresh(engine, tmp_path):
    (tmp_path / "a.txt").write_text("a great film")
    summary = run_batch([tmp_path / "a.txt"], [MODEL], tmp_path / "out.jsonl", engine=engine,
                        options=BatchOptions(resume=True))
    assert summary.rows_written == 1 and any("nothing to resume" in w for w in summary.warnings)


def test_bad_arguments_are_input_errors(engine, tmp_path):
    (tmp_path / "a.txt").write_text("fine")
    with pytest.raises(InputError, match="no input files"):
        (tmp_path / "empty").mkdir()
        run_batch([tmp_path / "empty"], [MODEL], tmp_path / "out.csv", engine=engine)
    with pytest.raises(InputError, match="at least one model"):
        run_batch([tmp_path / "a.txt"], [], tmp_path / "out.csv", engine=engine)


def test_the_sample_folder_reads_cleanly(engine, tmp_path):
    import sentido.resources

    folder = Path(sentido.resources.__file__).parent / "samples" / "batch"
    summary = run_batch([folder], [MODEL], tmp_path / "out.csv", engine=engine)
    assert not summary.skipped and not summary.warnings and summary.bad_rows == 0
    assert summary.documents == 4 + 4 + 8 + 6  # reviews/, returns.csv.gz, survey.csv, tickets.jsonl
    assert sum(summary.label_counts[MODEL].values()) == summary.documents
    assert summary.label_counts[MODEL].get("(no words)") == 1  # survey row 1008 has no text


def test_batches_side_by_side_match_one_thread_and_restore_torch_threads(engine, tmp_path):
    source = write_lines(tmp_path / "in.txt", 700)
    before = torch.get_num_threads()
    for threads in (1, 3):
        run_batch([source], [MODEL], tmp_path / f"t{threads}.csv", engine=engine,
                  options=BatchOptions(per_line=True, batch_size=16, threads=threads))
    assert_same_rows(tmp_path / "t1.csv", tmp_path / "t3.csv")
    assert torch.get_num_threads() == before
    with pytest.raises(InputError, match="threads"):
        run_batch([source], [MODEL], tmp_path / "t0.csv", engine=engine, options=BatchOptions(threads=0))


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_the_header_decides_the_delimiter_whatever_the_text_holds(engine, tmp_path, delimiter):
    texts = ["Good; really, truly good | fine", "Bad, bad; bad\tbad", "plain"]
    path = tmp_path / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([["id", "text"], *[[i, t] for i, t in enumerate(texts)]])
    summary, rows = run(engine, [path], tmp_path / "out.csv")
    assert [r["text"] for r in rows] == texts and summary.bad_rows == 0
    one_column = tmp_path / "one.csv"
    one_column.write_text('text\n"A film; long, slow"\nshort\n')
    _, rows = run(engine, [one_column], tmp_path / "out1.csv")
    assert [r["text"] for r in rows] == ["A film; long, slow", "short"]


def test_parquet_types_only_our_columns(tmp_path, engine):
    """Input columns whose names look like ours (p_value, chunks) stay text in Parquet instead of crashing."""
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    (tmp_path / "in.csv").write_text("p_value,chunks,text\nabc,x,great film\n", encoding="utf-8")
    summary = run_batch([tmp_path / "in.csv"], [MODEL], tmp_path / "out.parquet", engine=engine)
    table = pq.read_table(tmp_path / "out.parquet")
    assert summary.rows_written == 1 and table.column("p_value").to_pylist() == ["abc"]
    assert str(table.schema.field("p_positive").type) == "double" and str(table.schema.field("row").type) == "int64"


def test_inputs_named_like_the_output_are_still_read(tmp_path, engine):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "reviews.csv.txt").write_text("a fine film", encoding="utf-8")
    summary = run_batch([folder], [MODEL], folder / "reviews.csv", engine=engine)
    assert summary.rows_written == 1
    assert read_csv(folder / "reviews.csv")[0]["source"].endswith("reviews.csv.txt")


def test_unterminated_quote_is_a_bad_row_not_silence(tmp_path, engine):
    (tmp_path / "q.csv").write_text('id,text\n1,"good film"\n2,"unterminated\n3,bad film\n', encoding="utf-8")
    summary = run_batch([tmp_path / "q.csv"], [MODEL], tmp_path / "out.csv", engine=engine)
    assert summary.rows_written == 1
    report = (tmp_path / "out.errors.csv").read_text(encoding="utf-8")
    assert "malformed CSV row (unexpected end of data)" in report


def test_jsonl_fields_first_seen_late_are_reported(engine, tmp_path):
    path = tmp_path / "late.jsonl"
    lines = [json.dumps({"text": f"good film {i}", "id": i}) for i in range(120)]
    lines.append(json.dumps({"text": "late", "id": 120, "rating": 5, "source": "web"}))
    lines.append(json.dumps({"text": "later", "id": 121, "rating": 4}))
    path.write_text("\n".join(lines) + "\n")
    summary, _ = run(engine, [path], tmp_path / "out.csv")
    warned = [w for w in summary.warnings if "first appear" in w]
    assert len(warned) == 1 and "'rating', 'source'" in warned[0] and "line 121" in warned[0]
    report = [r for r in read_csv(tmp_path / "out.errors.csv") if r["kind"] == "warning"]
    assert [r["line"] for r in report] == ["121"]
    assert summary.documents == 122


def test_batches_keep_to_a_token_budget():
    from sentido.engine.batch.analysis import length_batches, token_budget

    lengths = [5, 5, 5, 100, 100, 100, 300]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    assert length_batches(order, lengths, 64, None) == [order]
    assert length_batches(order, lengths, 2, None) == [[0, 1], [2, 3], [4, 5], [6]]
    batches = length_batches(order, lengths, 64, 250)  # texts x the longest stays within 250 tokens...
    assert batches == [[0, 1, 2], [3, 4], [5], [6]]  # ...except a single text longer than the budget
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    lstm = torch.nn.LSTM(8, 256, bidirectional=True)
    assert token_budget(torch.nn.Sequential(torch.nn.Linear(2, 2), lstm)) == 4_000_000 // (4 * 256 * 2)
    assert token_budget(torch.nn.Linear(2, 2)) is None


def test_a_late_jsonl_field_is_reported_once_across_a_resume(engine, tmp_path):
    path = tmp_path / "late.jsonl"
    lines = [json.dumps({"text": f"good film {i}"}) for i in range(120)]
    lines += [json.dumps({"text": f"late {i}", "rating": i}) for i in range(3000)]
    path.write_text("\n".join(lines) + "\n")
    options = BatchOptions(batch_size=8)
    state = ProgressState(on_update=lambda s: s.rows_done >= 200 and s.cancel())
    first = run_batch([path], [MODEL], tmp_path / "out.csv", engine=engine, options=options, state=state)
    assert first.cancelled and first.documents < 3120 and [w for w in first.warnings if "'rating'" in w]
    resumed = run_batch([path], [MODEL], tmp_path / "out.csv", engine=engine,
                        options=BatchOptions(batch_size=8, resume=True))
    assert resumed.documents == 3120
    assert len([w for w in resumed.warnings if "'rating'" in w]) == 1
    report = [r for r in read_csv(tmp_path / "out.errors.csv") if "rating" in r["reason"]]
    assert len(report) == 1
