"""Which reader each resource of the chart goes to, decided cheaply before any is read.

An Observation: from one walk of its `code.coding` (`code_reading`, remembered by the code's JSON;
issue 14), the scale row scores.py reads it by, whether labs.py and suicide_screen.py read it,
or one of the sentinels `NO_READER`, `PREGNANCY_READER`, `VITALS_READER` and `PGX_READER`, which
build_record tells by identity. Every other type the rules read: its filter in `WANTS`.

Apart from build.py because this is the per-code table and memo the hot loop consults, built at
import, with its own tests (test_hot_path, test_observation_code_memo, test_build_shortcuts), while
build.py holds the loop itself; build.py re-exports the names those tests reach through it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import orjson

from fhir_mapping import (
    context,
    epds_forms,
    form_self_harm,
    intolerance,
    masked_codes,
    pregnancy,
    questionnaires,
    reason_bipolar,
    scores,
    suicide_screen,
    visit_psychotic,
    visit_risk,
    visit_seizure,
)
from fhir_mapping.admission_codes import ClassOf, class_key
from fhir_mapping.admissions import wants_admission, wants_outpatient
from fhir_mapping.blood_pressure import codes as blood_pressure_codes
from fhir_mapping.bounded_memo import remember
from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.codes import ObservationCode, observation_code_rows
from fhir_mapping.condition_indications import wants_condition_or_use
from fhir_mapping.encounters import TherapyOf, psychotherapy_code, wants_encounter
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.lab_lookalike import lab_named, words_name_lab
from fhir_mapping.pgx import codes as pgx_codes
from fhir_mapping.phq9_lookalike import code_words, words_name_phq9
from fhir_mapping.referrals import wants_service_request
from fhir_mapping.request_resources import Resource
from fhir_mapping.scale_lookalike import words_name_scale
from fhir_mapping.score_scales import item_worded
from fhir_mapping.screen_lookalike import words_name_screen_item
from fhir_mapping.suicide_screen_codes import worded
from fhir_mapping.visit_reads import VisitReads


def _observation_readers() -> dict[
    tuple[str, str], tuple[ObservationCode, ObservationCode | None, bool, bool]
]:
    """(system, code) of data/observation_codes.csv -> (its row, the row again when scores.py
    reads it as a scale or None, whether labs.py reads it as a lab, whether suicide_screen.py
    reads it as a C-SSRS item). Systems are canonical, as `fhir_fields.codings` yields them."""
    tests = lab_ranges()
    screens = suicide_screen.screen_concepts()
    return {
        key: (
            row,
            row if scores.is_scale(row) else None,
            row.concept in tests,
            row.concept in screens,
        )
        for key, row in observation_code_rows().items()
    }


# Built at import, as `_observation_reads` asks it of every coded Observation the rules read
# (issue 14: a cached call and an `is_scale` call per Observation cost more than the lookup).
_OBSERVATION_READERS = _observation_readers()
# Each system of the table is its own canonical spelling, so a coding that writes it so (nearly
# every one) is found as written, without canonical_system; another spelling is then looked up
# canonically, as before.
assert all(canonical_system(system) == system for system, _ in _OBSERVATION_READERS)

# Every code in data/observation_codes.csv, as `fhir_fields.codings` yields codes: built at import,
# as it is read for every coding of every Observation (a cached call cost a tenth of the reading).
_OBSERVATION_CODE_VALUES = frozenset(code for _, code in observation_code_rows() if code)


# What `_observation_reads` answers, itself, for an Observation no reader wants (build_record
# skips it by identity).
NO_READER: tuple[None, bool, bool] = (None, False, False)
# ... and for a Pregnancy Status or EDD Observation (pregnancy.py; review 10 finding 3): another
# object of the same value (built, not a literal, which the compiler would share with NO_READER).
PREGNANCY_READER: tuple[None, bool, bool] = tuple([None, False, False])  # type: ignore[assignment]  # noqa: C409
_PREGNANCY_CODES = pregnancy.status_and_edd_codes()
# ... and for a blood pressure panel or half (blood_pressure.py; review 13 W6): a third object.
VITALS_READER: tuple[None, bool, bool] = tuple([None, False, False])  # type: ignore[assignment]  # noqa: C409
_BLOOD_PRESSURE_CODES = blood_pressure_codes()
# ... and for a CYP2C19 / CYP2D6 phenotype or a genotype (pgx.py; review 13 W4): a fourth object.
PGX_READER: tuple[None, bool, bool] = tuple([None, False, False])  # type: ignore[assignment]  # noqa: C409
_PGX_CODES = pgx_codes()
# The codes `_observation_reads` looks at further: any other is rejected with this one lookup.
_KNOWN_CODES = _OBSERVATION_CODE_VALUES | _PREGNANCY_CODES | _BLOOD_PRESSURE_CODES | _PGX_CODES


_Reads = tuple[ObservationCode | None, bool, bool]


def _observation_reads(resource: Resource) -> _Reads:
    """`_reads_and_lab_test`'s readers alone."""
    return _reads_and_lab_test(resource)[0]


