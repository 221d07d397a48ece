"""The words of the measurement-based-care card (measurement_based_care.py): its detail sections
(why the PHQ-9 is asked for, naming a trial judged on another scale; a preliminary total not yet
reviewed; PHQ-9s named but not read, their item 9 unknown; an incomplete latest PHQ-9) and the
summary words of an unanswered item 9 (recheck 2 m09).

Apart from the card because they are wording only: what the record shows is measurement_due.py,
and the card chooses among them.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.panel_members import NOT_RECEIVED
from fhir_mapping.phq9_lookalike import (
    ITEM9_READ_REASONS,
    UNRECOGNISED_PHQ9_RESPONSES,
)
from fhir_mapping.record import DataGap, Score, Trial
from fhir_mapping.scale_outcomes import remission_text
from fhir_mapping.scores import INCOMPLETE_PHQ9
from services import cards, data_gaps, preliminary_phq9
from services.card_format import plural
from services.no_phq9_words import latest_unread, unread_phq9_words
from services.rules.context import RuleContext


def preliminary_text(score: Score) -> str:
    """ "latest PHQ-9 (preliminary, 2025-05-26): 18, not yet reviewed"."""
    if not preliminary_phq9.is_preliminary(score):  # status unknown (review s27 RF 1)
        day = score.date.isoformat()
        return f"latest PHQ-9 (status {score.status}, {day}): {score.value}, not final"
    return f"latest PHQ-9 (preliminary, {score.date.isoformat()}): {score.value}, not yet reviewed"


def preliminary_section(score: Score) -> str:
    if not preliminary_phq9.is_preliminary(score):  # status unknown (review s27 RF 1)
        return (
            f"**Latest PHQ-9 not known to be final:** PHQ-9 {score.value} on "
            f"{score.date.isoformat()} is filed with status {score.status} (FHIR: one of the "
            "statuses applies, the sender does not know which). It is not used to judge response "
            "or TMS eligibility: confirm it with the service that filed it, or repeat the PHQ-9."
        )
    return (
        f"**Latest PHQ-9 not yet reviewed:** PHQ-9 {score.value} on {score.date.isoformat()} is "
        "filed as preliminary (FHIR: data may be incomplete or unverified; often a form the "
        "patient filled in, e.g. on the portal, before a clinician reviewed it). It is not used to judge "
        "response or TMS eligibility until it is final: review it with the patient and file it, "
        "or repeat the PHQ-9."
    )


def _incomplete_text(gap: DataGap, day: date) -> str:
    """ "PHQ-9 on 2025-05-23 incomplete (items 7-9 unanswered): item 9 unknown"."""
    rest = gap.reason.removeprefix(INCOMPLETE_PHQ9)
    return f"PHQ-9 on {day.isoformat()} incomplete{rest}"


def _score_text(score: Score) -> str:
    return f"{score.instrument} {score.value} on {score.date.isoformat()}"


def names_other_scale(trial: Trial) -> bool:
    """`outcome_line` names the trial's pair: it was judged on another scale than the PHQ-9."""
    return (
        trial.outcome_scale != "PHQ-9"
        and trial.baseline is not None
        and trial.on_treatment is not None
    )


def outcome_line(ctx: RuleContext, trial: Trial, other: Score | None) -> str:
    """Why the PHQ-9 is asked for. "Cannot be judged" only when nothing judges the current
    trial: a course judged on another scale (score_windows.py, review 13 W10) says so."""
    head = (
        f"PHQ-9 at least every {plural(ctx.policy.mbc_interval_days, 'day')} on an antidepressant and once "
        f"after a new trial starts (checked from week "
        f"{cards.fmt_weeks(ctx.policy.mbc_after_trial_weeks)}): "
    )
    scale = trial.outcome_scale
    before, after = trial.baseline, trial.on_treatment
    if names_other_scale(trial) and before is not None and after is not None:
        return (
            f"{head}the outcome of {trial.ingredient} so far rests on {scale} {before.value} "
            f"({before.date.isoformat()}) → {after.value} ({after.date.isoformat()}); remission "
            f"{remission_text(scale)}, response a drop of at least 50 %."
        )
    text = (
        f"{head}response and remission (PHQ-9 < {ctx.policy.remission_below}) cannot be judged "
        "without it."
    )
    if other is not None:
        # Another scale is on record but older than the interval too (else no card): named, so
        # the clinician may repeat that scale instead (its cut-offs: scale_outcomes.csv).
        text += f" Latest other depression scale: {_score_text(other)}."
    return text


