"""Render each main view of the real window under Xvfb into ``docs/screenshots/*.png`` (``make screenshot``).

    python scripts/screenshots.py [--out docs/screenshots] [--only analyze,models,...]

Starts its own Xvfb when there is no display (``apt-get install xvfb``; falls back to Qt's offscreen platform
with a warning), uses the shipped models (``resources/models``) or, when none are installed yet, the test suite's
tiny random models (the script says so: their labels are noise). Settings and plugins live in a temporary folder,
so the user's own are neither read nor changed. The 200% scaling shot runs in a child process with
``QT_SCALE_FACTOR=2``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ["analyze", "why", "models", "batch", "inside", "settings", "analyze-dark", "analyze-200pct"]
SIZE = (1280, 800)


def start_display() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return None
    if shutil.which("Xvfb") is None:
        print("warning: Xvfb not found (apt-get install xvfb); rendering offscreen instead", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    for number in range(91, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "2600x1800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.1)
    os.environ["DISPLAY"] = f":{number}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    probe = subprocess.run([sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
                           capture_output=True, text=True)
    if probe.returncode != 0:  # Qt's xcb plugin needs libxcb-cursor0 and friends from the system
        print("warning: Qt cannot open the X display (apt-get install libxcb-cursor0 libxcb-icccm4 "
              "libxcb-keysyms1 libxkbcommon-x11-0); rendering offscreen instead", file=sys.stderr)
        server.terminate()
        server.wait(10)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return server


def settle(app, seconds: float) -> None:
    """Let timers (the 150 ms debounce, the sentence table) fire and workers report back."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def model_paths(tmp: Path) -> tuple[list[Path], str]:
    from sentido.engine.registry import Registry

    shipped = [m for m in Registry.discover(entry_points=False, user=False).models()]
    if shipped:
        return [], "shipped models"
    sys.path.insert(0, str(ROOT))
    from tests.helpers import save_tiny

    paths = [save_tiny(tmp, "lstm", "classification"), save_tiny(tmp, "gru", "classification"),
             save_tiny(tmp, "lstm", "language-model")]
    return paths, "tiny random test models (no shipped models yet): labels and scores are noise"


def comparable_models(engine) -> list[str]:
    """The default sentiment model first, then the others with the same labels (side by side makes sense)."""
    default = engine.default_model("classification")
    labels = engine.registry.model(default).spec.labels
    others = [m.name for m in engine.models("classification") if m.name != default and m.spec.labels == labels]
    return [default] + others


def batch_inputs(tmp: Path) -> Path:
    folder = ROOT / "resources" / "samples" / "batch"
    if folder.is_dir():
        return folder
    folder = tmp / "reviews"
    folder.mkdir()
    example = (ROOT / "resources" / "samples" / "example.txt").read_text(encoding="utf-8")
    for index, paragraph in enumerate(p for p in example.split("\n\n") if p.strip()):
        (folder / f"review-{index + 1}.txt").write_text(paragraph, encoding="utf-8")
    (folder / "notes.csv").write_text("id,text\n1,Great fun from start to finish.\n2,A dull and tired sequel.\n",
                                      encoding="utf-8")
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return folder


def shoot(widget, path: Path) -> None:
    pixmap = widget.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({pixmap.width()}x{pixmap.height()})")


