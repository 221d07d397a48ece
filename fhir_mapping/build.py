"""Entry point of the mapping: FHIR R4 resources (plain JSON dicts) to a PatientRecord.

Steps: de-duplicate (same resourceType and id count once, the latest meta.lastUpdated / versionId
winning; resources without an id by their canonical JSON), drop other patients' resources, keep
only the types and codes the rules read (a cheap dict check), then map them with tolerant readers
(no whole-resource validation; what cannot be read is reported as a DataGap, see gaps.py): medications -> trials (episodes.py, adherence.py),
Observations -> scores (scores.py) and labs (labs.py), Condition / Procedure / Device -> clinical
context (context.py), ServiceRequest -> referrals (referrals.py), Encounter -> psychotherapy
sessions and booked visits (encounters.py, review 14 M2), and the current episode (episode.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from functools import partial
from itertools import repeat
from typing import Any, cast

import orjson

from fhir_mapping import (
    context,
    intolerance,
    labs,
    mania_findings,
    pregnancy,
    questionnaires,
    scores,
    suicide_screen,
)
from fhir_mapping.administered_courses import course_events, with_course_events
from fhir_mapping.administrations import merge as merge_sessions
from fhir_mapping.administrations import read_sessions
from fhir_mapping.blood_pressure import codes as blood_pressure_codes
from fhir_mapping.blood_pressure import read_blood_pressures
from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.codes import ObservationCode, observation_code_rows
from fhir_mapping.encounters import read_visits, wants_encounter
from fhir_mapping.episode import current_episode_start, undated_ends
from fhir_mapping.episode_baseline import with_episode_baselines
from fhir_mapping.episodes import build_trials
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    SITE_ZONE,
    parse_date,
    references_patient,
    subject_reference,
)
from fhir_mapping.gaps import DATED_AFTER_TODAY, DOMAINS_OF_TYPE, resource_gap, type_gaps
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index
from fhir_mapping.medications import flat_drafts, medication_events, read_drafts
from fhir_mapping.pgx import codes as pgx_codes
from fhir_mapping.pgx import read_pgx
from fhir_mapping.phq9_lookalike import code_words, words_name_phq9
from fhir_mapping.phq9_lookalike import observation_gaps as observation_gaps_named_phq9
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    BloodPressure,
    DataGap,
    Finding,
    Patient,
    PatientRecord,
    PgxResult,
)
from fhir_mapping.referrals import all_referrals, draft_referrals, wants_service_request
from fhir_mapping.scale_lookalike import observation_gaps as observation_gaps_named_scale
from fhir_mapping.scale_lookalike import words_name_scale

Resource = Mapping[str, Any]

_MEDICATION_TYPES = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "Medication"}
)


def _version(resource: Resource) -> tuple[str, int, bytes]:
    meta = resource.get("meta")
    updated, version = "", -1
    if isinstance(meta, JSON_OBJECT):
        if isinstance(meta.get("lastUpdated"), str):
            updated = meta["lastUpdated"]
        raw = meta.get("versionId")
        # isdecimal, not isdigit: int() refuses "²"; and an id is at most 64 characters (int()
        # refuses more than 4300 digits).
        if isinstance(raw, str) and raw.isdecimal() and len(raw) <= 64:
            version = int(raw)
    return (updated, version, _canonical(resource) or b"")


def _canonical(resource: Resource) -> bytes | None:
    """Sorted-key JSON of a resource; None when orjson cannot write it (nested deeper than its
    254-level limit: such a resource is kept as it came and fails model validation later)."""
    try:
        return orjson.dumps(resource, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:  # orjson.JSONEncodeError
        return None


_JUST_STR = {str}
_JUST_DICT = {dict}


def _all_distinct(items: list[object]) -> list[Resource] | None:
    """`items` themselves when each is a resource with an id no other item has, as in nearly every
    request; else None. Found at C speed, one `map` per field (issue 14: `_unique_by_walk` cost a
    quarter of reading an irrelevant resource): every item a JSON object (a dict) whose
    resourceType and id are strings, no id empty, no id twice. Ids distinct whatever the type
    means (type, id) pairs distinct, so the walk would keep every item, in order."""
    if set(map(type, items)) != _JUST_DICT:
        return None
    objects = cast("list[dict[str, Any]]", items)
    if set(map(type, map(dict.get, objects, repeat("resourceType")))) != _JUST_STR:
        return None
    ids = list(map(dict.get, objects, repeat("id")))
    if set(map(type, ids)) != _JUST_STR:
        return None
    distinct = set(ids)
    if len(distinct) != len(ids) or "" in distinct:
        return None
    return cast("list[Resource]", items)


def _dedupe(resources: Iterable[object]) -> tuple[list[Resource], int]:
    """Unique resources (order of first appearance) and how many inputs were not resources."""
    items = list(resources)
    distinct = _all_distinct(items)
    return (distinct, 0) if distinct is not None else _unique_by_walk(items)


def _unique_by_walk(items: Iterable[object]) -> tuple[list[Resource], int]:
    """`_dedupe`, one item at a time: the same type and id count once, the latest version
    winning; content without an id once; what is not a resource is counted."""
    by_key: dict[tuple[str, str] | bytes | int, Resource] = {}
    keep = by_key.setdefault  # the first of a key is kept as it comes: one lookup, not two
    not_resources = 0
    for item in items:
        if not isinstance(item, JSON_OBJECT) or not isinstance(
            kind := item.get("resourceType"), str
        ):
            not_resources += 1
            continue
        rid = item.get("id")
        # No id: the same content counts once; content orjson cannot write counts apart.
        key: tuple[str, str] | bytes | int = (
            (kind, rid) if isinstance(rid, str) and rid else _canonical(item) or id(item)
        )
        current = keep(key, item)
        if current is not item and _version(item) > _version(current):
            by_key[key] = item
    return list(by_key.values()), not_resources


def _not_belonging(resource: Resource, patient_id: str | None) -> str | None:
    """Why a resource is not this patient's, or None when it is (or carries no patient at all,
    as Medication, Practitioner and Organization do).

    Issue 10 ("one patient, whole data"): only the context patient's resources are read; another
    patient's are left out and reported, never merged (another patient's PHQ-9 once raised a
    critical card for the context patient). A clinical resource with no subject cannot be
    attributed, so it is left out and reported too.
    """
    if patient_id is None:
        return None
    kind = resource["resourceType"]
    if kind == "Patient":
        return None if resource.get("id") == patient_id else "another patient's resource"
    if kind not in DOMAINS_OF_TYPE or kind == "Medication":
        return None
    subject = subject_reference(resource)
    if subject is None:
        return "no subject: cannot be attributed to this patient"
    return None if references_patient(subject, patient_id) else "another patient's resource"


def _attributions(resources: Iterable[object], patient_id: str) -> Iterator[bool]:
    """For each clinical resource (not Medication), whether it is about `patient_id`."""
    for item in resources:
        if not isinstance(item, JSON_OBJECT) or not isinstance(item.get("resourceType"), str):
            continue
        kind = item["resourceType"]
        if kind not in DOMAINS_OF_TYPE or kind == "Medication":
            continue
        yield _not_belonging(item, patient_id) is None


def patient_counts(resources: Iterable[object], patient_id: str) -> tuple[int, int]:
    """(resources about `patient_id`, clinical resources about someone else or no one): lets the
    protocol layer refuse a request whose prefetch is all another patient's (issue 10)."""
    own = foreign = 0
    for about_patient in _attributions(resources, patient_id):
        own += about_patient
        foreign += not about_patient
    return own, foreign