def _reads_and_lab_test(resource: Resource) -> tuple[_Reads, str | None]:
    """Which readers want an Observation, from one walk of its `code.coding` (issue 14): (the
    scale row scores.py reads it by, or None; whether labs.py reads it; whether suicide_screen.py
    does). Exactly what scores.scale_row, labs.wants_lab and suicide_screen.wants answer, each
    of which walks the codings itself (tests/fhir_mapping/test_hot_path.py): scores.py takes the
    first coding in the table, the other two the first coding of their own concepts; a coding
    whose code is in no row can change none of the three, so the vitals and labs that make up
    most of a chart are rejected with one set lookup per coding, before any system is read. The
    rest is `codings`' reading: a coding that is not an object or has no code string is skipped,
    codes are stripped, systems canonical. An Observation no reader wants gets `NO_READER`
    itself, which build_record tells by identity; one no reader wants with a pregnancy status or
    EDD code (pregnancy.wants' answer, from the same walk) gets `PREGNANCY_READER`.

    Beside them, the lab test labs.py reads the Observation as (the concept of the first coding
    that is a lab of data/lab_ranges.csv: what lab_tests._read_lab_test answers, from this same
    walk, so labs.lab_result need not walk the codings again; issue 14), or None."""
    concept = resource.get("code")
    if not isinstance(concept, JSON_OBJECT):
        return NO_READER, None
    items = concept.get("coding")
    if not isinstance(items, list):
        return ((None, False, True) if worded(concept) is not None else NO_READER), None
    known = _KNOWN_CODES
    first: ObservationCode | None = None
    scale: ObservationCode | None = None
    lab_test: str | None = None
    lab = screen = pregnant = vital = genomic = False
    for coding in items:
        if not isinstance(coding, JSON_OBJECT):
            continue
        code = coding.get("code")
        if not isinstance(code, str):
            continue
        code = code.strip()
        if code not in known:
            continue
        if code in _PREGNANCY_CODES:
            pregnant = True
        if code in _BLOOD_PRESSURE_CODES:
            vital = True
        if code in _PGX_CODES:
            genomic = True
        system = coding.get("system")
        if not isinstance(system, str):
            system = ""
        found = _OBSERVATION_READERS.get((system, code)) or _OBSERVATION_READERS.get(
            (canonical_system(system), code)
        )
        if found is None:
            continue
        row, row_scale, is_lab, is_screen = found
        if first is None:  # scores.py reads the first coding in the table
            first, scale = row, row_scale
        if is_lab and lab_test is None:  # labs.py reads the first coding of a lab test
            lab_test = row.concept
        lab = lab or is_lab
        screen = screen or is_screen
    if scale is not None and item_worded(scale, resource):
        scale = None  # an EPDS item 10 under the panel's code: a row screen_lookalike.py reads
    if not screen and worded(concept) is not None:
        screen = True  # a C-SSRS question in its words under a local code (recheck K21 s30)
    if scale is None and not lab and not screen:  # (the common case: no coding in the table)
        if pregnant:
            return PREGNANCY_READER, None
        if genomic:
            return PGX_READER, None
        return (VITALS_READER if vital else NO_READER), None
    return (scale, lab, screen), lab_test


# What build_record makes of an Observation's `code`, remembered by the code's JSON (issue 14): a
# chart's vitals and labs repeat a few dozen codes (a 10-year chart: ~1,600 Observations, ~40
# codes), and so do other patients' charts, while the walk of the codings and, for an Observation
# no reader takes, the look-alike first looks (its texts gathered and lowered) cost about 2 µs
# each. Both read `code` alone, and ignore every value that is not a string, object or list
# where one is read: so a NaN, which orjson writes as null, reads as the null does, and the
# same JSON always reads the same. A code orjson cannot write (an integer beyond 64 bits,
# nesting past its limit) is read every time. The keys are written in the order sent: the same
# code sent in another key order is only a second entry, read the same.
_CODE_MEMO_MAX = 4096
_ObservationReading = tuple[_Reads, bool]
_ObservationRouting = tuple[_Reads, bool, str | None]
# `_ObservationRouting` and, for an Observation no reader takes, whether its row's question asks
# of self-harm as a form's item does (form_self_harm.row_asks: `code` alone), which the walk asked
# of every such row, a vital's or a lab's alike (1,393 rows of sized_unread(2000); issue 14).
_ObservationRoute = tuple[_Reads, bool, str | None, bool]
_remembered_codes: dict[bytes, _ObservationRoute] = {}


def code_reading(resource: Resource) -> _ObservationReading:
    """(`_observation_reads(resource)`, itself: build_record tells its sentinels by identity;
    whether an Observation no reader takes is named like a PHQ-9 or another scale, by the two
    first looks of phq9_lookalike and scale_lookalike), remembered by the code's JSON."""
    reads, named, _, _ = observation_route(resource)
    return reads, named


def observation_routing(resource: Resource) -> _ObservationRouting:
    """`code_reading`'s answer and the lab test labs.py reads the Observation as, or None
    (`_reads_and_lab_test`), remembered by the code's JSON."""
    reads, named, lab_test, _ = observation_route(resource)
    return reads, named, lab_test


