"""A drug change drafted during a running TMS course or acute ECT course (review s25 RO finding 1).

The optimise card holds its own drug proposals while such a course runs
(rules/optimize/device_course.py): a drug added, switched or re-dosed mid-course confounds the
course's response check (a later drop could not be told apart from the new drug's, nor a side
effect from the course's). A clinician's own draft of the same change got no word at all
(r06: bupropion XL drafted at TMS session 20). Both read one predicate
(services/device_course_now.py), so the order hooks speak exactly while the optimise card holds.

Which drafts: an antidepressant or an adjunct (Role.ANTIDEPRESSANT / AUGMENTATION) that starts a
drug or changes the running one's daily dose, a reduction included (it changes the course's
comparison as a raise does). A renewal at the running dose changes nothing and is left out; a
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
from services import cards, device_course_now, tables
from services.device_course_now import CourseNow
from services.lithium_ect import LITHIUM
from services.order_checks.model import OrderCheck
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


def _change(ctx: RuleContext, draft: DraftOrder) -> str | None:
    """ "a new drug" / "a dose change" the draft makes, or None for a renewal at the running
    dose. Doses that cannot be compared count as a change (module docstring)."""
    runs, now = _running_mg(ctx, draft)
    if not runs:
        return "a new drug"
    drafted = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
    if drafted is not None and now is not None and drafted == now:
        return None
    return "a dose change"


def _course_line(ctx: RuleContext, now: CourseNow, change: str) -> str:
    """The course, when to judge it, and why the change confounds it."""
    last = f"last session {now.last.isoformat()}"
    if now.tms is not None:
        first, end = ctx.policy.tms_response_check_weeks, ctx.policy.tms_course_weeks
        due = now.start + timedelta(weeks=first)
        # From the check's week the tms-course card shows it (as the optimise line says).
        where = "tms-course card" if ctx.record.as_of >= due else f"due {due.isoformat()}"
        return (
            f"**TMS course running since {now.start.isoformat()}** "
            f"({now.tms.sessions_text()}, {last}): its response is judged at week "
            f"{first:g}-{end:g} ({where}). {change.capitalize()} now confounds that check: a "
            "later drop could not be told apart from the drug's, nor a side effect from the "
            "course's. Unless it cannot wait, order it after the response check."
        )
    count = cards.plural(len(now.ect_sessions), "session")
    return (
        f"**Acute ECT course running since {now.start.isoformat()}** ({count}, {last}): its "
        f"response is judged with the ECT service. {change.capitalize()} now confounds it: a "
        "later drop could not be told apart from the drug's. Unless it cannot wait, agree it "
        "with the ECT service first."
    )


def device_course_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.role not in _CHECKED:
        return None
    now = device_course_now.running(ctx.record, ctx.policy)
    if now is None:
        return None  # nearly every chart
    if now.tms is None and draft.ingredient == LITHIUM:
        return None  # the lithium-ECT card names the course (module docstring)
    change = _change(ctx, draft)
    if change is None:
        return None
    name = draft.ingredient.capitalize()
    seizure = seizure_row(draft.ingredient) if now.tms is not None else None
    course = "a TMS course" if now.tms is not None else "an acute ECT course"
    if seizure is not None:
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
            "intensity is set from a motor threshold measured on the current medication. If it "
            "is started, tell the TMS team before the next session (they may re-measure the "
            f"motor threshold) ({seizure.cite})."
        )
    basis = (seizure.cite,) if seizure is not None else ()
    return OrderCheck(TOPIC, draft, summary, cards.join_sections(*sections), basis=basis)
