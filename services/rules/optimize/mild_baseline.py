"""A running trial started at mild severity that ends with residual mild symptoms (review 15 W1).

Sertraline 50 mg from PHQ-9 9 to 6 after 14 weeks was called "1 adequate trial failed" and
one-click aripiprazole was offered at PHQ-9 6. From a baseline below the moderate band (PHQ-9 < 10,
MappingPolicy.failure_min_baseline_phq9; another scale's own floor) a >= 50 % drop is a few points
and says little, and a score still below that floor on treatment is residual mild symptoms:
Trial.mild_residual, never a failed trial. CANMAT 2023's sequence for them is to optimise the dose
(higher doses within the range work better, para 187) and add psychological treatment early
(Figure 7.1, paras 185-186); an adjunct or a switch is the step after an inadequate response in
moderate or severe depression. So the card says the baseline, that response cannot be judged, the
residual score, and the dose room and psychotherapy; it proposes nothing one click (a raise is the
prescriber's call on a mild picture), and it is an information card.

Quiet (no card) when the residual score is older than the measurement interval: the
measurement-based-care card asks for a new PHQ-9 first, as for a responding course.
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.record import Trial, Verdict
from services import cards
from services.order_doses import trial_dose
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.optimize.stopped_dose import stopped_cap
from services.rules.optimize.wording import dose_since_text, range_top, short_drop
from services.site_ceiling import site_words


def mild_residual(current: tuple[Trial, ...]) -> tuple[Trial, ...]:
    """The current courses judged adequate whose scores go from a mild baseline to residual mild
    symptoms (Trial.mild_residual). One not yet adequate is left to run (courses.not_yet_judged)."""
    return tuple([t for t in current if t.verdict is Verdict.ADEQUATE and t.mild_residual])


def _room(ctx: RuleContext, trial: Trial) -> str:
    """ "consider raising sertraline within 50-200 mg/day (now 50 mg/day)", or "" when the
    running dose is at the top of its range for this patient (or no range is on record)."""
    # The formulation's own ceiling where its label sets one (bupropion SR 400: review 15 W3),
    # the market's label where it stops lower (mirtazapine 45 in the US: review s19 item 4).
    top = range_top(ctx, trial)
    upper, low = trial.current_mg_per_day_upper, trial.min_adequate_mg
    if top is None or upper is None or low is None:
        return ""
    where = site_words(ctx.policy, trial, top)
    # Never toward a dose stopped for an adverse effect (stopped_dose.stopped_cap: the one rule).
    cap = stopped_cap(trial)
    if cap is not None and cap[0] < top:
        top, where = cap
    if upper >= top:
        return ""
    return (
        f"consider raising {trial.ingredient} within {cards.fmt_mg(low)}-{cards.fmt_mg(top)} "
        f"mg/day{where} (now {trial_dose(trial)}; higher doses within the range are more effective, "
        f"CANMAT 2023 para 187) and repeat the {_rescore(trial)} after the change; "
    )


def _rescore(trial: Trial) -> str:
    """The scale to repeat: the one the course was judged on (audit 15 M7: a course measured by
    MADRS only was told to "repeat the PHQ-9"), with a PHQ-9 as the alternative the pathway's
    other cards read."""
    scale = trial.on_treatment.instrument if trial.on_treatment is not None else "PHQ-9"
    return "PHQ-9" if scale == "PHQ-9" else f"{scale} or a PHQ-9"


def _episode(trial: Trial) -> str:
    """ "PHQ-9 19 (2024-09-02)": the episode baseline of a course inside a responding moderate
    or severe episode (Trial.episode_baseline, review 15 recheck m05), else ""."""
    peak = trial.episode_baseline
    return "" if peak is None else f"{peak.instrument} {peak.value} ({peak.date.isoformat()})"


def _section(ctx: RuleContext, trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None:  # never: mild_residual has both
        return ""
    scale = after.instrument
    floor = trial.outcome_moderate_from
    episode = _episode(trial)
    if episode:
        # Not "a mild baseline": the course began from what an earlier course left of a
        # moderate or severe episode, and the episode has more than halved since.
        head = (
            f"**Residual symptoms after a response of the episode:** episode baseline {episode}; "
            f"{dose_since_text(trial)}: {scale} {before.value} "
            f"({before.date.isoformat()}) → {after.value} ({after.date.isoformat()}), a >= 50 % "
            "drop from the episode baseline (response, CANMAT 2023 para 180) without remission: "
            "not counted as a failed trial."
        )
    else:
        head = (
            f"**Residual symptoms from a mild baseline:** {dose_since_text(trial)}: "
            f"{scale} {before.value} ({before.date.isoformat()}, below "
            f"the moderate band's {floor}) → {after.value} ({after.date.isoformat()}). Response "
            "(a >= 50 % drop, CANMAT 2023 para 180) cannot be judged from a mild baseline: not "
            "counted as a failed trial."
        )
    return (
        f"{head} For the residual symptoms (CANMAT 2023 Figure 7.1, paras "
        f"185-187): {_room(ctx, trial)}add psychological treatment (CBT or IPT) if not under "
        "way. Switching or adding an adjunct is not proposed on residual mild symptoms."
    )


def residual_card(ctx: RuleContext, mild: tuple[Trial, ...]) -> Recommendation | None:
    """The information card for `mild` (non-empty): what the scores show and what to optimise;
    None when every residual score is older than the measurement interval."""
    fresh = ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days)
    recent = [t for t in mild if t.on_treatment is not None and t.on_treatment.date >= fresh]
    if not recent:
        return None
    sections = opening(ctx)
    sections.extend(_section(ctx, t) for t in recent)
    first = recent[0]
    before, after = first.baseline, first.on_treatment
    if before is None or after is None:  # never: mild_residual has both
        return None
    name, scale = first.ingredient.capitalize(), after.instrument
    head = f"{name}: baseline {scale} {before.value} (mild), response cannot be judged; residual"
    peak = first.episode_baseline
    summary = (
        cards.fit_summary(
            f"{name}: residual symptoms at {after.value} after the episode's response from "
            f"{peak.instrument} {peak.value}: optimise the dose or add psychotherapy",
            f"{name}: residual symptoms at {after.value} (episode baseline {peak.instrument} "
            f"{peak.value}): optimise the dose or add psychotherapy",
            f"{name}: residual symptoms at {after.value} after response: optimise",
        )
        if peak is not None
        else cards.fit_summary(
            f"{head} symptoms at {after.value}: optimise the dose or add psychotherapy; no switch or "
            "adjunct",
            f"{head} symptoms at {after.value}: optimise the dose or add psychotherapy",
            f"{head} symptoms at {after.value}: optimise",
            f"{name} from a mild baseline ({short_drop(first)}): residual symptoms, optimise",
        )
    )
    evidence = card_evidence(ctx)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *basis(ctx, evidence=evidence)),
        suggestions=[],
        indicator=Indicator.INFO,
        evidence=evidence,
    )
