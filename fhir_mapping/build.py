"""Entry point of the mapping: FHIR R4 resources (plain JSON dicts) to a PatientRecord.

Steps: de-duplicate (same resourceType and id count once, the latest meta.lastUpdated / versionId
winning; resources without an id by their canonical JSON), drop other patients' resources, keep
only the types and codes the rules read (a cheap dict check), then map them with tolerant readers
(no whole-resource validation; what cannot be read is a DataGap, gaps.py): medications -> trials,
Observations -> scores and labs, Condition / Procedure / Device -> clinical context,
ServiceRequest -> referrals, Encounter -> sessions and visits, and the current episode.

Here: `build_record`, handing each reader its part (chart_walk.py). Apart, each testable alone:
request_resources.py (each once, whose), resource_routing.py (readers, filter), patient_resource.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from fhir_mapping import (
    context,
    labs,
    mania_findings,
    pregnancy,
    questionnaires,
    reason_bipolar,
    scores,
    status_gaps,
    suicide_screen,
    visit_pregnancy,
)
from fhir_mapping.administered_courses import with_course_events
from fhir_mapping.administrations import merge as merge_sessions
from fhir_mapping.administrations import read_sessions
from fhir_mapping.chart_walk import walk_chart
from fhir_mapping.chart_zone import chart_zone
from fhir_mapping.condition_indications import with_condition_indications
from fhir_mapping.current_stays import filed_under
from fhir_mapping.death_ends_courses import at_death
from fhir_mapping.device_course_scores import DEFAULT_RULE, CourseRule, device_course_starts
from fhir_mapping.documented_intolerances import documented as documented_intolerances
from fhir_mapping.episode import current_episode_start, undated_ends
from fhir_mapping.episode_baseline import with_episode_baselines
from fhir_mapping.excluded_resources import replaced_record_gaps
from fhir_mapping.feed_courses import feed_courses
from fhir_mapping.fhir_fields import SITE_ZONE
from fhir_mapping.fill_order_drug import from_order
from fhir_mapping.gaps import DATED_AFTER_TODAY, type_gaps
from fhir_mapping.item9_undated import read_undated
from fhir_mapping.lab_lookalike import without_read_twice
from fhir_mapping.level_adequacy import level_shown
from fhir_mapping.medication_drafts import flat_drafts, read_drafts
from fhir_mapping.medications import medication_events
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.procedure_not_done import not_done_psychotherapy
from fhir_mapping.record import (
    Admission,
    CurrentStay,
    DataGap,
    Finding,
    PatientRecord,
)
from fhir_mapping.referrals import all_referrals, draft_referrals, with_booked

# The `name as name` imports are re-exports, so no importer changed with the split: the protocol
# layer imports patient_counts and has_own_resource from here, and the tests of the issue-14
# shortcuts (test_first_sight_shortcuts, test_hot_path, test_observation_code_memo,
# test_build_shortcuts, test_pregnancy_status, test_pgx, test_qtc_ecg_panel) reach the private
# steps through this module.
from fhir_mapping.request_resources import _all_distinct as _all_distinct
from fhir_mapping.request_resources import _unique_by_walk as _unique_by_walk
from fhir_mapping.request_resources import dedupe
from fhir_mapping.request_resources import has_own_resource as has_own_resource
from fhir_mapping.request_resources import patient_counts as patient_counts
from fhir_mapping.resource_routing import _CODE_MEMO_MAX as _CODE_MEMO_MAX
from fhir_mapping.resource_routing import (
    NO_READER,
    PGX_READER,
    PREGNANCY_READER,
    VITALS_READER,
    code_reading,
)
from fhir_mapping.resource_routing import _observation_reads as _observation_reads
from fhir_mapping.resource_routing import _remembered_codes as _remembered_codes
from fhir_mapping.resource_routing import _wants_observation as _wants_observation
from fhir_mapping.score_totals import with_scores
from fhir_mapping.screen_lookalike import read_lookalikes, unread_results
from fhir_mapping.session_courses import session_events
from fhir_mapping.to_confirm_settled import settle
from fhir_mapping.visit_reads import VisitReads
from fhir_mapping.visit_records import read_visit_records, stay_evidence
from fhir_mapping.vitals_pgx import read_vitals_pgx
from fhir_mapping.voided_reports import voided_results
from fhir_mapping.ward_courses import read_mar

# ... and the names those tests use for what is public now.
_dedupe = dedupe
_code_reading = code_reading
_NO_READER = NO_READER
_PREGNANCY_READER = PREGNANCY_READER
_VITALS_READER = VITALS_READER
_PGX_READER = PGX_READER


def build_record(
    resources: Iterable[Mapping[str, Any]],
    *,
    as_of: date,
    patient_id: str | None = None,
    policy: MappingPolicy | None = None,
    draft_orders: Iterable[Mapping[str, Any]] = (),
    unavailable: Mapping[str, str] | None = None,
    incomplete: Mapping[str, str] | None = None,
    read_failed: AbstractSet[str] = frozenset(),
    course_rule: CourseRule = DEFAULT_RULE,
) -> PatientRecord:
    """Build the record of one patient.

    `resources` may hold other patients' or irrelevant resources (a whole Bundle's entries): a
    cheap check skips them. Duplicates (same type and id) count once. Resources dated after
    `as_of` are ignored: a replay with --as-of sees the chart as it was that day.

    `unavailable` and `incomplete` are the protocol layer's report, by resource type, of data it
    could not obtain (a prefetch key neither sent nor fetchable) or obtained only in part (a
    Bundle page it could not follow); they become domain DataGaps on the record, so cards say
    "not available" instead of "not on record". `read_failed`: the feeds of `unavailable` whose
    read was tried and failed (GapCause.NOT_READ), not merely not offered. `course_rule`: how the
    clinic's TMS sessions read as courses (the policy's tms_* values; device_course_scores.py).

    With `policy.site_zone` set (else the chart's one offset: chart_zone.py), every instant is
    read as the site's date (fhir_fields.SITE_ZONE), for this build and nothing after it.
    """
    policy = policy or MappingPolicy()
    zone, resources = chart_zone(resources, policy.site_zone)  # s43 K74a 2: chart_zone.py
    token = SITE_ZONE.set(zone)
    try:
        return _build_record(
            resources,
            as_of=as_of,
            patient_id=patient_id,
            policy=policy,
            draft_orders=draft_orders,
            unavailable=unavailable,
            incomplete=incomplete,
            read_failed=read_failed,
            course_rule=course_rule,
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
    read_failed: AbstractSet[str],
    course_rule: CourseRule,
) -> PatientRecord:
    unique, skipped = dedupe(resources)
    site = policy.site_codes
    # The draftOrders Bundle as its resources, once, for the medication and referral readers.
    draft_resources = flat_drafts(draft_orders)
    if site:  # the site's local codes read as the standard ones they map to (site_codes.py)
        unique = [site.with_standard_codes(r) for r in unique]
        draft_resources = [site.with_standard_codes(d) for d in draft_resources]
    unique, voided = voided_results(unique, as_of)  # withdrawn report's results (labs71)
    read = len(unique) + skipped
    gaps: list[DataGap] = [*type_gaps(unavailable or {}, incomplete or {}, read_failed), *voided]
    # Each Encounter's class and psychotherapy code, read once for this build (visit_reads.py).
    reads = VisitReads()
    walk = walk_chart(unique, patient_id, site, reads)
    skipped += walk.skipped
    gaps.extend(walk.gaps)
    kept = walk.kept
    medication_resources = walk.medication_resources
    observations = walk.observations
    rated = walk.rated
    lab_observations = walk.lab_observations
    lab_tests = walk.lab_tests
    screen_observations = walk.screen_observations
    lookalikes = walk.lookalikes
    administrations = walk.administrations
    pregnancy_observations = walk.pregnancy_observations
    vital_observations = walk.vital_observations
    pgx_observations = walk.pgx_observations
    chart_conditions = walk.chart_conditions

    # PHQ-9s, scales, self-harm answers, screens under unknown codes; EPDS item 10 in forms.
    responses = kept.get("QuestionnaireResponse", [])
    named_gaps, named_scores, named_unfinished = read_lookalikes(
        lookalikes,
        as_of=as_of,
        forms=(responses, observations),
        site_items=site.questionnaire_items,
    )
    gaps.extend(named_gaps)
    # A draft's medicationReference resolves against the chart's Medications too (prefetch
    # include entries, or read from the FHIR server): review 15 U2. A draft whose drug cannot be
    # identified is a gap, said at the order (services/data_gaps.py).
    drafts, draft_gaps = read_drafts(
        draft_resources,
        chart_medications=walk.medication_lists.medications,  # read once (chart_medications)
    )
    gaps.extend(draft_gaps)
    events, medication_gaps = medication_events(
        medication_resources,
        as_of=as_of,
        unique=True,
        # A lithium draft makes the drugs that raise its level worth reading (drug_table.py).
        drafted=frozenset([d.ingredient for d in drafts if not d.timing.halted]),
        chart=chart_conditions,  # an order's reasonReference names one (indications.py)
        unknown=policy.unknown_windows(),  # records read `unknown` (fix maoi56)
        supply_gap_days=policy.supply_gap_days,  # an unidentified fill's run (fix drug49)
        lists=walk.medication_lists,
    )
    # A fill read with its order's drug is read, not skipped (fill_order_drug.py).
    skipped += len({g.source for g in medication_gaps if not from_order(g)})
    # A record to confirm that a later record ends, or stale, is not running (to_confirm_settled).
    gaps.extend(settle(medication_gaps, events, as_of=as_of, window_days=policy.maybe_running_days))
    unread_status = walk.medication_lists.status_unread  # the only records it can name (perf17)
    gaps.extend(status_gaps.medication_status_gaps(unread_status, events))  # s30 status31
    if administrations:  # a fixed course (review 15 W1) and ward doses (s25 RI 2-4) on the MAR:
        # courses and adherence (ward_courses.py); the rest is read for sessions below.
        mar = read_mar(events, walk, as_of=as_of, policy=policy, class_of=reads.class_key)
        events, administrations, skipped = mar.events, mar.rest, skipped + mar.skipped
        gaps.extend(mar.gaps)
    # Form PHQ-9s join the Observation scores; one given both ways counts once (merge_scores).
    questionnaire_scores, questionnaire_gaps = questionnaires.read_questionnaire_scores(
        responses, as_of=as_of, site_items=site.questionnaire_items
    )
    gaps.extend(questionnaire_gaps)
    observation_scores, observation_gaps = scores.read_rated(rated, as_of=as_of)
    corrected = status_gaps.corrected_apart(observation_gaps, into=gaps)  # read: no gap (score54)
    # A positive item 9 dated after today is read apart, never hidden (review 15 recheck U-a).
    after_today_item9 = list(scores.read_after_today(rated, as_of=as_of)) if rated else []
    if any(g.reason == DATED_AFTER_TODAY for g in questionnaire_gaps):
        after_today_item9.extend(
            questionnaires.read_after_today(
                responses, as_of=as_of, site_items=site.questionnaire_items
            )
        )
    # An item 9 on a form with no date, likewise (review s34 K39a 1: item9_undated.py).
    undated_item9 = read_undated(rated, responses, as_of=as_of, site_items=site.questionnaire_items)
    # Unfinished PHQ-9s, apart from the scores outcomes rest on (review 14 U1), and lookalikes'.
    unread = scores.without_reviewed(scores.read_unfinished(rated, as_of=as_of), observation_scores)
    unfinished = with_scores(unread, named_unfinished)
    gaps.extend(status_gaps.unread_status_gaps(unread))  # registered / unrecognised (s27 RF 1)
    all_scores = observation_scores  # in score_order already (read_rated; no merge needed)
    if questionnaire_scores:  # one whose totals disagree is a gap (s27 RF finding 4)
        all_scores, merge_gaps = questionnaires.merge_read(
            observation_scores, questionnaire_scores, observations
        )
        gaps.extend(merge_gaps)
    all_scores = with_scores(all_scores, named_scores)
    # Allergies, adverse events, adverse-effect codes mark their trials; an unplaced allergy: a gap
    documented = documented_intolerances(kept, medication_resources, as_of=as_of)
    gaps.extend(documented.gaps)
    # C-SSRS screens and documented risk levels (suicide-risk card, issue 11 items 9-10).
    screens, later_screens, screen_gaps = suicide_screen.read_screens_and_later(
        screen_observations, responses, as_of=as_of
    )
    gaps.extend(screen_gaps)
    # A valued C-SSRS panel naming no risk level, an answer not read (heads43): unread answers.
    all_scores = with_scores(all_scores, unread_results(screen_gaps, screens))
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
        lab_tests=lab_tests,
        pregnancy=pregnant,
        as_of=as_of,
    )
    gaps.extend(status_gaps.record_gaps(kept, as_of=as_of))  # and masked Conditions (mask47)
    if walk.pregnancy_visits:  # a pregnancy a visit records, dated by it (s21 RR finding 2)
        clinical = visit_pregnancy.with_visit_pregnancy(
            clinical, walk.pregnancy_visits, chart_conditions, as_of=as_of
        )
    if administrations:  # esketamine given in clinic: sessions (review 10 finding 10)
        sessions, session_gaps, not_sessions = read_sessions(
            administrations, medication_resources, as_of=as_of
        )
        procedures = merge_sessions(procedures, sessions)
        gaps.extend(session_gaps)
        skipped += not_sessions
    # Sessions with no order of their drug are its course (session_courses.py; fix 20 L6 2).
    events = with_course_events(
        events, session_events(procedures, events, as_of=as_of, policy=policy)
    )
    # After the findings: a course taken for a condition on record is no trial (review 19 I2).
    # Any drug's fill shows the chart's fill feed (unfilled_order.py, review s23 RR finding 1), not
    # one read in part; refill data not (all) read (s21 RC W2, RR 4): feed_courses.py (s24 RS W1).
    courses = feed_courses(
        events, as_of, policy, documented, medication_resources, read_failed, incomplete or {}, gaps
    )
    days = [*(s.date for s in all_scores), *(p.date for p in procedures), as_of if drafts else None]
    courses, patient = at_death(courses, kept, patient_id, as_of, events, days, walk.own)  # died
    listed = kept.get("Condition", [])
    courses = with_condition_indications(courses, listed, clinical.findings, as_of=as_of)
    # A TMS or ECT course begun beside a drug ends its scoring window (s24 RJ finding 1).
    # ... and a short TMS course that responded cuts it too (s24 RC finding 4): read on the PHQ-9.
    phq9 = sorted((s for s in all_scores if s.instrument == "PHQ-9"), key=lambda s: s.date)
    devices = device_course_starts(procedures, course_rule, as_of, phq9, policy)
    trials = scores.attach_scores(courses, all_scores, policy, devices)
    referrals = all_referrals(kept.get("ServiceRequest", []), as_of=as_of)
    referrals += not_done_psychotherapy(kept.get("Procedure", []), as_of=as_of)  # care65
    visits = kept.get("Encounter")
    admissions: tuple[Admission, ...] = ()
    current_stays: tuple[CurrentStay, ...] = ()
    if visits:  # psychotherapy, stays and ED visits charted as visits (visit_records.py)
        seen = read_visit_records(
            visits,
            listed,
            as_of=as_of,
            clinical=clinical,
            medications=medication_resources,
            scores=filed_under(phq9, [*observations, *responses]),
            policy=policy,
            reads=reads,
            evidence=stay_evidence(procedures, walk.own, walk.own_conditions),
        )
        admissions, current_stays, clinical = seen.admissions, seen.current_stays, seen.clinical
        gaps.extend(seen.gaps)  # an ED visit whose reason is not in the record (fix fut63)
        procedures = merge_sessions(procedures, seen.sessions)  # a session per kind and day
        referrals = with_booked(referrals, seen.booked)
    if documented.entries:  # mania recorded as a drug reaction reads as bipolar (review 10 f. 4)
        manic, manic_gaps = mania_findings.reaction_findings(
            documented.entries, medication_resources, as_of=as_of
        )
        clinical = mania_findings.with_reaction_findings(clinical, manic)
        gaps.extend(manic_gaps)
    # ... and so does mania as a course's stop reason, every event's (review 11 wave 4), and
    # bipolar disorder an order or statement states as its reason (fix bip67, reason_bipolar.py).
    stopped_manic = mania_findings.stop_reason_findings(
        (e.intolerance for e in events), medication_resources
    ) + reason_bipolar.of_reasons(medication_resources, as_of, chart_conditions)
    clinical = mania_findings.with_reaction_findings(clinical, stopped_manic)
    if lab_observations:  # an undated or valueless lab (an ECG whose QTc is not a number)
        gaps.extend(labs.lab_gaps(lab_observations, clinical.labs, as_of=as_of))
    gaps[:] = without_read_twice(gaps, clinical.labs)  # the same result sent twice (s24 RB 2)
    # A drug dosed to a serum level is adequate only with its level shown (fix trial74); one
    # not read is named so, never "no level on record" (fix data68): after every lab gap.
    trials = level_shown(trials, clinical.labs, gaps)
    blood_pressures, pgx_results, side_gaps = read_vitals_pgx(
        vital_observations, pgx_observations, as_of=as_of
    )
    gaps.extend(side_gaps)
    conditions = kept.get("Condition", [])
    if conditions:  # a depression end written as text with no date (recheck 2 finding 6)
        gaps.extend(
            undated_ends(conditions, clinical.findings, all_scores, as_of=as_of, policy=policy)
        )
    episode_start = current_episode_start(
        trials, all_scores, clinical.findings, as_of=as_of, policy=policy, conditions=conditions
    )
    # A mild course baseline in an episode that was moderate or worse (review 15 recheck m05).
    trials = with_episode_baselines(trials, all_scores, episode_start, policy)
    if "Patient" in kept:  # a merged record (review 17 M6)
        gaps.extend(replaced_record_gaps(kept["Patient"], patient_id))
    return PatientRecord(
        patient=patient,
        as_of=as_of,
        trials=trials,
        scores=all_scores,
        context=clinical,
        procedures=procedures,
        referrals=referrals,
        # A draft that halts its drug starts nothing: apart (PatientRecord.draft_stops).
        draft_orders=tuple(d for d in drafts if not d.timing.halted),
        draft_stops=tuple(d for d in drafts if d.timing.halted),
        draft_referrals=draft_referrals(draft_resources) if draft_resources else (),
        episode_start=episode_start,
        resources_read=read,
        resources_skipped=skipped,
        gaps=tuple(gaps),
        intolerances=documented.intolerances,
        adverse_effect_codes=documented.coded,
        suicide_screens=screens,
        blood_pressures=blood_pressures,
        pgx_results=pgx_results,
        unfinished_scores=unfinished,
        corrected_totals=corrected,
        after_today_item9=tuple(sorted(after_today_item9, key=scores.score_order)),
        undated_item9=undated_item9,
        after_today_screens=later_screens,
        admissions=admissions,
        current_stays=current_stays,
    )
