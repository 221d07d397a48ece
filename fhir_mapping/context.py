"""Clinical context: the diagnoses, procedures, devices and labs the rules need, gathered from
a chart as of a date (`clinical_context`).

Each resource is read by its own module (each resource already passed model validation; see
clinical_codes.py for the tables): Conditions by conditions.py, Procedures and Devices by
procedures_devices.py, lab Observations by labs.py (open ServiceRequests: referrals.py).
- Pregnancy recorded as an Observation (US Core Pregnancy Status 82810-3, an estimated delivery
  date) -> a PREGNANCY finding, read by pregnancy.py and passed in (`clinical_context(pregnancy=)`).
- TMS safety screen (tms_safety.py, issue 11 item 6): Conditions, Procedures and Devices whose
  codes or text name metal or a stimulator near the head yield IMPLANTED_DEVICE; those that need
  the TMS service's safety screen (pacemaker, shunt, stroke, brain tumour, ...) TMS_CAUTION.

This module re-exports the readers its callers import from here (build.py's filters, episode.py's
abatement and verification, the tests' `condition_findings`, `procedure_facts`, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping import past_delivery, tms_removals
from fhir_mapping.conditions import (
    DROPPED_VERIFICATION,
    abatement_date,
    condition_findings,
    wants_condition,
)
from fhir_mapping.fhir_fields import effective_date, source_ref
from fhir_mapping.lab_day_times import joined_days, timed_days
from fhir_mapping.lab_panel_results import panel_extras
from fhir_mapping.lab_status import pending
from fhir_mapping.lab_tests import _read_lab_test
from fhir_mapping.labs import _PANELS, lab_result
from fhir_mapping.procedures_devices import (
    device_findings,
    procedure_facts,
    wants_device,
    wants_procedure,
)
from fhir_mapping.record import (
    ClinicalContext,
    Finding,
    FindingKind,
    LabResult,
    ProcedureRecord,
    SourceRef,
)
from fhir_mapping.session_kinds import chart_conditions

# What other modules read from here, wherever it is defined.
__all__ = [
    "DROPPED_VERIFICATION",
    "abatement_date",
    "clinical_context",
    "condition_findings",
    "device_findings",
    "procedure_facts",
    "wants_condition",
    "wants_device",
    "wants_procedure",
]

Resource = Mapping[str, Any]


# --- the whole context -----------------------------------------------------------------------------


def _finding_key(f: Finding) -> tuple[str, date, str, str, str]:
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))


_SOURCE = attrgetter("source")
_TYPE_AND_ID = attrgetter("resource_type", "id")
_TEST_AND_DATE = attrgetter("test", "date")


def _lab_order(lab: LabResult) -> tuple[str, date, str, float]:
    return (lab.test, lab.date, str(lab.source or ""), lab.value or 0.0)


# The status of a result ordered and not resulted (data/result_statuses.csv: its `gap` row, read
# in full by lab_status.pending); a fast first test, every lab of a chart passes here.
_REGISTERED = "registered"


def _pending_labs(
    observations: Sequence[Resource], lab_tests: Sequence[str] | None, as_of: date
) -> tuple[LabResult, ...]:
    """The diagnosis tests registered with no value yet, dated up to `as_of` (lab_status.pending:
    ordered, not resulted), as results without value, status "registered"."""
    found: list[LabResult] = []
    tests: Sequence[str | None] = lab_tests if lab_tests is not None else [None] * len(observations)
    for resource, known in zip(observations, tests, strict=True):
        if resource.get("status") != _REGISTERED:
            continue  # the usual final result: not pending (issue 14: no walk of its codings)
        test = known if known is not None else _read_lab_test(resource)
        when = effective_date(resource)
        if test is None or when is None or when > as_of or not pending(resource, test):
            continue
        # A registered panel (a thyroid panel with no members yet) is its first test ordered,
        # the TSH, as a registered TSH with no value is (review K47c s35 finding 1).
        panel, test = (test, _PANELS[test][0]) if test in _PANELS else ("", test)
        found.append(
            LabResult(
                test, None, None, when, None, source_ref(resource), status="registered", panel=panel
            )
        )
    return tuple(found)


def _ordered_labs(
    found: list[LabResult], *, timed: Sequence[tuple[SourceRef, Mapping[str, Any]]] = ()
) -> tuple[LabResult, ...]:
    """`found` with equal results once, by test, date, source and value: what sorting the set of
    them gave, at C speed for a chart's usual labs (issue 14: a 10-year chart reads a few hundred;
    hashing each result and building its source's text for the sort key cost a fifth of reading
    them). Of one test and day, results come latest first when their times say so, each with its
    time and draw (lab_day_times.timed_days); `timed` (each source and its Observation) gives
    them, and with no site zone the day a UTC-written result falls on beside its test's results
    written in the lab's offset (lab_day_times.joined_days, lab60 item 8)."""
    if timed:
        found = joined_days(found, timed)
    sources = list(map(_SOURCE, found))
    # Each lab Observation gives at most one result, so results from distinct (type, id)
    # sources are never equal: only results without a source, or two of one source (an input
    # not de-duplicated, as a caller other than build_record may pass), need the set. A source
    # is a SourceRef (always true) or None: `all` finds a None at C speed, where `None in`
    # called SourceRef's dataclass __eq__ once per result (issue 14: a 10-year chart's labs).
    if not all(sources) or len(set(map(_TYPE_AND_ID, sources))) != len(sources):
        found = list(set(found))
    ordered = sorted(found, key=_TEST_AND_DATE)
    # With no two results of one test on one day, test and date decide the whole order; else the
    # source and value break the ties, as they always did.
    days = list(map(_TEST_AND_DATE, ordered))
    if len(set(days)) != len(days):
        ordered.sort(key=_lab_order)
        if timed:
            ordered = timed_days(ordered, dict(timed), _TEST_AND_DATE)
    return tuple(ordered)