def render(out: Path, only: list[str], theme: str, suffix: str, tmp: Path) -> None:
    from PySide6.QtWidgets import QApplication

    os.environ["SENTIDO_HOME"] = str(tmp / "home")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Sentido")
    from sentido.desktop.app import create_window
    from sentido.desktop.settings import Settings
    from sentido.desktop.theme import icon

    app.setWindowIcon(icon("sentido"))
    paths, described = model_paths(tmp)
    print(f"models: {described}")
    settings = Settings(tmp / f"settings{suffix}.ini")
    settings.theme = theme
    window = create_window(settings, plugin_paths=paths)
    # At 200% a 1920x1080 laptop screen is 960x540 logical pixels: the window must still be usable there.
    window.resize(*((960, 540) if os.environ.get("QT_SCALE_FACTOR") == "2" else SIZE))
    window.show()
    window.facade.start()
    window.facade.wait_until_idle(120)
    settle(app, 0.3)
    analyze = window.analyze
    classifiers = comparable_models(window.facade.engine)
    analyze.set_chosen_models(classifiers[:2])
    analyze.load_example()
    settle(app, 0.8)
    window.facade.wait_until_idle(60)
    analyze.editor.insertPlainText("Overall, the film is")  # typing after the models loaded: next words, continuations
    settle(app, 0.8)
    window.facade.wait_until_idle(60)
    analyze.continue_text()
    window.facade.wait_until_idle(60)
    settle(app, 0.8)
    if "analyze" in only:
        shoot(window, out / f"analyze{suffix}.png")
    if "why" in only:  # "Why this label?": the words that drove the first model, coloured in the text
        analyze.request_explanation()
        window.facade.wait_until_idle(300)
        settle(app, 0.8)
        shoot(window, out / f"analyze-why{suffix}.png")
        analyze.clear_highlights()
    if "models" in only:
        window.tabs.setCurrentWidget(window.plugins)
        tree = window.plugins.tree
        for i in range(tree.topLevelItemCount()):
            top = tree.topLevelItem(i)
            if top.childCount() and top.child(0).text(1) == "classification":
                tree.setCurrentItem(top.child(0))
                break
        settle(app, 0.3)
        shoot(window, out / f"models{suffix}.png")
    if "batch" in only:
        window.tabs.setCurrentWidget(window.batch)
        window.batch.add_inputs([batch_inputs(tmp)])
        window.batch.set_chosen_models(classifiers[:2])
        window.batch.output_edit.setText(str(tmp / "results.csv"))
        window.batch.start()
        window.facade.wait_until_idle(300)
        settle(app, 0.5)
        shoot(window, out / f"batch{suffix}.png")
    if "inside" in only and window.inside is not None:
        window.tabs.setCurrentWidget(window.inside)
        page = window.inside.page("explain") if hasattr(window.inside, "page") else None
        if page is not None and hasattr(page, "run"):
            page.run()
        window.facade.wait_until_idle(120)
        settle(app, 1.0)
        shoot(window, out / f"inside{suffix}.png")
    if "settings" in only:
        window.tabs.setCurrentWidget(window.analyze)
        dialog = window.show_settings()
        window.facade.wait_until_idle(30)
        settle(app, 0.3)
        shoot(dialog, out / f"settings{suffix}.png")
        dialog.reject()
    window.close()
    settle(app, 0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default=",".join(VIEWS), help=f"comma-separated subset of {', '.join(VIEWS)}")
    parser.add_argument("--theme", default="light")
    parser.add_argument("--suffix", default="")
    args = parser.parse_args(argv)
    only = [v.strip() for v in args.only.split(",") if v.strip()]
    unknown = set(only) - set(VIEWS)
    if unknown:
        parser.error(f"unknown view(s): {', '.join(sorted(unknown))}")
    server = start_display()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            main_views = [v for v in only if v in ("analyze", "why", "models", "batch", "inside", "settings")]
            if main_views:
                render(args.out, main_views, args.theme, args.suffix, Path(tmp))
            children = []
            if "analyze-dark" in only:
                children.append(({}, ["--only", "analyze", "--theme", "dark", "--suffix=-dark"]))
            if "analyze-200pct" in only:
                children.append(({"QT_SCALE_FACTOR": "2"}, ["--only", "analyze", "--suffix=-200pct"]))
            for extra_env, extra_args in children:
                subprocess.run([sys.executable, __file__, "--out", str(args.out), *extra_args],
                               env={**os.environ, **extra_env}, check=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
