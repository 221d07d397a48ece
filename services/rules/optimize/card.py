"""What every variant of the optimise / switch / augment card shares: its topic, its opening
lines, why no TMS referral, its evidence, the rest of the pathway and its guideline links."""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.episode import in_current_episode
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Trial, Verdict
from services import cards, pathway_contraindications, pathway_options, tms_course, trial_count
from services.card_format import plural
from services.episode_trials import in_episode
from services.policy import Policy
from services.recommendation import Evidence
from services.risk_signal import SuicideLevel, SuicideSignal
from services.rules import populations, suicide_risk_history
from services.rules.context import RuleContext
from services.rules.optimize import (
    declined,
    held_orders,
    no_tms,
    residual_episode,
    restarted,
    stale_score,
    suicide_hold,
)
from services.rules.optimize.courses import PATHWAY_ROLES, ordered_on, shown_not_taken
from services.rules.optimize.wording import dose_text
from services.rules.population_notes import population_notes
from services.tms_course import TmsCourse
from services.tms_full_course import full_course
from services.tms_retreatment import retreatment, rising

TOPIC = "optimize-switch-augment"


def episode_tms_course(ctx: RuleContext) -> TmsCourse | None:
    """The latest TMS course of this episode that has ended, or None. A running one has the
    tms-course card (rules/tms_course.py)."""
    # Nothing open (nearly every chart), and no relapse after a TMS response (tms_retreatment).
    if not ctx.facts.tms_open and retreatment(ctx.record, ctx.policy) is None:
        return None
    start = ctx.facts.episode_start
    ended = [
        c for c in tms_course.earlier_courses(ctx.record, ctx.policy) if in_episode(c.start, start)
    ]
    return ended[-1] if ended else None


def _tms_scores(course: TmsCourse, policy: MappingPolicy) -> str:
    """The course's PHQ-9 before and after, or which one is missing and where it was looked for
    (never "none since" when later scores simply fall outside the course's window)."""
    before, after = course.baseline, course.latest
    if before is not None and before.value is not None and after is not None:
        return course.outcome()
    first = (
        f"PHQ-9 {before.value} ({before.date.isoformat()}) before it"
        if before is not None and before.value is not None
        else f"no PHQ-9 in the {plural(policy.baseline_days_before, 'day')} before it"
    )
    if after is not None and after.value is not None:
        return f"{first}; PHQ-9 {after.value} ({after.date.isoformat()}) after"
    return f"{first}; none during it or in the {plural(policy.on_treatment_days_after_end, 'day')} after"


def tms_episode_line(course: TmsCourse | None, policy: Policy, rise: str = "") -> str:
    """One line on a TMS course of this episode (review 10 finding 13): it keeps the TMS card
    away, so this card says so, with its dates, sessions and PHQ-9s, and what LCD L37086 asks of
    a retreatment (a documented response > 50 %, then relapse). "" when there is none. A course
    stopped short of a full one (services/tms_full_course.py)
    with no response on record is named as stopped early (review s21 RF finding 8), one below an
    adequate course as no course (s24 RA finding 3: TmsCourse.short)."""
    if course is None:
        return ""
    full, mapping = full_course(policy), policy.mapping
    if course.short(policy):  # its "no response" bars no referral (tms_course.failed_course)
        return (
            f"**TMS in this episode:** {course.dates()}, {course.short_text(policy)}; "
            f"{_tms_scores(course, mapping)}. Record why it stopped."
        )
    short = (
        full is not None
        and course.sessions_counted
        and not course.running
        and course.sessions < full.sessions
    )
    if course.response is None and short:
        assert full is not None
        # Not a course whose response is missing: a course that stopped. Why decides what comes
        # next (a seizure or intolerance bars or changes a new course), so no new referral until
        # it is known: the safer default.
        state = (
            f"{course.ended().capitalize()} after {course.ran_text()}, short of a full course "
            f"({full.sessions} sessions, {full.cite}); reason not on record: find out why "
            "(intolerance? a seizure? logistics?) and record it; no new referral until then"
        )
        return (
            f"**TMS in this episode:** {course.dates()}, {course.sessions_text()}; "
            f"{_tms_scores(course, mapping)}. {state}."
        )
    if course.response is True:  # `rise`: tms_retreatment.rising (s25 FB item 2)
        state = f"It responded{f'; {rise}' if rise else ''}: a retreatment may be considered after relapse"
    elif course.response is False:
        state = "No response: no new referral; a retreatment needs a documented response"
    else:
        state = (
            "Response not on record (document it); no new referral: a retreatment needs a "
            "documented response"
        )
    return (
        f"**TMS in this episode:** {course.dates()}, {course.sessions_text()}"
        f"{course.length_note(policy)}; {_tms_scores(course, mapping)}. {state} (LCD L37086)."
    )


