"""How the cards word a screen's self-harm question: which item it is and which answers are
positive (session 22 F4 item 2).

An answer that could not be read (Score.item9_unread) comes from a PHQ-9 item 9 or, since review
s22 RS, from an EPDS item 10 (fhir_mapping/screen_lookalike.py). The cards asking to look at it
in the chart said "if it is above 0 ('several days' or more)" and "an item 9 answer", the PHQ-9's
words, for both. Here is the one place that says, per screen: its self-harm item (the item number
from fhir_mapping/data/screen_item_terms.csv) and its positive answers (data/self_harm_items.csv,
with sources). A screen not in the table is worded as the PHQ-9 (the service's own screen).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.screen_lookalike import self_harm_item

PHQ9 = "PHQ-9"


@dataclass(frozen=True, slots=True)
class SelfHarmItem:
    instrument: str  # "PHQ-9", "EPDS"
    item: str  # "item 9", "item 10"
    positive: str  # "above 0 ('several days' or more)"
    positive_short: str  # "above 0", for a card summary

    @property
    def full(self) -> str:
        """ "PHQ-9 item 9", "EPDS item 10": said so beside another screen's item; "C-SSRS" for
        a screen whose result as a whole was not read (no item)."""
        return f"{self.instrument} {self.item}" if self.item else self.instrument

    @property
    def named(self) -> str:
        """ "item 9" for the PHQ-9, the service's own screen, named so on every card; another
        screen's item with the screen's name ("EPDS item 10"), never read as the PHQ-9's."""
        return self.item if self.instrument == PHQ9 else self.full


@cache
def _rows() -> dict[str, tuple[str, str]]:
    text = resources.files("services").joinpath("data/self_harm_items.csv").read_text("utf-8")
    return {
        r["instrument"]: (r["positive"], r["positive_short"])
        for r in csv.DictReader(text.splitlines())
    }


def of(instrument: str | None) -> SelfHarmItem:
    """The self-harm item of `instrument` (the PHQ-9's when unknown or not in the table)."""
    rows = _rows()
    name = instrument if instrument in rows else PHQ9
    positive, short = rows[name]
    return SelfHarmItem(name, self_harm_item(name), positive, short)


def _items(screens: Iterable[str | None]) -> list[SelfHarmItem]:
    return list(dict.fromkeys(of(s) for s in screens)) or [of(PHQ9)]


def positive_clause(screens: Iterable[str | None]) -> str:
    """ "if it is above 0 ('several days' or more)" for the unreadable answers of `screens`;
    each named with its own positive answers when they come from more than one screen."""
    items = _items(screens)
    if len(items) == 1:
        return f"if it is {items[0].positive}"
    return "if " + " or ".join(f"the {i.full} answer is {i.positive}" for i in items)


def item_clears(instrument: str | None) -> bool:
    """Whether a later readable PHQ-9 item 9 clears an unread answer of `instrument`: an item's
    answer, yes; a screen's result as a whole (the C-SSRS, no item), no: its risk level is an
    assessment, which a re-screen does not replace (review s27 RF finding 2)."""
    return bool(of(instrument).item)


def superseded_by(screens: Iterable[str | None]) -> str:
    """What closes an unreadable answer besides an assessment (risk_evidence._unread_superseded:
    a readable PHQ-9 item 9 dated after its day, whichever screen it came from: review s23 RR
    finding 2): "a readable
    item 9", "a readable PHQ-9 item 9" when an answer was another screen's; "" when none is an
    item's answer (`item_clears`)."""
    screens = list(screens)
    if not any(item_clears(s) for s in screens):
        return ""
    if all(i.instrument == PHQ9 for i in _items(screens)):
        return f"a readable {of(PHQ9).named}"
    return f"a readable {of(PHQ9).full}"


def named(screens: Iterable[str | None]) -> str:
    """ "an item 9", "an EPDS item 10": the item of the unreadable answers with its article; each
    with its screen's name when they come from more than one ("an EPDS item 10 or a PHQ-9 item
    9"), so the PHQ-9's is not read as the other screen's."""
    items = _items(screens)
    if len(items) == 1:
        return _article(items[0].named)
    return " or ".join(_article(i.full) for i in items)


def _article(words: str) -> str:
    return f"{'an' if words[:1] in 'aeiouAEIOU' else 'a'} {words}"
