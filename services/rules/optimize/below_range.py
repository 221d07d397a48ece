"""An adjunct running below its CANMAT 2023 Table 7.2 range past the grace weeks (review 10
finding 6), the section the optimise card shows instead of the augment list
(`below_range_section`): raise it or change strategy. One dosed to a serum level (lithium:
recheck R1) is never told to raise its mg/day: its section names the latest level against the
target, the renal function and the running drugs that raise it, and its summary says "adjust by
level" (`level_guided_summary`).

Apart from the augment paragraph (augment.py), which lists adjuncts to add: this one speaks of
an adjunct already given, and reads its levels and interactions.
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import cards, interaction_table, lab_safety, level_monitoring, trial_dates
from services.card_format import plural
from services.dose_raises import change_from
from services.order_doses import trial_dose
from services.rules.context import RuleContext
from services.rules.optimize import ruled_against
from services.rules.optimize.adjunct_level import (
    LevelState,
    LevelStep,
    dosed_by_level,
    level_step,
    reading,
)
from services.rules.optimize.courses import not_tolerated
from services.rules.optimize.room import report_hold
from services.rules.optimize.stopped_dose import stopped_sentence
from services.rules.optimize.wording import dose_text, drop_text, range_top
from services.site_ceiling import site_words


def _phq_text(trial: Trial) -> str:
    """The PHQ-9 on the course as the summary reads it (on_treatment): "PHQ-9 18 (2025-01-06) →
    21 (2025-05-19), ..." with a baseline, "PHQ-9 21 on 2025-05-19 (no baseline)" without one,
    never "not measured" beside a summary that quotes the score (recheck R1)."""
    score, before = trial.on_treatment, trial.baseline
    if (before is None or before.value is None) and score is not None and score.value is not None:
        # Kept short here (meds44: drop_text now says the same at length, "response not
        # measurable: no baseline ..."); an adjunct's line names the score and the missing baseline.
        return f"{score.instrument} {score.value} on {score.date.isoformat()} (no baseline)"
    return drop_text(trial)


def below_range_section(ctx: RuleContext, trial: Trial) -> str:
    """An adjunct running below its CANMAT 2023 Table 7.2 range past the grace weeks (review 10
    finding 6; courses.below_range_adjuncts): named with its start, weeks, range and PHQ-9, and
    the two ways on (raise it, or change strategy). Another adjunct is not offered as an order
    beside it: one click would stack a third drug on a regimen whose adjunct was never given a
    fair dose; replacing it is the safer default (a design choice, not a guideline statement; the
    clinician can still order one)."""
    if dosed_by_level(trial.ingredient):
        return _level_section(ctx, trial)
    # Only an adjunct dosed by its level reaches here at or above its mg/day minimum
    # (courses.below_range_adjuncts: its level below the target).
    top = range_top(ctx, trial)
    # The market's label where it stops below Table 7.2 (mirtazapine 45 in the US: review s19
    # item 4) says so; else the table alone.
    table = "CANMAT 2023 Table 7.2"
    where = site_words(ctx.policy, trial, top, table) or f" ({table})"
    weeks = (trial.end - trial.start).days // 7
    text = (
        f"**Adjunct below its range:** {dose_text(trial)} added {trial.start.isoformat()} "
        f"({plural(weeks, 'week')}) is below the adjunct range {cards.fmt_mg(trial.min_adequate_mg)}-"
        f"{cards.fmt_mg(top)} mg/day{where}; "
        f"{_phq_text(trial)}: raise it or change strategy (below: replace it or switch). "
        "Another adjunct is named, not offered as an order, while it runs."
    )
    if trial.ingredient in not_tolerated(ctx):
        text += " A reaction to it is on record: raise it only if it is tolerated now."
    # A dose only reported: confirmed before the raise, which is not one click (room.report_hold).
    reported = report_hold(trial)
    if reported is not None:
        text += f" {reported}"
    # A dose of it stopped for an adverse effect is not proposed again (stopped_dose.stopped_cap, which
    # the raise order reads too: orders.raise_dose_suggestion).
    return text + stopped_sentence(trial)


# --- an adjunct dosed to a serum level (lithium: recheck R1; review s21 RF finding 3) ------------


def _raisers(ctx: RuleContext, trial: Trial) -> list[str]:
    """Running drugs the interaction table says raise this drug's level ("lisinopril")."""
    rows = interaction_table.rows_about(trial.ingredient)
    if not rows:
        return []
    return sorted(
        {
            taking.ingredient
            for taking in interaction_table.running(ctx.record)
            if any(row.names(taking.ingredient) for row in rows)
        }
    )


