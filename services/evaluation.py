"""The seam between the protocol layer and the decision services.

`cds_hooks` gathers the resources (prefetch and fetches) and calls `evaluate()`; this module maps
them to a PatientRecord (fhir_mapping) and runs the hook's rules. Nothing here knows HTTP.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fhir_mapping import build
from fhir_mapping.device_course_scores import CourseRule
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.medication_drug import unread_medications
from fhir_mapping.record import PatientRecord
from services import age_note, clinic_courses, data_gaps, ect_phases, lab_readings, risk_evidence
from services.deceased import deceased_cards, future_death_line, quiet
from services.order_hook_referrals import treatment_referrals
from services.order_hooks import run_order_checks, selected_drafts
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import merged_record_hold, suicide_risk, suicide_risk_history
from services.rules.context import build_context

ORDER_HOOKS = frozenset({"order-select", "order-sign"})


@dataclass(frozen=True, slots=True)
class HookInput:
    service_id: str
    hook: str  # "patient-view" | "order-select" | "order-sign"
    hook_instance: str
    patient_id: str | None  # bare logical id ("Patient/" prefix already stripped)
    resources: Sequence[Mapping[str, Any]]  # every resource from prefetch and fetches, flattened
    as_of: date
    draft_orders: Sequence[Mapping[str, Any]] = ()  # resources of context.draftOrders
    selections: Sequence[str] = ()  # context.selections ("MedicationRequest/abc")
    user_id: str | None = None
    encounter_id: str | None = None
    # What the protocol layer could not obtain, by resource type -> why: a prefetch key neither
    # sent nor fetchable (`unavailable`), a prefetched Bundle whose next pages could not be read
    # (`incomplete`). The record turns them into DataGaps so no card claims an absence it could
    # not see (issue 10).
    unavailable: Mapping[str, str] = field(default_factory=dict)
    incomplete: Mapping[str, str] = field(default_factory=dict)
    # Referenced Medications nobody sent that the FHIR server did not give or could not be asked
    # for, by id -> why ("the FHIR server refused the access token (HTTP 401)"): the card names
    # the cause, not "medication reference not found" (review 19 R2 M1).
    unread_medications: Mapping[str, str] = field(default_factory=dict)
    # The feeds of `unavailable` whose read was tried and failed (review s21 RC W1-W3), apart
    # from data merely not offered: GapCause.NOT_READ, named on every card they touch.
    read_failed: frozenset[str] = frozenset()


quick_frozen_init(HookInput)


@dataclass(frozen=True, slots=True)
class Evaluation:
    record: PatientRecord
    recommendations: tuple[Recommendation, ...]
    # The hook and selections the rules ran for, so that `screen_without` can run them again;
    # None: recommendations not made by the rules (a test's stand-in), which are only filtered.
    hook: str | None = None
    selections: tuple[str, ...] = ()


quick_frozen_init(Evaluation)


def evaluate(hook_input: HookInput, policy: Policy) -> Evaluation:
    """Map the resources to a record and run the hook's rules; recommendations come ordered
    critical, warning, info, one per topic at most. A hook this service does not know gets no
    recommendations."""
    with unread_medications(hook_input.unread_medications):
        record = build.build_record(
            hook_input.resources,
            as_of=hook_input.as_of,
            patient_id=hook_input.patient_id,
            policy=policy.mapping,
            draft_orders=hook_input.draft_orders,
            unavailable=hook_input.unavailable,
            incomplete=hook_input.incomplete,
            read_failed=hook_input.read_failed,
            course_rule=CourseRule(
                policy.tms_course_gap_days,
                policy.tms_min_course_sessions,
                policy.tms_session_recent_days,
                policy.tms_outcome_days_after_end,
                # ECT sessions this far apart: no longer the acute run (data/ect_schedule.csv).
                ect_phases.schedule().min_gap_days,
            ),
        )
    # An esketamine order left open after its sessions stopped is a course that ended, for every
    # card, the packet and the timeline alike (services/clinic_courses.py; review s19 M1).
    record = clinic_courses.settled(record, policy)
    # The same-day lab weighing reads the clinic's older-adult age as the cards do (lab62): it
    # runs where only the record is at hand (lab_readings.newest_first), so the record carries a
    # clinic's own; the default is read where none is carried (the record itself kept).
    if policy.older_adult_age != lab_readings.default_older_adult_age():
        record = dataclasses.replace(record, older_adult_age=policy.older_adult_age)
    # order-select names the newly selected drafts; order-sign checks every draft.
    selections = tuple(hook_input.selections) if hook_input.hook == "order-select" else ()
    return Evaluation(
        record=record,
        recommendations=_screen(record, policy, hook_input.hook, selections, frozenset()),
        hook=hook_input.hook,
        selections=selections,
    )


def screen_without(
    evaluation: Evaluation, policy: Policy, hidden: AbstractSet[str]
) -> tuple[Recommendation, ...]:
    """The evaluation's screen without the cards of `hidden` topics (snoozed, or order cards
    already answered), composed again from the rules: a card shown never points to a card that
    is not (its trials, scores or staging "on the TMS referral card"), and a section that card
    kept comes back to the cards shown. Rare (a snooze or an answered order card), so the rules
    simply run again on the record."""
    if evaluation.hook is None:
        return tuple(r for r in evaluation.recommendations if r.topic not in hidden)
    return _screen(evaluation.record, policy, evaluation.hook, evaluation.selections, hidden)


def _screen(
    record: PatientRecord,
    policy: Policy,
    hook: str,
    selections: tuple[str, ...],
    hidden: AbstractSet[str],
) -> tuple[Recommendation, ...]:
    if hook == "patient-view":
        recommendations = patient_view(record, policy, hidden=hidden)
    elif hook in ORDER_HOOKS:
        ctx = build_context(record, policy, hook=hook)
        recommendations = run_order_checks(ctx, selections, hidden)
        # A card the order hook leaves to patient-view (an unread item 9 beside a renewal:
        # rules/suicide_risk.py) carries its gaps there, as a hidden card does below.
        carried = hidden | suicide_risk.left_to_patient_view(
            ctx,
            selected_drafts(record, selections),
            referred=bool(treatment_referrals(record, selections)),  # K65a finding 1
        )
    else:
        return ()
    # Gaps a hidden card carries count as reported: hiding a card the clinician has seen never
    # raises a data-quality card of its own.
    recommendations = data_gaps.annotate(
        recommendations,
        record,
        hidden=hidden if hook == "patient-view" else carried,
        lab_lookback_days=policy.tsh_lookback_days,
        # A score gap past the item-9 window raises no card of its own (review s27 RQ2 finding 3).
        score_window_days=risk_evidence.item9_window_days(policy),
    )
    shown = (
        tuple(r for r in recommendations if r.topic not in hidden) if hidden else recommendations
    )
    # The age as the record gives it, first on the first card that reads it (review 19 D3, D4):
    # no birth date (patient-view; a draft's own line says it at the order hooks), or a birth
    # year that leaves an age rule either way. Before the lines below, which go above it.
    shown = age_note.on_first_card(shown, record, policy, unknown=hook == "patient-view")
    # An ED visit for suicidal ideation or self-harm in the past year is named on the first card
    # shown when no suicide-risk or optimise card says it (rules/suicide_risk_history.py).
    shown = suicide_risk_history.on_first_card(shown, record, policy)
    # A Patient merged into another record (audit 17 W4), or marked inactive with no link to
    # say why (review 17 M6): no one-click on that record, and the merge or the inactive flag
    # said first on the first card shown, whichever card that is (the data-quality card
    # included): applied last.
    shown = tuple(merged_record_hold.hold_one_click(record, shown))
    if record.patient.deceased:
        # A patient recorded deceased (review 18b M2, recheck 18a d03, review 19 E1): the safety
        # checks as for any patient, no pathway card, the deceased card first, one-clicks held.
        withheld = (
            hook == "patient-view"
            and not quiet(record, policy, hook)
            and _pathway_withheld(record, policy, hidden, recommendations)
        )
        return deceased_cards(record, policy, hook, selections, shown, withheld=withheld)
    # A date of death after as-of: read as alive, said once (recheck 18a d01).
    return future_death_line(record, shown)


def _pathway_withheld(
    record: PatientRecord,
    policy: Policy,
    hidden: AbstractSet[str],
    recommendations: Sequence[Recommendation],
) -> bool:
    """Whether the chart, read as a living patient's, gets a card of a topic the deceased screen
    (`recommendations`) lacks: a pathway card the status withheld. Only then does the deceased
    card say "pathway cards not shown" (review s21 RN finding 1: an MDD diagnosis with no drug
    ever got it, yet the living chart has no card). Rare (a deceased chart opened), so the rules
    simply run again."""
    alive = dataclasses.replace(record, patient=dataclasses.replace(record.patient, deceased=False))
    living = {r.topic for r in patient_view(alive, policy, hidden=hidden)} - set(hidden)
    return bool(living - {r.topic for r in recommendations})
