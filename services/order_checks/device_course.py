"""A drug change drafted during a running TMS course or acute ECT course (review s25 RO finding 1).

The optimise card holds its own drug proposals while such a course runs
(rules/optimize/device_course.py): a drug added, switched or re-dosed mid-course confounds the
course's response check (a later drop could not be told apart from the new drug's, nor a side
effect from the course's). A clinician's own draft of the same change got no word at all
(r06: bupropion XL drafted at TMS session 20). Both read one predicate
(services/device_course_now.py), so the order hooks speak exactly while the optimise card holds.

Which drafts: an antidepressant or an adjunct (Role.ANTIDEPRESSANT / AUGMENTATION) that starts a
drug or changes the running one's daily dose, a reduction included (it changes the course's
comparison as a raise does). A reduction (usually for side effects, blood pressure or sodium) is
information that the team should hear of it, never advice to delay it (rk3 finding 8). From the
response check's week the card says the check is due now (rk3 finding 9). A renewal at the running dose changes nothing and is left out; a
dose that cannot be compared counts as a change (the safer reading: one line too many, not a
confounded course unremarked). Lithium during an acute ECT course is left to its own card
(order_checks/lithium_ect.py), which already names the course and the ECT team.

During a TMS course a drug that lowers the seizure threshold (data/tms_seizure_threshold.csv,
with sources: bupropion, the tricyclics) adds a line: seizures are TMS's one serious risk, the
session intensity is set from a motor threshold measured on the old medication, so the TMS team
must hear of the new drug before the next session. A warning, not critical: the TMS safety
literature read (Dobek 2015) does not make bupropion a bar to TMS. Not snoozable: a safety check
of one order. Nothing is one click: whether to wait is the clinician's decision with the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from fhir_mapping.record import DoseBasis, DraftOrder, Role
from services import cards, device_course_now, ect_run, tables
from services.device_course_now import CourseNow
from services.lithium_ect import LITHIUM
from services.order_checks.model import OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext

TOPIC = "order-during-device-course"
_CHECKED = (Role.ANTIDEPRESSANT, Role.AUGMENTATION)


@dataclass(frozen=True, slots=True)
class SeizureRow:
    """A drug that lowers the seizure threshold: the card's line and its short cite."""

    ingredient: str
    line: str
    cite: str


@cache
def _seizure_table() -> dict[str, SeizureRow]:
    return {
        row["ingredient"].strip(): SeizureRow(
            row["ingredient"].strip(), row["line"].strip(), row["cite"].strip()
        )
        for row in tables._rows("tms_seizure_threshold.csv")
    }


def seizure_row(ingredient: str) -> SeizureRow | None:
    """The table's row for a drug that lowers the seizure threshold, or None."""
    return _seizure_table().get(ingredient)


def _running_mg(ctx: RuleContext, draft: DraftOrder) -> tuple[bool, float | None]:
    """(the drug runs now, its daily dose when read)."""
    for trial in (*ctx.facts.ongoing_trials, *ctx.facts.augmentations):
        if trial.ingredient == draft.ingredient and trial.ongoing:
            daily = trial.dose_basis is DoseBasis.DAILY
            return True, trial.current_mg_per_day_upper if daily else None
    return False, None


# What a draft does to the running drug (rk3 finding 8): a reduction (usually made for side
# effects, blood pressure or sodium) is never told to wait for the response check; the team is
# told of it. A dose that cannot be compared is "a dose change" (the safer reading).
NEW, RAISE, REDUCTION, CHANGE = "a new drug", "a dose increase", "a dose reduction", "a dose change"


def _change(ctx: RuleContext, draft: DraftOrder) -> str | None:
    """NEW / RAISE / REDUCTION / CHANGE the draft makes, or None for a renewal at the running
    dose. Doses that cannot be compared count as a change (module docstring)."""
    runs, now = _running_mg(ctx, draft)
    if not runs:
        return NEW
    drafted = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
    if drafted is None or now is None:
        return CHANGE
    if drafted == now:
        return None
    return RAISE if drafted > now else REDUCTION


def _course_line(ctx: RuleContext, now: CourseNow, change: str) -> str:
    """The course, when to judge it, and why the change confounds it; for a reduction, that the
    team should hear of it (never "order it after the response check": rk3 finding 8)."""
    if now.tms is not None:
        first, end = ctx.policy.tms_response_check_weeks, ctx.policy.tms_course_weeks
        due = now.start + timedelta(weeks=first)
        # A course charted as one record still in progress has no session on as-of, its end.
        last = "in progress" if now.tms.ongoing else f"last session {now.last.isoformat()}"
        head = (
            f"**TMS course running since {now.start.isoformat()}** "
            f"({now.tms.sessions_text()}, {last}): "
        )
        if ctx.record.as_of >= due:
            # The check's week is reached (rk3 finding 9: 30 sessions, the last yesterday, was
            # still told to wait for a check already due). The check is due now, as the
            # tms-course card shows it; a drug started now or in the course's outcome window
            # (policy tms_outcome_days_after_end) is judged with the course cut from it
            # (fhir_mapping/device_course_scores.py), so the PHQ-9 of the check goes first.
            after = ctx.policy.tms_outcome_days_after_end
            when = (
                f"its response check is due now (week {first:g}-{end:g}, from "
                f"{due.isoformat()}: tms-course card). "
            )
            if change == REDUCTION:
                return head + when + _REDUCTION_TMS
            return (
                head + when + f"{change.capitalize()} now, or within {after} days of the last "
                "session, is judged apart from the course's effect, and a later drop could not "
                "be told apart from the drug's. Unless it cannot wait, record the response "
                "check's PHQ-9 first."
            )
        head += f"its response is judged at week {first:g}-{end:g} (due {due.isoformat()}). "
        if change == REDUCTION:
            return head + _REDUCTION_TMS
        return head + (
            f"{change.capitalize()} now confounds that check: a later drop could not be told "
            "apart from the drug's, nor a side effect from the course's. Unless it cannot wait, "
            "order it after the response check."
        )
    assert now.ect is not None  # no TMS course: an ECT one (device_course_now.running)
    # A course charted as one record names its dates, not "1 session" and a last session on
    # its last day (services/ect_run.py); separate sessions keep "8 sessions, last session D".
    said = ", ".join(t for t in (now.ect.sessions_text(), now.ect.last_session_text()) if t)
    head = (
        f"**{now.ect.course_name()} running since {now.start.isoformat()}** ({said}): its "
        "response is judged with the ECT service. "
    )
    if change == REDUCTION:
        return head + (
            "A dose reduction need not wait for the course: tell the ECT service of it, so its "
            "response is judged knowing of it."
        )
    return head + (
        f"{change.capitalize()} now confounds it: a later drop could not be told apart from the "
        "drug's. Unless it cannot wait, agree it with the ECT service first."
    )


