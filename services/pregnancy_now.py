"""Which pregnancy on record is current: one reading for every card (review s21 RD findings 4, 5
and 8).

Read once per evaluation by services/pathway.derive_facts, before any card is asked: the pathway
facts' PREGNANCY findings are then the current ones only, so the order checks
(order_checks/cautions.py), the switch lists (pathway_findings.drug_cautions_on_record), the
population rules (rules/populations.py) and the running-drug card all read the same pregnancy. Before
this, the order card read the raw findings and said "avoid starting it in pregnancy" for a
pregnancy the TMS card beside it called ended by a delivery.

A pregnancy finding is not current when:

- a recorded delivery (O80/O82, Z37.x, Z39.0/Z39.2, a delivery Procedure) is dated on or after it:
  a birth ends the pregnancy it closes, whatever the problem list still says (review 11
  findings 5, 11c; `ended` names the latest one so the card says why);
- it comes from a diagnosis (a Condition, not the Pregnancy Status Observation, which
  fhir_mapping/pregnancy.py windows itself) dated more than policy.mapping.pregnancy_status_weeks
  (42) after the day the pregnancy began, or after its own date when its week is not recorded. No
  pregnancy lasts longer (post-term from 42 0/7 weeks, ACOG): a Z34.82 coded in 2022 is not a
  pregnancy in 2026 (`stale` names the latest such one, so a teratogen drafted on that chart asks
  to confirm she is not pregnant rather than asserting that she is).

The window runs from the diagnosis's own date, never from unrelated later visits: a problem-list
Z34.x left `active` for years, with routine encounters since, is a list nobody cleaned, not a
pregnancy re-confirmed (a clinician who sees her pregnant codes it again, on a new date, and that
new record is current). That reading drops the "avoid in pregnancy" assertion but not the
question: the stale entry is still named on the order card and the medication cards as "confirm
she is not pregnant" (the safer behaviour: a missed pregnancy would lose the teratogen caveats; a
stale one only asks). An undated pregnancy diagnosis stays current, as before (nothing says it is
old; the card asks to confirm it is current).

Gestational age (`weeks`, completed weeks as-of), from the latest current finding that dates it:
an estimated delivery date (less data/gestation.csv `edd_from_lmp_days`), a last menstrual period,
or a Z3A week code counted on from its own date. None when nothing dates the pregnancy: the
trimester of an O-code is not read (it says when the code was written, not how far she is now).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.record import Finding, FindingKind
from services.policy import Policy

_PREGNANCY = FindingKind.PREGNANCY
_DELIVERY = FindingKind.DELIVERY
# The Pregnancy Status / EDD Observation's finding is windowed where it is read
# (fhir_mapping/pregnancy.py: its EDD, or pregnancy_status_weeks after the status).
_WINDOWED_AT_READ = "Observation"


@dataclass(frozen=True, slots=True)
class Gestation:
    """Facts of data/gestation.csv (each row's source there)."""

    edd_from_lmp_days: int
    z3a_first_week: int
    z3a_last_week: int


@cache
def gestation() -> Gestation:
    text = resources.files("services").joinpath("data/gestation.csv").read_text("utf-8")
    values = {row["name"]: int(row["value"]) for row in csv.DictReader(text.splitlines())}
    return Gestation(**values)


@dataclass(frozen=True, slots=True)
class PregnancyNow:
    """The pregnancy findings read as current, and why the others are not."""

    current: tuple[Finding, ...]
    ended: Finding | None  # the latest one a recorded delivery ended
    stale: Finding | None  # the latest one past the window, when none is current
    weeks: int | None  # completed weeks of gestation as-of, when the record dates it


def _start(finding: Finding) -> date | None:
    """The day gestation week 0 began (the LMP, or its equivalent), as this finding dates it."""
    if finding.lmp is not None:
        return finding.lmp
    if finding.edd is not None:
        return finding.edd - timedelta(days=gestation().edd_from_lmp_days)
    if finding.system == ICD10CM and finding.onset is not None:
        code = finding.code.replace(".", "").upper()
        facts = gestation()
        if code.startswith("Z3A") and code[3:].isdigit():
            week = int(code[3:])
            if facts.z3a_first_week <= week <= facts.z3a_last_week:
                return finding.onset - timedelta(weeks=week)
    return None


def _past_window(finding: Finding, as_of: date, window: timedelta) -> bool:
    if finding.source is not None and finding.source.resource_type == _WINDOWED_AT_READ:
        return False
    began = _start(finding) or finding.onset
    return began is not None and as_of > began + window


def _latest(found: list[Finding]) -> Finding | None:
    return max(found, key=lambda f: f.onset or date.min) if found else None


def read(
    by_kind: Mapping[FindingKind, tuple[Finding, ...]], as_of: date, policy: Policy
) -> PregnancyNow | None:
    """The current pregnancy reading, or None when no pregnancy finding is on record (nearly
    every chart)."""
    pregnancy = by_kind.get(_PREGNANCY, ())
    if not pregnancy:
        return None
    births = [f.onset for f in by_kind.get(_DELIVERY, ()) if f.onset is not None]
    last_birth = max(births, default=None)
    window = timedelta(weeks=policy.mapping.pregnancy_status_weeks)
    ended = [f for f in pregnancy if last_birth and f.onset is not None and f.onset <= last_birth]
    rest = [f for f in pregnancy if f not in ended]
    stale = [f for f in rest if _past_window(f, as_of, window)]
    current = tuple(f for f in rest if f not in stale)
    dated = [(f, s) for f in current if (s := _start(f)) is not None]
    weeks = None
    if dated:
        _, began = max(dated, key=lambda pair: (pair[0].onset or date.min, pair[1]))
        weeks = (as_of - began).days // 7
    return PregnancyNow(
        current=current,
        ended=_latest(ended),
        stale=None if current else _latest(stale),
        weeks=weeks,
    )


def current_by_kind(
    by_kind: dict[FindingKind, tuple[Finding, ...]], as_of: date, policy: Policy
) -> tuple[dict[FindingKind, tuple[Finding, ...]], PregnancyNow | None]:
    """`by_kind` with only the current pregnancy findings, and the reading itself."""
    now = read(by_kind, as_of, policy)
    if now is None or len(now.current) == len(by_kind.get(_PREGNANCY, ())):
        return by_kind, now
    return {**by_kind, _PREGNANCY: now.current}, now
