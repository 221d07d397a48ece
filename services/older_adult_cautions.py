"""Older-adult (AGS Beers 2023) cautions of antidepressants: data/older_adult_cautions.csv.

Review 11 finding 1: amitriptyline, paroxetine and the other strongly anticholinergic
antidepressants were drafted and kept running at 79-88, with repeated falls coded, and no card said
a word. The table holds the Beers lines, each row with its source and status:

- `anticholinergic` rows: a drug to avoid from `min_age` (Beers applies from 65), doxepin only
  above `above_mg_day` (6 mg/day, its hypnotic dose, is not on the list);
- the `falls` row: with falls on record, the classes it names are avoided unless safer
  alternatives are not available. Said on the anticholinergic card when that one is raised, and
  on its own order card otherwise (order_checks/falls.py, review s21 RD finding 2: sertraline
  drafted at 85 after a fall said nothing; one card per draft at the order hooks only, not at
  chart open, so it is not repeated for a drug already running). A raise the optimise card
  proposes carries it as one line (`raise_falls_line`; session 25 review RA finding 8:
  duloxetine 60 -> 120 mg/day proposed at 78 with a fall coded said nothing of it): the raise is
  the order the falls card would warn about, and the prescriber reads it before drafting.

A dose that cannot be read does not clear doxepin: the safer reading names the line and says the
dose was not read (a card that stays silent would read as "checked").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.record import Finding, FindingKind, IndicationCategory, StatedReason
from services import drugs
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class OlderAdultCaution:
    kind: str  # "anticholinergic" | "falls"
    ingredient: str  # "" for a class row
    classes: frozenset[str]
    above_mg_day: float | None  # the line applies only above this daily dose (doxepin: 6)
    min_age: int
    line: str  # what the criteria say, as the card quotes it
    cite: str  # "AGS Beers 2023"
    # What the card's Source line prints ("AGS Beers 2023 Table 3 (history of falls or
    # fractures)"): the long `source` says how each line was checked and stays in the table
    # (recheck 11 finding 12: it named review notes and websites on the card).
    source_cite: str
    source: str
    status: str

    @property
    def unverified(self) -> bool:
        return self.status == "UNVERIFIED"


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def rows() -> tuple[OlderAdultCaution, ...]:
    text = resources.files("services").joinpath("data/older_adult_cautions.csv").read_text("utf-8")
    return tuple(
        OlderAdultCaution(
            kind=row["kind"],
            ingredient=row["ingredient"].strip().lower(),
            classes=frozenset(c for c in row["classes"].split(";") if c),
            above_mg_day=_float(row["above_mg_day"]),
            min_age=int(row["min_age"]),
            line=row["line"],
            cite=row["cite"],
            source_cite=row["source_cite"],
            source=row["source"],
            status=row["status"],
        )
        for row in csv.DictReader(text.splitlines())
    )


def anticholinergic(
    ingredient: str, mg_per_day: float | None, age: int | None
) -> OlderAdultCaution | None:
    """The drug's strongly-anticholinergic row when it applies at this age and daily dose, else
    None. An unknown age gives None (no age, no age rule: the dose checks already say the age
    was not read); an unknown dose of a drug listed only above a dose gives the row (safer)."""
    if age is None:
        return None
    for row in rows():
        if row.kind != "anticholinergic" or row.ingredient != ingredient.lower():
            continue
        if age < row.min_age:
            return None
        if row.above_mg_day is not None and mg_per_day is not None:
            return row if mg_per_day > row.above_mg_day else None
        return row
    return None


def falls_row(drug_class: str, age: int | None) -> OlderAdultCaution | None:
    """The falls row when it names the drug's class and the age is in its range."""
    if age is None:
        return None
    return next(
        (r for r in rows() if r.kind == "falls" and drug_class in r.classes and age >= r.min_age),
        None,
    )


def falls_on_record(ctx: RuleContext) -> tuple[Finding, ...]:
    """Falls findings (data/falls_codes.csv), latest onset first (undated last)."""
    return tuple(
        sorted(
            ctx.facts.findings_of(FindingKind.FALLS),
            key=lambda f: f.onset or date.min,
            reverse=True,
        )
    )


def falls_words(falls: tuple[Finding, ...]) -> str:
    """How a summary names the falls: "repeated falls", "history of falling"; "falls" for
    several kinds or a long display."""
    if not falls:
        return ""
    names = {f.display.lower() for f in falls}
    if len(names) == 1:
        (name,) = names
        if len(name) <= 24:
            return name
    return "falls"


def falls_line(caution: OlderAdultCaution | None, falls: tuple[Finding, ...]) -> str:
    """ "**Falls on record:** Repeated falls (ICD-10-CM R29.6, since 2024-11-04; Condition/c1),
    and 1 more fall record. AGS Beers 2023: with a history of falls ... (UNVERIFIED)." """
    if not falls:
        return ""
    latest = falls[0]
    when = latest.onset_phrase or "date not recorded"
    ref = f"; {latest.source}" if latest.source is not None else ""
    more = len(falls) - 1
    others = f", and {more} more fall record{'s' if more > 1 else ''}" if more else ""
    said = f"**Falls on record:** {latest.display} ({latest.coding}, {when}{ref}){others}."
    if caution is None:
        return said
    flag = " (UNVERIFIED)" if caution.unverified else ""
    return f"{said} {caution.cite}: {caution.line}{flag}."