def has_own_resource(resources: Iterable[object], patient_id: str) -> bool:
    """Whether any clinical resource is about `patient_id`: `patient_counts(...)[0] > 0`, decided
    at the first such resource (in a real request, nearly always the first one) instead of after
    reading every resource of a 2,000-resource chart (issue 14)."""
    return any(_attributions(resources, patient_id))


def _age(birth: date | None, as_of: date) -> int | None:
    if birth is None or birth > as_of:
        return None
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def _patient(patients: list[Resource], patient_id: str | None, as_of: date) -> Patient:
    chosen = patients[0] if len(patients) == 1 else None
    if chosen is None and patient_id is not None:
        chosen = next((p for p in patients if p.get("id") == patient_id), None)
    if chosen is None:
        return Patient(id=patient_id, age=None, sex=None)
    gender = chosen.get("gender")
    rid = chosen.get("id")
    return Patient(
        id=patient_id or (rid if isinstance(rid, str) else None),
        age=_age(parse_date(chosen.get("birthDate")), as_of),
        sex=gender if isinstance(gender, str) else None,
        deceased=_deceased(chosen, as_of),
    )


def _deceased(patient: Resource, as_of: date) -> bool:
    """Patient.deceased[x] (issue 11 item 14): deceasedBoolean true, or a deceasedDateTime on or
    before as-of (a replay of an earlier day saw a living patient). A deceasedDateTime whose date
    cannot be read still records a death (EHRs write none for a living patient)."""
    if patient.get("deceasedBoolean") is True:
        return True
    raw = patient.get("deceasedDateTime")
    if raw is None or raw is False:
        return False
    died = parse_date(raw)
    return died is None or died <= as_of


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
_NO_READER: tuple[None, bool, bool] = (None, False, False)
# ... and for a Pregnancy Status or EDD Observation (pregnancy.py; review 10 finding 3): another
# object of the same value (built, not a literal, which the compiler would share with _NO_READER).
_PREGNANCY_READER: tuple[None, bool, bool] = tuple([None, False, False])  # type: ignore[assignment]  # noqa: C409
_PREGNANCY_CODES = pregnancy.status_and_edd_codes()
# ... and for a blood pressure panel or half (blood_pressure.py; review 13 W6): a third object.
_VITALS_READER: tuple[None, bool, bool] = tuple([None, False, False])  # type: ignore[assignment]  # noqa: C409
_BLOOD_PRESSURE_CODES = blood_pressure_codes()
# ... and for a CYP2C19 / CYP2D6 phenotype or a genotype (pgx.py; review 13 W4): a fourth object.
_PGX_READER: tuple[None, bool, bool] = tuple([None, False, False])  # type: ignore[assignment]  # noqa: C409
_PGX_CODES = pgx_codes()
# The codes `_observation_reads` looks at further: any other is rejected with this one lookup.
_KNOWN_CODES = _OBSERVATION_CODE_VALUES | _PREGNANCY_CODES | _BLOOD_PRESSURE_CODES | _PGX_CODES


