"""One walk of the chart that sends each resource to its reader (build.py's first step after the
de-duplication): other patients' resources are set apart and reported, Observations sorted by
reader from one walk of their codings, medications and the MAR gathered, the other types kept when
a reader wants them. What it found is a `ChartWalk`; build.py reads each part."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial

from fhir_mapping import visit_pregnancy
from fhir_mapping.admission_codes import unread_class
from fhir_mapping.chart_medications import ChartMedications, chart_medications
from fhir_mapping.codes import ObservationCode
from fhir_mapping.contained_scores import with_contained_scores
from fhir_mapping.excluded_resources import excluded_gaps
from fhir_mapping.fhir_fields import source_ref
from fhir_mapping.form_self_harm import row_answer
from fhir_mapping.form_self_harm_notes import said_in_row
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.request_resources import OwnIdentifiers, Resource, not_belonging
from fhir_mapping.resource_routing import (
    NO_READER,
    PGX_READER,
    PREGNANCY_READER,
    VITALS_READER,
    WANTS,
    encounter_filter,
    observation_route,
    wants_questionnaire_response,
)
from fhir_mapping.site_codes import SiteCodes
from fhir_mapping.unknown_surveys import survey_category_codes, unknown_survey_gap
from fhir_mapping.unnamed_conditions import unnamed_condition_gap
from fhir_mapping.visit_reads import VisitReads

_MEDICATION_TYPES = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "Medication"}
)


# The reason of a visit in progress whose class is not read (admission_codes.unread_class).
UNREAD_CLASS = (
    "visit in progress, its class not read: if it is an emergency-department visit or an "
    "inpatient stay, the outpatient one-clicks are not held for it"
)


@dataclass(frozen=True)
class ChartWalk:
    """The chart's resources by reader, and what the walk set apart."""

    kept: dict[str, list[Resource]]  # by resourceType: the types `WANTS` reads, as it wants them
    medication_resources: list[Resource]
    observations: list[Resource]
    rated: list[tuple[Resource, ObservationCode]]
    lab_observations: list[Resource]
    lab_tests: list[str]
    screen_observations: list[Resource]
    lookalikes: list[Resource]
    administrations: list[Resource]
    pregnancy_observations: list[Resource]
    vital_observations: list[Resource]
    pgx_observations: list[Resource]
    chart_conditions: list[Resource]
    skipped: int  # resources no reader takes, other patients' among them
    gaps: list[DataGap]  # other patients' resources, reported
    # The patient's Encounters with a pregnancy reason or with diagnoses, whatever the visit
    # readers of `kept` want (visit_pregnancy.py, review s21 RR finding 2).
    pregnancy_visits: list[Resource] = field(default_factory=list)
    # Every resource of this patient, whichever reader takes it (or none): what the days of a
    # record after a recorded death are read from (record_days.py, review s22 RR finding 1).
    own: list[Resource] = field(default_factory=list)
    # The Conditions among `own`, in its order: what a stay's reasonReference is looked for in
    # (stay_evidence.py), gathered here rather than by a second walk of `own` (issue 14).
    own_conditions: list[Resource] = field(default_factory=list)

    @cached_property
    def medication_lists(self) -> ChartMedications:
        """`medication_resources` read once into the indexes their readers share (issue 14,
        perf17: chart_medications.py), on the first reader's question."""
        return chart_medications(self.medication_resources)


