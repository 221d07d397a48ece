"""A drug-safety lab result with a value whose status is missing, malformed or a code no row of
data/result_statuses.csv names: read as a result, the status said beside its date (session 30
status32, the lead's decision).

Status31 named such a result under "Data not read" and read nothing of it: a lithium 1.6 with
no status gave a data-quality warning only, not the toxicity card a final 1.6 raises, and the
interaction card said "no lithium level since" beside it. The safer reading for the patient is
to read it: a result withdrawn carries `entered-in-error` and one not done `cancelled` (both
still dropped, as their rows say), a pending one has no value (left out: nothing a check reads
is there), so a value with no status to say otherwise is most likely the final result. The card
line names it ("1.6 mmol/L on 2026-11-18 (status missing)"), so nobody reads it as verified.

A drug-safety result with a value whose status is `registered` ("no result yet": its row's
`gap`) is read the same way (session 30 labs36 item 1: a registered lithium 1.6 gave no toxicity
card and the interaction card said "no lithium level on record ... check one" beside it): a
value sent under it is most likely the result filed before its status was moved on, and a card
must never say "no level on record" beside a 1.6 in the record. It is named "(status
registered)" (`shown`), as "(status missing)" is.

Which results of which status the labs read at all (`read_status`, moved here from labs.py) and
how a card line names the status beside the date (`shown`: "preliminary", "status unknown";
labs36 item 3: it said "(unknown)") live here too.

A registered result with a value of a test read before it is final (INTERIM_TESTS: the TSH, free
T4, B12, folate, vitamin D too) is read the same way, "(status registered)" (review K40b s34
finding 1: a registered TSH 12 H vanished, no gap made, and the card said "No TSH in 365 days ...
consider one" beside it). A registered one with no value is a test ordered and not resulted
(`pending`): the diagnosis review says so instead of asking for one.

Only the drug-safety labs (data/safety_lab_tests.csv `any_status`, each row with its source: labs38
item 3 moved the list from code): the levels and results a safety card acts on at once. The other
tests (TSH, the metabolic labs, ALT / AST) keep status31's gap: no card acts on one of them
alone, and a gap holds the conclusions resting on it; a status missing or not recognised stays that gap
for them (lab_unread.status_gap), a `registered` one with a value is read (above).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.result_statuses import (
    OBSERVATION,
    Reads,
    given,
    named,
    named_as_gap,
    reads,
    statuses,
    unrecognised,
)

Resource = Mapping[str, Any]

# Results only: the `all` rows of data/result_statuses.csv (final / amended / corrected).
_COUNTED_OBSERVATION = statuses(OBSERVATION, Reads.ALL)
# The `interim` rows (preliminary, unknown): read with the status kept (LabResult.status) so the
# card names it (review s28 RJ finding 4: a preliminary TSH 9.0 H was dropped in silence), for
# the diagnosis review's tests and the drug-safety labs (review s29 RL finding 1: a preliminary
# lithium 1.9 HH said "no lithium level on record", a preliminary QTc 512 beside citalopram, a
# sodium 122 at 80 on venlafaxine and a nortriptyline 600 raised nothing). A critical value is
# phoned and filed before the final report: waiting for it left the safety cards silent, so the
# cards act on it and say "preliminary" (lab_readings.text). ALT/AST, creatinine and the
# metabolic labs still wait for the final result (no card acts on them alone at once).
_INTERIM_OBSERVATION = statuses(OBSERVATION, Reads.INTERIM)
INTERIM_TESTS = frozenset(
    {
        "tsh",
        "free-t4",
        "b12",
        "folate",
        "vitamin-d",
        "lithium",
        "qtc",
        "ecg",
        "sodium",
        "nortriptyline",
        "amitriptyline-nortriptyline",
        "imipramine-desipramine",
        "egfr",
        "crcl",  # read as the eGFR is (renal50: the labels' own renal measure)
        # A thyroid panel (24348-5) is read as its TSH (labs.lab_result): a preliminary or
        # registered one as a standalone TSH of that status is (review K47c s35 finding 1: a
        # preliminary panel's TSH 12 H was dropped and the card said "No TSH ... consider one").
        "thyroid-panel",
    }
)


@cache
def statusless_read() -> frozenset[str]:
    """The drug-safety labs (lab_tests.py keys) whose value is read whatever its status: the
    `any_status` rows of data/safety_lab_tests.csv (lithium and tricyclic levels, sodium, the QTc
    and the ECG carrying it, eGFR / creatinine, hCG). Which tests this service's safety checks
    read is the table's, not a clinical fact (the checks' own rows carry their sources)."""
    text = resources.files("fhir_mapping").joinpath("data/safety_lab_tests.csv").read_text("utf-8")
    return frozenset(
        row["test"].strip()
        for row in csv.DictReader(text.splitlines())
        if row["any_status"].strip() == "yes"
    )


def read_status(resource: Resource, test: str) -> str | None:
    """How a lab result of `test` is read for its status: "" as a result (final, amended,
    corrected); the status kept (LabResult.status) for an interim one of INTERIM_TESTS or a
    drug-safety value read whatever its status (`statusless_words`); None: not read."""
    status = resource.get("status")
    if isinstance(status, str) and status in _COUNTED_OBSERVATION:
        return ""
    if isinstance(status, str) and status in _INTERIM_OBSERVATION and test in INTERIM_TESTS:
        return status
    return statusless_words(resource, test)


def interim_text(resource: Resource, status: str, test: str) -> bool:
    """A preliminary result of a test read before it is final (INTERIM_TESTS) sent as text the
    reader could not take ("1.6 (critical)"): named as a result not read, as a final one is. A
    preliminary result with no value at all (pending) is not: the final one will carry it."""
    return status in _INTERIM_OBSERVATION and test in INTERIM_TESTS and "valueString" in resource


def statusless_words(resource: Resource, test: str) -> str | None:
    """How the card names the status of a drug-safety result read whatever its status ("status
    missing", "status not readable", "status 'final-ish' not recognised"; a `gap` row's status
    as sent, "registered", which `shown` words), or None: not read so (another test, a status a
    row reads otherwise, no value)."""
    safety = test in statusless_read()
    if not safety and test not in INTERIM_TESTS:
        return None
    status = given(resource.get("status"))
    if not valued(resource):
        return None
    if unrecognised(OBSERVATION, status):
        return named(OBSERVATION, status) if safety else None  # a TSH's: status31's gap
    return status if named_as_gap(OBSERVATION, status) else None


def gap_row_read(resource: Resource, status: str, test: str) -> bool:
    """A drug-safety result whose status is a `gap` row's (registered) read as a result
    (`statusless_words`): labs.lab_gaps then names an unread value of it as any result's."""
    return (
        (test in statusless_read() or test in INTERIM_TESTS)
        and not unrecognised(OBSERVATION, status)
        and named_as_gap(OBSERVATION, status)
        and valued(resource)
    )


