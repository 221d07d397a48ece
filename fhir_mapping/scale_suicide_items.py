"""The suicide items of depression rating scales other than the PHQ-9 and the EPDS, and the C-SSRS
screener written as a number, for the text reader of screening answers (screen_item_text.py;
session 38 fix text89: "HAM-D item 3: 2", "MADRS item 10: 4", "QIDS item 12: 2", "C-SSRS: 2",
"C-SSRS 2/6" in an ED visit's reason or a Condition's note were quiet, TMS offered).

Each scale's suicide item is a row of data/scale_suicide_items.csv (HAM-D17 item 3 "Suicide" 0-4,
MADRS item 10 "Suicidal thoughts" 0-6, QIDS-SR16 item 12 "Thoughts of death or suicide" 0-3) with
its range and the value above which it is positive. Above 0 for each: the lowest rung above 0 is
passive ideation ("feels life is not worth living"), for which a PHQ-9 item 9 above 0 already asks
a same-day assessment (../shared/clinical/REFERENCE.md 5); a false critical card costs an
assessment, a quiet positive item may cost a life (COMMON safety rule). The item is named by the
scale's name (data/screen_item_text.csv `scale_name` rows) and the item's number written as a
`between` row with "<n>" ("item 3", "q3", "#3"), optionally followed by the item's own name
("HAM-D item 3 (suicide): 2"). Only the suicide item is a lead: "QIDS item 9: 2" (increased
weight), "HAM-D item 9: 2" (agitation) stay unread.

The C-SSRS row (no item) reads the screener's number as its count of yes answers (any yes is a
positive screen); a number that cannot be a count ("C-SSRS 11/20: negative", a date; "C-SSRS 2
weeks ago") and a question's number followed by its answer ("C-SSRS 2: no") are no answer
(`not_a_count`). No LOINC code was found for these items (searched), so no coded Observation is
read for them.

Session 39 fix text94: the EPDS item 10 ("The thought of harming myself has occurred to me", 0-3)
is a row too, for its written forms only ("scored 2 on item 10 of the EPDS", "EPDS 10: 3",
"Edinburgh item 10 = 1" were quiet, TMS offered); its answers keep the EPDS list's reading
(screen_item_text._answer_list). Every scale's item is also read named before its scale ("item 10
of the EPDS", "scored 2 on item 3 of the HAM-D": an `item_of` word) and as the bare number after
the scale with ":" or "=" and a one-digit answer ("EPDS 10: 3", "MADRS 10: 4"; `item_leads`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.text_negation import normalise_text

__all__ = ["ScaleItem", "item_leads", "scale_items", "unit_words"]

# A question's number in a `between` row ("item <n>").
_NUMBER = "<n>"


@dataclass(frozen=True)
class ScaleItem:
    instrument: str
    item: int | None  # None: the scale written as a number (the C-SSRS screener's count)
    names: tuple[str, ...]  # the item's own names, normalised ("suicidal thoughts")
    lowest: int
    highest: int
    positive_above: int


@cache
def scale_items() -> dict[str, ScaleItem]:
    """Instrument -> its suicide item (data/scale_suicide_items.csv)."""
    text = resources.files("fhir_mapping").joinpath("data/scale_suicide_items.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {
        r["instrument"]: ScaleItem(
            r["instrument"],
            int(r["item"]) if r["item"] else None,
            tuple(normalise_text(n) for n in r["names"].split("|") if n),
            int(r["lowest"]),
            int(r["highest"]),
            int(r["positive_above"]),
        )
        for r in rows
    }


def _screen_rows() -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath("data/screen_item_text.csv")
    return list(csv.DictReader(text.read_text("utf-8").splitlines()))


@cache
def item_leads() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, instrument) of each scale's suicide item named in normalised text: the scale's
    name, the item's number as a `between` form, then optionally the item's name, bare or in
    brackets ("ham d item 3 (suicide)"), the scale's total perhaps between ("ham d 22 (item 3");
    the match ends after the whole lead."""
    rows = _screen_rows()
    forms = [r["term"] for r in rows if r["role"] == "between" and _NUMBER in r["term"]]
    totals = "|".join(
        re.escape(normalise_text(r["term"]))
        for r in sorted(rows, key=lambda r: -len(r["term"]))
        if r["role"] == "total_word"
    )
    totals = totals or r"(?!x)x"
    of = _alternation(rows, "item_of")
    leads: list[tuple[re.Pattern[str], str]] = []
    for row in (r for r in rows if r["role"] == "scale_name"):
        item = scale_items().get(row["instrument"])
        if item is None or item.item is None:
            continue
        numbered = "|".join(
            re.escape(normalise_text(f.replace(_NUMBER, str(item.item)))).replace(r"\ ", r"\s*")
            for f in sorted(forms, key=len, reverse=True)
        )
        names = "|".join(re.escape(n) for n in sorted(item.names, key=len, reverse=True))
        named = rf"(?:\s*(?:\(\s*(?:{names})\s*\)|(?:{names})(?![\w#])))?" if names else ""
        scale = re.escape(normalise_text(row["term"]))
        # The scale's total between its name and the item ("HAM-D 22 (item 3 = 2)", "MADRS
        # total 30, item 10: 4"): a number, perhaps after a `total_word`, then "," or "(".
        total = rf"(?:(?:{totals})\s*)?[:=]?\s*\d{{1,2}}(?:\s*/\s*\d{{1,2}})?\s*[,(]?\s*"
        # A bracket closing the scale's short name ("Edinburgh Postnatal Depression Scale
        # (EPDS) item 10: 2"; fix text94).
        pattern = rf"(?<![\w#]){scale}\s*\)?\s*(?:{total})?(?:{numbered})(?![\w#]){named}"
        leads.append((re.compile(pattern), row["instrument"]))
        # The item before the scale ("scored 2 on item 10 of the EPDS", "item 10 on the EPDS:
        # 1"), joined by an `item_of` word, as text92 reads "item 9 of the PCL-5" as the
        # PCL-5's item (fix text94: quiet, TMS offered).
        after = rf"(?<![\w#])(?:{numbered})(?![\w#]){named}\s*(?:{of})\s*{scale}(?![\w#])"
        leads.append((re.compile(after), row["instrument"]))
        # The item's number right after the scale's name, then ":" or "=" and a one-digit
        # answer ("EPDS 10: 3", "MADRS 10 = 4"; fix text94: quiet, TMS offered). Without them
        # the number is the scale's total ("EPDS 10", "EPDS 10/30", "EPDS 10: positive screen":
        # no item named, not read), and a clock time ("EPDS 10:30") is no answer. A total equal
        # to the item's number followed by ":" and a digit is read as the item: a false
        # critical card costs an assessment, a quiet positive item may cost a life (COMMON).
        # A time or unit after the digit ("EPDS 10: 2 weeks postpartum", "EPDS 10: 6 wks pp":
        # the total and when it was taken) is no answer, as `not_a_count` holds for the other
        # scales (fix text98, review K62a: critical, TMS held). "EPDS item 10: 2 weeks" names
        # its item and keeps the EPDS list's reading.
        units = unit_words("not_answer_after")
        bare = rf"(?<![\w#]){scale}\s*{item.item}(?=\s*[:=]\s*\d(?![\d:.])(?!\s*{units}(?!\w)))"
        leads.append((re.compile(bare), row["instrument"]))
    return tuple(leads)


def _alternation(rows: list[dict[str, str]], role: str) -> str:
    """The normalised terms of a data/screen_item_text.csv role as a regex alternation, longest
    first (none: a pattern that never matches)."""
    terms = sorted((r["term"] for r in rows if r["role"] == role), key=len, reverse=True)
    return "|".join(re.escape(normalise_text(t)) for t in terms) or r"(?!x)x"


@cache
def unit_words(role: str) -> str:
    """A data/screen_item_text.csv `not_answer_*`, `later_*` row as a pattern: '*' any word
    ending, "<n>" a number (moved from screen_item_text for the bare item's lead, fix text98)."""
    terms = sorted((r["term"] for r in _screen_rows() if r["role"] == role), key=len, reverse=True)
    body = "|".join(
        re.escape(normalise_text(t)).replace(r"\*", r"\w*").replace(re.escape(_NUMBER), r"\d{1,2}")
        for t in terms
    )
    return rf"(?:{body or '(?!x)x'})"