def clinical_context(
    *,
    conditions: Iterable[Resource] = (),
    procedures: Iterable[Resource] = (),
    devices: Iterable[Resource] = (),
    observations: Iterable[Resource] = (),
    lab_tests: Sequence[str] | None = None,
    pregnancy: Iterable[Finding] = (),
    as_of: date,
) -> tuple[ClinicalContext, tuple[ProcedureRecord, ...]]:
    """The findings and labs, and the procedure history, as of a date (inputs already validated).
    `pregnancy`: the pregnancy read from Pregnancy Status and EDD Observations
    (pregnancy.read_pregnancy), a finding beside any Z33.1 Condition's (review 10 finding 3).
    `lab_tests`, when given: the lab test of each of `observations`, in order, as build_record's
    routing walk read it (issue 14: each lab Observation's codings walked once, not twice)."""
    findings: set[Finding] = set(pregnancy)
    records: set[ProcedureRecord] = set()
    conditions = list(conditions)
    for resource in conditions:
        # A delivery entry naming a past birth is marked so (past_delivery.py; fix preg65).
        findings.update(past_delivery.marked(resource, condition_findings(resource, as_of=as_of)))
    # The diagnoses a psychotherapy session's kind may rest on (session_kinds.py), indexed once.
    chart = chart_conditions(conditions) if procedures else None
    for resource in procedures:
        recs, found = procedure_facts(resource, as_of=as_of, conditions=chart)
        records.update(recs)
        findings.update(found)
    for resource in devices:
        findings.update(device_findings(resource))
    # An implant a later whole-device removal removes: a caution naming both (s21 RR finding 6).
    findings = tms_removals.with_removals(findings)
    observations = list(observations)  # read twice: the results, then those pending
    tests = lab_tests if lab_tests is not None else [None] * len(observations)
    read: list[LabResult] = []
    # Each result's source and Observation: its times read only when two results of a test
    # share a day, or neighbouring days (`_ordered_labs`), not for every lab (issue 14, perf14).
    timed: list[tuple[SourceRef, Mapping[str, Any]]] = []
    for r, test in zip(observations, tests, strict=True):
        lab = lab_result(r, as_of=as_of, test=test)
        if lab is not None:
            read.append(lab)
            if lab.source is not None:
                timed.append((lab.source, r))
            if lab.panel:  # a thyroid panel's free T4 beside its TSH (lab54 item 1)
                read += panel_extras(r, lab, lab.panel)
    labs = _ordered_labs(read, timed=timed)
    pending = _pending_labs(observations, lab_tests, as_of)
    # Frailty only qualifies "older adult" (services/pathway_options.py): kept apart, so no rule
    # reading `findings` sees it.
    frailty = {f for f in findings if f.kind is FindingKind.FRAILTY}
    context = ClinicalContext(
        findings=tuple(sorted(findings - frailty, key=_finding_key)),
        labs=labs,
        frailty=tuple(sorted(frailty, key=_finding_key)),
        pending_labs=pending,
    )
    ordered = tuple(
        sorted(
            records, key=lambda r: (r.date or date.min, r.kind.value, r.code, str(r.source or ""))
        )
    )
    return context, ordered
