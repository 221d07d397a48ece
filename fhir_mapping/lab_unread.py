"""The words of a lab result read without a value, and which test such a gap is of (review s29
RL finding 2).

A safety lab whose value could not be read (a lithium "1.6 (critical)", a nortriptyline "600"
with no unit, an ECG whose QTc is only in its text) is a DataGap of labs.lab_gaps. Listed only on
the cards resting on labs, it was said on an info card (the TSH one) and nowhere near the drug it
could change: services/unread_lab_gaps.py reads the test back from the gap's reason here, so a gap
of a test a running or drafted drug is judged by is decisive (the data-quality card carries it
when no warning card does), and the optimise card holds a dose raise on it
(services/rules/optimize/room.py).

A lab whose status is missing, not a string or a code no row of data/result_statuses.csv names
(session 30 status31: a lithium level with no status vanished, no gap) is such a gap too
(`status_gap`), under its own fixed words: it may be a final result, so it may change a check.
A drug-safety lab with a value is read as a result instead (lab_status.py, s30 status32), so
only the other tests (a TSH, the metabolic labs) reach this gap. A `registered` result with a
value of a test not read so (an HbA1c: the TSH and the other diagnosis tests are read,
lab_status.py) is one too, under its own words (K40b s34 finding 1: it vanished, no gap). A result without any value is
left out (pending: nothing a check reads is there), as a preliminary one with none is.

An ECG panel with no QTc component whose text or components name a QTc ("Sinus rhythm. QTc 512
ms", a component coded only by the text "QTc Interval") is not a rhythm strip: its QTc is there
and not read (`ECG_QTC_NOT_READ`), never guessed from the sentence (lab_text.py reads a value
only from a text holding nothing else).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

from fhir_mapping.clinical_codes import panel_tests
from fhir_mapping.fhir_fields import JSON_OBJECT, effective_date, number
from fhir_mapping.gaps import resource_gap
from fhir_mapping.lab_lookalike import lab_named
from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.lab_status import valued
from fhir_mapping.lab_text import implausible
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.result_statuses import OBSERVATION, named, named_as_gap, unrecognised

Resource = Mapping[str, Any]

# Fixed words, never the value (reasons go to the logs).
_UNREAD = "result that is missing or not a number"
_UNREAD_STATUS = "result whose status is missing or not recognised"
_UNREAD_REGISTERED = "result sent as registered (no result yet), not read"
ECG_QTC_NOT_READ = (
    "ECG whose QTc is in its text or under a code this service does not know (not read)"
)


def unread_value_reason(test: str) -> str:
    """ "lithium level result that is missing or not a number"."""
    return f"{LAB_NAMES.get(test, test)} {_UNREAD}"


def implausible_reason(test: str) -> str:
    """ "sodium result outside what a sodium can be (check the entry)"."""
    name = LAB_NAMES.get(test, test)
    return f"{name} result outside what a {name} can be (check the entry)"


def unread_value_gap(
    resource: Resource, test: str, when: date, domain: DataDomain
) -> list[DataGap]:
    """The gap of a result of `test` read without a value: a value with its unit outside what the
    test can be (lab_text.implausible: sodium 12.4 mmol/L) says so, stating the value and unit as
    sent and its date for the card line, so the entry can be found and corrected (labs33 item
    1); else the fixed words of `unread_value_reason`."""
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, JSON_OBJECT) and quantity.get("comparator") is None:
        value = number(quantity.get("value"))
        unit = quantity.get("unit") or quantity.get("code")
        if value is not None and isinstance(unit, str) and implausible(test, value, unit):
            gaps = resource_gap(resource, implausible_reason(test), domain)
            said = f"{value:g} {unit} on {when.isoformat()}"
            return [replace(gap, stated=said, date=when) for gap in gaps]
    return resource_gap(resource, unread_value_reason(test), domain)


def unread_status_reason(test: str) -> str:
    """ "lithium level result whose status is missing or not recognised"."""
    return f"{LAB_NAMES.get(test, test)} {_UNREAD_STATUS}"


def unread_registered_reason(test: str) -> str:
    """ "HbA1c result sent as registered (no result yet), not read"."""
    return f"{LAB_NAMES.get(test, test)} {_UNREAD_REGISTERED}"


def status_gap(
    resource: Resource, status: str, test: str, as_of: date, domain: DataDomain
) -> list[DataGap]:
    """The gap of a `test` result with a value, dated up to `as_of`, whose status (as
    result_statuses.given read it) is missing, malformed or no row's (module docstring); [] for
    any other. The status is said beside the record (`stated`), never in the reason."""
    if not valued(resource):
        return []
    registered = not unrecognised(OBSERVATION, status) and named_as_gap(OBSERVATION, status)
    if not registered and not unrecognised(OBSERVATION, status):
        return []
    when = effective_date(resource)
    if when is None or when > as_of:
        return []  # undated or dated after today: not a result these checks read either way
    reason = unread_registered_reason(test) if registered else unread_status_reason(test)
    return resource_gap(resource, reason, domain, stated=named(OBSERVATION, status))


def panel_without_reason(panel: str, test: str) -> str:
    """ "thyroid panel with no TSH value (its members not in the chart or not readable)": a panel
    other than the ECG carrying none of its tests (lab54 item 1); fixed words, never values."""
    name, of = LAB_NAMES.get(panel, panel), LAB_NAMES.get(test, test)
    return f"{name} with no {of} value (its members not in the chart or not readable)"


def unread_component_reason(panel: str, test: str) -> str:
    """ "ECG whose QTc is missing or not a number": a panel's component without a value."""
    return f"{LAB_NAMES.get(panel, panel)} whose {LAB_NAMES.get(test, test)} is missing or not a number"


@cache
def _tests_by_reason() -> dict[str, str]:
    found = {unread_value_reason(test): test for test in LAB_NAMES}
    found.update({implausible_reason(test): test for test in LAB_NAMES})
    found.update({unread_status_reason(test): test for test in LAB_NAMES})
    found.update({unread_registered_reason(test): test for test in LAB_NAMES})
    found[unread_component_reason("ecg", "qtc")] = "qtc"
    found[ECG_QTC_NOT_READ] = "qtc"
    for panel, tests in panel_tests().items():  # a thyroid panel's TSH (lab54 item 1)
        found.setdefault(unread_component_reason(panel, tests[0]), tests[0])
        found.setdefault(panel_without_reason(panel, tests[0]), tests[0])
    return found


def unread_test(gap: DataGap) -> str | None:
    """The test whose result `gap` says was read without a value, else None."""
    return _tests_by_reason().get(gap.reason)


def names_qtc(resource: Resource) -> bool:
    """Whether an ECG panel with no QTc component names a QTc in its valueString or in a
    component coded by text only (fhir_mapping/lab_lookalike.py's words)."""
    text = resource.get("valueString")
    if isinstance(text, str) and lab_named({"code": {"text": text}}) == "qtc":
        return True
    components = resource.get("component")
    if not isinstance(components, list):
        return False
    return any(isinstance(c, JSON_OBJECT) and lab_named(c) == "qtc" for c in components)