def shown(status: str) -> str:
    """How a card line names a lab result's status beside its date (LabResult.status): the
    `named` words of its row up to any aside ("status unknown"; labs36 item 3: "(unknown)" said
    nothing of what was unknown), "preliminary" for an interim row whose words start with the
    status itself, "status registered" for a row read only because no other status came;
    words already said ("status missing") as they are."""
    if not status or unrecognised(OBSERVATION, status):
        return status
    words = named(OBSERVATION, status).split(" (")[0] or status
    if words.startswith("status") or reads(OBSERVATION, status) is Reads.INTERIM:
        return words
    return f"status {status}"


def pending(resource: Resource, test: str) -> bool:
    """A registered result of a test read before it is final (INTERIM_TESTS) with no value yet:
    ordered, not resulted (K40b s34 finding 1: "No TSH ... consider one" beside it)."""
    status = resource.get("status")
    return (
        test in INTERIM_TESTS
        and isinstance(status, str)
        and not unrecognised(OBSERVATION, status)
        and named_as_gap(OBSERVATION, status)
        and not valued(resource)
    )


def valued(resource: Resource) -> bool:
    """A value of its own, or components (an ECG's QTc): a pending result has neither."""
    return any(k.startswith("value") for k in resource) or bool(resource.get("component"))