def observation_route(resource: Resource) -> _ObservationRoute:
    """`observation_routing`'s answer and whether the row's question asks of self-harm (False
    unless no reader takes it), remembered by the code's JSON: what build_record asks of each
    Observation."""
    try:
        key = orjson.dumps(resource.get("code"))
    except TypeError:  # orjson.JSONEncodeError
        return _read_code(resource)
    found = _remembered_codes.get(key)
    if found is None:
        found = remember(_remembered_codes, key, _read_code(resource), _CODE_MEMO_MAX)
    return found


def _read_code(resource: Resource) -> _ObservationRoute:
    reads, lab_test = _reads_and_lab_test(resource)
    if reads is not NO_READER:
        return reads, False, lab_test, False
    words = code_words(resource)  # both first looks search one string
    named = (
        words_name_phq9(words)
        or words_name_scale(words)
        or words_name_screen_item(words)
        # A TSH under a local code (lab_lookalike.py). The first look is a substring test;
        # lab_named reads `code` alone, so its answer is remembered with the code here: a
        # "Microalbumin/Creatinine ratio" (an `unless` word) is never a look-alike row to
        # read again for every result (s24 bench: per irrelevant resource 2.6 -> 8.3 us).
        or (words_name_lab(words) and lab_named(resource) is not None)
    )
    return reads, bool(words) and named, None, form_self_harm.row_asks(resource)


def _wants_observation(resource: Resource) -> bool:
    scale, lab, screen = _observation_reads(resource)
    return scale is not None or lab or screen


def wants_questionnaire_response(
    resource: Resource, site_items: questionnaires.SiteItems | None = None
) -> bool:
    """A PHQ-9 (questionnaires.py), a C-SSRS screen (suicide_screen.py) or a form with an EPDS
    item 10 (epds_forms.py, review s28 RI finding 1)."""
    return (
        questionnaires.wants_questionnaire_response(resource, site_items=site_items)
        or suicide_screen.wants_questionnaire_response(resource)
        or epds_forms.wants_response(resource)
        or form_self_harm.wants_response(resource)  # recheck K14 s28 finding 4
    )


def _wants_encounter(
    resource: Resource,
    class_of: ClassOf = class_key,
    therapy_of: TherapyOf = psychotherapy_code,
) -> bool:
    """A psychotherapy visit (encounters.py), an inpatient stay (admissions.py, review 16 W4), or
    an ED visit or a visit for suicidal ideation or self-harm (visit_risk.py, review 16 recheck
    U-b)."""
    return (
        wants_encounter(resource, therapy_of)
        or wants_admission(resource, class_of)
        or visit_risk.wants_visit(resource, class_of)
        # An ambulatory visit: tells whether a stay recorded in progress was left (admissions.py
        # `read_current_stays`, review 17 recheck R2).
        or wants_outpatient(resource, class_of)
        # A visit whose reason names a seizure, whatever its class (visit_seizure.py, fix dx61).
        or visit_seizure.wants_visit(resource)
        # ... or bipolar disorder (reason_bipolar.py, fix bip67).
        or reason_bipolar.wants_visit(resource)
        # ... or psychotic features (visit_psychotic.py, fix tms61).
        or visit_psychotic.wants_visit(resource)
    )


def encounter_filter(reads: VisitReads) -> Callable[[Resource], bool]:
    """`WANTS["Encounter"]` reading each visit's class and psychotherapy code through one build's
    memo (visit_reads.py): the readers after the walk ask the same again."""
    return partial(_wants_encounter, class_of=reads.class_key, therapy_of=reads.psychotherapy)


def _wants_patient(resource: Resource) -> bool:
    return True


# A Procedure, Device or AllergyIntolerance whose code is masked by a data-absent-reason is kept
# to be named (masked_codes.wants_masked, fix mask48): the readers below read codes and text only.
def _wants_procedure(resource: Resource) -> bool:
    return context.wants_procedure(resource) or masked_codes.wants_masked(resource)


def _wants_device(resource: Resource) -> bool:
    return context.wants_device(resource) or masked_codes.wants_masked(resource)


def _wants_allergy(resource: Resource) -> bool:
    return intolerance.wants_intolerance(resource) or masked_codes.wants_masked(resource)


# The cheap pre-validation filter of each resource type the rules read (Observations: build_record
# sorts them by reader with `_observation_reads`).
WANTS: dict[str, Callable[[Resource], bool]] = {
    # A Condition a finding is read from, or one naming a use an antidepressant treats (review
    # 19 I2: fibromyalgia beside duloxetine, condition_indications.py).
    "Condition": wants_condition_or_use,
    "Procedure": _wants_procedure,
    "Device": _wants_device,
    "ServiceRequest": wants_service_request,
    "QuestionnaireResponse": wants_questionnaire_response,
    "Patient": _wants_patient,
    "AllergyIntolerance": _wants_allergy,
    "AdverseEvent": intolerance.wants_intolerance,
    # Psychotherapy charted only as a visit (review 14 M2): a status and code-set look-up, so the
    # hundreds of other Encounters of a chart cost little (encounters.py).
    "Encounter": _wants_encounter,
}