def _level_section(ctx: RuleContext, trial: Trial) -> str:
    """An adjunct dosed to a serum level (augmentation_agents.csv dose_by_level: lithium) below
    the mg/day range of Table 7.2 (recheck R1), or at any mg/day with its level below the target
    (review s21 RF finding 3). The mg/day says nothing about the level it gives at this age,
    kidney function and with these drugs: doubling the dose of a 78-year-old with eGFR 45 and a
    level of 0.7 mmol/L roughly doubles the level, into toxicity. So the card says to adjust it
    to its level, naming the latest level, creatinine/eGFR and the running drugs that raise it,
    and never offers a dose change as one click (orders.raise_dose_suggestion). Below the target
    it is raised toward it first (CANMAT 2023 Figure 7.1, para 187: optimise before adding); a
    level not today's (older than policy.adjunct_level_current_days, or taken before the dose
    running now) is named with its date and a new one asked for first."""
    found = reading(ctx, trial)
    assert found is not None  # dosed_by_level: the caller's test
    target = f"a level of {found.bounds()}" if found.rule is not None else "its serum level"
    if found.rule is not None and found.rule.check.endswith("-older"):
        # The older-adult target (lab_safety.csv lithium-target-older): say whose it is.
        # (the level line below names its source).
        target = f"a level of {found.bounds()}, the target at {ctx.policy.older_adult_age} and over"
    labs = (
        lab_safety.lithium_level_text(ctx.record, ctx.policy)
        if trial.ingredient == "lithium"
        else found.words()
    )
    raisers = _raisers(ctx, trial)
    running = f"; {', '.join(raisers)} running, which raises the level" if raisers else ""
    state = found.state
    if state is LevelState.IN:
        way = (
            "At a level within the target it has had a fair dose: if it has not helped, change "
            "strategy (below: replace it or switch) rather than raise it."
        )
    elif state is LevelState.BELOW and found.fell_from is not None:
        # Undetectable after a level in range on the same dose (labs31 item 2).
        was = lab_safety.text(found.fell_from)
        way = (
            f"Its level fell to {found.short().removeprefix('level ')} after {was} on the same "
            f"dose: check adherence and {_timing(trial)} before any raise; a raise on a missed "
            "dose or a mistimed sample risks toxicity once the doses are taken."
        )
    elif state is LevelState.BELOW and (against := ruled_against.sentence(ctx, trial)):
        # Below the target but ruled against here (lithium at eGFR 25: K63b finding 6): the
        # raise toward it is no step, whatever the level says.
        way = f"Below the target, but: {against}"
    elif state is LevelState.BELOW:
        way = (
            f"Below the target it has not had a fair dose yet: raise it toward {found.bounds()} "
            f"first (CANMAT 2023 para 187: optimise before adding), with a level {_steady(trial)} "
            "after each change, or change strategy (below: replace it or switch)."
        )
    elif state is LevelState.EARLY:
        way = (
            f"Its level is too early after the {found.change_words()}: {found.repeat_text()} "
            "before any dose change or another adjunct."
        )
    elif state is LevelState.HIGH_BEFORE:
        way = (
            f"Its {found.high_words()} came before the last: do not raise it on the later level; "
            "find out why it fell (held or stopped for toxicity?) and check the level and "
            "creatinine/eGFR before any dose change or another adjunct."
        )
    elif state in (LevelState.NONE, LevelState.UNKNOWN):
        way = (
            "Check the level and creatinine/eGFR before any dose change, or change strategy "
            "(below: replace it or switch)."
        )
    elif not found.todays:
        way = (
            f"Its {found.words()} is not today's: check the level and creatinine/eGFR before "
            "any dose change or another adjunct, or change strategy (below: replace it or "
            "switch)."
        )
    else:
        way = "Adjust it to the level, or change strategy (below: replace it or switch)."
    return (
        f"**Adjunct dosed by its level:** {_course_text(trial)}; "
        f"{_phq_text(trial)}: adjust {trial.ingredient} to {target} (check "
        f"level, renal function, interacting drugs); {labs}{running}. Its dose is set by the "
        f"level, not by the {cards.fmt_mg(trial.min_adequate_mg)}-"
        f"{cards.fmt_mg(range_top(ctx, trial))} mg/day range (CANMAT 2023 Table 7.2), so no dose "
        f"change is offered as a ready-to-accept order. {way} Another adjunct is named, not "
        "offered as an order, while it runs."
    )


