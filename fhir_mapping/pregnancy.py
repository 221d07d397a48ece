"""Pregnancy recorded as an Observation: the US Core Pregnancy Status Observation and the estimated
delivery date (review 10 finding 3). A Z33.1 Condition is read by context.py; certified EHRs now
expose pregnancy as LOINC 82810-3 "Pregnancy status" (USCDI), which the service did not read, so
the pregnancy caveats (paroxetine never proposed, antipsychotics text only, esketamine and
lithium notes: services/rules/populations.py) vanished.

What is read (codes: data/observation_codes.csv concept `pregnancy-status`, which the
`observations` prefetch asks for; data/pregnancy_codes.csv the values and the EDD codes, read when
sent but not asked for: services/catalog.py says why; both tables are read in pregnancy_codes.py):

- a Pregnancy Status Observation (82810-3) whose value is Pregnant (SNOMED 77386006, LOINC
  LA15173-0), Possible pregnancy (102874004), Not pregnant (60001007, LA26683-5) or Unknown
  (261665006, LA4489-6, v3-NullFlavor UNK; or a dataAbsentReason), by code, else by the value's
  text matched whole ("Pregnant", "Not pregnant");
- an estimated delivery date (EDD: 11778-8, 11779-6, 11780-4) sent as a component of the status
  (C-CDA conversions), or as its own Observation (IPS) when the EHR sends it;
- an hCG pregnancy test (2106-3, 21198-7 ...: pregnancy_tests.py), read as a status dated by the
  test: positive as "Pregnant", equivocal as "Possible pregnancy", negative as "Not pregnant"
  (review s29 RL finding 6), and named as the test on the cards.

How the latest reading decides, as a clinician reads a chart:

- The latest final "Not pregnant" ends what was recorded before it; "Pregnant" or an EDD recorded
  on the same day or later starts again (same day: the pregnancy counts, the safer reading: a
  missed pregnancy drops the caveats, a stale one only asks to confirm). A preliminary or
  status-less "Not pregnant" ends nothing (not a result a clinician has signed off). The latest
  signed-off one is also returned as a NOT_PREGNANT finding: it ends only these Observations
  here; a pregnancy diagnosis coded before it is weighed in services/pregnancy_now.py (asked,
  not asserted: review s28 RI finding 1).
- "Unknown" neither starts nor ends a pregnancy: it is not evidence either way.
- "Possible pregnancy" counts as pregnant: the caveats are about harm to a fetus, so they apply
  while pregnancy is possible; the card names it "Possible pregnancy".
- The pregnancy is current while its EDD (the latest recorded one, on or after the day she was
  recorded pregnant) is at most `pregnancy_edd_overdue_days` past; with no EDD, for
  `pregnancy_status_weeks` after the latest "Pregnant" (fhir_mapping/policy.py, where both
  defaults are explained). An EDD on its own in that window counts as a pregnancy too.
- Observations dated after as-of are not read (a replay sees the chart as it was), nor
  entered-in-error or cancelled ones.

Breastfeeding (review 11 finding 5) is read here too, in the same walk: a Breastfeeding status
Observation's answers become findings in breastfeeding.py, which says how. A recorded delivery
ends a pregnancy coded before it in services/rules/populations.py.

The result is one Finding of kind PREGNANCY (as a Z33.1 Condition gives), dated the day of the
reading it rests on, so every rule that reads a pregnancy finding sees it.

Once that EDD has passed and the pregnancy is no longer current, for
`postpartum_after_edd_days` after the EDD (fhir_mapping/policy.py: the postnatal year) the result
is instead one Finding of kind POSTPARTUM coded with the EDD's code and dated the EDD (review 10
R13: a patient seven weeks past her EDD lost every caveat with no word that she is probably
postpartum and may be breastfeeding). It says only what the record shows, that the EDD passed
(`edd_passed` tells it from a coded postpartum-onset diagnosis): no delivery, outcome or
breastfeeding is read here. A signed-off "Not pregnant" ends the pregnancy and its EDD as before,
so no such finding follows it. What cannot be read (no
date, a value that names no status, an EDD that is not a date) is returned as a DataGap in the
conditions domain rather than dropped in silence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fhir_mapping.breastfeeding import _breastfeeding, _Feeding, _shown, breastfeeding_denied
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    array,
    codings,
    effective_date,
    parse_date,
    source_ref,
    string,
)
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.pregnancy_codes import (
    _NOT_PREGNANT,
    _POSSIBLE,
    _PREGNANT,
    _codes,
    _kind,
    _Value,
    _value,
    status_and_edd_codes,
    wants,
)
from fhir_mapping.pregnancy_tests import read_test
from fhir_mapping.record import DataDomain, DataGap, Finding, FindingKind, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, Reads
from fhir_mapping.result_statuses import statuses as result_statuses

# What other modules read from here, wherever it is defined (build.py: `status_and_edd_codes`,
# `wants`; the rules: `edd_passed`, `breastfeeding_denied`).
__all__ = [
    "breastfeeding_denied",
    "edd_passed",
    "read_pregnancy",
    "status_and_edd_codes",
    "wants",
]

Resource = Mapping[str, Any]

_COUNTS = frozenset({_PREGNANT, _POSSIBLE})
_DROPPED = frozenset({"entered-in-error", "cancelled"})
# Only a result a clinician has signed off ends a pregnancy on record (the `all` rows of
# data/result_statuses.csv).
_SIGNED_OFF = result_statuses(OBSERVATION, Reads.ALL)


def _edd_date(raw: object) -> date | None:
    """An EDD as written: a partial one ("2025-11") falls on the last day it can mean, so a
    pregnancy is never ended earlier than the chart allows (parse_date takes the first day)."""
    found = parse_date(raw)
    if found is None or not isinstance(raw, str):
        return found
    if len(raw) == 4:  # a year
        return date(found.year, 12, 31)
    if len(raw) == 7:  # a month
        following = date(found.year + found.month // 12, found.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return found


def _edd_value(holder: Mapping[str, Any]) -> date | None:
    found = _edd_date(holder.get("valueDateTime"))
    if found is None:
        found = _edd_date(holder.get("valueString"))
    return found


def _component_edd(resource: Resource) -> tuple[date, str, str] | None:
    """The EDD a status Observation carries as a component (C-CDA conversions), with the
    component's (system, code); the latest date when several are sent."""
    found: tuple[date, str, str] | None = None
    for component in array(resource.get("component")):
        if not isinstance(component, JSON_OBJECT):
            continue
        coded = _edd_coding(component.get("code"))
        edd = _edd_value(component) if coded is not None else None
        if coded is not None and edd is not None and (found is None or edd > found[0]):
            found = (edd, *coded)
    return found