def card_evidence(ctx: RuleContext) -> tuple[Evidence, ...]:
    """The trials (with the adjuncts), scores and, after a failure, the stage: the evidence this
    card shares with the others of its screen (services/screen.py keeps it once)."""
    facts = ctx.facts
    trials = facts.episode_trials + tuple(t for t in facts.augmentations)
    found = []
    # On a screen the trials and scores go behind the timeline (this card wants it: topics.csv):
    # built only if shown (RuleContext.composed).
    deferred = ctx.composed
    if trials:
        found.append(
            cards.trials_evidence(trials, ctx.policy.mapping, ctx.record, deferred=deferred)
        )
    found.append(cards.scores_evidence(ctx.record, deferred=deferred))
    # Not under 18: the Maudsley method is adult staging (guidelines.csv maudsley2018; review s27
    # RC finding 6: a 9-year-old's card reasoned from it); the child's next step is its own line.
    if facts.failed_trials and not populations.is_minor(ctx):
        found.append(ctx.staging_evidence)  # built once for the cards that carry it
    return tuple(found)


def next_options(ctx: RuleContext, *, exclude: frozenset[str] = frozenset()) -> list[str]:
    """The rest of the pathway (issue 12): ECT, esketamine and ketamine after two or more failed
    adequate trials (ECT first for an older adult; not offered when a course ran in this
    episode), the ECT course on record, and one line on pharmacogenomic testing after a poor
    response (services/pathway_options.py)."""
    failed = len(ctx.facts.failed_trials)
    if populations.is_minor(ctx):
        return []  # the adult options are not named for a minor: decided with child psychiatry
    # ECT on record (review 6 finding 7): a course in this episode is named, with its PHQ-9s,
    # instead of ECT as an untried option; an earlier one is a line beside the options.
    ect = pathway_options.ect_history(ctx.record, ctx.policy, ctx.facts.episode_start)
    # An option its label contraindicates here (esketamine with a cerebral aneurysm: review 15
    # U1) leaves the list and is named with the finding, only where the list is shown.
    blocked = (
        pathway_contraindications.blocked(ctx.facts)
        if failed >= ctx.policy.trd_min_failed_trials
        else pathway_contraindications.NONE
    )
    return [
        pathway_options.beyond_medication(
            failed,
            ctx.record.patient.age,
            ctx.policy,
            # Esketamine is labelled for MDD: not named while another depressive disorder is
            # the diagnosis (audit 16 W2; optimize/not_mdd.py says why).
            exclude=exclude
            | ect.exclude
            | blocked.exclude
            | (pathway_options.mdd_only() if ctx.facts.not_mdd else frozenset()),
            frailty=ctx.record.context.frailty,
            # ECT the patient declined, said on its line (review 16 W6); an option with a caveat
            # row on record names its cite, as the switch list names bupropion's.
            notes=_option_notes(ctx),
        ),
        blocked.line,
        ect.line,
        pathway_options.pgx_line(failed, ctx.record.pgx_results),
    ]


def basis(
    ctx: RuleContext, *extra_guidelines: str, evidence: Sequence[Evidence] | None = None
) -> list[str]:
    """What every variant of the card ends with: a TMS course of this episode, why no TMS, the
    trials table, scores, stage and guideline links. `evidence`: `card_evidence(ctx)` when the caller has built it already (the
    card carries it too: one trials table built, not two)."""
    if evidence is None:
        evidence = card_evidence(ctx)
    keys = ["canmat2023"]  # the staging line links its own source (Fekadu 2018)
    if populations.age_choices(ctx):
        keys.append("nice-ng134")
    keys.extend(extra_guidelines)
    course = episode_tms_course(ctx)
    return [
        unshown_line(ctx),
        held_orders.line(ctx),
        stale_score.newer_screen_line(ctx),
        stale_score.same_day_line(ctx),
        tms_episode_line(course, ctx.policy, rising(ctx.record, ctx.policy) if course else ""),
        no_tms.section(ctx, course),
        *cards.evidence_sections(*evidence),
        cards.guideline_links(*keys),
    ]


