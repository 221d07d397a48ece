"""The rule-set model: criterion kinds and statuses, a criterion with the parameters its kind
reads, and a payer's rule set (one TOML file)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from fhir_mapping.record import FindingKind
from services.payer_criteria.bands import BAND_RANKS, scale_bands


class CriterionKind(StrEnum):
    AGE = "age"
    DIAGNOSIS = "diagnosis"
    EXCLUSIONS = "exclusions"
    SEVERITY = "severity"
    TRIALS = "trials"
    AUGMENTATION = "augmentation"
    PSYCHOTHERAPY = "psychotherapy"
    CONTRAINDICATIONS = "contraindications"
    CONCURRENT = "concurrent"
    RETREATMENT = "retreatment"


class CriterionStatus(StrEnum):
    MET = "met"
    NOT_MET = "not-met"
    NOT_ON_RECORD = "not-on-record"
    NOT_AVAILABLE = "not-available"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


# How a card and the packet say each status (a table built once, not per read: issue 14).
_STATUS_LABELS = {
    CriterionStatus.MET: "Met",
    CriterionStatus.NOT_MET: "Not met",
    CriterionStatus.NOT_ON_RECORD: "Not on record",
    CriterionStatus.NOT_AVAILABLE: "Not available",
}


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of a payer rule set, with the parameters its kind reads."""

    id: str
    kind: CriterionKind
    label: str  # short, for a card line: "Psychotherapy"
    wording: str  # the policy's words, briefly quoted or summarised
    to_document: str  # what a card asks for when it is not met: "a psychotherapy trial"
    source: str  # where the wording was read (section, summary, REFERENCE.md)
    status: str  # confirmed | corroborated | UNVERIFIED (of the criterion as read)
    min_age: int | None = None
    refuse_severities: tuple[str, ...] = ()
    findings: tuple[FindingKind, ...] = ()
    instruments: tuple[str, ...] = ()
    min_band: str | None = None
    min_scores: tuple[tuple[str, int], ...] = ()  # (instrument, cut-off) where the policy says
    min_trials: int = 1
    min_classes: int = 1
    count_intolerant: bool = False
    # Sessions of a course (policy.psychotherapy_course_kinds) the payer's own text asks for;
    # None: it states no number, and policy.psychotherapy_min_sessions decides what is "to
    # confirm" (review 6 finding 4).
    min_sessions: int | None = None
    # What the policy asks of the psychotherapy that no chart shows (L37086 "without
    # improvement"): a met criterion says it is to confirm. "": nothing.
    to_confirm: str = ""
    cautions: Literal["screen", "ignore"] = "screen"
    ingredients: tuple[str, ...] = ()
    min_improvement: float = 0.5
    # The policy says "more than" min_improvement (L37086 "> 50 %"): exactly at it is "Met, to
    # confirm", never a plain "Met" (services/payer_criteria/retreatment.py). False: "at least".
    # How TMS sessions group into courses is the clinic's (policy.tms_course_gap_days), one rule
    # for the cards, the packet and this criterion: no payer file sets its own (review s25 RT 3).
    improvement_more_than: bool = False

    def cut_off(self, instrument: str) -> tuple[int, str] | None:
        """The least score of `instrument` that meets this severity criterion, and how a card
        says it ("PHQ-9 >= 20, severe, Kroenke 2001"); None when the scale has no such band."""
        own = None
        for name, cut in self.min_scores:  # a few pairs: no dict built per read
            if name == instrument:
                own = cut  # the last pair of a scale wins, as in a dict of them
        if own is not None:
            return own, f"{instrument} >= {own}"
        if self.min_band is None:
            return None
        return _band_cut_off(self.min_band, instrument)


@lru_cache(maxsize=64)
def _band_cut_off(min_band: str, instrument: str) -> tuple[int, str] | None:
    """Criterion.cut_off for a band: read from the scale tables once per (band, scale), the
    pair being code-table values (the policies' few bands, the known scales)."""
    wanted = BAND_RANKS[min_band]
    bands = [b for b in scale_bands() if b.instrument == instrument and b.rank >= wanted]
    if not bands:
        return None
    first = min(bands, key=lambda b: b.lower)
    return first.lower, f"{instrument} >= {first.lower} ({first.label}, {first.citation})"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A payer's TMS criteria (one TOML file)."""

    id: str  # "l37086"
    name: str  # "Medicare LCD L37086"
    title: str
    url: str
    source: str
    status: str  # of the set as a whole; UNVERIFIED when its text could not be read
    criteria: tuple[Criterion, ...]
    note: str = ""  # shown with the criteria, e.g. why the whole set is UNVERIFIED
    # What the TMS service itself must meet (prescriber, device, session limits): for the
    # referral packet; not judged from the patient's chart.
    service_requirements: tuple[str, ...] = ()
    not_encoded: tuple[str, ...] = ()  # parts of the policy not judged from the chart, and why
    # The sessions of the acute TMS course the policy covers, where its text states them (Aetna
    # 30 plus taper, L34998 six weeks of daily sessions); None: not stated. A course of this
    # episode that stopped short of it, with no response on record, is named as stopped early
    # (review s21 RF finding 8; services/tms_full_course.py).
    course_sessions: int | None = None
    course_sessions_source: str = ""
