"""Every medication trial: drug and class, doses, dates, weeks at an adequate dose, adherence,
PHQ-9 before and after, outcome or intolerance, and whether the TMS criteria counted it.

The cells are the cards' own wording (services/cards.py), so the packet and the TMS card never
describe the same trial two ways.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter

from fhir_mapping.adherence import response_before_gap
from fhir_mapping.partial_response import partial_response
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Role, Score, Trial, Verdict
from fhir_mapping.taper_weeks import not_counting_taper
from services import cards, clinic_courses, lowered_dose, taken_to_confirm, trial_cells, trial_dates
from services.card_format import plural
from services.dose_raises import unjudged_raise
from services.order_doses import segment_dose
from services.packet.html import Cell, section_open, table, text
from services.packet.wording import (
    confirm_marks,
    day_text,
    inferred_text,
    is_inferred,
)
from services.pathway import PathwayFacts
from services.phq9_disagreements import pair_words
from services.scored_weeks import scored_text
from services.trial_dose_text import weeks_not_applicable

_HEADER = (
    "Drug (class)",
    "Doses, mg/day",
    "Dates",
    "Weeks at adequate dose",
    "Adherence",
    "PHQ-9 before → after",
    "Outcome",
    "Counted for TMS",
)
_OPEN = section_open("trials", "Medication trials")  # built once (issue 14, speed)
_NONE = text("p", "No antidepressant trials on record.", cls="empty")
# Compared per trial: module constants (issue 14: an Enum member read off its class costs about
# ten globals on Python 3.11).
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_AUGMENTATION = Role.AUGMENTATION


def _score(score: Score | None, unsettled: tuple[str, ...]) -> str:
    if score is None or score.value is None:
        return "–"
    # A total that disagrees with its items is named (s27 RB 1): "6 (29 Oct 2026; total ...)",
    # with a claim its readings give differently (s27 K3 finding 2: "remission to confirm").
    if score.total_conflict is not None:
        said = pair_words(score, unsettled).removeprefix(f"{score.value} (")
        return f"{score.value} ({day_text(score.date)}; {said}"
    return f"{score.value} ({day_text(score.date)})"


def _phq9(trial: Trial) -> str:
    if trial.verdict is _NOT_A_TRIAL:
        return "–"
    unsettled = trial.unsettled
    pair = f"{_score(trial.baseline, unsettled)} → {_score(trial.on_treatment, unsettled)}"
    # Another scale's pair is named (review 13 W10): "MADRS 34 (...) → 8 (...)".
    return pair if trial.outcome_scale == "PHQ-9" else f"{trial.outcome_scale} {pair}"


def counted_text(trial: Trial, facts: PathwayFacts, counted: tuple[Trial, ...]) -> str:
    """Whether the TMS criteria counted this course (`counted`: payer_criteria's count, or the
    clinic's), and as what."""
    if trial.role is _AUGMENTATION:
        return "no: augmentation"
    if trial in counted:
        if trial.failed and partial_response(trial) is not None:
            # The rule set's reading, not the course's outcome (review s20 R4 finding 8).
            return "yes: the rule set counts the partial response as an inadequate response"
        if is_inferred(trial):
            # The cards' words, never "failed" outright (review s27 RB finding 2), and what the
            # course rests on when that is to confirm too (recheck K6 s28 finding 5).
            return f"yes, to confirm: {'; '.join(confirm_marks(trial))}"
        outcome = "failed" if trial.failed else "not tolerated"
        # No order or fill shows it taken (recheck K4 s27 finding 3), or nothing since its
        # listing does (review s29 RM finding 2: an order never filled).
        marks = confirm_marks(trial)
        if marks:
            return f"yes, to confirm: {outcome}, {'; '.join(marks)}"
        return f"yes: {outcome}"
    if trial not in facts.episode_trials:
        return "no: earlier episode"
    if trial.failed:
        # A drug tried twice counts once (its latest course).
        return "no: its later course counts"
    if trial in facts.intolerant_trials:
        return "no: intolerance not counted"
    return "no"


def _verdict(trial: Trial, policy: MappingPolicy, record: PatientRecord | None) -> str:
    """cards.verdict_text; with the record, the words the card's trials table already wrote for
    it in this evaluation (services/trial_cells.py), and a raise not judged yet."""
    if record is None:
        return cards.verdict_text(trial, policy)
    said = trial_cells.verdict(trial, record, policy)
    raised = _raise_text(trial, record, policy)
    return said if raised is None else f"{said} at {raised}"


def _raise_text(trial: Trial, record: PatientRecord, policy: MappingPolicy) -> str | None:
    """ "100 mg/day; raised to 150 mg/day on 3 Mar 2025: not judged yet, reassess from 31 Mar
    2025" for a failed or partially responding course still running whose raise no PHQ-9 judges
    yet (services/dose_raises.py, the optimise card's rule); None otherwise. Review s20 R4
    finding 9: the packet said "failed" and nothing more where the card says "Dose raised, not
    judged yet ... reassess from 2025-03-31": the verdict is the pre-raise dose's."""
    if not (trial.ongoing and trial.failed):
        return None
    found = unjudged_raise(trial, record.phq9(), policy)
    if found is None:
        return None
    return (
        f"{segment_dose(trial, found.before)}; raised to {segment_dose(trial, found.segment)} "
        f"on {day_text(found.segment.start)}: not judged yet, reassess from "
        f"{day_text(found.judged_from(policy))}"
    )


def outcome_text(
    trial: Trial,
    scores: Sequence[Score],
    policy: MappingPolicy,
    record: PatientRecord | None = None,
) -> str:
    """The outcome cell: the cards' verdict, unless the PHQ-9 that would decide it was taken
    with no drug on hand (review 6 findings 1 and 3): then the trial is not called failed, and
    the cell says why ("response, then relapse during a supply gap", or "to confirm").
    `record`: the trial's record, when the caller has it (the verdict is then worded once)."""
    if trial_dates.never_filled(trial):
        # The cards' words (review s23 RP finding 3): an order, never the drug shown taken.
        listing = taken_to_confirm.trial_listing(trial, day_text)
        return f"to confirm: {listing}: confirm it is taken before counting it as a trial"
    lowered = lowered_dose.to_confirm_text(trial)
    if lowered is not None:  # orders42: the fills alone make it adequate, the lowering not
        return f"{lowered}: not counted as a failed trial until the dose taken is confirmed"
    score = trial.on_treatment
    if trial.verdict is _NOT_A_TRIAL or score is None or score.value is None:
        return _verdict(trial, policy, record)
    if trial.on_hold is not None and trial.scored_while_held(score.date):
        return (
            f"to confirm: {score.instrument} {_on(score)} taken while {trial.ingredient} was on hold "
            f"(not taken since {day_text(trial.on_hold)} at the latest)"
        )
    listed = trial.unconfirmed_since
    if listed is not None and trial_dates.outcome_to_confirm(trial):
        # Review 6 finding 11: scored after the time the record confirms the drug was taken.
        return (
            f"to confirm: {score.instrument} {_on(score)} taken after {trial.ingredient} was last confirmed "
            f"on {day_text(listed)} (only listed as active since)"
        )
    gap = trial.outcome_gap
    if gap is None:
        return _verdict(trial, policy, record)
    lapse = f"no supply for {plural(gap.days, 'day')} from {day_text(gap.start)}"
    earlier = response_before_gap(trial, scores, from_week=policy.on_treatment_from_week)
    if earlier is not None:
        return (
            f"response (PHQ-9 {_on(earlier)}), then relapse during a supply gap ({lapse}; "
            f"{score.instrument} {_on(score)}): not counted as a failed trial"
        )
    return f"to confirm: {score.instrument} {_on(score)} scored during a supply gap ({lapse})"


def _on(score: Score) -> str:
    return f"{score.value} on {day_text(score.date)}"


def _dates(trial: Trial) -> str:
    if trial.on_hold is not None:
        return f"{day_text(trial.start)} – on hold (not taken now)"
    # Dates to the year or month only are shown as written (review 10 finding 5).
    written = trial_dates.written_text(trial)
    if written is not None:
        return written
    # A start or duration the record does not state is said so (review 6 finding 8).
    if trial_dates.start_unknown(trial):
        return f"start not recorded – {day_text(trial.end)}"
    running = trial_dates.ongoing_text(trial, day_text)  # "ongoing", or why not (s23 RP f2)
    if trial_dates.listed_undated(trial):  # review s23 RT finding 2: listed, not begun, then
        end = running if trial.ongoing else day_text(trial.end)
        return f"start not recorded (listed {day_text(trial.start)}) – {end}"
    if trial.listed:  # the cards' listing (review 6 finding 11; s23 RP findings 2 and 3)
        return f"{day_text(trial.start)} – {running}"
    if trial.taken_before is not None:  # a past course of unknown dates (review s19 item 1)
        return f"before {day_text(trial.taken_before)}; dates not recorded"
    assumed = trial_dates.whole_course_assumed(trial)
    if assumed is not None and trial_dates.reported_undated(trial):
        # The day the report was entered, not a start (recheck 2 of review 16, W2).
        return f"reported {day_text(trial.start)}; dates not recorded (counted as {plural(assumed, 'day')})"
    if trial.end_not_recorded and not trial.ongoing:
        # Only the day the stop was recorded by (review s20 W2 item 1: "counted as 9 days"
        # read as a known length): the cards' words.
        return (
            f"{day_text(trial.start)} – {trial_dates.stopped_by_text(trial, day_text(trial.end))}"
        )
    if assumed is not None:
        return (
            f"{day_text(trial.start)} – duration not recorded (counted as {plural(assumed, 'day')})"
        )
    end = running if trial.ongoing else day_text(trial.end)
    return f"{day_text(trial.start)} – {end}"


def _weeks(trial: Trial, record: PatientRecord | None) -> str:
    """The weeks cell; for a drug dosed per session, what applies instead (review s20 item 3:
    "weeks at adequate dose 0", "weeks ... unknown (needs 6)" of an esketamine course)."""
    sessions = None if record is None else clinic_courses.sessions_in(record, trial)
    instead = weeks_not_applicable(trial, sessions)
    if instead is not None:
        return instead
    cell = trial_dates.weeks_cell(trial, cards.fmt_weeks(trial.weeks_at_adequate_dose))
    if trial.alone_from is not None:  # counted from the day it went on alone (role 49)
        cell = f"{cell} (alone since {day_text(trial.alone_from)})"
    # The taper the weeks left out, in the cards' words from the same note (s26 TT item 2).
    tapered = not_counting_taper(trial.ingredient, trial.notes, day_text)
    if tapered is not None:
        cell = f"{cell} ({tapered})"
    # Ward doses alone, some not given: the weeks are the order's, not weeks taken (review s27
    # RB finding 4: "7.4" beside a card's "given on 13 of 52 ward days"), said with the MAR.
    ward = trial.adherence
    if ward.ward_alone() and ward.ward_given < ward.ward_counted:
        cell = f"{cell} on order; {trial.adherence.pdc_words()}"
    # Cut by a TMS/ECT course: the weeks the verdict was scored over first (s25 RT finding 9).
    scored = scored_text(trial, cards.fmt_weeks, day_text)
    return cell if scored is None else f"{scored}; {cell} in all"


def _row(
    trial: Trial,
    facts: PathwayFacts,
    policy: MappingPolicy,
    counted: tuple[Trial, ...],
    scores: Sequence[Score] = (),
    record: PatientRecord | None = None,
) -> tuple[Cell, ...]:
    not_a_trial = trial.verdict is _NOT_A_TRIAL
    verdict = counted_text(trial, facts, counted)
    if record is None:
        dose = cards.dose_path(trial)
        adherence = "–" if not_a_trial else cards.adherence_text(trial)
    else:
        # The words the card's trials table wrote for this trial (services/trial_cells.py).
        dose = trial_cells.dose(trial, record, policy)
        adherence = "–" if not_a_trial else trial_cells.adherence(trial, record, policy)
    return (
        f"{trial.ingredient} ({trial.drug_class})",
        dose,
        _dates(trial),
        _weeks(trial, record),
        # Adherence and outcome may name resources (long ids): those cells break anywhere.
        (adherence, "ref"),
        _phq9(trial),
        (outcome_text(trial, scores, policy, record), "ref"),
        (verdict, "counted" if verdict.startswith("yes") else "not-counted"),
    )


_DATES = attrgetter("start", "end")  # oldest first


def _trial_table(
    trials: Sequence[Trial],
    facts: PathwayFacts,
    policy: MappingPolicy,
    counted: tuple[Trial, ...],
    *,
    caption: str,
    scores: Sequence[Score] = (),
    record: PatientRecord | None = None,
) -> str:
    rows = [_row(t, facts, policy, counted, scores, record) for t in sorted(trials, key=_DATES)]
    return table(_HEADER, rows, caption=caption, cls="trials", stack=True)


@lru_cache(maxsize=8)
def _note(weeks: str) -> str:
    """The adequacy note, for the clinic's minimum weeks (a policy value: built once each)."""
    return text(
        "p",
        "Adequate: at least the minimum adequate dose (CANMAT 2023 Table 3.3) for at least "
        f"{plural(weeks, 'week')} with adherence not contradicted "
        "by refill data; response: a PHQ-9 drop of at least 50 %. Intolerance is as "
        "documented in the chart.",
        cls="note",
    )


def trials_section(
    record: PatientRecord,
    facts: PathwayFacts,
    policy: MappingPolicy,
    counted: tuple[Trial, ...],
) -> str:
    antidepressants = [t for t in record.trials if t.role is _ANTIDEPRESSANT]
    augmentation = [t for t in record.trials if t.role is _AUGMENTATION]
    parts = [_OPEN]
    classes = list(dict.fromkeys([t.drug_class for t in counted]))
    if counted:
        parts.append(
            text(
                "p",
                f"Counted for TMS: {len(counted)} "
                f"({cards.names(counted)}; {len(classes)} "
                f"{'class' if len(classes) == 1 else 'classes'}: {', '.join(classes)})"
                f"{inferred_text(counted)}.",
                cls="lede",
            )
        )
    # The PHQ-9 history, read only when a trial's outcome score fell in a supply gap.
    scores = record.phq9() if any(t.adherence.supply_gaps for t in record.trials) else ()
    if antidepressants:
        parts.append(
            _trial_table(
                antidepressants,
                facts,
                policy,
                counted,
                caption="Antidepressant trials",
                scores=scores,
                record=record,
            )
        )
    else:
        parts.append(_NONE)
    if augmentation:
        parts.append(
            _trial_table(
                augmentation,
                facts,
                policy,
                counted,
                caption="Augmentation",
                scores=scores,
                record=record,
            )
        )
    parts.append(_note(cards.fmt_weeks(policy.min_adequate_weeks)))
    parts.append("</section>")
    return "".join(parts)