def unshown_line(ctx: RuleContext) -> str:
    """One line naming this episode's orders nothing shows were taken (review 14 recheck r09: a
    planned venlafaxine 225 mg/day, never filled, was named only in the trial table's --explain):
    "**Not shown taken:** venlafaxine 225 mg/day: ordered or planned 2024-10-01, no fill or
    statement on record. Confirm whether it was taken: not counted as a trial until then." A held
    order never filled is the adherence card's (it names it), not repeated here. "" when none."""
    start = ctx.facts.episode_start
    episode = ctx.facts.episode_trials
    courses = [
        t
        for t in ctx.record.trials
        if shown_not_taken(t)
        and t.role in PATHWAY_ROLES
        and (t.ongoing or in_current_episode(t, start))
        and not (t.on_hold is not None and t in episode)
    ]
    if not courses:
        return ""  # nearly every chart
    parts = [
        f"{dose_text(t)}: ordered or planned {ordered_on(t)}, no fill or statement on record"
        for t in courses
    ]
    which = "it was" if len(courses) == 1 else "each was"
    trial = "a trial" if len(courses) == 1 else "trials"
    return (
        f"**Not shown taken:** {'; '.join(parts)}. Confirm whether {which} taken: not counted as "
        f"{trial} until then."
    )


def _early_score(trial: Trial) -> str:
    """ "; last PHQ-9 21 on 2025-02-10, before it became adequate on 2025-02-17" for a course
    whose only on-treatment PHQ-9 predates adequacy (Trial.outcome_before_adequate), else ""."""
    score, adequate = trial.on_treatment, trial.adequate_from
    if not trial.outcome_before_adequate or score is None or adequate is None:
        return ""
    return (
        f"; last {score.instrument} {score.value} on {score.date.isoformat()}, before it became adequate on "
        f"{adequate.isoformat()}"
    )


# How fhir_mapping/taper.py notes a course whose sig takes the drug down to a stop.
_TAPER_NOTE = ": taper to a stop"


def taper_steps(trial: Trial) -> str | None:
    """The steps of the taper a running course's order describes ("75 mg/day for 14 days"; ""
    when the sig names none it can be read by), or None when it is not being tapered (review 10
    recheck R4). Read from the note fhir_mapping/taper.py leaves on the course, without the
    resource id it starts with. None too when a later record went on at a steady dose
    (Trial.being_tapered, s26 RK1 finding 2): that taper was not followed through."""
    if not trial.ongoing or not trial.being_tapered:
        return None
    for note in reversed(trial.notes):
        at = note.find(_TAPER_NOTE)
        if at >= 0:
            return note[at + len(_TAPER_NOTE) :].lstrip(":, ").removeprefix("steps not given")
    return None


def tapering_section(tapered: Sequence[Trial]) -> str:
    """Why no adjunct is offered: the antidepressant it would be added to is being stopped, so
    the decision is the next antidepressant (and the patient may have discontinuation symptoms
    meanwhile). "" when nothing is tapering."""
    if not tapered:
        return ""
    parts = []
    for t in tapered:
        steps = taper_steps(t)
        parts.append(
            f"{t.ingredient} is being tapered to a stop" + (f" ({steps})" if steps else "")
        )
    return (
        "**Tapering:** "
        + "; ".join(parts)
        + ". An adjunct needs an antidepressant that continues, so none is offered: choose the "
        "next antidepressant from the switch options; ask about discontinuation symptoms."
    )


def non_acute_risk_line(signal: SuicideSignal) -> str:
    """The line on an open suicide-risk card that is not acute (assessed and not high, a
    positive item 9 re-screened with a 0 since, an unreadable answer): nothing is held for it, so
    the proposals below stay one click, and the line asks for the step alongside them (an
    unreadable answer holds them: optimize/suicide_hold.py writes its line). "Before
    changing treatment" beside one-click adjuncts said one thing and did another (review 14 audit
    m02); only the acute line, which holds them, says "before" (optimize_switch_augment)."""
    if signal.level is SuicideLevel.FOUND:
        return (
            "**Suicide risk card open (current suicidal thoughts found on assessment):** confirm "
            "the safety plan today, alongside any change in treatment."
        )
    if signal.level is SuicideLevel.ASSESSED:
        # Only a C-SSRS, a documented risk level or a risk-assessment Procedure makes ASSESSED
        # (acute_risk.py): "assess risk" would ask for what is on record.
        return "**Suicide risk:** a recent positive finding has been assessed (see that card)."
    return (
        "**Suicide risk card open:** assess suicide risk today, alongside any change in treatment."
    )