def level_guided_summary(ctx: RuleContext, trial: Trial) -> str | None:
    """The card summary for an adjunct dosed by level below its mg/day range or its level
    target: "Lithium 600 mg/day since 2026-09-10, PHQ-9 23: raise lithium toward 0.5-0.8 mmol/L
    first (level 0.3 on 2026-11-20)"; a level not today's: "...: check a lithium level first
    (last 0.3 on 2026-01-20)"; None for any other drug (the mg/day summary)."""
    found = reading(ctx, trial)
    if found is None:
        return None
    name, dose = trial.ingredient.capitalize(), trial_dose(trial)
    score = trial.on_treatment
    phq = (
        f"{score.instrument} {score.value}"
        if score is not None and score.value is not None
        else "no PHQ-9 on it"
    )
    since = _present_since(trial)
    # The step is adjunct_level.level_step's, the one other cards say first (first_words).
    step = level_step(found)
    against = ruled_against.short(ctx, trial) if step is LevelStep.RAISE else None
    if against is not None:
        # Below the target but ruled against here (K63b finding 6: "raise lithium toward
        # 0.5-0.8 mmol/L first" at eGFR 25): what rules against it, never the raise.
        act = f"review {trial.ingredient}, no raise ({against})"
        return cards.fit_summary(
            f"{name} {dose} since {since}, {phq}: {act}",
            f"{name} {dose}, {phq}: {act}",
            f"{name} {dose}: {act}",
            f"{name} {dose} since {since}, {phq}: review {trial.ingredient}, no raise",
            f"{name}: review {trial.ingredient}, no raise",
        )
    if step is LevelStep.RAISE:
        act = f"raise {trial.ingredient} toward {found.bounds()} first"
        return cards.fit_summary(
            f"{name} {dose} since {since}, {phq}: {act} ({found.short()})",
            f"{name} {dose}, {phq}: {act} ({found.short()})",
            f"{name} {dose}: {act} ({found.short()})",
            f"{name}: {act}",
        )
    # A summary that asks for a level first says no PHQ-9 (review s24 RN finding 9: "Lithium
    # 900 mg/day, PHQ-9 23: repeat the level"): the score judges the response, which waits for
    # the level; the detail keeps it. A raise or an adjustment by level still names it (below
    # the target, it is why the dose goes up).
    if step is LevelStep.ADHERENCE and found.fell_from is not None:
        number = lab_safety.value(found.fell_from)
        before = cards.fmt_mg(number) if number is not None else "a level in range"
        act = f"check adherence and {_timing(trial)} before raising"
        return cards.fit_summary(
            f"{name} {dose}, {found.short()} after {before} on the same dose: {act}",
            f"{name} {dose}, {found.short()}: {act}",
            f"{name}: {act} ({found.short()})",
            f"{name}: {act}",
        )
    if step is LevelStep.REPEAT:
        act = f"{found.repeat_text()} ({found.short()}, too early after the {found.change_words()})"
        # No "since" the course's start: the dose is that of the change the act names.
        return cards.fit_summary(
            f"{name} {dose}: {act}",
            f"{name} {dose}: {found.repeat_text()}",
            f"{name}: {found.repeat_text()}",
        )
    if step is LevelStep.CHECK_HIGH and found.high is not None:
        high = lab_safety.value(found.high)
        was = f"{cards.fmt_mg(high) if high is not None else 'a high level'} on {found.high.date}"
        over = "at the toxicity line" if found.toxic is not None else "above target"
        act = f"level {was} ({over}) before the last: check before any dose change"
        return cards.fit_summary(
            f"{name} {dose} since {since}: {act} ({found.short()})",
            f"{name} {dose}: {act}",
            f"{name}: check the level before any dose change",
        )
    if step is LevelStep.CHECK:
        act = f"check a {trial.ingredient} level first"
        last = f"last {found.short().removeprefix('level ')}"
        return cards.fit_summary(
            f"{name} {dose} since {since}: {act} ({last})",
            f"{name} {dose}: {act} ({last})",
            f"{name}: {act}",
        )
    act = (
        "check level and eGFR before any dose change"
        if not found.todays
        else "adjust by level or change strategy"
    )
    level = found.words()
    return cards.fit_summary(
        f"{name} {dose} {_added(trial)}, {level}; {phq}: {act}",
        f"{name} {dose}, {level}; {phq}: {act}",
        f"{name} {dose}, {level}: {act}",
        f"{name} is dosed by its level: {act}",
    )


