"""Rebuild the models Sentido ships (``make models``): hours on a laptop CPU, resumable.

Each model is one ``sentido train ...`` command (recorded on its card). A model whose bundle exists in
``resources/models/`` is skipped (``--force`` retrains it); a model with a checkpoint in ``runs/checkpoints/``
continues from it. Prepared data (the fixed IMDB held-out split, the Spanish star mapping) and word vectors go to
``runs/`` (git-ignored). Up to ``--jobs`` trainings run at once, each on one CPU thread.

    python scripts/make_models.py                     # everything still missing
    python scripts/make_models.py sentiment-en-lstm   # one model
    python scripts/make_models.py --list
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SENTIDO_DATA", ROOT.parent / "shared" / "data"))
RUNS = Path(os.environ.get("SENTIDO_RUNS", ROOT / "runs"))
PREPARED = RUNS / "data"
MODELS = ROOT / "resources" / "models"
SENTIDO = str(Path(sys.executable).with_name("sentido"))
HOLDOUT_SEED = 2026  # the fixed 10% of IMDB train never trained on
SPANISH_MAP = "1=negative,2=negative,3=,4=positive,5=positive"

IMDB_HELDOUT = PREPARED / "imdb-heldout.csv.gz"
EN_TRAIN = PREPARED / "sentiment-en-train.csv.gz"
ES_TRAIN = PREPARED / "muchocine-train.csv.gz"
ES_TEST = PREPARED / "muchocine-test.csv.gz"
ES_LM_TRAIN = PREPARED / "nextword-es-train.txt.gz"
ES_LM_VALID = PREPARED / "nextword-es-valid.txt"
ES_LM_REVIEWS_TEST = PREPARED / "muchocine-test.txt"
W2V_EN = RUNS / "w2v-imdb"
W2V_ES = RUNS / "w2v-muchocine"


def _write_csv(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with gzip.open(temp, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    os.replace(temp, path)


def prepare_data() -> None:
    """IMDB train minus a seeded 10% (held out) plus SST-2 train; muchocine split 85/15, stars mapped."""
    sys.path.insert(0, str(ROOT))
    from sentido.engine.datasets import map_labels, read_labelled, split_indices
    from sentido.engine.commands.train import _parse_label_map

    if not (EN_TRAIN.is_file() and IMDB_HELDOUT.is_file()):
        imdb = read_labelled(DATA / "imdb" / "train.csv.gz")
        train_idx, held = split_indices(len(imdb), 0.1, HOLDOUT_SEED)
        sst = read_labelled(DATA / "sst2" / "train.csv.gz")
        _write_csv(IMDB_HELDOUT, ((imdb.texts[i], imdb.labels[i]) for i in held))
        _write_csv(EN_TRAIN, [(imdb.texts[i], imdb.labels[i]) for i in train_idx] + list(zip(sst.texts, sst.labels)))
    if not (ES_TRAIN.is_file() and ES_TEST.is_file()):
        es = map_labels(read_labelled(DATA / "muchocine-es" / "train.csv.gz"), _parse_label_map(SPANISH_MAP))
        train_idx, test_idx = split_indices(len(es), 0.15, HOLDOUT_SEED)
        _write_csv(ES_TRAIN, ((es.texts[i], es.labels[i]) for i in train_idx))
        _write_csv(ES_TEST, ((es.texts[i], es.labels[i]) for i in test_idx))

    if not (ES_LM_TRAIN.is_file() and ES_LM_VALID.is_file() and ES_LM_REVIEWS_TEST.is_file()):
        _prepare_spanish_lm()


def _spanish_side(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)  # header: es, en
        return [row[0] for row in rows if row and row[0].strip()]


def _paragraphs(texts) -> list[str]:
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


def _prepare_spanish_lm() -> None:
    """Spanish next-word text: the Spanish side of spa-eng train plus the MuchoCine *training* reviews (one paragraph
    a line); validation: the Spanish side of spa-eng valid; the held-out MuchoCine reviews are a second test set."""
    from sentido.engine.datasets import read_labelled

    lines = _spanish_side(DATA / "spa-eng" / "train.tsv.gz") + _paragraphs(read_labelled(ES_TRAIN).texts)
    temp = ES_LM_TRAIN.with_suffix(".tmp")
    with gzip.open(temp, "wt", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
    os.replace(temp, ES_LM_TRAIN)
    ES_LM_VALID.write_text("".join(f"{line}\n" for line in _spanish_side(DATA / "spa-eng" / "valid.tsv.gz")), encoding="utf-8")
    ES_LM_REVIEWS_TEST.write_text("".join(f"{line}\n" for line in _paragraphs(read_labelled(ES_TEST).texts)),
                                  encoding="utf-8")


def vectors_command(out: Path, *corpus: Path) -> list[str]:
    return [SENTIDO, "embeddings", "train", *map(str, corpus), "--out", str(out), "--dim", "100", "--min-count", "3",
            "--epochs", "5", "--workers", "1"]


SENTIMENT_COMMON = [
    "--data", str(EN_TRAIN), "--valid-split", "0.05", "--eval", f"imdb-heldout={IMDB_HELDOUT}",
    "--eval", f"sst2-dev={DATA / 'sst2' / 'dev.csv.gz'}", "--vocab-corpus", str(DATA / "imdb" / "unsup.txt.gz"),
    "--vocab-size", "30000", "--embeddings", str(W2V_EN), "--pooling", "mean_max", "--max-tokens", "400",
    "--epochs", "5", "--patience", "2", "--batch-size", "64", "--lr", "2e-3", "--language", "en", "--average-final",
]
LM_COMMON = [
    "--data", str(DATA / "wikitext2" / "train.txt.gz"), "--valid", str(DATA / "wikitext2" / "valid.txt"),
    "--vocab-size", "40000", "--min-frequency", "3", "--embedding-dim", "200",
    "--adaptive-cutoffs", "2000,10000", "--dropout", "0.4", "--embedding-dropout", "0.1", "--bptt", "35",
    "--batch-size", "64", "--lr", "2e-3", "--epoch-lr-decay", "0.7", "--clip", "0.5", "--language", "en",
    "--average-final",
]

TWEETS = DATA / "tweeteval-sentiment"
THREE_CLASS_SCORES = "negative=-1,neutral=0,positive=1"

RECIPES: dict[str, list[str]] = {
    # The next-word LSTM trains in two stages: 80 minutes from scratch with a decaying learning rate, then a warm
    # restart from those weights at a constant rate, keeping the running mean of the weights (Polyak averaging).
    "nextword-en-lstm-base": ["next-word", "--arch", "lstm", *LM_COMMON, "--hidden-size", "384", "--epochs", "12",
                              "--max-minutes", "80", "--description", "English next-word LSTM trained on WikiText-2."],
    "nextword-en-lstm": ["next-word", "--arch", "lstm", "--init-from", str(RUNS / "models" / "nextword-en-lstm-base"),
                         "--data", str(DATA / "wikitext2" / "train.txt.gz"), "--valid", str(DATA / "wikitext2" / "valid.txt"),
                         "--bptt", "35", "--batch-size", "64", "--lr", "1e-3", "--epoch-lr-decay", "1.0", "--lr-decay", "0.5",
                         "--patience", "3", "--clip", "0.5", "--average-from-epoch", "2", "--epochs", "10",
                         "--max-minutes", "105", "--language", "en",
                         "--description", "English next-word LSTM trained on WikiText-2."],
    "sentiment-en-lstm-large": ["sentiment", "--arch", "lstm", *SENTIMENT_COMMON, "--hidden-size", "256",
                                "--description", "English sentiment (negative/positive) LSTM for reviews and short sentences."],
    "sentiment-en-lstm": ["sentiment", "--arch", "lstm", *SENTIMENT_COMMON, "--hidden-size", "64",
                          "--description", "English sentiment (negative/positive) LSTM for reviews and short sentences, "
                                           "small enough for fast batch runs."],
    "nextword-en-gru": ["next-word", "--arch", "gru", *LM_COMMON, "--hidden-size", "256", "--epochs", "3", "--max-minutes", "12",
                        "--description", "English next-word GRU trained on WikiText-2."],
    "sentiment-en-gru": ["sentiment", "--arch", "gru", *SENTIMENT_COMMON, "--hidden-size", "256", "--max-minutes", "22",
                         "--description", "English sentiment (negative/positive) GRU for reviews and short sentences."],
    "sentiment-en-resnet-lstm": ["sentiment", "--arch", "resnet_lstm", *SENTIMENT_COMMON, "--hidden-size", "256", "--max-minutes", "22",
                                 "--conv-blocks", "2", "--kernel-size", "3",
                                 "--description", "English sentiment: residual 1-D convolutions feeding an LSTM."],
    "sentiment-en-rnn": ["sentiment", "--arch", "rnn", *SENTIMENT_COMMON, "--hidden-size", "256", "--lr", "1e-3", "--max-minutes", "12",
                         "--description", "English sentiment with a plain (Elman) RNN: the vanishing-gradient exhibit."],
    "emotion-en-lstm": ["sentiment", "--arch", "lstm", "--data", str(DATA / "emotion" / "train.csv.gz"),
                        "--valid-split", "0.1", "--eval", f"emotion-validation={DATA / 'emotion' / 'validation.csv.gz'}",
                        "--embeddings", str(W2V_EN), "--hidden-size", "128", "--pooling", "max", "--epochs", "12",
                        "--patience", "3", "--freeze-embeddings-epochs", "0", "--min-frequency", "1",
                        "--language", "en", "--description", "Six emotions (sadness, joy, love, anger, fear, surprise) of English tweets."],
    "sentiment-es-lstm": ["sentiment", "--arch", "lstm", "--data", str(ES_TRAIN), "--valid-split", "0.1",
                          "--eval", f"muchocine-test={ES_TEST}", "--embeddings", str(W2V_ES), "--hidden-size", "128",
                          "--pooling", "mean_max", "--max-tokens", "600", "--epochs", "15", "--patience", "4",
                          "--batch-size", "32", "--vocab-size", "20000", "--language", "es",
                          "--description", "Spanish film-review sentiment (negative/positive) from MuchoCine "
                                           "(1-2 stars negative, 4-5 positive, 3 dropped)."],
    "nextword-es-lstm": ["next-word", "--arch", "lstm", "--data", str(ES_LM_TRAIN), "--valid", str(ES_LM_VALID),
                         "--eval", f"muchocine-test={ES_LM_REVIEWS_TEST}", "--vocab-size", "30000",
                         "--min-frequency", "3", "--embedding-dim", "200", "--hidden-size", "256",
                         "--adaptive-cutoffs", "2000,10000", "--dropout", "0.3", "--embedding-dropout", "0.1",
                         "--bptt", "35", "--batch-size", "64", "--lr", "2e-3", "--epoch-lr-decay", "0.7", "--clip", "0.5",
                         "--epochs", "4", "--max-minutes", "13", "--average-final", "--language", "es",
                         "--description", "Spanish next-word LSTM trained on Tatoeba sentences (spa-eng) and "
                                          "MuchoCine film reviews."],
    # Three classes on tweets: the encoder (and tokenizer) of the movie-review LSTM, a fresh three-way output layer,
    # fine-tuned on the TweetEval training tweets; measured on TweetEval's validation split (never trained on).
    "sentiment-en-3class-lstm": ["sentiment", "--arch", "lstm", "--init-from", str(MODELS / "sentiment-en-lstm-large"),
                                 "--data", str(TWEETS / "train.csv.gz"), "--valid-split", "0.1",
                                 "--eval", f"tweeteval-validation={TWEETS / 'validation.csv.gz'}",
                                 "--label-scores", THREE_CLASS_SCORES, "--epochs", "8", "--patience", "3",
                                 "--batch-size", "32", "--lr", "1e-3", "--max-tokens", "400", "--average-final",
                                 "--max-minutes", "15", "--language", "en",
                                 "--description", "English sentiment in three classes (negative/neutral/positive), "
                                                  "fine-tuned on tweets."],
}
NEEDS = {name: next((Path(recipe[i + 1]) for i, a in enumerate(recipe) if a == "--embeddings"), None)
         for name, recipe in RECIPES.items()}


STAGES = {"nextword-en-lstm-base": RUNS / "models"}  # intermediate models, not shipped
AFTER = {"nextword-en-lstm": "nextword-en-lstm-base"}  # starts from that model's weights


def bundle(name: str) -> Path:
    return STAGES.get(name, MODELS) / name


def command(name: str) -> list[str]:
    checkpoint = RUNS / "checkpoints" / name
    argv = [SENTIDO, "train", *RECIPES[name], "--out", str(bundle(name)), "--name", name,
            "--checkpoint", str(checkpoint), "--threads", "1"]
    if (checkpoint / "progress.json").is_file():
        argv.append("--resume")
    return argv


def ensure_vectors(path: Path) -> None:
    if (path / "vectors.bin").is_file():
        return
    corpus = (DATA / "imdb" / "unsup.txt.gz", EN_TRAIN) if path == W2V_EN else (ES_TRAIN,)
    subprocess.run(vectors_command(path, *corpus), check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="models to build (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="retrain even if the bundle exists")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for name in RECIPES:
            print(f"{name:28} {'done' if (bundle(name) / 'plugin.toml').is_file() else 'missing'}")
        return 0
    unknown = [n for n in args.names if n not in RECIPES]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; valid: {', '.join(RECIPES)}")
    prepare_data()
    wanted = list(args.names or RECIPES)
    for name in list(wanted):  # a stage the model starts from is built first, when missing
        if name in AFTER and AFTER[name] not in wanted and not (bundle(AFTER[name]) / "plugin.toml").is_file():
            wanted.insert(wanted.index(name), AFTER[name])
    queue = [n for n in wanted if args.force or not (bundle(n) / "plugin.toml").is_file()]
    for path in {NEEDS[n] for n in queue} - {None}:
        ensure_vectors(path)
    (RUNS / "logs").mkdir(parents=True, exist_ok=True)
    running: dict[str, subprocess.Popen] = {}
    failed = []
    while queue or running:
        ready = [n for n in queue if AFTER.get(n) not in queue and AFTER.get(n) not in running]
        while ready and len(running) < args.jobs:
            name = ready.pop(0)
            queue.remove(name)
            argv = command(name)
            log = (RUNS / "logs" / f"{name}.log").open("a")
            print(f"[{time.strftime('%H:%M:%S')}] start {name}: {' '.join(argv[1:])}", flush=True)
            env = {**os.environ, "OMP_NUM_THREADS": "1"}
            running[name] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        time.sleep(5)
        for name, proc in list(running.items()):
            if proc.poll() is not None:
                del running[name]
                print(f"[{time.strftime('%H:%M:%S')}] {name} {'done' if proc.returncode == 0 else f'FAILED ({proc.returncode})'}",
                      flush=True)
                if proc.returncode:
                    failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
