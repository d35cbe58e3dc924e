"""Render the "Inside the model" pages to ``docs/screenshots/inside-*.png``.

    python scripts/screenshots_inside.py            # the shipped models in resources/models, when they are there
    python scripts/screenshots_inside.py --demo     # small demo models trained here in a couple of minutes
    python scripts/screenshots_inside.py --plugin-path /tmp/sentido-inside-demo/demo-lstm-next-word   # fill a gap

The real widgets are built offscreen (``QT_QPA_PLATFORM=offscreen``) and grabbed, so no display is needed.
Demo models (SST-2 sentiment: RNN, LSTM with attention, GRU; a WikiText-2 LSTM language model) are cached in
``--demo-dir`` and are for pictures only: they are never shipped.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "docs" / "screenshots"


# -- demo models -------------------------------------------------------------------------------------------
def _pad(rows, pad_id):
    import torch

    lengths = torch.tensor([max(1, len(r)) for r in rows])
    batch = torch.full((len(rows), int(lengths.max())), pad_id, dtype=torch.long)
    for i, r in enumerate(rows):
        batch[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return batch, lengths


def train_demo_classifiers(out: Path, seconds: float) -> list[Path]:
    import torch

    from sentido.engine.bundle import save_model_plugin
    from sentido.engine.registry import Registry
    from sentido.engine.tokenization import train_tokenizer

    with gzip.open(DATA / "sst2" / "train.csv.gz", "rt", encoding="utf-8") as handle:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(handle) if len(r["text"].split()) >= 4]
    random.Random(0).shuffle(rows)
    rows = rows[:40000]
    texts = [t for t, _ in rows]
    labels = torch.tensor([1 if l == "positive" else 0 for _, l in rows])
    tokenizer = train_tokenizer(texts, vocab_size=8000, min_frequency=2)
    ids = tokenizer.ids_batch(texts)
    registry = Registry.discover(shipped=False, user=False)
    paths = []
    for arch, pooling in (("rnn", "last"), ("lstm", "attention"), ("gru", "last")):
        name = f"demo-{arch}-sentiment"
        if (out / name / "plugin.toml").is_file():
            paths.append(out / name)
            continue
        cls = registry.architecture_class(arch)
        config = cls.config_class(task="classification", vocab_size=tokenizer.vocab_size, num_labels=2,
                                  embedding_dim=64, hidden_size=64, num_layers=1, pooling=pooling)
        torch.manual_seed(0)
        module = cls(config)
        optimizer = torch.optim.Adam(module.parameters(), lr=3e-3)
        start, step = time.monotonic(), 0
        order = list(range(len(ids)))
        while time.monotonic() - start < seconds:
            random.shuffle(order)
            for b in range(0, len(order), 64):
                chunk = order[b:b + 64]
                batch, lengths = _pad([ids[i] for i in chunk], tokenizer.pad_id)
                loss = torch.nn.functional.cross_entropy(module(batch, lengths), labels[chunk])
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
                optimizer.step()
                step += 1
                if time.monotonic() - start > seconds:
                    break
        print(f"{name}: {step} steps, last loss {loss.item():.3f}", flush=True)
        paths.append(save_model_plugin(out / name, module=module.eval(), tokenizer=tokenizer, name=name,
                                       architecture=arch, language="en", labels=["negative", "positive"],
                                       description="Demo model for screenshots only"))
    return paths


def train_demo_language_model(out: Path, seconds: float) -> Path:
    import torch

    from sentido.engine.bundle import save_model_plugin
    from sentido.engine.registry import Registry
    from sentido.engine.tokenization import train_tokenizer

    name = "demo-lstm-next-word"
    if (out / name / "plugin.toml").is_file():
        return out / name
    with gzip.open(DATA / "wikitext2" / "train.txt.gz", "rt", encoding="utf-8") as handle:
        lines = [l.strip() for l in handle if l.strip() and not l.strip().startswith("=")]
    tokenizer = train_tokenizer(lines, vocab_size=8000, min_frequency=3)
    stream = [i for ids in tokenizer.ids_batch(lines) for i in ids + [tokenizer.eos_id]]
    cls = Registry.discover(shipped=False, user=False).architecture_class("lstm")
    config = cls.config_class(task="language-model", vocab_size=tokenizer.vocab_size, num_labels=0,
                              embedding_dim=128, hidden_size=128, tie_weights=True)
    torch.manual_seed(0)
    module = cls(config)
    optimizer = torch.optim.Adam(module.parameters(), lr=3e-3)
    data = torch.tensor(stream)
    batch_size, bptt = 32, 35
    width = len(data) // batch_size
    data = data[: width * batch_size].view(batch_size, width)
    start, step, position = time.monotonic(), 0, 0
    while time.monotonic() - start < seconds:
        if position + bptt + 1 >= width:
            position = 0
        x, y = data[:, position:position + bptt], data[:, position + 1:position + bptt + 1]
        logits = module(x, torch.full((batch_size,), bptt))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(module.parameters(), 0.5)
        optimizer.step()
        position += bptt
        step += 1
    print(f"{name}: {step} steps, last loss {loss.item():.3f}", flush=True)
    return save_model_plugin(out / name, module=module.eval(), tokenizer=tokenizer, name=name, architecture="lstm",
                             language="en", description="Demo model for screenshots only")


# -- pictures ------------------------------------------------------------------------------------------------
def _fill_roles(engine, prefer: dict) -> None:
    """Pick a model for each page not chosen on the command line: shipped models first, demo ones otherwise."""
    def ranked(task: str, arch: str | None = None) -> list[str]:
        models = [m for m in engine.models(task) if arch is None or m.spec.architecture == arch]
        english = [m for m in models if m.spec.language == "en" and set(m.spec.labels) <= {"negative", "positive"}]
        return [m.name for m in sorted(english or models, key=lambda m: (m.name.startswith("demo-"), m.name))]

    if engine.models("classification"):
        best = engine.default_model("classification")
        prefer.setdefault("explain", best)
        prefer.setdefault("neighbours", best)
        prefer.setdefault("gates", (ranked("classification", "lstm") or ranked("classification", "gru") or [best])[0])
        prefer.setdefault("memory", [names[0] for names in (ranked("classification", a) for a in ("rnn", "lstm", "gru")) if names])
    if engine.models("language-model"):
        prefer.setdefault("beam", engine.default_model("language-model"))


def shoot(plugin_paths: list[Path], out: Path, prefer: dict[str, str]) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from sentido.desktop.inside import InsideView
    from sentido.engine.api import Engine

    app = QApplication.instance() or QApplication(sys.argv)
    engine = Engine("cpu", plugin_paths=plugin_paths)
    _fill_roles(engine, prefer)
    view = InsideView(engine)
    view.resize(1280, 860)
    view.show()
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def grab(key: str, filename: str) -> None:
        view.show_page(key)
        assert view.wait_until_idle(600), f"{key} did not finish"
        for _ in range(5):
            app.processEvents()
        page = view.page(key)
        if not page.message.isHidden():
            print(f"{key}: message shown: {page.message.text()}", flush=True)
        for panel in page.findChildren(type(page.plot if hasattr(page, "plot") else page.tree_plot)):
            panel.canvas.draw()
        app.processEvents()
        path = out / filename
        view.grab().save(str(path))
        written.append(path)
        print(f"wrote {path}", flush=True)

    explain_page = view.page("explain")
    if prefer.get("explain"):
        explain_page.model_combo.setCurrentIndex(max(0, explain_page.model_combo.findData(prefer["explain"])))
    explain_page.run()
    grab("explain", "inside-why.png")
    memory_page = view.page("memory")
    if prefer.get("memory"):
        memory_page.set_checked(prefer["memory"])
    memory_page.run()
    grab("memory", "inside-memory.png")
    gates_page = view.page("gates")
    if prefer.get("gates"):
        gates_page.model_combo.setCurrentIndex(max(0, gates_page.model_combo.findData(prefer["gates"])))
    gates_page.text_box.setPlainText("not bad at all , in fact a rather wonderful little film")
    gates_page.run()
    grab("gates", "inside-gates.png")
    beam_page = view.page("beam")
    if prefer.get("beam"):
        beam_page.model_combo.setCurrentIndex(max(0, beam_page.model_combo.findData(prefer["beam"])))
    beam_page.text_box.setPlainText(prefer.get("beam_text", "he moved to the united"))
    beam_page.run()
    grab("beam", "inside-beam.png")
    neighbours_page = view.page("neighbours")
    if prefer.get("neighbours"):
        neighbours_page.source_combo.setCurrentIndex(max(0, neighbours_page.source_combo.findData(f"model:{prefer['neighbours']}")))
    neighbours_page.word_edit.setText(prefer.get("word", "excellent"))
    neighbours_page.find()
    view.wait_until_idle(600)
    neighbours_page.project()
    grab("neighbours", "inside-neighbours.png")
    view.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="train small demo models instead of the shipped ones")
    parser.add_argument("--demo-dir", type=Path, default=Path("/tmp/sentido-inside-demo"))
    parser.add_argument("--seconds", type=float, default=40.0, help="training time per demo model")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--plugin-path", type=Path, action="append", default=[],
                        help="also use the model plugin at PATH (for example a demo model a shipped one lacks)")
    args = parser.parse_args(argv)
    if args.demo:
        args.demo_dir.mkdir(parents=True, exist_ok=True)
        paths = train_demo_classifiers(args.demo_dir, args.seconds)
        paths.append(train_demo_language_model(args.demo_dir, args.seconds * 2))
        prefer = {"explain": "demo-lstm-sentiment", "gates": "demo-lstm-sentiment", "beam": "demo-lstm-next-word",
                  "memory": ["demo-rnn-sentiment", "demo-lstm-sentiment", "demo-gru-sentiment"],
                  "neighbours": "demo-lstm-sentiment"}
    else:
        paths = []  # the shipped models are discovered from resources/models
        prefer = {}
    shoot(paths + args.plugin_path, args.out, prefer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
