"""The README's topic table names every card topic of services/data/topics.csv, and no other
(review s21 RI finding 3: it listed 20 of 56, and never linked the file), with the topic's
indicator and, for one that is never snoozed, says so."""

from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "| topic | indicator | when |"


def readme_rows(text: str) -> list[tuple[list[str], str]]:
    """(topics named in the first cell, the indicator cell) for each row of the topic table."""
    lines = text[text.index(HEADER) :].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("| `"):
            break
        first, indicator, *_ = (c.strip() for c in line.strip("|").split(" | "))
        rows.append((re.findall(r"`([a-z0-9-]+)`", first), indicator))
    return rows


def _topics() -> dict[str, dict[str, str]]:
    with (ROOT / "services/data/topics.csv").open(encoding="utf-8") as f:
        return {row["topic"]: row for row in csv.DictReader(f)}


def test_the_readme_links_topics_csv() -> None:
    assert "](services/data/topics.csv)" in (ROOT / "README.md").read_text("utf-8")


def test_the_topic_table_names_every_topic_and_no_other() -> None:
    rows = readme_rows((ROOT / "README.md").read_text("utf-8"))
    named = [name for names, _ in rows for name in names]
    assert len(named) == len(set(named)), "a topic has two rows"
    topics = _topics()
    assert sorted(set(topics) - set(named)) == [], "topics.csv topics missing from the README"
    assert sorted(set(named) - set(topics)) == [], "README topics that topics.csv lacks"


def test_each_row_gives_the_indicator_and_a_never_snoozed_topic_says_so() -> None:
    topics = _topics()
    for names, indicator in readme_rows((ROOT / "README.md").read_text("utf-8")):
        for name in names:
            assert topics[name]["indicator"] in indicator, name
        if len(names) == 1:
            never = topics[names[0]]["snoozable"] == "false"
            assert ("never snoozed" in indicator) == never, names[0]