def unrecognised_section(unrecognised: tuple[DataGap, ...], any_total: bool) -> str:
    """What the results named PHQ-9 that could not be read mean for this card: their totals and
    item 9 answers are unknown (never "no positive item 9")."""
    if not unrecognised:
        return ""
    head = "" if any_total else "No PHQ-9 total could be read: "
    said = f"**PHQ-9s not read:** {head}{data_gaps.unrecognised_phq9_text(unrecognised)}. "
    if all(g.reason in ITEM9_READ_REASONS for g in unrecognised):
        # Each form's item 9 was read by its words (the suicide-risk card has it): only what
        # was not read is said (session 29 fix forms30 item 3).
        return said + "Their totals are not known: check them in the chart."
    return said + (
        "Their totals and their item 9 answers (thoughts of being better off dead or of "
        "self-harm) are not known: check them in the chart, and if an item 9 is above 0, assess "
        "suicide risk today."
    )


def not_received(gap: DataGap) -> bool:
    """The incomplete PHQ-9 is a panel whose answers did not come with the chart
    (fhir_mapping/panel_members.py, s27 RF finding 7): its item 9 was not seen, not unanswered."""
    return NOT_RECEIVED in gap.reason


def item9_summary(day: date, gap: DataGap | None = None) -> str:
    """Recheck 2 m09: the words the card leads with when the latest PHQ-9 left item 9 unanswered
    (or, its answers not received, not seen: `not_received`)."""
    if gap is not None and not_received(gap):
        return f"PHQ-9 of {day.isoformat()}: {NOT_RECEIVED}; item 9 not seen - check the form"
    return f"PHQ-9 on {day.isoformat()}: item 9 unanswered - ask it today"


def incomplete_section(incomplete: tuple[DataGap, date]) -> str:
    gap, day = incomplete
    if not_received(gap):
        return (
            f"**Latest PHQ-9 not received:** the PHQ-9 of {day.isoformat()} is filed as a panel "
            "whose answers did not come with the chart: its total and the suicide item (item 9) "
            "are not known. Check the form in the chart, or ask item 9 today; if above 0, assess "
            "suicide risk."
        )
    return (
        f"**Latest PHQ-9 incomplete:** {_incomplete_text(*incomplete)}: its total and the "
        "suicide item (item 9) are not known. Ask item 9 today; if above 0, assess suicide risk."
    )


def unread_summaries(ingredient: str, unread: tuple[DataGap, ...], repeat: bool) -> list[str]:
    """The summary, longest first, while no PHQ-9 total was read but results named PHQ-9 were
    not (review 19 I6): what the record shows and what would fix it, "On sertraline: 3 PHQ-9
    results under an unmapped site code (latest 2026-11-09): read them in the chart; map the
    site code ([codes])". Never "no PHQ-9 ...: repeat the PHQ-9" beside one filed last month; a
    repeat is asked for only when none of them can answer the due check (`repeat`). The fix is
    the site's code map (README, Production: before go-live)."""
    words = unread_phq9_words(unread)
    day = latest_unread(unread)
    dated = f"{words} (latest {day.isoformat()})" if day is not None else words
    them = "it" if len(unread) == 1 else "them"
    act = f"read {them} in the chart" + (" and repeat the PHQ-9" if repeat else "")
    fix = f"map the site {_mapped(unread)} ([codes])"
    # The latest date is kept before the drug's name: it says whether one may be the due PHQ-9.
    return [
        f"On {ingredient}: {dated}: {act}; {fix}",
        f"{dated}: {act}; {fix}",
        f"{words}: {act}; {fix}",
    ]


def _mapped(unread: tuple[DataGap, ...]) -> str:
    """What `[codes]` must map: the site's code (an Observation), form (a response), or both."""
    forms = sum(1 for g in unread if g.reason in UNRECOGNISED_PHQ9_RESPONSES)
    if not forms:
        return "code"
    return "form" if forms == len(unread) else "codes and forms"