def _edd_coding(concept: object) -> tuple[str, str] | None:
    """The (system, code) of the first EDD coding of a concept, or None."""
    edd = _codes().edd
    for system, code, _ in codings(concept):
        if (system, code) in edd:
            return system, code
    return None


@dataclass(frozen=True, slots=True)
class _Status:
    day: date
    value: _Value
    signed_off: bool
    source: SourceRef | None
    test: bool = False  # an hCG test (pregnancy_tests.py): its value's display names it whole


@dataclass(frozen=True, slots=True)
class _Edd:
    day: date  # when it was recorded
    edd: date
    system: str
    code: str
    source: SourceRef | None


def _gap(resource: Resource, reason: str) -> DataGap:
    return DataGap(DataDomain.CONDITIONS, reason, source_ref(resource))


def _readings(
    observations: Iterable[Resource], as_of: date, feeding: list[_Feeding], lmps: list[date]
) -> tuple[list[_Status], list[_Edd], list[DataGap]]:
    """The pregnancy statuses and EDDs, and the gaps; Breastfeeding status readings are added
    to `feeding`, last menstrual periods (the dates themselves) to `lmps`."""
    statuses: list[_Status] = []
    edds: list[_Edd] = []
    gaps: list[DataGap] = []
    for resource in observations:
        status = string(resource.get("status"))
        if status in _DROPPED:
            continue
        concept = resource.get("code")
        kind = _kind(concept)
        if kind is None:  # a code in the table under another system (`wants` reads no system)
            continue
        day = effective_date(resource)
        what = {
            "status": "pregnancy status",
            "edd": "estimated delivery date",
            "lmp": "last menstrual period",
            "feeding": "breastfeeding status",
            "test": "pregnancy test",
        }[kind]
        if day is None:
            gaps.append(_gap(resource, f"{what} with no date"))
            continue
        if day > as_of:
            continue
        source = source_ref(resource)
        if kind == "edd":
            edd = _edd_value(resource)
            if edd is None:
                gaps.append(_gap(resource, "estimated delivery date that is not a date"))
                continue
            system, code = _edd_coding(concept) or ("", "")
            edds.append(_Edd(day, edd, system, code, source))
            continue
        if kind == "lmp":
            # Dating only (`_lmp_of`): no pregnancy is read from an LMP alone.
            lmp = parse_date(resource.get("valueDateTime"))
            if lmp is None:
                gaps.append(_gap(resource, "last menstrual period that is not a date"))
            elif lmp <= day:
                lmps.append(lmp)
            continue
        if kind == "feeding":
            answer = _value(resource, _codes().feeding_values)
            if answer is None:
                gaps.append(_gap(resource, "breastfeeding status whose value names no answer"))
                continue
            feeding.append(_Feeding(day, answer, _shown(resource, answer), source))
            continue
        if kind == "test":
            read = read_test(resource, day)
            if isinstance(read, str):
                gaps.append(_gap(resource, read))
            else:
                statuses.append(_Status(day, read, status in _SIGNED_OFF, source, test=True))
            continue
        value = _value(resource, _codes().values)
        if value is None:
            gaps.append(_gap(resource, "pregnancy status whose value names no status"))
            continue
        statuses.append(_Status(day, value, status in _SIGNED_OFF, source))
        component = _component_edd(resource)
        if component is not None:
            edds.append(_Edd(day, *component, source))
    return statuses, edds, gaps


