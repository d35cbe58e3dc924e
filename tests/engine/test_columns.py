"""The text column rule: the column holding prose wins, ID-like and very short columns are warned about."""

from __future__ import annotations

import csv
import gzip
import json
import random

import pytest

from sentido.engine.batch.columns import choose_text_column, column_stats, table_head, text_column_of
from sentido.engine.batch.readers import SkipFile

OPENINGS = ["The delivery was", "Support answered", "I found the app", "The new plan is", "Checkout felt",
            "Your staff were", "The refund took", "This update made everything"]
ENDINGS = ["quick and friendly, thank you.", "slow and nobody told me why.", "confusing at first but fine now.",
           "far better than last year.", "a waste of my afternoon.", "exactly what I needed for my team."]


def write_feedback_csv(path, rows: int = 1000, seed: int = 0) -> None:
    """A customer-feedback export as analysts get it: id, customer code, free-text comment, rating."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "customer", "comment", "rating"])
        for i in range(rows):
            comment = f"{rng.choice(OPENINGS)} {rng.choice(ENDINGS)}"
            writer.writerow([i + 1, f"c{rng.randint(1, 500)}", comment, rng.randint(1, 5)])


def test_feedback_csv_chooses_the_comment_not_the_customer_code(tmp_path):
    path = tmp_path / "survey.csv"
    write_feedback_csv(path)
    choice = text_column_of(path)
    assert choice.column == "comment" and choice.automatic and choice.warning is None
    customer, comment = choice.stats_of("customer"), choice.stats_of("comment")
    assert customer.id_like and not comment.id_like
    assert comment.mean_words > 4 and comment.spaced == 1.0 and customer.spaced == 0.0
    assert choice.stats_of("id").score == 0 and choice.stats_of("rating").score == 0  # numbers are never the text
    assert comment.score > 10 * customer.score
    assert len(table_head(path)[1]) == 200  # only the head of the file is read


def test_jsonl_chooses_the_long_body_over_the_short_title(tmp_path):
    path = tmp_path / "posts.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i in range(50):
            record = {"id": i, "title": f"Post {i}", "body": f"{OPENINGS[i % 8]} {ENDINGS[i % 6]} More words follow here."}
            handle.write(json.dumps(record) + "\n")
    choice = text_column_of(path)
    assert choice.column == "body" and choice.warning is None
    assert choice.stats_of("title").mean_words == 2


def test_an_id_only_table_is_chosen_with_a_warning(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("ref\n" + "".join(f"A-{i:04d}\n" for i in range(30)))
    choice = text_column_of(path)
    assert choice.column == "ref" and "looks like an ID" in choice.warning
    uuid = column_stats("key", ["3f2b8c1e-9d4a-4e7b-8a6f-1c2d3e4f5a6b", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"])
    assert uuid.id_like


def test_very_short_values_warn_and_a_named_column_is_kept(tmp_path):
    choice = choose_text_column(["tag", "n"], [["good", 1], ["bad", 2], ["fine", 3]])
    assert choice.column == "tag" and "very short" in choice.warning
    named = choose_text_column(["tag", "n"], [["good", 1]], wanted="n")
    assert named.column == "n" and not named.automatic
    with pytest.raises(SkipFile, match="no column 'x'"):
        choose_text_column(["tag"], [["good"]], wanted="x")
    with pytest.raises(SkipFile, match="no text column"):
        choose_text_column(["a", "b"], [[1, "2.5"], [3, "4"]])


def test_parquet_head_is_judged_the_same_way(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"customer": ["c1", "c2", "c3"], "comment": ["I like it a lot", "Not for me at all", "ok then"]}), path)
    assert text_column_of(path).column == "comment"
