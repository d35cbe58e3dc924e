"""``sentido analyze``, ``sentido next`` and ``sentido continue``."""

from __future__ import annotations

import argparse

from sentido.engine.commands.common import make_engine, read_texts
from sentido.engine.uncertainty import DEFAULT_BAND, check_band, is_uncertain, shown_label


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="label, probabilities and signed score of each text")
    p.add_argument("text", nargs="+", help="the text, or - to read one text per line from standard input")
    p.add_argument("--model", default=None, help="model name (default: the best sentiment model)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--explain", action="store_true",
                   help="also show which words pushed toward the label, and the score after every word")
    p.add_argument("--explain-method", choices=["auto", "integrated-gradients", "occlusion"], default="auto",
                   help="attribution method for --explain (default: integrated gradients where the model allows)")
    p.add_argument("--uncertain-band", type=float, default=DEFAULT_BAND, metavar="B",
                   help=f"call results within B of 50%% mixed/uncertain (default {DEFAULT_BAND}; 0 turns it off)")
    p.set_defaults(func=cmd_analyze)
    p = sub.add_parser("next", help="the k most likely next words")
    p.add_argument("text", nargs="+")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--model", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_next)
    p = sub.add_parser("continue", help="continue a text by beam search, greedy decoding or sampling")
    p.add_argument("text", nargs="+")
    p.add_argument("--beam", type=int, default=4, help="beam width (default 4)")
    p.add_argument("--words", type=int, default=8, help="maximum words to add (default 8)")
    p.add_argument("--strategy", choices=["beam", "greedy", "sample"], default="beam")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-k", type=int, default=0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--model", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_continue)


def cmd_analyze(args) -> int:
    from sentido.engine.cli import print_json
    from sentido.engine.inference import label_valence

    texts = read_texts(args.text)
    engine = make_engine(args)
    results = engine.analyze(texts, model=args.model)
    band, signed = check_band(args.uncertain_band), any(label_valence(engine.load(args.model, "classification").spec))
    rows = [r.to_dict() | {"uncertain": is_uncertain(r.probabilities, band)} for r in results]
    if args.explain:
        from sentido.engine import explain

        loaded = engine.load(args.model, "classification")
        for row, text in zip(rows, texts):
            row["explanation"] = explain.explain(loaded, text, method=args.explain_method).to_dict()
            row["along"] = [float(s) for s in explain.along_the_text(loaded, text).scores]
    if args.json:
        print_json(rows if args.text == ["-"] else rows[0])
        return 0
    for r, row in zip(results, rows):
        shown = r.text if len(r.text) <= 60 else r.text[:57] + "..."
        label = shown_label(r.label, r.probabilities, args.uncertain_band, signed)
        print(f"{label:<10} {r.confidence:6.1%}  score {r.score:+.3f}  {shown}")
        if args.explain and r.label:
            tokens = sorted(row["explanation"]["tokens"], key=lambda t: t["attribution"], reverse=True)
            toward = ", ".join(f"“{t['text']}” {t['attribution']:+.3f}" for t in tokens[:5] if t["attribution"] > 0)
            against = ", ".join(f"“{t['text']}” {t['attribution']:+.3f}" for t in tokens[::-1][:5] if t["attribution"] < 0)
            print(f"  toward {r.label}: {toward or '-'}")
            print(f"  against: {against or '-'}")
    return 0


def cmd_next(args) -> int:
    from sentido.engine.cli import print_json

    text = read_texts(args.text)[0]
    engine = make_engine(args)
    candidates = engine.next_words(text, k=args.k, model=args.model)
    if args.json:
        print_json([c.to_dict() for c in candidates])
    else:
        for c in candidates:
            print(f"{c.probability:6.1%}  {c.word}")
    return 0


def cmd_continue(args) -> int:
    from sentido.engine.cli import print_json

    text = read_texts(args.text)[0]
    engine = make_engine(args)
    results = engine.continue_text(
        text, beam_width=args.beam, max_words=args.words, model=args.model,
        strategy=args.strategy, temperature=args.temperature, top_k=args.top_k, seed=args.seed,
    )
    if args.json:
        print_json([c.to_dict() for c in results])
    else:
        for c in results:
            print(f"{c.log_probability:8.2f}  {text} {c.text}")
    return 0