def _edd_passed_finding(edd: _Edd | None, as_of: date, policy: MappingPolicy) -> Finding | None:
    """The POSTPARTUM finding of a pregnancy whose EDD has passed, while as-of is within
    policy.postpartum_after_edd_days of it; None otherwise (no EDD, or the window is over)."""
    if edd is None or as_of > edd.edd + timedelta(days=policy.postpartum_after_edd_days):
        return None
    return Finding(
        FindingKind.POSTPARTUM,
        edd.code,
        edd.system,
        f"Estimated delivery date {edd.edd.isoformat()} passed",
        edd.edd,
        edd.source,
    )


def _lmp_of(lmps: list[date], pregnant: date, as_of: date, policy: MappingPolicy) -> date | None:
    """The LMP that dates the pregnancy recorded on `pregnant` (review s21 RD finding 11): the
    latest one on or before that day and within `pregnancy_status_weeks` of as-of (an older one
    belongs to an earlier cycle or pregnancy). Only when no EDD dates it: an EDD is the clinician's
    best obstetric estimate (ACOG CO 700), an LMP the patient's recall."""
    window = timedelta(weeks=policy.pregnancy_status_weeks)
    fitting = [d for d in lmps if d <= pregnant and as_of - d <= window]
    return max(fitting, default=None)


def edd_passed(finding: Finding) -> bool:
    """Whether a POSTPARTUM finding is an EDD that has passed (read here), not a coded
    postpartum-onset diagnosis: the cards word the two differently (a passed EDD is not a
    recorded delivery)."""
    return finding.kind is FindingKind.POSTPARTUM and (finding.system, finding.code) in _codes().edd


def read_pregnancy(
    observations: Iterable[Resource], *, as_of: date, policy: MappingPolicy | None = None
) -> tuple[tuple[Finding, ...], tuple[DataGap, ...]]:
    """The current pregnancy the Observations record, or a passed EDD within the postnatal window
    (at most one Finding), the latest signed-off "Not pregnant" (`_denied`), then every
    Breastfeeding status answer (`_breastfeeding`), and the
    Observations that could not be read. `observations`: those build_record routes here (`wants`)."""
    feeding: list[_Feeding] = []
    lmps: list[date] = []
    found, gaps = _read_pregnancy(observations, as_of, policy or MappingPolicy(), feeding, lmps)
    return found + _breastfeeding(feeding), gaps


