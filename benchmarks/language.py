"""Language detection accuracy on held-out English and Spanish sentences (engine/language.py).

    python benchmarks/language.py [--data ../shared/data] [--per-source 1000]

Sources: spa-eng ``valid.tsv.gz`` (both columns: short, conversational sentences), the last reviews of
muchocine-es (Spanish) and of imdb ``train.csv.gz`` (English), cut into sentences. Nothing here was used to build
either detector: py3langid ships its own model, and the fallback's word lists were written by hand. Sentences too
short to guess (fewer than ``MIN_LETTERS`` letters) are counted as "no guess", not as errors, and reported apart.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
import time
from pathlib import Path

from sentido.engine.language import detect_language

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.replace("<br />", " ")) if len(s.split()) >= 3]


def spa_eng(data: Path, limit: int) -> list[tuple[str, str, str]]:
    rows = []
    with gzip.open(data / "spa-eng" / "valid.tsv.gz", "rt", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        for es, en in reader:
            rows.append(("spa-eng valid", "es", es))
            rows.append(("spa-eng valid", "en", en))
    return [r for r in rows if r[1] == "es"][:limit] + [r for r in rows if r[1] == "en"][:limit]


def reviews(path: Path, source: str, code: str, limit: int) -> list[tuple[str, str, str]]:
    with gzip.open(path, "rb") as raw:
        texts = [row["text"] for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))]
    out = []
    for text in reversed(texts):  # the last reviews: a fixed, reproducible sample
        out += [(source, code, s) for s in _sentences(text)]
        if len(out) >= limit:
            break
    return out[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
    parser.add_argument("--per-source", type=int, default=1000)
    args = parser.parse_args(argv)
    samples = spa_eng(args.data, args.per_source)
    samples += reviews(args.data / "muchocine-es" / "train.csv.gz", "muchocine", "es", args.per_source)
    samples += reviews(args.data / "imdb" / "train.csv.gz", "imdb", "en", args.per_source)
    print(f"{'source':<16}{'lang':<6}{'method':<16}{'n':>6}{'guessed':>9}{'accuracy':>10}{'ms/text':>9}")
    for use_package, method in ((True, "py3langid"), (False, "function-words")):
        for source, code in (("spa-eng valid", "es"), ("spa-eng valid", "en"), ("muchocine", "es"), ("imdb", "en")):
            texts = [t for s, c, t in samples if s == source and c == code]
            started = time.perf_counter()
            guesses = [detect_language(t, use_package=use_package) for t in texts]
            elapsed = (time.perf_counter() - started) / max(1, len(texts)) * 1000
            made = [g for g in guesses if g is not None]
            right = sum(g.code == code for g in made)
            shown = method if not use_package or (made and made[0].method == "py3langid") else "(not installed)"
            print(f"{source:<16}{code:<6}{shown:<16}{len(texts):>6}{len(made) / max(1, len(texts)):>9.1%}"
                  f"{right / max(1, len(made)):>10.1%}{elapsed:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