def opening(ctx: RuleContext) -> list[str]:
    sections = []
    signal = ctx.facts.suicide
    if (
        signal is not None
        and not suicide_hold.today_holds(ctx)
        and not suicide_hold.unread_holds(signal)
    ):
        # An acute signal's line is written by optimize_switch_augment.rule, which also holds
        # the drug proposals as text while it is open (audit 13 WRONG 3); an unreadable item 9's
        # by optimize/suicide_hold.py, which holds them too (review s23 RO finding 1).
        sections.append(non_acute_risk_line(signal))
    history = suicide_risk_history.history_line(ctx.record, ctx.policy) if signal is None else ""
    if history:
        # An ED visit for suicidal ideation or self-harm in the past year, beyond the recent
        # window: history on this card when no suicide-risk card lists it among its risk
        # factors (review 16 second recheck W4; rules/suicide_risk_history.py).
        sections.append(history)
    inferred = [t for t in ctx.facts.failed_trials if t.outcome_inferred]
    if inferred:
        # Trial.failed counts a stopped adequate course with no PHQ-9 on it as failed (Fabbri
        # 2021); the card says which failures were inferred, so none is read as measured.
        # A PHQ-9 taken only before the course became adequate (review 7 finding 6) is named
        # with that date: it was measured, just too early to show the failure.
        early = any(t.outcome_before_adequate for t in inferred)
        sections.append(
            "**Failure inferred:** "
            + ", ".join(
                f"{t.ingredient} (stopped after {cards.fmt_weeks(t.weeks_at_adequate_dose)} "
                f"weeks at an adequate dose{_early_score(t)})"
                for t in inferred
            )
            + (": no PHQ-9 since it became adequate" if early else ": no PHQ-9 on treatment")
            + "; confirm the response with the patient."
        )
    unshown = [
        t
        for t in ctx.facts.episode_trials
        if t.verdict is Verdict.ADEQUATE and t.remission is False and t.response_not_ruled_out
    ]
    if unshown:
        # No baseline and a score that could still be a >= 50 % drop (fhir_mapping/
        # no_baseline.py, review K69a finding 4): not counted as failed, and said why.
        sections.append(
            "**Failure not shown:** "
            + ", ".join(
                f"{t.ingredient} ({t.outcome_scale} {t.on_treatment.value} on "
                f"{t.on_treatment.date.isoformat()})"
                for t in unshown
                if t.on_treatment is not None
            )
            + ": response not measurable (no PHQ-9 before the trial); confirm the response "
            "with the patient."
        )
    # A counted trial the record leaves open (a stated reason that is not depression, an inducer
    # beside it): the summary marks it "to confirm", and here is why (services/trial_count.py;
    # audit 13 WRONG 8 and 9: only the TMS card said so).
    confirm = trial_count.confirm_lines(ctx.facts.failed_trials, ctx.record)
    if confirm:
        sections.append("**To confirm:** " + "; ".join(confirm) + ".")
    restart = restarted.line(ctx.facts.failed_trials)  # session 21 G / G2
    if restart:
        sections.append(restart)
    residual = residual_episode.line(ctx.facts.failed_trials)  # review 15 recheck m05
    if residual is not None:
        sections.append(residual)
    sections.append(population_notes(ctx))
    return sections


def _option_notes(ctx: RuleContext) -> dict[str, str]:
    """The options' notes: a declined ECT (declined.option_notes), and the cites of the caveat
    rows on record for an option's drug ("esketamine nasal spray (caveat: SPRAVATO label, Boxed
    Warning: Abuse and Misuse; ...)": review K35c finding 2), the caveat itself being the card's
    "if considered" line."""
    notes = declined.option_notes(ctx)
    for option in pathway_options.options():
        cites = populations.caveat_cites(ctx, option, "")
        if cites:
            said = "caveat: " + "; ".join(dict.fromkeys(cites))
            notes[option] = f"{notes[option]}; {said}" if option in notes else said
    return notes
