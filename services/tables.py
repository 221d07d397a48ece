"""The decision services' reference tables (services/data/*.csv), loaded once.

Each table carries its source and a verification status per row; see services/data/README.md.
The rules read facts from here (thresholds, codes, guideline links, card topics), never literals.
"""

from __future__ import annotations

import csv
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.recommendation import Indicator, OverrideReason


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


def _flag(text: str) -> bool:
    return text.strip().lower() == "true"


@dataclass(frozen=True, slots=True)
class Guideline:
    key: str
    label: str
    short: str  # how a card's guideline line names it ("CANMAT 2023"); the label is the source's
    url: str
    source: str
    status: str


@cache
def guidelines() -> dict[str, Guideline]:
    return {row["key"]: Guideline(**row) for row in _rows("guidelines.csv")}


def guideline(key: str) -> Guideline:
    return guidelines()[key]


@dataclass(frozen=True, slots=True)
class Topic:
    """A card topic: its default indicator, guideline and behaviour flags."""

    code: str
    display: str
    indicator: Indicator
    guideline: str  # key into guidelines.csv
    snoozable: bool
    wants_timeline: bool
    rank: int  # row order: ties within one indicator and tier keep this order
    # data/topic_tiers.csv: safety (1) before review (2) before strategy (3) at one indicator.
    tier: int


@cache
def topics() -> dict[str, Topic]:
    tiers = _topic_tiers()
    return {
        row["topic"]: Topic(
            code=row["topic"],
            display=row["display"],
            indicator=Indicator(row["indicator"]),
            guideline=row["guideline"],
            snoozable=_flag(row["snoozable"]),
            wants_timeline=_flag(row["wants_timeline"]),
            rank=rank,
            tier=tiers[row["topic"]],
        )
        for rank, row in enumerate(_rows("topics.csv"))
    }


def _topic_tiers() -> dict[str, int]:
    """Each topic's tier (data/topic_tiers.csv); a topic without one is a table error, raised at
    load, not a card sorted anywhere (review s26 RN finding 2: the lithium interaction warning
    sorted below the augment card because rank was only the row order of topics.csv)."""
    return {row["topic"]: int(row["tier"]) for row in _rows("topic_tiers.csv")}


def topic(code: str) -> Topic:
    return topics()[code]


@cache
def override_reasons(topic_code: str) -> tuple[OverrideReason, ...]:
    """The topic's own reasons first, then the ones every card offers ("*")."""
    rows = _rows("override_reasons.csv")
    own = [r for r in rows if r["topic"] == topic_code]
    common = [r for r in rows if r["topic"] == "*"]
    return tuple(
        OverrideReason(code=r["code"], display=r["display"], system=r["system"])
        for r in own + common
    )


@dataclass(frozen=True, slots=True)
class Phq9Band:
    band: str
    lower: int
    upper: int
    label: str
    indicates_depression: bool  # >= 10: sensitivity/specificity 88 % for MDD (Kroenke 2001)


@cache
def phq9_bands() -> tuple[Phq9Band, ...]:
    return tuple(
        Phq9Band(
            band=r["band"],
            lower=int(r["lower"]),
            upper=int(r["upper"]),
            label=r["label"],
            indicates_depression=_flag(r["indicates_depression"]),
        )
        for r in _rows("phq9_bands.csv")
    )


def phq9_band(value: int) -> Phq9Band:
    for band in phq9_bands():
        if band.lower <= value <= band.upper:
            return band
    raise ValueError(f"PHQ-9 total out of range 0-27: {value}")


@dataclass(frozen=True, slots=True)
class Item9Answer:
    value: int
    answer_code: str  # LOINC answer list LL358-3
    display: str
    escalate: bool  # "more than half the days" / "nearly every day": higher risk (Simon 2013)


@cache
def item9_answers() -> dict[int, Item9Answer]:
    return {
        int(r["value"]): Item9Answer(
            value=int(r["value"]),
            answer_code=r["answer_code"],
            display=r["display"],
            escalate=_flag(r["escalate"]),
        )
        for r in _rows("phq9_item9_answers.csv")
    }


@dataclass(frozen=True, slots=True)
class CodeRow:
    concept: str
    system: str
    code: str
    display: str
    status: str


@cache
def order_codes() -> dict[str, CodeRow]:
    return {
        r["concept"]: CodeRow(
            concept=r["concept"],
            system=r["system"],
            code=r["code"],
            display=r["display"],
            status=r["status"],
        )
        for r in _rows("order_codes.csv")
    }


def order_code(concept: str) -> CodeRow:
    return order_codes()[concept]


@cache
def order_code_rows() -> tuple[dict[str, str], ...]:
    """data/order_codes.csv's rows as read, `hold_kind` among them (services/hold_survival.py)."""
    return tuple(_rows("order_codes.csv"))


@cache
def mood_stabilisers() -> frozenset[str]:
    """Ingredients that count as mood-stabilising cover for an antidepressant in bipolar disorder
    (ISBD 2013): the antimanic ones. Lamotrigine is a mood stabiliser without antimanic efficacy,
    so on its own it is not cover (CANMAT/ISBD 2018): see `stabilisers_without_antimanic_cover`."""
    return frozenset(
        r["ingredient"].lower() for r in _rows("mood_stabilisers.csv") if _flag(r["antimanic"])
    )


@cache
def stabilisers_without_antimanic_cover() -> frozenset[str]:
    """Mood stabilisers that do not protect against mania (lamotrigine): named on the card."""
    return frozenset(
        r["ingredient"].lower() for r in _rows("mood_stabilisers.csv") if not _flag(r["antimanic"])
    )