def _read_pregnancy(
    observations: Iterable[Resource],
    as_of: date,
    policy: MappingPolicy,
    feeding: list[_Feeding],
    lmps: list[date],
) -> tuple[tuple[Finding, ...], tuple[DataGap, ...]]:
    statuses, edds, gaps = _readings(observations, as_of, feeding, lmps)
    denial = max(
        (s for s in statuses if s.value.meaning == _NOT_PREGNANT and s.signed_off),
        key=lambda s: s.day,
        default=None,
    )
    ended = denial.day if denial is not None else None
    found, gaps_out = _from_readings(statuses, edds, gaps, ended, as_of, policy, lmps)
    return found + _denied(denial), gaps_out


def _denied(denial: _Status | None) -> tuple[Finding, ...]:
    """The NOT_PREGNANT finding of the latest signed-off "Not pregnant" (FindingKind says why):
    services/pregnancy_now.py weighs a pregnancy diagnosis coded before it against it (review s28
    RI finding 1: a Z33.1 of March read "avoid starting it in pregnancy" beside a November
    "Not pregnant"). Its display is the value's ("Not pregnant")."""
    if denial is None:
        return ()
    value = denial.value
    return (
        Finding(
            FindingKind.NOT_PREGNANT,
            value.code,
            value.system,
            value.display,
            denial.day,
            denial.source,
        ),
    )


def _from_readings(
    statuses: list[_Status],
    edds: list[_Edd],
    gaps: list[DataGap],
    ended: date | None,
    as_of: date,
    policy: MappingPolicy,
    lmps: list[date],
) -> tuple[tuple[Finding, ...], tuple[DataGap, ...]]:
    """The current pregnancy (or the passed EDD) the readings record after `ended`, the day of
    the latest signed-off "Not pregnant"."""
    pregnant = [
        s for s in statuses if s.value.meaning in _COUNTS and (ended is None or s.day >= ended)
    ]
    dated = [e for e in edds if ended is None or e.day >= ended]
    # On the same day a "Pregnant" before a "Possible pregnancy", a status before a test.
    latest = max(
        pregnant, key=lambda s: (s.day, s.value.meaning == _PREGNANT, not s.test), default=None
    )
    # The EDD of this pregnancy: the latest recorded, when it falls on or after the day she was
    # last recorded pregnant (an earlier one belongs to an earlier pregnancy).
    edd = max(dated, key=lambda e: (e.day, e.edd), default=None)
    if edd is not None and latest is not None and edd.edd < latest.day:
        edd = None
    if edd is not None:
        current = as_of <= edd.edd + timedelta(days=policy.pregnancy_edd_overdue_days)
    else:
        current = latest is not None and as_of <= latest.day + timedelta(
            weeks=policy.pregnancy_status_weeks
        )
    if not current:
        passed = _edd_passed_finding(edd, as_of, policy)
        return ((passed,) if passed is not None else ()), tuple(gaps)
    if latest is not None:
        shown = latest.value.display if latest.test else f"Pregnancy status: {latest.value.display}"
        if edd is not None:
            shown += f"; estimated delivery {edd.edd.isoformat()}"
        finding = Finding(
            FindingKind.PREGNANCY,
            latest.value.code,
            latest.value.system,
            shown,
            latest.day,
            latest.source,
            edd=edd.edd if edd is not None else None,
            lmp=_lmp_of(lmps, latest.day, as_of, policy) if edd is None else None,
        )
    else:
        assert edd is not None  # current without a status: an EDD decided it
        finding = Finding(
            FindingKind.PREGNANCY,
            edd.code,
            edd.system,
            f"Estimated delivery date {edd.edd.isoformat()}",
            edd.day,
            edd.source,
            edd=edd.edd,
        )
    return (finding,), tuple(gaps)
