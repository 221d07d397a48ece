"""Session 31 fix neg37 (recheck K27a s31), word level: the readers behind tests/services/
test_neg37.py, with the variants the charts do not hold."""

from __future__ import annotations

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_text import Reading, reading
from fhir_mapping.text_negation import family_listed, negated, normalise_text

SI = (FindingKind.SUICIDAL_IDEATION,)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("SI, HI: denies", ()),
        ("SI, HI, AVH: denies", ()),
        ("Psych ROS: SI, HI: denies", ()),
        ("SI/HI/self harm: none", ()),
        ("Endorses SI, HI: denies", SI),
        ("Active SI, Plan: none", SI),
        ("Suicidal ideation, Plan: none", SI),
        ("SI, plan: none", SI),
        ("Passive SI, intent: denies", SI),
    ],
)
def test_comma_answer(text: str, kinds: tuple[FindingKind, ...]) -> None:
    assert text_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Intentional OD, SI: denies", Reading.STATED),
        ("Overdose, SI: denies", Reading.INTENT_UNKNOWN),
        ("Overdose: denies", None),
        ("Cutting, SI: denies", Reading.STATED),
        ("cutting last week", Reading.STATED),
        ("has been cutting", Reading.STATED),
        ("cutting back on alcohol", None),
        ("no cutting", None),
        ("no history of cutting", None),
    ],
)
def test_self_harm_before_answer(text: str, read: Reading | None) -> None:
    assert reading(text) is read


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("fh significant for depression, bipolar", True),
        ("fh: depression, anxiety, bipolar", True),
        ("family history of anxiety, bipolar", True),
        ("fh of depression, pt with bipolar", False),
        ("fh depression, also bipolar", False),
        ("fh depression. bipolar", False),
        ("fh depression, long standing anxiety disorder here, bipolar", False),
        ("depression, bipolar", False),
    ],
)
def test_family_list(text: str, listed: bool) -> None:
    assert family_listed(text, text.rindex("bipolar")) is listed
    text = normalise_text(text)
    start = text.rindex("bipolar")
    assert negated(text, start, start + len("bipolar")) is listed


# Lead's decision after neg37 (session 31): a self-harm item later in a screening checklist is
# covered ("SI, HI, self-harm: denies" denied: neg37 had read it as SI, a false critical card that
# withheld TMS), but named first it is a presenting act and keeps its reading ("SIB, SI: denies",
# "Cutting, SI: denies"); a TMS-screen device list is a checklist too ("Pacemaker, VNS: none").
@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("SI, HI, self-harm: denies", ()),
        ("SI, HI, SIB: denies", ()),
        ("SI, HI, self harm, AVH: denies", ()),
        ("Endorses SI, HI, self-harm: denies", SI),
    ],
)
def test_self_harm_later_in_a_checklist(text: str, kinds: tuple[FindingKind, ...]) -> None:
    assert text_kinds(text) == kinds


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("SIB, SI: denies", Reading.STATED),
        ("Cutting, SI: denies", Reading.STATED),
        ("SI, HI, self-harm: denies", None),
    ],
)
def test_self_harm_named_first_stands(text: str, read: Reading | None) -> None:
    assert reading(text) is read


@pytest.mark.parametrize(
    ("text", "term", "denied"),
    [
        ("pacemaker, vns: none", "pacemaker", True),
        ("seizures, metal implants: denies", "seizures", True),
        ("pacemaker, headaches: none", "pacemaker", False),
    ],
)
def test_device_checklist(text: str, term: str, denied: bool) -> None:
    text = normalise_text(text)
    start = text.index(term)
    assert negated(text, start, start + len(term)) is denied


# Recheck K28b s31 finding 8: an attempt, cutting or an overdose later in a screening checklist is
# covered by its answer too (the list_follow rows had only the self-harm words: these three were
# read as the act, a false critical card that withheld TMS); named first, the act stands.
@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("SI, HI, suicide attempt: denies", None),
        ("SI, HI, cutting: denies", None),
        ("SI, HI, overdose: denies", None),
        ("Overdose, SI: denies", Reading.INTENT_UNKNOWN),
        ("Cutting, SI: denies", Reading.STATED),
    ],
)
def test_acts_later_in_a_checklist(text: str, read: Reading | None) -> None:
    assert reading(text) is read


# Recheck K29b s31 finding 1: a dash followed by a date separates the date from the finding; the
# checklist's minus ("SI -") denies only when it closes its clause.
@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Suicide attempt - 2026", Reading.STATED),
        ("Self-harm - 2026", Reading.STATED),
        ("Overdose - 2026", Reading.INTENT_UNKNOWN),
        ("Suicide attempt - denies", None),
    ],
)
def test_a_dash_before_a_date_denies_nothing(text: str, read: Reading | None) -> None:
    assert reading(text) is read


@pytest.mark.parametrize(
    ("text", "kinds"),
    [("SI - 2026", SI), ("SI -", ()), ("SI/HI -", ()), ("Bipolar disorder ruled out 2024", ())],
)
def test_the_checklist_minus_closes_its_clause(text: str, kinds: tuple[FindingKind, ...]) -> None:
    assert text_kinds(text) == kinds