# The running dose dated from its own start (review s26 RK1 finding 4: "Lithium 900 mg/day since
# 2026-09-10" and "900 mg/day added 2026-09-10 (11 weeks)" for a dose raised from 600 five days
# before its level: a level of 0.3 read as eleven weeks on 900), as the antidepressant cards date
# it (trial_dates.dose_since), with the dose it came from (dose_raises.change_from).


def _present_since(trial: Trial) -> str:
    """ "since 2026-09-10" (one dose the whole course); "since 2026-11-17, raised from 600" (the
    dose began later: its own start and the dose before it)."""
    began = trial_dates.dose_began(trial)
    if began is None:
        return trial.start.isoformat()
    change = change_from(trial)
    return f"{began.isoformat()}{f', {change}' if change else ''}"


def _added(trial: Trial) -> str:
    """ "added 2026-09-10 (11 weeks)"; "since 2026-11-17 (2 weeks), raised from 600" when the
    running dose began after the course (its time that at the dose: days under a week)."""
    began = trial_dates.dose_began(trial)
    if began is None:
        return f"added {trial.start.isoformat()} ({_length(trial.end.toordinal() - trial.start.toordinal())})"
    change = change_from(trial)
    length = _length(trial.end.toordinal() - began.toordinal())
    return f"since {began.isoformat()} ({length}){f', {change}' if change else ''}"


def _length(days: int) -> str:
    """ "11 weeks", "5 days" (under a week: "0 weeks" said nothing)."""
    return plural(days // 7, "week") if days >= 7 else plural(days, "day")


def _course_text(trial: Trial) -> str:
    """The detail's course: "lithium 900 mg/day added 2026-09-10 (11 weeks)"; "lithium added
    2026-09-10 (11 weeks); 900 mg/day since 2026-11-17 (0 weeks), raised from 600"."""
    if trial_dates.dose_began(trial) is None:
        return f"{dose_text(trial)} {_added(trial)}"
    course = plural((trial.end - trial.start).days // 7, "week")
    return (
        f"{trial.ingredient} added {trial.start.isoformat()} ({course}); "
        f"{trial_dose(trial)} {_added(trial)}"
    )


def _steady(trial: Trial) -> str:
    """ "5-7 days": when a level is drawn after a change (data/level_monitoring.csv)."""
    interval = level_monitoring.interval_for(trial.ingredient)
    return interval.steady_days() if interval is not None else "at steady state"


def _timing(trial: Trial) -> str:
    """ "timing (12 h trough)": when the level is drawn (data/level_monitoring.csv)."""
    interval = level_monitoring.interval_for(trial.ingredient)
    said = interval.sample_timing if interval is not None else ""
    return f"timing ({said})" if said else "sample timing"
