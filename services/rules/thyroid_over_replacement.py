"""A low TSH on thyroid hormone replacement: possible over-replacement (audit 19 finding 4).

A patient on levothyroxine (or desiccated thyroid) with a TSH of 0.01 got "Abnormal TSH: 0.01
mIU/L, low." and nothing to do. On replacement a TSH under its range is most often the dose:
iatrogenic thyrotoxicosis, which can cause or worsen anxiety, insomnia and agitation (the very
symptoms a depression review weighs), and a suppressed TSH raises the risk of atrial fibrillation
and bone loss. The line now says so and asks for a free T4 (and T3) and a review of the dose.

The bands are data/thyroid_low_tsh_on_replacement.csv: fully suppressed under `tsh_below` (0.1
mIU/L, ETA 2015 grade 2), else any TSH the lab (or data/lab_ranges.csv) flags low. The exceptions
the row names (an intended suppression after thyroid cancer, central hypothyroidism) are said,
not guessed: the chart does not tell them apart reliably.

The line is held as any abnormal TSH is (the adjuncts' one-click waits, CANMAT 2023 para 184: a
treatable medical contributor on poor response); a TSH liothyronine explains as an adjunct is
services/rules/adjunct_harm_signs.py's, said before this is asked. Apart from
diagnosis_medical_thyroid.py, which calls `item` once, because this reading pairs the TSH with
the replacement dose, not with the pattern a free T4 makes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import LabResult
from services import drug_names
from services.interaction_takings import Taking
from services.rules.diagnosis_item import Item, lab_number, status_note


@dataclass(frozen=True, slots=True)
class Band:
    """One row of data/thyroid_low_tsh_on_replacement.csv."""

    band: str
    tsh_below: float | None  # mIU/L; None: any TSH flagged low
    words: str  # "fully suppressed (under 0.1 mIU/L)"
    why: str  # what it may mean, and its risks
    action: str  # what the card asks beside the free T4


@cache
def bands() -> tuple[Band, ...]:
    """The bands, lowest line first; the one with no line last (any low TSH)."""
    text = resources.files("services").joinpath("data/thyroid_low_tsh_on_replacement.csv")
    rows = [
        Band(
            r["band"].strip(),
            float(r["tsh_below"]) if r["tsh_below"].strip() else None,
            r["words"].strip(),
            r["why"].strip(),
            r["action"].strip(),
        )
        for r in csv.DictReader(text.read_text("utf-8").splitlines())
    ]
    return tuple(sorted(rows, key=lambda b: float("inf") if b.tsh_below is None else b.tsh_below))


def _under(tsh: LabResult, line: float) -> bool:
    """A TSH known to be under `line`: a value under it, or a bound at or under it ("< 0.01")."""
    if tsh.value is None or tsh.comparator in (">", ">="):
        return False
    if tsh.comparator in ("<", "<="):
        return tsh.value <= line
    return tsh.value < line


def band_of(tsh: LabResult) -> Band | None:
    """The band of a TSH flagged low, or None when it is not."""
    if tsh.flag != "low":
        return None
    for band in bands():
        if band.tsh_below is None or _under(tsh, band.tsh_below):
            return band
    return None


def item(tsh: LabResult, taking: Taking, ref: str, free_t4_drawn: bool) -> Item | None:
    """The line for a low TSH on `taking` (a thyroid replacement): `ref` names the TSH and any
    free T4 beside it as the card writes them; `free_t4_drawn`: one was drawn the same day, so
    only the T3 is asked for. None when the TSH is not low."""
    band = band_of(tsh)
    if band is None:
        return None
    name = drug_names.shown(taking.ingredient)
    value = "" if tsh.value is None else f" {lab_number(tsh)}{status_note(tsh)}"
    since = f" since {taking.start.isoformat()}" if taking.start else ""
    ask = "Add T3 if not drawn, and " if free_t4_drawn else "Add free T4 (and T3), and "
    # `short` is a noun phrase: the summary and the optimise card's hold name it ("review TSH
    # low 0.01 on levothyroxine first"); the detail says what to do.
    return Item(
        f"TSH low{value} on {name}",
        f"**Low TSH on {name}:** {ref}; {name} running{since}. The TSH is {band.words}, "
        f"{band.why}. {ask}{band.action}.",
        order="" if free_t4_drawn else "free-t4",
    )