@dataclass(frozen=True, slots=True)
class MaudsleyRow:
    dimension: str  # duration | severity | failed-medications | augmentation | ect | band
    category: str
    lower: int | None
    upper: int | None  # None = open-ended
    points: int | None  # None for band rows
    unit: str


@cache
def maudsley_rows() -> tuple[MaudsleyRow, ...]:
    return tuple(
        MaudsleyRow(
            dimension=r["dimension"],
            category=r["category"],
            lower=_int_or_none(r["lower"]),
            upper=_int_or_none(r["upper"]),
            points=_int_or_none(r["points"]),
            unit=r["unit"],
        )
        for r in _rows("maudsley.csv")
    )


@dataclass(frozen=True, slots=True)
class DrugCaution:
    ingredient: str
    finding: str  # a fhir_mapping.record.FindingKind value
    note: str
    source: str = ""
    # What a card prints ("Serzone boxed warning", "CPS 2023 Table 6"): a card cites, it never
    # prints the `source` notes (how each fact was read), which stay in the table for auditors.
    cite: str = ""
    status: str = ""
    # "contraindication": the label's Contraindications section says it (the order card's
    # order-drug-contraindicated topic); "warning": a boxed warning, warning or precaution
    # (order-drug-caution). A clinician reads the two differently (audit 13 item 15).
    kind: str = "warning"
    # "critical": the order card is critical, not the contraindication's usual warning, for a
    # harm that comes with the first dose (esketamine's blood-pressure rise with an aneurysm or
    # a history of intracerebral haemorrhage: SPRAVATO label 4; review 15 U1). "" otherwise.
    indicator: str = ""
    # What to choose instead, said after the line (audit 16 f03: a critical card with no way on:
    # "a non-tricyclic antidepressant instead: sertraline ..."); "" on most rows.
    instead: str = ""
    # The row's risk is of exposure before this week of pregnancy (paroxetine: the first
    # trimester, < 14 weeks): at a pregnancy the record dates later, the line of that stage leads
    # the card and this one is said as past (order_checks/pregnancy_lines.past_stage; review s24
    # RN finding 13). None: the row holds at any stage.
    until_weeks: int | None = None
    # The finding kinds whose rows of the same drug this row replaces when both are on record
    # (a complete heart block's contraindication replaces a first-degree block's warning: rk3
    # finding 1): one line per danger, the most severe.
    supersedes: frozenset[str] = frozenset()
    # The row's note when a cardiac pacemaker is on record (services/pacing.py): a warning, not
    # the row's contraindication (a paced heart block: rk3 finding 5). Its first sentence is
    # the note (the summary's words), the rest why, said in the detail. "" on most rows.
    if_paced: str = ""

    @property
    def contraindication(self) -> bool:
        return self.kind == "contraindication"

    @property
    def critical(self) -> bool:
        return self.indicator == "critical"


def superseded(ingredient: str, on_record: AbstractSet[str]) -> frozenset[str]:
    """The finding kinds whose drug_cautions.csv rows of `ingredient` are replaced by a row of
    it whose finding is `on_record` (`supersedes`: a complete heart block's contraindication
    replaces a first-degree block's warning, rk3 finding 1): one line per danger, the most
    severe. The one rule for the order hooks (order_checks/cautions.py) and the running-drug
    card (rules/running_caution_pairs.py; review s26 RN finding 3: it said both)."""
    return frozenset(
        kind
        for c in drug_cautions()
        if c.ingredient == ingredient and c.finding in on_record
        for kind in c.supersedes
    )


@cache
def _cite_urls() -> dict[str, str]:
    """data/cite_urls.csv (a label's DailyMed page by the cite a card prints), and every
    guideline's URL by its short name and label (guidelines.csv: "NICE NG134")."""
    urls = {r["cite"]: r["url"] for r in _rows("cite_urls.csv") if r["url"].strip()}
    for r in _rows("guidelines.csv"):
        if r["url"].strip():
            for name in (r["label"], r["short"]):
                if name:
                    urls.setdefault(name, r["url"].strip())
    return urls


def cite_url(cite: str) -> str | None:
    """The URL of what `cite` names, or None when the tables hold none (the card's source then
    has its label and no URL: the CDS Hooks `url` field is left out, never "None")."""
    return _cite_urls().get(cite.strip())


@cache
def drug_cautions() -> tuple[DrugCaution, ...]:
    """Drug-condition contraindications the switch list and order checks respect."""
    return tuple(
        DrugCaution(
            ingredient=r["ingredient"].lower(),
            finding=r["finding"],
            note=r["note"],
            source=r["source"],
            cite=r["cite"].strip(),
            status=r["status"].strip(),
            kind=r["kind"].strip(),
            indicator=(r.get("indicator") or "").strip(),
            instead=(r.get("instead") or "").strip(),
            until_weeks=_int_or_none(r.get("until_weeks") or ""),
            supersedes=frozenset(
                p.strip() for p in (r.get("supersedes") or "").split(";") if p.strip()
            ),
            if_paced=(r.get("if_paced") or "").strip(),
        )
        for r in _rows("drug_cautions.csv")
    )


@cache
def discharge_hold_answers() -> frozenset[str]:
    """The C-SSRS questions (concepts of fhir_mapping/data/suicide_screen_items.csv) a yes to
    which, on an assessment after a recent psychiatric discharge, keeps the discharge's hold
    (data/discharge_hold_answers.csv; services/psychiatric_discharge.py, fix hist31)."""
    return frozenset(row["concept"] for row in _rows("discharge_hold_answers.csv"))
