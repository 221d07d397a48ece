"""Lab results the diagnosis review reads: TSH, free T4, B12, folate, 25-OH vitamin D; and the
safety labs (lithium level, QTc, sodium, renal and metabolic labs, ALT and AST).

Observation (status final / amended / corrected, dated up to as-of) -> LabResult. The flag comes
from Observation.interpretation (L/LL/LU low, H/HH/HU high, N normal), else the Observation's own
referenceRange (when its unit is the value's; a range sent as text only when unambiguous,
lab_units.py), else the default interval of data/lab_ranges.csv when the unit is one the table
knows or an SI unit data/lab_si_units.csv converts (B12 pmol/L, folate and vitamin D nmol/L:
review 17 W3); else no flag: a value in an unknown unit is never compared, and a test with a
default interval left so is named "not compared: unit X" (`lab_gaps`).

A panel (data/lab_panels.csv: an ECG, LOINC 34534-8 / 11524-6) has no value of its own: its
result is its component of a test the panel carries (the QTc), dated by the panel. A result whose
value sits only in components of its own test (an 8636-3 QTc sent with Bazett and Fridericia
components and no value) is read the same way. Several components of the test: the longest value
in the first one's unit counts (the safer reading for a "QTc above" check). A dated panel with no
component of the test (a rhythm strip, an ECG sending only its QT interval and heart rate) is a
result of the test with neither value nor flag, as an unreadable QTc is (review 9 finding 2): the
QTc check then says it was not done instead of passing over the latest ECG in silence. Such a
result carries what the ECG does report, its QT interval and heart rate as sent
(`LabResult.reported`, lab_measures.py), for the card to show; no QTc is ever computed here from
them: the card never claims more than the ECG reported.

A QTc, lithium, sodium, TCA level, eGFR or diagnosis-review test (a TSH "12.0 uIU/mL", a B12
"150 pg/mL": review K40b s34 finding 2) sent as text ("512 ms (prolonged)", "1.6 mmol/L") is
read when it holds one number with a unit lab_ranges.csv's `text_units` names, or a bare number
its `bare_unit` allows; a bound (">60", "> 500 ng/mL") keeps its comparator (lab_text.py); other
text stays a value not read. A valueQuantity.comparator outside R4's value set leaves it unread.

ALT and AST (review 12 H10) have no default interval (data/lab_ranges.csv): their flag is the
lab's interpretation or referenceRange as for any test, and the high end of the referenceRange is
kept (`range_high`) so the hepatic checks can judge a multiple of the upper limit of normal
(services/transaminases.py) with the lab's own limit.

What cannot be read is named, never dropped in silence (`lab_gaps`): a result with no usable date,
or with neither a value nor an interpretation (a panel whose QTc component has none, a panel with
no QTc at all unless a later result of the test supersedes it).

Which test an Observation is: lab_tests.py; what one result or component says: lab_values.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.clinical_codes import panel_tests
from fhir_mapping.fhir_fields import JSON_OBJECT, effective_date, source_ref
from fhir_mapping.gaps import resource_gap
from fhir_mapping.lab_measures import reported
from fhir_mapping.lab_names import LAB_NAMES as LAB_NAMES
from fhir_mapping.lab_status import gap_row_read, interim_text, read_status
from fhir_mapping.lab_tests import _lab_test, _lab_tests, _read_lab_test, wants_lab
from fhir_mapping.lab_text import unitless_number
from fhir_mapping.lab_units import ranged
from fhir_mapping.lab_unread import (
    ECG_QTC_NOT_READ,
    names_qtc,
    panel_without_reason,
    status_gap,
    unread_component_reason,
    unread_value_gap,
)
from fhir_mapping.lab_values import (
    _UPPER_BOUNDS,
    _flag,
    _interpretation_flag,
    _range_flag,
    _unflagged,
    _value,
    bound_flag,
    interpretation_critical,
    range_high,
    unit_source,
)
from fhir_mapping.record import DataDomain, DataGap, LabResult
from fhir_mapping.result_statuses import OBSERVATION, Reads, given, statuses

# What other modules read from here, wherever it is defined (build.py: `wants_lab`; the tests:
# `_lab_test`, `_lab_tests`, `_read_lab_test`, `_interpretation_flag`).
__all__ = [
    "ECG_WITHOUT_QTC",
    "LAB_NAMES",
    "ULN_TESTS",
    "_interpretation_flag",
    "_lab_test",
    "_lab_tests",
    "_read_lab_test",
    "lab_gaps",
    "lab_result",
    "range_high",
    "wants_lab",
]

Resource = Mapping[str, Any]

# Results only: the `all` rows of data/result_statuses.csv (final / amended / corrected).
_COUNTED_OBSERVATION = statuses(OBSERVATION, Reads.ALL)
# The `interim` rows and the drug-safety results read whatever their status: lab_status.py.


# Read per lab Observation (issue 14): a dict, not a cached call.
_PANELS = panel_tests()

# The transaminases (review 12 H10): judged as a multiple of the upper limit of normal
# (services/transaminases.py), so the high end of the Observation's own referenceRange is kept
# (LabResult.range_high); asked for under their own prefetch key (`liverTests`, services/catalog.py)
# and their unread results are a gap of their own domain (DataDomain.LIVER_TESTS).
ULN_TESTS = frozenset({"alt", "ast"})


# The gap reason of a dated panel with no component of its test (an ECG with no QTc): fixed
# words, never the ECG's values (reasons go to the logs). services/order_checks/labs.py words its
# "not compared" card from it.
ECG_WITHOUT_QTC = "ECG with no QTc value"

# How a gap reason or a card names a test: fhir_mapping/lab_names.py (re-exported here).


def _from_components(resource: Resource, tests: tuple[str, ...], when: date) -> LabResult | None:
    """The result of the first of `tests` found among the components, dated `when` (the
    Observation's date); None when no component is of those tests. Of several components of the
    test (a Bazett and a Fridericia QTc), the longest value in the first valued one's unit counts:
    a "QTc above" check then errs toward saying so. With no value in any, one with an
    interpretation flag, else one with neither (a LabResult without value: `lab_gaps` names it)."""
    components = resource.get("component")
    if not isinstance(components, list):
        return None
    test: str | None = None
    critical = False  # any component of the test flagged HH / LL
    found: list[tuple[float | None, str | None, str | None, str | None]] = []
    for component in components:
        if not isinstance(component, JSON_OBJECT):
            continue
        own = _read_lab_test(component)
        if own is None or own not in tests or (test is not None and own != test):
            continue
        test = own
        value, unit, comparator = _value(component, own)
        found.append((value, unit, _flag(component, own, value, unit, comparator), comparator))
        critical = critical or interpretation_critical(component)
    if test is None:
        return None
    valued = [f for f in found if f[0] is not None]
    if valued:
        unit = valued[0][1]
        same = [f for f in valued if f[1] == unit]
        # An exact value or a lower bound ("> 450") before an upper bound ("< 500"): the one
        # that can say "above" wins over the one that can only say "below".
        value, unit, flag, comparator = max(
            same, key=lambda f: (f[3] not in _UPPER_BOUNDS, f[0] or 0.0)
        )
    else:
        value, unit, flag, comparator = next((f for f in found if f[2] is not None), found[0])
    return LabResult(
        test=test,
        value=value,
        unit=unit,
        date=when,
        flag=flag,
        source=source_ref(resource),
        comparator=comparator,
        critical=critical,
    )


def lab_result(resource: Resource, *, as_of: date, test: str | None = None) -> LabResult | None:
    """The result of a lab Observation as of a date, or None (not a lab, not a result, undated,
    dated after as-of). `test`: its lab test when the caller's own walk of the codings read it
    (build_record's routing: resource_routing._reads_and_lab_test answers what `_read_lab_test`
    does, tests/fhir_mapping/test_lab_test_routing.py), else read here."""
    if test is None:
        test = _read_lab_test(resource)
        if test is None:
            return None
    interim = read_status(resource, test)  # "" final; the status kept; None: not read
    if interim is None:
        return None
    when = effective_date(resource)
    if when is None or when > as_of:
        return None
    if test in _PANELS:  # an ECG: no value of its own, its QTc component is the result
        panel = _PANELS[test]
        # Its first test only (the QTc, the TSH): a thyroid panel with only its free T4 is a TSH
        # not read, its free T4 read beside it (lab_panel_results.py), never a free T4 alone that
        # left the card saying "No TSH" (review K47c s35 finding 2).
        found = _from_components(resource, panel[:1], when)
        if found is not None:
            if interim:
                found = replace(found, status=interim)
            if found.value is None and found.flag is None:  # its QTc is not a number
                return replace(found, reported=reported(test, resource), panel=test)
            return replace(found, panel=test)
        if interim and test in _QTC_TESTS:  # a preliminary ECG with no QTc: the final report
            return None  # may add it; not read
        # A preliminary thyroid panel with no TSH is named as one read with no TSH, as a
        # preliminary TSH with no value is (review K47c s35 finding 1), its status kept.
        # No QTc component: the ECG is a QTc that could not be read (review 9 finding 2), never
        # a QTc computed from its QT and heart rate. Dropping it would let an older QTc, or none,
        # stand for the latest ECG; as a result without value the check says "not compared",
        # showing the QT and heart rate the ECG reports (`reported`), as sent. A thyroid panel
        # whose TSH and free T4 are members not in the chart (or not readable): a TSH not read,
        # dated by the panel, which the card names as the panel's (lab54 item 1), never "No TSH".
        return LabResult(
            test=panel[0],
            value=None,
            unit=None,
            date=when,
            flag=None,
            source=source_ref(resource),
            reported=reported(test, resource),
            status=interim,
            panel=test,
        )
    value, unit, comparator = _value(resource, test)
    # `_flag` inline (every lab of a chart: issue 14); HH / LL read only when a side is flagged.
    flag = _interpretation_flag(resource)
    # Critical: HH / LL on a flagged side, or AA ("Critical" alone: no side, flag None; labs36).
    sided = flag is not None and flag != "normal"
    critical = (sided or (flag is None and "interpretation" in resource)) and (
        interpretation_critical(resource)
    )
    ranged_flag = False  # the flag is the range's, not the lab's (K27b s31 finding 2)
    if flag is None and value is not None:
        flag = _range_flag(resource, value, unit)
        if flag is None:
            flag = _unflagged(resource, test, value, unit)
        flag = bound_flag(flag, comparator)
        ranged_flag = flag is not None
    if value is None and flag is None and "component" in resource:
        # A QTc with no value of its own and its Bazett / Fridericia values as components.
        found = _from_components(resource, (test,), when)
        if found is not None and (found.value is not None or found.flag is not None):
            return replace(found, status=interim) if interim else found
    # Positionally, in field order (test ... status, critical, unitless): built for every lab of
    # a chart, nine keywords cost ~3.7 k instructions more than none (issue 14, session 23).
    return LabResult(
        test,
        value,
        unit,
        when,
        flag,
        source_ref(resource),
        (),
        comparator,
        range_high(resource, unit) if test in ULN_TESTS else None,
        interim,
        critical,
        "" if value is not None else unitless_number(test, resource.get("valueString")),
        ranged_flag,
        unit_source(resource, unit) if value is not None else "",
    )


def lab_gaps(
    observations: Sequence[Resource], read: Sequence[LabResult], *, as_of: date
) -> list[DataGap]:
    """The lab results `lab_result` cannot use (never silent, issue 10), one DataGap each: a
    counted result with no usable date (it is left out), or dated up to as-of with neither a value
    nor an interpretation (kept as a result on its date, never compared: an ECG whose QTc
    component has no value, a QTc "pending"). A dated ECG with no QTc component is named
    (`ECG_WITHOUT_QTC`) unless a later result of the test, or a readable one of the same day (a
    QTc Observation sent beside the panel), supersedes it: the latest result decides the check,
    an older ECG cannot change it. An undated ECG without a QTc cannot be placed against the
    latest QTc: no gap. `observations`: those build_record routes to the labs (`wants_lab`);
    `read`: what `lab_result` made of them (ClinicalContext.labs), so an Observation already read
    with a value or flag is passed over by its id without being read again (issue 14)."""
    # Asked once per result (issue 14, perf14: it was asked again below for every lab).
    uncompared_labs = [lab for lab in read if _uncompared(lab)]
    uncompared = {lab.source.id for lab in uncompared_labs if lab.source is not None}
    if len(read) == len(observations) and None not in map(_VALUE, read) and not uncompared_labs:
        # Each Observation gives at most one result: as many results as Observations, all with
        # a value, is every one read (a chart's usual labs; found at C speed, issue 14).
        return []
    usable = {
        lab.source.id
        for lab in read
        if lab.source is not None
        and (lab.value is not None or lab.flag is not None or lab.critical)
    }
    gaps: list[DataGap] = []
    for resource in observations:
        rid = resource.get("id")
        if isinstance(rid, str) and rid in usable:  # ids are unique here: build_record de-dupes
            if rid in uncompared:
                gaps.extend(_not_compared(resource, read, rid))
            continue
        test = _read_lab_test(resource)
        if test is None:
            continue
        status = given(resource.get("status"))  # missing / malformed: a gap (s30 status31)
        if (
            status not in _COUNTED_OBSERVATION
            and not interim_text(resource, status, test)
            and not gap_row_read(resource, status, test)  # registered: read (labs36 item 1)
        ):
            gaps.extend(status_gap(resource, status, test, as_of, _domain(test)))
            continue
        panel = _PANELS.get(test)
        name = LAB_NAMES.get(test, test)
        when = effective_date(resource)
        if when is None:
            if panel is None:
                reason = f"{name} result with no usable date"
            # (as_of stands in for the missing date: only whether a QTc is there is asked)
            elif (found := _from_components(resource, panel[:1], as_of)) is not None:
                reason = (
                    f"{name} with no usable date ({LAB_NAMES.get(found.test, found.test)} not read)"
                )
            else:
                continue  # an undated ECG without a QTc: nothing the checks read is missing
            gaps.extend(resource_gap(resource, reason, _domain(test)))
            continue
        if when > as_of:
            continue
        result = lab_result(resource, as_of=as_of)
        if result is not None and _uncompared(result):  # a result with no id (not in `usable`)
            gaps.extend(resource_gap(resource, _not_compared_reason(result), _domain(test)))
            continue
        if result is None or result.value is not None or result.flag is not None or result.critical:
            continue  # critical: "Critical" alone (AA), acted on as the lab's call (labs36)
        if panel is None:  # a value outside what the test can be is said so (labs33 item 1)
            gaps.extend(unread_value_gap(resource, test, when, _domain(test)))
            continue
        reason = unread_component_reason(test, result.test)
        if _from_components(resource, panel[:1], when) is None:
            if _superseded(result, read) or _member_read(result, read, test):
                continue
            # Its QTc in the text or a component coded by text only: there, not read (s29 RL 2).
            reason = ECG_QTC_NOT_READ if names_qtc(resource) else ECG_WITHOUT_QTC
            if test not in _QTC_TESTS:  # a thyroid panel with no TSH (lab54 item 1)
                reason = panel_without_reason(test, result.test)
        gaps.extend(resource_gap(resource, reason, _domain(test)))
    return gaps


def _uncompared(lab: LabResult) -> bool:
    """A value of a test with a default interval (lab_units.ranged: TSH, free T4, B12, folate,
    vitamin D) that nothing flagged: no interpretation, no range in its unit, and a unit neither
    the table nor its SI conversions know (review 17 W3: a B12 in pmol/L was "(no flag)" and
    read as nothing to say)."""
    return lab.value is not None and lab.flag is None and ranged(lab.test)


def _not_compared_reason(lab: LabResult) -> str:
    """Fixed words and the unit as sent, never the value (reasons go to the logs)."""
    unit = lab.unit if lab.unit else "not recorded"  # the card's words (lab58 item 3)
    return f"{LAB_NAMES.get(lab.test, lab.test)} not compared: unit {unit}"


def _not_compared(resource: Resource, read: Sequence[LabResult], rid: str) -> list[DataGap]:
    lab = next(lab for lab in read if lab.source is not None and lab.source.id == rid)
    return resource_gap(resource, _not_compared_reason(lab), _domain(lab.test))


def _superseded(result: LabResult, read: Sequence[LabResult]) -> bool:
    """A later result of the same test, or a readable one of the same day (the QTc Observation
    an ECG system sends beside its panel): that one decides the check, so the panel without the
    test is not the data the check lacks."""
    return any(
        lab.test == result.test
        and (
            lab.date > result.date
            or (lab.date == result.date and (lab.value is not None or lab.flag is not None))
        )
        for lab in read
    )


def _member_read(result: LabResult, read: Sequence[LabResult], panel: str) -> bool:
    """A thyroid panel with no TSH beside a TSH result of its own of the same day (its member,
    sent by hasMember, read even when "see note"): that result's own gap names it, so the panel
    is not a second missing TSH said "not in the chart" (review K47c s35 finding 6)."""
    return panel not in _QTC_TESTS and any(
        lab.test == result.test and lab.date == result.date and not lab.panel for lab in read
    )


_LABS = DataDomain.LABS
_ECG = "ecg"
_QTC_DOMAIN = DataDomain.QTC
_VALUE = attrgetter("value")
# The tests whose unread results only the QTc checks are about (DataDomain.QTC): the ECG panel
# of data/lab_panels.csv and the QTc read from it; not the thyroid panel's TSH (lab54 item 1).
_QTC_TESTS = frozenset({_ECG, *_PANELS.get(_ECG, ())})


def _domain(test: str) -> DataDomain:
    """The gap domain of an unread result of `test`: the QTc's own, the liver tests' (an unread
    ALT can change only the transaminase checks), or the labs'."""
    if test in ULN_TESTS:
        return DataDomain.LIVER_TESTS
    return _QTC_DOMAIN if test in _QTC_TESTS else _LABS