def _observation_reads(resource: Resource) -> tuple[ObservationCode | None, bool, bool]:
    """Which readers want an Observation, from one walk of its `code.coding` (issue 14): (the
    scale row scores.py reads it by, or None; whether labs.py reads it; whether suicide_screen.py
    does). Exactly what scores.scale_row, labs.wants_lab and suicide_screen.wants answer, each
    of which walks the codings itself (tests/fhir_mapping/test_hot_path.py): scores.py takes the
    first coding in the table, the other two the first coding of their own concepts; a coding
    whose code is in no row can change none of the three, so the vitals and labs that make up
    most of a chart are rejected with one set lookup per coding, before any system is read. The
    rest is `codings`' reading: a coding that is not an object or has no code string is skipped,
    codes are stripped, systems canonical. An Observation no reader wants gets `_NO_READER`
    itself, which build_record tells by identity; one no reader wants with a pregnancy status or
    EDD code (pregnancy.wants' answer, from the same walk) gets `_PREGNANCY_READER`."""
    concept = resource.get("code")
    if not isinstance(concept, JSON_OBJECT):
        return _NO_READER
    items = concept.get("coding")
    if not isinstance(items, list):
        return _NO_READER
    known = _KNOWN_CODES
    first: ObservationCode | None = None
    scale: ObservationCode | None = None
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
        lab = lab or is_lab
        screen = screen or is_screen
    if scale is None and not lab and not screen:  # (the common case: no coding in the table)
        if pregnant:
            return _PREGNANCY_READER
        if genomic:
            return _PGX_READER
        return _VITALS_READER if vital else _NO_READER
    return (scale, lab, screen)


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
_ObservationReading = tuple[tuple[ObservationCode | None, bool, bool], bool]
_remembered_codes: dict[bytes, _ObservationReading] = {}


