"""Run every benchmark in this folder (``make bench``), each in its own process, and print their tables.

    python benchmarks/run_all.py                 # all of them
    python benchmarks/run_all.py batch typing_latency    # only these

Each script runs as ``python -P benchmarks/NAME.py`` (``-P`` keeps this folder off ``sys.path``). A failing benchmark is reported and the others
still run; the exit status is 1 if any failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["batch", "accuracy", "inference", "typing_latency", "gui_stall"]  # the rest follow alphabetically


def scripts(names: list[str]) -> list[Path]:
    found = {p.stem: p for p in HERE.glob("*.py") if p.stem not in ("run_all", "__init__") and not p.stem.startswith("_")}
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise SystemExit(f"run_all: no benchmark named {', '.join(unknown)}; there are: {', '.join(sorted(found))}")
    chosen = names or sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [found[n] for n in chosen]


def main(argv: list[str] | None = None) -> int:
    names = sys.argv[1:] if argv is None else argv
    failed = []
    for script in scripts(names):
        print(f"\n# benchmarks/{script.name}\n", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-P", str(script)], cwd=HERE.parent)
        print(f"\n(benchmarks/{script.name}: exit {code}, {time.perf_counter() - started:.0f} s)", flush=True)
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