def raise_falls_line(ctx: RuleContext, drug_class: str) -> str:
    """The falls line for a raise the service proposes of a running drug of this class, or "":
    the same rule as the order hook's falls card (order_checks/falls.py: `falls_row` for the
    class and age, a fall on record), said where the raise is proposed, with what the raise asks
    (module docstring). No card of its own: the order of the raise gets the falls card."""
    row = falls_row(drug_class, ctx.record.patient.age)
    falls = falls_on_record(ctx) if row is not None else ()
    if row is None or not falls:
        return ""
    return (
        f"{falls_line(row, falls)} If the dose is raised, go slowly and review falls at each "
        "follow-up."
    )


def adjunct_falls_line(ctx: RuleContext, drug_classes: Iterable[str]) -> str:
    """The falls line for the antipsychotic adjuncts the optimise card lists, or "" (review
    K65b finding 2: aripiprazole proposed at 70 with Z91.81 or a hip fracture coded said nothing
    of falls). Said once where the adjuncts are named, not as a card of its own at chart open
    (as `raise_falls_line`): an order of the adjunct gets the order hooks' falls card."""
    age = ctx.record.patient.age
    row = next((r for c in drug_classes if (r := falls_row(c, age)) is not None), None)
    falls = falls_on_record(ctx) if row is not None else ()
    if row is None or not falls:
        return ""
    return (
        f"{falls_line(row, falls)} If an antipsychotic adjunct is chosen, start low and review "
        "falls at each follow-up."
    )


_WORD = re.compile(r"[a-z][a-z-]*")


def switch_falls_line(ctx: RuleContext, offered: Iterable[str]) -> str:
    """The falls line for the switch options the optimise card lists, or "" (session 42 care65,
    review K65b: at 70 with a fall coded, SNRIs were listed as switch options with no word of
    falls, though the same Beers row (TCAs, SSRIs, SNRIs) is said on a raise and the adjunct
    list carries its own): the options of a class the falls row names, with the row and the
    record, as `adjunct_falls_line`. `offered`: the list's entries ("SNRI: venlafaxine, ...")."""
    age = ctx.record.patient.age
    named: dict[str, OlderAdultCaution] = {}
    for word in dict.fromkeys(_WORD.findall(" ".join(offered).lower())):
        info = drugs.info(word)
        row = falls_row(info.drug_class, age) if info is not None else None
        if row is not None:
            named[word] = row
    falls = falls_on_record(ctx) if named else ()
    if not falls:
        return ""
    rows_said = dict.fromkeys(named.values())
    said = " ".join(
        falls_line(row, falls) if i == 0 else _caution_words(row) for i, row in enumerate(rows_said)
    )
    return (
        f"{said} Among the options: {', '.join(named)}; if one is chosen, start low, go slowly "
        "and review falls at each follow-up."
    )


def _caution_words(caution: OlderAdultCaution) -> str:
    """ "AGS Beers 2023: with a history of falls ... (UNVERIFIED)." (falls_line's second part)."""
    flag = " (UNVERIFIED)" if caution.unverified else ""
    return f"{caution.cite}: {caution.line}{flag}."


def falls_once(ctx: RuleContext, sections: Sequence[str]) -> list[str]:
    """The card's sections with the falls record said once (session 42 care65, review K65b: a
    78-year-old's optimise card said "**Falls on record:** ..." on the raise and again on the
    adjunct list). The first section that names it keeps it whole; a later one keeps what its
    own Beers row adds (another class: antipsychotics after antidepressants) and its ask, and
    says the record is named above; the same Beers row said again is left out. Nothing is
    dropped that is not said above on the same card."""
    falls = falls_on_record(ctx)
    if not falls:
        return list(sections)
    record = falls_line(None, falls)
    out: list[str] = []
    seen = False
    cautions_said: set[str] = set()
    caution_texts = [_caution_words(r) for r in rows() if r.kind == "falls"]
    for section in sections:
        if record not in section:
            out.append(section)
            continue
        if not seen:
            seen = True
            cautions_said.update(c for c in caution_texts if c in section)
            out.append(section)
            continue
        text = section.replace(record, "**Falls on record** (named above).", 1)
        for caution in caution_texts:
            if caution in text and caution in cautions_said:
                text = text.replace(f" {caution}", "", 1)
            elif caution in text:
                cautions_said.add(caution)
        out.append(text)
    return out


def source_line(*cautions: OlderAdultCaution | None) -> str:
    """ "Source: AGS Beers 2023 Table 2 (...) (UNVERIFIED)." once per distinct citation,
    UNVERIFIED when any of its rows is (each drug's own line carries its own flag)."""
    unverified: dict[str, bool] = {}
    for c in cautions:
        if c is not None:
            unverified[c.source_cite] = unverified.get(c.source_cite, False) or c.unverified
    return " ".join(
        f"Source: {cite}{' (UNVERIFIED)' if flag else ''}." for cite, flag in unverified.items()
    )


def alternative(reasons: tuple[StatedReason, ...]) -> str:
    """What the Beers card asks to prefer: "an antidepressant that is not strongly
    anticholinergic", or, for an order whose every stated reason is non-psychiatric (review 19
    a04: amitriptyline for diabetic polyneuropathy), "a less anticholinergic option for
    <the indication>": an antidepressant is not what is being treated. A depression, other
    psychiatric, unclassified or unread reason keeps the antidepressant wording."""
    if reasons and all(r.category is IndicationCategory.NON_PSYCHIATRIC for r in reasons):
        named = "; ".join(dict.fromkeys(r.text for r in reasons))
        return f"a less anticholinergic option for {named}"
    return "an antidepressant that is not strongly anticholinergic"