def _code_reading(resource: Resource) -> _ObservationReading:
    """(`_observation_reads(resource)`, itself: build_record tells its sentinels by identity;
    whether an Observation no reader takes is named like a PHQ-9 or another scale, by the two
    first looks of phq9_lookalike and scale_lookalike), remembered by the code's JSON."""
    try:
        key = orjson.dumps(resource.get("code"))
    except TypeError:  # orjson.JSONEncodeError
        return _read_code(resource)
    found = _remembered_codes.get(key)
    if found is None:
        found = _read_code(resource)
        if len(_remembered_codes) >= _CODE_MEMO_MAX:
            _remembered_codes.clear()
        _remembered_codes[key] = found
    return found


def _read_code(resource: Resource) -> _ObservationReading:
    reads = _observation_reads(resource)
    if reads is not _NO_READER:
        return reads, False
    words = code_words(resource)  # both first looks search one string
    return reads, bool(words) and (words_name_phq9(words) or words_name_scale(words))


def _wants_observation(resource: Resource) -> bool:
    scale, lab, screen = _observation_reads(resource)
    return scale is not None or lab or screen


def _wants_questionnaire_response(
    resource: Resource, site_items: questionnaires.SiteItems | None = None
) -> bool:
    """A PHQ-9 (questionnaires.py) or a C-SSRS screen (suicide_screen.py)."""
    return questionnaires.wants_questionnaire_response(
        resource, site_items=site_items
    ) or suicide_screen.wants_questionnaire_response(resource)


def _wants_patient(resource: Resource) -> bool:
    return True


# The cheap pre-validation filter of each resource type the rules read (Observations: build_record
# sorts them by reader with `_observation_reads`).
_WANTS: dict[str, Callable[[Resource], bool]] = {
    "Condition": context.wants_condition,
    "Procedure": context.wants_procedure,
    "Device": context.wants_device,
    "ServiceRequest": wants_service_request,
    "QuestionnaireResponse": _wants_questionnaire_response,
    "Patient": _wants_patient,
    "AllergyIntolerance": intolerance.wants_intolerance,
    "AdverseEvent": intolerance.wants_intolerance,
    # Psychotherapy charted only as a visit (review 14 M2): a status and code-set look-up, so the
    # hundreds of other Encounters of a chart cost little (encounters.py).
    "Encounter": wants_encounter,
}


def build_record(
    resources: Iterable[Mapping[str, Any]],
    *,
    as_of: date,
    patient_id: str | None = None,
    policy: MappingPolicy | None = None,
    draft_orders: Iterable[Mapping[str, Any]] = (),
    unavailable: Mapping[str, str] | None = None,
    incomplete: Mapping[str, str] | None = None,
) -> PatientRecord:
    """Build the record of one patient.

    `resources` may hold other patients' resources or irrelevant ones (a whole Bundle's entries):
    they are skipped by a cheap check before any model validation. Duplicates (same type and id)
    count once. Resources dated after `as_of` are ignored, so a replay with --as-of sees the chart
    as it was that day.

    `unavailable` and `incomplete` are the protocol layer's report, by resource type, of data it
    could not obtain (a prefetch key neither sent nor fetchable) or obtained only in part (a
    Bundle page it could not follow); they become domain DataGaps on the record, so cards say
    "not available" instead of "not on record".

    With `policy.site_zone` set, every dateTime sent as an instant is read as the site's date
    (fhir_fields.SITE_ZONE), for the whole of this build and nothing after it.
    """
    policy = policy or MappingPolicy()
    token = SITE_ZONE.set(policy.site_zone)
    try:
        return _build_record(
            resources,
            as_of=as_of,
            patient_id=patient_id,
            policy=policy,
            draft_orders=draft_orders,
            unavailable=unavailable,
            incomplete=incomplete,
        )
    finally:
        SITE_ZONE.reset(token)