_REDUCTION_TMS = (
    "A dose reduction need not wait for the response check: tell the TMS team of it, so the "
    "check is read knowing of it."
)

# The seizure line's "if ..." by change kind (rk3 finding 8: a dose change was told "If it is
# started").
_SEIZURE_IF = {
    NEW: "If it is started",
    RAISE: "If the dose changes",
    REDUCTION: "As the dose changes",
}


def device_course_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.role not in _CHECKED:
        return None
    now = device_course_now.running(ctx.record, ctx.policy)
    if now is None:
        return _outcome_pending_check(ctx, draft)  # nearly every chart: None
    if now.tms is None and draft.ingredient == LITHIUM:
        return None  # the lithium-ECT card names the course (module docstring)
    change = _change(ctx, draft)
    if change is None:
        return None
    name = draft.ingredient.capitalize()
    seizure = seizure_row(draft.ingredient) if now.tms is not None else None
    course = (
        "a TMS course"
        if now.tms is not None
        else now.ect.a_course()
        if now.ect
        else "an acute ECT course"
    )
    if change == REDUCTION:
        team = "TMS team" if now.tms is not None else "ECT service"
        summary = cards.fit_summary(
            f"{name} dose reduction ordered during {course}: tell the {team}",
            f"{name} ordered during {course}: tell the {team}",
        )
    elif seizure is not None:
        summary = cards.fit_summary(
            f"{name} ordered during {course}: it lowers the seizure threshold, and {change} "
            "now confounds the course's response",
            f"{name} ordered during {course}: lowers the seizure threshold; confounds the course",
            f"{name} ordered during {course}: seizure threshold",
        )
    else:
        summary = cards.fit_summary(
            f"{name} ordered during {course}: {change} now confounds the course's response",
            f"{name} ordered during {course}: confounds the course's response",
        )
    sections = [_course_line(ctx, now, change)]
    if seizure is not None:
        sections.append(
            f"**Seizure risk:** {seizure.line}. Seizures are the main serious risk of TMS and a "
            "drug that lowers the threshold is a risk factor to screen for; each session's "
            "intensity is set from a motor threshold measured on the current medication. "
            f"{_SEIZURE_IF.get(change, 'If the dose changes')}, tell the TMS team before the "
            f"next session (they may re-measure the motor threshold) ({seizure.cite})."
        )
    basis = (seizure.cite,) if seizure is not None else ()
    return OrderCheck(
        TOPIC,
        draft,
        summary,
        cards.join_sections(*sections),
        # A reduction is no risk to warn of: the team hearing of it is information.
        indicator=Indicator.INFO if change == REDUCTION else None,
        basis=basis,
    )


def _outcome_pending_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A drug change drafted after an acute ECT course ended with its outcome not on record
    (open_referrals.ect_outcome_pending, the rule the optimise card's hold reads; s26 LC item 2:
    aripiprazole or lithium drafted there got no card while patient-view held the same adjuncts
    one click). A response to ECT is continued, so the next drug step depends on it. Lithium
    too: the lithium-ECT card speaks only while the course runs."""
    ect = ect_run.outcome_pending(ctx.record, ctx.policy)
    if ect is None:
        return None  # nearly every chart
    change = _change(ctx, draft)
    if change is None:
        return None
    name = draft.ingredient.capitalize()
    ended = ect.last.isoformat()
    head = (
        f"**Acute ECT course ended {ended}** ({ect.since_text()}), no PHQ-9 after its last "
        "session: its outcome is not recorded yet. "
    )
    if change == REDUCTION:
        summary = cards.fit_summary(
            f"{name} dose reduction ordered after an ECT course ({ended}): outcome not recorded",
            f"{name} ordered after an ECT course: outcome not recorded",
        )
        line = head + (
            "A dose reduction need not wait: record the outcome (a PHQ-9) and tell the ECT "
            "service of it."
        )
    else:
        summary = cards.fit_summary(
            f"{name} ordered after an ECT course ended {ended}: its outcome (a PHQ-9) is not "
            "recorded yet",
            f"{name} ordered after an ECT course ({ended}): outcome not recorded",
        )
        line = head + (
            f"A response to ECT is continued, so what comes next depends on it: {change} now "
            "could not be told apart from the course's effect. Unless it cannot wait, record "
            "the outcome (a PHQ-9) and the ECT service's view first."
        )
    return OrderCheck(
        TOPIC, draft, summary, line, indicator=Indicator.INFO if change == REDUCTION else None
    )
