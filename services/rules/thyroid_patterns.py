"""The thyroid patterns of data/thyroid_patterns.csv: what a TSH and a free T4 drawn the same
day make together (subclinical, overt, central), what the card asks of each, and where a raised
TSH is reviewed alongside escalation (ETA 2013: under 10 mIU/L) rather than settled first.

Apart from diagnosis_medical_thyroid.py (split lab55, that module was 395 lines) because this is
the table and its reading of a pair of labs; the card's thyroid lines (which pair, which drug
taken, which line) stay there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import LabResult


@cache
def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class Pattern:
    words: str  # "a subclinical hypothyroidism pattern (TSH raised, free T4 normal)"
    action: str  # what the card asks ("" when the pattern alone is said)
    # A TSH below this (mIU/L: every TSH unit data/lab_ranges.csv reads is the same quantity)
    # with this pattern is reviewed alongside escalation, holding nothing (ETA 2013: subclinical
    # hypothyroidism under 10, review 17 W5); None: the pattern is settled before escalating.
    alongside_below_tsh: float | None
    # At or above `alongside_below_tsh`, what the card asks instead (ETA 2013: levothyroxine
    # recommended above 10 under 65-70; audit 17b W3), and from which age the guideline's
    # conditional wording (`over_line_action_older`) is said; "" when the row has none.
    over_line_action: str = ""
    over_line_older_from_age: int | None = None
    over_line_action_older: str = ""


@cache
def pattern_rows() -> dict[tuple[str, str], Pattern]:
    def cell(r: dict[str, str], name: str) -> str:
        return (r.get(name) or "").strip()

    return {
        (r["tsh"].strip(), r["free_t4"].strip()): Pattern(
            r["pattern"].strip(),
            cell(r, "action"),
            float(cell(r, "alongside_below_tsh")) if cell(r, "alongside_below_tsh") else None,
            cell(r, "over_line_action"),
            int(cell(r, "over_line_older_from_age"))
            if cell(r, "over_line_older_from_age")
            else None,
            cell(r, "over_line_action_older"),
        )
        for r in _csv("thyroid_patterns.csv")
    }


@cache
def patterns() -> dict[tuple[str, str], str]:
    """The pattern's words, with what the card asks when the table says (review 17 M8: a
    central pattern named with no action)."""
    return {
        key: f"{p.words}: {p.action}" if p.action else p.words for key, p in pattern_rows().items()
    }


def _over_line(tsh: LabResult, pattern: Pattern) -> bool:
    """A TSH at or above the row's line (ETA 2013: 10 mIU/L): a value there, or a bound above it
    ("> 10"); a bound below ("< 12") is not known to be."""
    line = pattern.alongside_below_tsh
    if line is None or tsh.value is None or tsh.comparator in ("<", "<="):
        return False
    return tsh.value >= line


def pattern_words(tsh: LabResult, free_t4: LabResult, age: int | None) -> str:
    """The pair's pattern with what the card asks. At or above the row's TSH line the row's
    over-line action (ETA 2013: treat above 10 under 65-70); from its older age the conditional
    wording. An age not on record gets the younger wording, which names the age cut itself."""
    key = (flag(tsh), flag(free_t4))
    pattern = pattern_rows().get(key)
    if pattern is None or not pattern.over_line_action or not _over_line(tsh, pattern):
        return patterns().get(key, "")
    older = pattern.over_line_older_from_age
    action = (
        pattern.over_line_action_older
        if older is not None and age is not None and age >= older and pattern.over_line_action_older
        else pattern.over_line_action
    )
    return f"{pattern.words}: {action}"


# The key of a lab nothing compared: it matches no row of data/thyroid_patterns.csv.
_NOT_COMPARED = "not compared"


def flag(lab: LabResult) -> str:
    """ "low", "high" or "normal" as the mapping flagged it (the lab's interpretation, its own
    range, else lab_ranges.csv in a unit it knows or converts). A lab with no flag was compared
    with nothing (a unit not converted, no range sent): never read as normal (review s28 RJ
    finding 1: a free T4 of 8 pmol/L, then not converted, made a raised TSH "subclinical")."""
    return lab.flag or _NOT_COMPARED


def subclinical(tsh: LabResult, free_t4: LabResult | None) -> Pattern | None:
    """The table's pattern of a same-day pair reviewed alongside escalation (a raised TSH under
    `alongside_below_tsh` with a normal free T4), else None. Without a free T4 of the same day
    the pattern is not known (an overt hypothyroidism is not ruled out): None, the safer reading."""
    if free_t4 is None or free_t4.date != tsh.date or tsh.value is None:
        return None
    if tsh.comparator is not None:
        return None  # a bound ("> 10") is not a value under the line
    pattern = pattern_rows().get((flag(tsh), flag(free_t4)))
    if pattern is None or pattern.alongside_below_tsh is None:
        return None
    return pattern if tsh.value < pattern.alongside_below_tsh else None


def mild_raise(tsh: LabResult) -> bool:
    """A raised TSH under the subclinical row's line (`alongside_below_tsh`, ETA 2013: 10
    mIU/L), a value and not a bound."""
    if tsh.flag != "high" or tsh.value is None or tsh.comparator is not None:
        return False
    row = pattern_rows().get(("high", "normal"))
    line = row.alongside_below_tsh if row is not None else None
    return line is not None and tsh.value < line


def unknown_pattern_held() -> bool:
    """Whether a raised TSH with no free T4 beside it is settled before escalating: yes when any
    row of data/thyroid_patterns.csv with tsh "high" is settled first (no `alongside_below_tsh`:
    the overt row), since the unknown pattern may be that one (cards45 item 3, the safer reading)."""
    return any(
        p.alongside_below_tsh is None for (tsh, _), p in pattern_rows().items() if tsh == "high"
    )