def _build_record(
    resources: Iterable[Mapping[str, Any]],
    *,
    as_of: date,
    patient_id: str | None,
    policy: MappingPolicy,
    draft_orders: Iterable[Mapping[str, Any]],
    unavailable: Mapping[str, str] | None,
    incomplete: Mapping[str, str] | None,
) -> PatientRecord:
    unique, skipped = _dedupe(resources)
    site = policy.site_codes
    # The draftOrders Bundle as its resources, once: the medication and referral readers take
    # this one list (review 11 wave 4: each had its own flattening and filter).
    draft_resources = flat_drafts(draft_orders)
    if site:  # the site's local codes read as the standard ones they map to (site_codes.py)
        unique = [site.with_standard_codes(r) for r in unique]
        draft_resources = [site.with_standard_codes(d) for d in draft_resources]
    read = len(unique) + skipped
    kept: dict[str, list[Resource]] = {}
    medication_resources: list[Resource] = []
    # Observations are sorted by reader as they are filtered, from one walk of their codings:
    # each reader then reads only its own (issue 14). `observations` keeps them all, in order,
    # for questionnaires.merge_scores, which follows any Observation's links to a response.
    observations: list[Resource] = []
    rated: list[tuple[Resource, ObservationCode]] = []
    lab_observations: list[Resource] = []
    screen_observations: list[Resource] = []
    wants_by_kind = _WANTS
    if site:  # a site's own PHQ-9 forms (site map)
        wants_by_kind = {
            **_WANTS,
            "QuestionnaireResponse": partial(
                _wants_questionnaire_response, site_items=site.questionnaire_items
            ),
        }
    gaps: list[DataGap] = list(type_gaps(unavailable or {}, incomplete or {}))
    lookalikes: list[Resource] = []  # Observations named PHQ-9 or another scale, no reader took
    administrations: list[Resource] = []  # the MAR: esketamine sessions (administrations.py)
    pregnancy_observations: list[Resource] = []  # Pregnancy Status and EDD (pregnancy.py)
    vital_observations: list[Resource] = []  # blood pressure (blood_pressure.py)
    pgx_observations: list[Resource] = []  # CYP2C19 / CYP2D6 results (pgx.py)
    # How nearly every resource names the patient: its subject is {"reference": one of these}.
    # Such a resource is this patient's by `_not_belonging`'s own reading (any type but Patient),
    # which is asked only about the rest (issue 14).
    plainly_own = (
        (f"Patient/{patient_id}", f"urn:uuid:{patient_id}") if patient_id is not None else ()
    )
    for resource in unique:
        kind = resource["resourceType"]
        subject = resource.get("subject")
        if not (
            kind != "Patient"
            and isinstance(subject, dict)
            and subject.get("reference") in plainly_own
        ):
            elsewhere = _not_belonging(resource, patient_id)
            if elsewhere is not None:
                skipped += 1
                gaps.extend(resource_gap(resource, elsewhere))
                continue
        # No whole-resource validation (issue 10): the readers take each field defensively, so a
        # resource non-conformant outside the fields read is still read. Observations first:
        # most of a chart (vitals, labs).
        if kind == "Observation":
            reads, looks_named = _code_reading(resource)
            if reads is _PREGNANCY_READER:  # review 10 finding 3
                pregnancy_observations.append(resource)
                continue
            if reads is _VITALS_READER:  # review 13 W6
                vital_observations.append(resource)
                continue
            if reads is _PGX_READER:  # review 13 W4
                pgx_observations.append(resource)
                continue
            if reads is _NO_READER:
                skipped += 1
                # A PHQ-9 under a site's own code (Epic flowsheet rows) is reported, not dropped
                # in silence: its total and item 9 are not known (phq9_lookalike.py). So is
                # another depression scale's total (MADRS, HAM-D...: scale_lookalike.py).
                if looks_named:
                    lookalikes.append(resource)
                continue
            scale, lab, screen = reads
            observations.append(resource)
            if scale is not None:
                rated.append((resource, scale))
            if lab:
                lab_observations.append(resource)
            if screen:
                screen_observations.append(resource)
            continue
        if kind in _MEDICATION_TYPES:
            medication_resources.append(resource)
            continue
        if kind == "MedicationAdministration":
            administrations.append(resource)
            continue
        wants = wants_by_kind.get(kind)
        if wants is None or not wants(resource):
            skipped += 1
            continue
        kept.setdefault(kind, []).append(resource)

    if lookalikes:
        gaps.extend(observation_gaps_named_phq9(lookalikes, as_of=as_of))
        gaps.extend(observation_gaps_named_scale(lookalikes, as_of=as_of))
    # A draft's medicationReference resolves against the chart's Medications too (prefetch
    # include entries, or read from the FHIR server): review 15 U2. A draft whose drug cannot be
    # identified is a gap, said at the order (services/data_gaps.py).
    drafts, draft_gaps = read_drafts(
        draft_resources,
        chart_medications=medication_index(medication_resources)
        if draft_resources
        else NO_MEDICATIONS,
    )
    gaps.extend(draft_gaps)
    events, medication_gaps = medication_events(
        medication_resources,
        as_of=as_of,
        unique=True,
        # A lithium draft makes the drugs that raise its level worth reading (drug_table.py).
        drafted=frozenset([d.ingredient for d in drafts]),
        chart=unique,  # an order's reasonReference names a Condition (indications.py)
    )
    skipped += len({g.source for g in medication_gaps})
    gaps.extend(medication_gaps)
    if administrations:
        # A fixed-course drug given on the ward (brexanolone's 60-hour infusion, review 15 W1):
        # its course joins the history; the rest of the MAR is read for sessions below.
        given, given_gaps, administrations = course_events(
            administrations, medication_resources, as_of=as_of
        )
        if given or given_gaps:
            events = with_course_events(events, given)
            skipped += len({g.source for g in given_gaps})
            gaps.extend(given_gaps)
    # PHQ-9 from QuestionnaireResponses joins the Observation scores; one administration
    # recorded both ways counts once (questionnaires.merge_scores).
    questionnaire_scores, questionnaire_gaps = questionnaires.read_questionnaire_scores(
        kept.get("QuestionnaireResponse", []), as_of=as_of, site_items=site.questionnaire_items
    )
    gaps.extend(questionnaire_gaps)
    observation_scores, observation_gaps = scores.read_rated(rated, as_of=as_of)
    gaps.extend(observation_gaps)
    # A positive item 9 dated after today is read apart, never hidden (review 15 recheck U-a).
    after_today_item9 = list(scores.read_after_today(rated, as_of=as_of)) if rated else []
    if any(g.reason == DATED_AFTER_TODAY for g in questionnaire_gaps):
        after_today_item9.extend(
            questionnaires.read_after_today(
                kept.get("QuestionnaireResponse", []),
                as_of=as_of,
                site_items=site.questionnaire_items,
            )
        )
    # Preliminary and cancelled PHQ-9s, apart from the scores outcomes rest on (review 14 U1).
    unfinished = scores.without_reviewed(
        scores.read_unfinished(rated, as_of=as_of), observation_scores
    )
    all_scores = (
        questionnaires.merge_scores(observation_scores, questionnaire_scores, observations)
        if questionnaire_scores
        # Nothing to merge: read_rated's scores are in score_order already (an inferred item 9
        # cannot reorder them: it follows from the value, and valued totals of one instrument
        # and day are merged into one).
        else observation_scores
    )
    # Intolerance documented outside the medication resources marks the trial it concerns.
    documented = kept.get("AllergyIntolerance", []) + kept.get("AdverseEvent", [])
    intolerances = (
        intolerance.read_intolerances(documented, medication_resources, as_of=as_of)
        if documented
        else ()
    )
    trials = scores.attach_scores(
        build_trials(events, as_of=as_of, policy=policy, intolerances=intolerances),
        all_scores,
        policy,
    )
    # C-SSRS screens and documented risk levels (suicide-risk card, issue 11 items 9-10).
    screens, later_screens, screen_gaps = suicide_screen.read_screens_and_later(
        screen_observations, kept.get("QuestionnaireResponse", []), as_of=as_of
    )
    gaps.extend(screen_gaps)
    pregnant: tuple[Finding, ...] = ()
    if pregnancy_observations:
        pregnant, pregnancy_gaps = pregnancy.read_pregnancy(
            pregnancy_observations, as_of=as_of, policy=policy
        )
        gaps.extend(pregnancy_gaps)
    clinical, procedures = context.clinical_context(
        conditions=kept.get("Condition", []),
        procedures=kept.get("Procedure", []),
        devices=kept.get("Device", []),
        observations=lab_observations,
        pregnancy=pregnant,
        as_of=as_of,
    )
    if administrations:  # esketamine given in clinic: sessions (review 10 finding 10)
        sessions, session_gaps, not_sessions = read_sessions(
            administrations, medication_resources, as_of=as_of
        )
        procedures = merge_sessions(procedures, sessions)
        gaps.extend(session_gaps)
        skipped += not_sessions
    referrals = all_referrals(kept.get("ServiceRequest", []), as_of=as_of)
    visits = kept.get("Encounter")
    if visits:  # psychotherapy charted only as visits (review 14 M2, encounters.py)
        sessions_seen, booked = read_visits(visits, as_of=as_of)
        # One session per kind and day: a visit billed as a Procedure too is one session.
        procedures = merge_sessions(procedures, sessions_seen)
        if booked:
            referrals = tuple(
                sorted(
                    {*referrals, *booked},
                    key=lambda r: (r.authored or date.min, r.kind, str(r.source or "")),
                )
            )
    if documented:  # mania recorded as a drug reaction reads as bipolar (review 10 finding 4)
        manic, manic_gaps = mania_findings.reaction_findings(
            documented, medication_resources, as_of=as_of
        )
        clinical = mania_findings.with_reaction_findings(clinical, manic)
        gaps.extend(manic_gaps)
    # ... and so does mania recorded as the stop reason of a course (the same judgement).
    # Every event's stop reason, not only the one its trial kept (review 11 wave 4).
    stopped_manic = mania_findings.stop_reason_findings(
        (e.intolerance for e in events), medication_resources
    )
    if stopped_manic:
        clinical = mania_findings.with_reaction_findings(clinical, stopped_manic)
    if lab_observations:  # an undated or valueless lab (an ECG whose QTc is not a number)
        gaps.extend(labs.lab_gaps(lab_observations, clinical.labs, as_of=as_of))
    blood_pressures: tuple[BloodPressure, ...] = ()
    if vital_observations:
        blood_pressures, vital_gaps = read_blood_pressures(vital_observations, as_of=as_of)
        gaps.extend(vital_gaps)
    pgx_results: tuple[PgxResult, ...] = ()
    if pgx_observations:
        pgx_results, pgx_gaps = read_pgx(pgx_observations, as_of=as_of)
        gaps.extend(pgx_gaps)
    conditions = kept.get("Condition", [])
    if conditions:  # a depression end written as text with no date (recheck 2 finding 6)
        gaps.extend(
            undated_ends(conditions, clinical.findings, all_scores, as_of=as_of, policy=policy)
        )
    episode_start = current_episode_start(
        trials,
        all_scores,
        clinical.findings,
        as_of=as_of,
        policy=policy,
        conditions=kept.get("Condition", []),
    )
    # A mild course baseline in an episode that was moderate or worse (review 15 recheck m05).
    trials = with_episode_baselines(trials, all_scores, episode_start, policy)
    return PatientRecord(
        patient=_patient(kept.get("Patient", []), patient_id, as_of),
        as_of=as_of,
        trials=trials,
        scores=all_scores,
        context=clinical,
        procedures=procedures,
        referrals=referrals,
        draft_orders=drafts,
        draft_referrals=draft_referrals(draft_resources) if draft_resources else (),
        episode_start=episode_start,
        resources_read=read,
        resources_skipped=skipped,
        gaps=tuple(gaps),
        intolerances=tuple(intolerances),
        suicide_screens=screens,
        blood_pressures=blood_pressures,
        pgx_results=pgx_results,
        unfinished_scores=unfinished,
        after_today_item9=tuple(sorted(after_today_item9, key=scores.score_order)),
        after_today_screens=later_screens,
    )
