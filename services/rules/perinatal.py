"""What a recorded delivery and breastfeeding change about a pregnancy on record (review 11
findings 5, 10, 11c), and a coded postpartum depression.

Read once per evaluation by populations.population, before the condition rules are asked: a birth
ends the pregnancy findings coded on or before it and opens the postnatal year; breastfeeding
counts for that year from the day it was recorded; the latest breastfeeding answer decides. It
stands apart because it weighs findings of different kinds against each other by date (a delivery
against a pregnancy, a "no" against breastfeeding), which the rest of the population rules never
do; nearly every chart has none of these findings (`_perinatal` returns None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services.policy import Policy

_PREGNANCY = FindingKind.PREGNANCY


_DELIVERY = FindingKind.DELIVERY
_LACTATION = FindingKind.LACTATION
_NOT_BREASTFEEDING = FindingKind.NOT_BREASTFEEDING
_DEPRESSION = FindingKind.DEPRESSION
_PSYCHOTIC = FindingKind.PSYCHOTIC


def _latest(found: tuple[Finding, ...]) -> Finding:
    return max(found, key=lambda f: f.onset or date.min)


@dataclass(frozen=True, slots=True)
class _Perinatal:
    # Which pregnancy findings a delivery ended is read with the rest of "is she pregnant now"
    # in services/pregnancy_now.py (review s21 RD finding 4): the findings here are current.
    delivery: Finding | None  # the delivery of the postnatal year as-of is in
    lactation: tuple[Finding, ...]  # breastfeeding findings within the window of their date
    not_breastfeeding: Finding | None  # the "not breastfeeding" answer that decides, if any


def _perinatal(
    record: PatientRecord, policy: Policy, by_kind: Mapping[FindingKind, tuple[Finding, ...]]
) -> _Perinatal | None:
    """What a recorded delivery and breastfeeding change (review 11 findings 5, 11c), or None
    when neither is on record (nearly every chart).

    A pregnancy finding dated on or before the latest delivery was ended by it before this is
    asked (services/pregnancy_now.py, read once for every card: review s21 RD finding 4).
    The postnatal year is policy.postpartum_after_edd_days from the birth; breastfeeding counts
    for as long from the day it was recorded (the card names that day).

    Breastfeeding: the latest answer decides (review 11 finding 10). A dated "not breastfeeding"
    answer (NOT_BREASTFEEDING, a kind of its own: fhir_mapping/pregnancy.py) ends breastfeeding
    recorded before it, a Z39.1 too; one recorded the same day or later stands (the safer reading: the caveats
    are about the infant), and so does an undated one (nothing says it ended). The answer is
    named on the cards only when it decides, falls in the postnatal window and is not older than
    the latest birth (a "no" during pregnancy says nothing of this infant)."""
    deliveries = by_kind.get(_DELIVERY, ())
    found = by_kind.get(_LACTATION, ())
    denials = [f for f in by_kind.get(_NOT_BREASTFEEDING, ()) if f.onset is not None]
    if not deliveries and not found and not denials:
        return None
    window = timedelta(days=policy.mapping.postpartum_after_edd_days)
    as_of = record.as_of
    dated = [f.onset for f in deliveries if f.onset is not None]
    last = max(dated, default=None)
    recent = [f for f in deliveries if f.onset is not None and as_of - window <= f.onset <= as_of]
    # The birth: the earliest delivery finding within the window before the latest one (a Z39.2
    # postnatal visit weeks later names the same birth, not a new one).
    births = [
        f for f in recent if last is not None and f.onset is not None and last - window < f.onset
    ]
    delivery = min(births, key=lambda f: f.onset or date.min) if births else None
    denied = max(denials, key=lambda f: f.onset or date.min) if denials else None
    feeding = list(found)
    if denied is not None and denied.onset is not None:
        stop = denied.onset
        feeding = [f for f in feeding if f.onset is None or f.onset >= stop]
    lactation = tuple(f for f in feeding if f.onset is None or as_of - window <= f.onset)
    shown = (
        denied
        if denied is not None
        and denied.onset is not None
        and not lactation
        and as_of - window <= denied.onset
        and (last is None or denied.onset >= last)
        else None
    )
    return _Perinatal(
        delivery=delivery,
        lactation=lactation,
        not_breastfeeding=shown,
    )


def _ppd(
    onset: tuple[Finding, ...], by_kind: Mapping[FindingKind, tuple[Finding, ...]]
) -> Finding | None:
    """The latest postpartum-onset finding whose code is also read as depression (F53.0, SNOMED
    postpartum-onset MDD; not O90.6 "blues" nor F53.1 puerperal psychosis), when no psychotic
    features are on record: zuranolone is labelled for PPD, not for psychosis."""
    if not onset or by_kind.get(_PSYCHOTIC):
        return None
    depression = {(f.system, f.code) for f in by_kind.get(_DEPRESSION, ())}
    found = tuple(f for f in onset if (f.system, f.code) in depression)
    return _latest(found) if found else None