def walk_chart(
    unique: list[Resource], patient_id: str | None, site: SiteCodes, visits: VisitReads
) -> ChartWalk:
    """Each resource of `unique` (de-duplicated, the site's codes read as standard) to its reader.
    `visits`: the build's memo of what each Encounter's class and code read as (visit_reads.py),
    which the visit readers after the walk ask again."""
    # A scored Observation contained in a resource that nothing in it references (dom-3): read
    # as if sent, placed by its parent, never dropped in silence (contained_scores.py, data67).
    # Most charts hold no contained resource at all: a plain loop looks for the key first, not
    # a generator step per resource (issue 14, perf18: ~1 M instructions of the 10-year chart).
    for resource in unique:
        if "contained" in resource:
            unique = with_contained_scores(unique)  # the loop stops here: `unique` read anew
            break
    skipped = 0
    gaps: list[DataGap] = []
    kept: dict[str, list[Resource]] = {}
    medication_resources: list[Resource] = []
    # Observations are sorted by reader as they are filtered, from one walk of their codings:
    # each reader then reads only its own (issue 14). `observations` keeps them all, in order,
    # for questionnaires.merge_scores, which follows any Observation's links to a response.
    observations: list[Resource] = []
    rated: list[tuple[Resource, ObservationCode]] = []
    lab_observations: list[Resource] = []
    lab_tests: list[str] = []  # the test of each, from the routing walk (labs.lab_result's `test`)
    screen_observations: list[Resource] = []
    wants_by_kind = {**WANTS, "Encounter": encounter_filter(visits)}
    if site:  # a site's own PHQ-9 forms (site map)
        wants_by_kind = {
            **wants_by_kind,
            "QuestionnaireResponse": partial(
                wants_questionnaire_response, site_items=site.questionnaire_items
            ),
        }
    lookalikes: list[Resource] = []  # Observations named PHQ-9 or another scale, no reader took
    administrations: list[Resource] = []  # the MAR: esketamine sessions (administrations.py)
    pregnancy_observations: list[Resource] = []  # Pregnancy Status and EDD (pregnancy.py)
    vital_observations: list[Resource] = []  # blood pressure (blood_pressure.py)
    pgx_observations: list[Resource] = []  # CYP2C19 / CYP2D6 results (pgx.py)
    # How nearly every resource names the patient: its subject is {"reference": one of these}.
    # Such a resource is this patient's by `not_belonging`'s own reading (any type but Patient),
    # which is asked only about the rest (issue 14).
    plainly_own = (
        (f"Patient/{patient_id}", f"urn:uuid:{patient_id}") if patient_id is not None else ()
    )
    # The same subjects whole, as nearly every resource writes them: one equality test at C
    # speed stands for the type check, the look-up and the search above (issue 14, perf50); a
    # subject equal to one of these passes that test too, so the reading is the same.
    own_subjects = tuple({"reference": reference} for reference in plainly_own)
    # A subject given only as an identifier is matched against the Patient's (review 17 U1).
    own_identifiers = OwnIdentifiers(unique, patient_id)
    # Every Condition of the chart, whoever's it is and whether a reader keeps it: what an
    # order's reasonReference resolves among (medication_events' `chart`). Gathered in this walk:
    # indexing them by a walk of the whole chart cost as much as reading its orders (issue 14).
    chart_conditions: list[Resource] = []
    pregnancy_visits: list[Resource] = []
    own: list[Resource] = []
    own_conditions: list[Resource] = []
    survey_codes = survey_category_codes()  # (may_be_survey's, below)
    for resource in unique:
        kind = resource["resourceType"]
        subject = resource.get("subject")
        if not (
            kind != "Patient"
            and (
                subject in own_subjects
                or (isinstance(subject, dict) and subject.get("reference") in plainly_own)
            )
        ):
            elsewhere = not_belonging(resource, patient_id, own_identifiers)
            if elsewhere is not None:
                # `chart_conditions` takes each Condition at its turn in `unique`, here or
                # below among the patient's own: one test of the type fewer for the others.
                if kind == "Condition":
                    chart_conditions.append(resource)
                skipped += 1
                gaps.extend(excluded_gaps(resource, elsewhere, unique))
                continue
        own.append(resource)
        # No whole-resource validation (issue 10): the readers take each field defensively, so a
        # resource non-conformant outside the fields read is still read. Observations first:
        # most of a chart (vitals, labs).
        if kind == "Observation":
            reads, looks_named, lab_test, asks = observation_route(resource)
            if reads is NO_READER:  # most of a chart: asked first (issue 14)
                skipped += 1
                # A PHQ-9 under a site's own code (Epic flowsheet rows) is reported, not dropped
                # in silence: its total and item 9 are not known (phq9_lookalike.py). So is
                # another depression scale's total (MADRS, HAM-D...: scale_lookalike.py).
                # So is a row whose answer text states suicidal ideation or self-harm under a
                # question that names none ("Safety plan reviewed" = "pt reports SI with plan":
                # screen_lookalike.read_named; session 30 fix forms31).
                # So is a row asking of self-harm as a form's item does ("Suicidal thoughts"
                # = "Yes" under a local code: form_self_harm.row_answer; fix heads43), which
                # answers only when the row asks (`asks`, remembered with the code).
                # `said_in_row` reads a valueString, components or notes only: a vital's or a
                # lab's row (a valueQuantity, most of a chart) has none of these keys and is
                # passed over here, not through two calls that find nothing (issue 14, perf14).
                if (
                    looks_named
                    or (
                        ("valueString" in resource or "component" in resource or "note" in resource)
                        and said_in_row(resource)
                    )
                    or (asks and row_answer(resource) is not None)
                ):
                    lookalikes.append(resource)
                    continue
                # A survey under a code nothing recognises may be a PHQ-9 (fix data68).
                # survey_look.may_be_survey written out (issue 14, perf19: a call for each of
                # the 10-year chart's 1,026 unread Observations): one category of one coding
                # whose code is a string that is no survey code is no survey; any other shape
                # is read in full by unknown_survey_gap (tests/fhir_mapping/test_perf19_walk.py
                # pins this to may_be_survey).
                try:
                    (concept,) = resource["category"]
                    (coding,) = concept["coding"]
                    code = coding["code"]
                except (KeyError, TypeError, ValueError):
                    code = None  # another shape: read in full
                if (not isinstance(code, str) or code in survey_codes) and (
                    survey := unknown_survey_gap(resource)
                ) is not None:
                    gaps.append(survey)
                continue
            if reads is PREGNANCY_READER:  # review 10 finding 3
                pregnancy_observations.append(resource)
                continue
            if reads is VITALS_READER:  # review 13 W6
                vital_observations.append(resource)
                continue
            if reads is PGX_READER:  # review 13 W4
                pgx_observations.append(resource)
                continue
            scale, _, screen = reads  # (its lab flag: `lab_test` says it, with the test)
            observations.append(resource)
            if scale is not None:
                rated.append((resource, scale))
            if lab_test is not None:  # (`lab`: whether it has a lab test)
                lab_observations.append(resource)
                lab_tests.append(lab_test)
            if screen:
                screen_observations.append(resource)
            continue
        if kind in _MEDICATION_TYPES:
            medication_resources.append(resource)
            continue
        if kind == "MedicationAdministration":
            administrations.append(resource)
            continue
        if kind == "Condition":
            chart_conditions.append(resource)
            own_conditions.append(resource)
        if kind == "Encounter" and visit_pregnancy.wants_visit(resource):
            pregnancy_visits.append(resource)
        if kind == "Encounter" and (stated := unread_class(resource, visits.class_key)) is not None:
            # A visit in progress whose class is not read: an ED visit or an inpatient stay
            # under it would hold nothing, so it is said (s26 LC item 1, issue 10).
            gaps.append(
                DataGap(DataDomain.VISITS, UNREAD_CLASS, source_ref(resource), stated=stated)
            )
        wants = wants_by_kind.get(kind)
        if wants is None or not wants(resource):
            skipped += 1
            # A Condition that names nothing readable may be any diagnosis (fix bip67).
            if kind == "Condition" and (unnamed := unnamed_condition_gap(resource)) is not None:
                gaps.append(unnamed)
            continue
        kept.setdefault(kind, []).append(resource)
    return ChartWalk(
        kept=kept,
        medication_resources=medication_resources,
        observations=observations,
        rated=rated,
        lab_observations=lab_observations,
        lab_tests=lab_tests,
        screen_observations=screen_observations,
        lookalikes=lookalikes,
        administrations=administrations,
        pregnancy_observations=pregnancy_observations,
        vital_observations=vital_observations,
        pgx_observations=pgx_observations,
        chart_conditions=chart_conditions,
        skipped=skipped,
        gaps=gaps,
        pregnancy_visits=pregnancy_visits,
        own=own,
        own_conditions=own_conditions,
    )
