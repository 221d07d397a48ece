"""One request for the repeat PHQ-9: the measurement card (measurement_based_care.py) yields to
the optimise card when that card already asks for the same PHQ-9 with every reason the
measurement card would give (review s23 RT finding 8; review s24 RN findings 5 and 6)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from fhir_mapping.record import Score, Trial
from services import data_gaps, no_phq9_words, phq9_disagreements
from services.recommendation import Recommendation
from services.rules.context import RuleContext
from services.rules.measurement_based_care import TOPIC, measured
from services.rules.measurement_due import due_reason, newer_preliminary_phq9
from services.rules.optimize import stale_score
from services.rules.optimize.card import TOPIC as OPTIMISE_TOPIC


def yield_to_optimise(
    ctx: RuleContext, shown: list[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`shown` without this card when the optimise card on the screen already asks for the same
    PHQ-9 (review s23 RT finding 8): "1 adequate trial failed (escitalopram); last PHQ-9 18 on
    2026-08-23 (3 months ago): repeat before switching or augmenting" beside "On escitalopram
    since 2026-07-04; no PHQ-9 total in 100 days: repeat the PHQ-9" was one request made twice.
    The optimise card's is the clearer (it says what the repeat decides and holds the orders
    until then: optimize/stale_score.py), so this one yields, when that card says every reason
    this one gives (`_said_there`): the interval; the newer PHQ-2 / PHQ-8 / EPDS whose item 9 was
    not asked and the results named PHQ-9 not read (review s24 RN finding 6: the optimise card
    names them, stale_score.newer_words); a latest total whose answers disagree with it, which
    the optimise card names the same way (review s24 RN finding 5: "PHQ-9 total filed 22, items
    sum to 12 on 2026-11-16: check the form" twice). A form to score, a preliminary total to
    review or an unanswered item 9 (its own topic) are other requests and stay; so does this
    card while the optimise card is `hidden` (snoozed: it asks nothing on this screen)."""
    topics = {rec.topic for rec in shown} - set(hidden)
    if TOPIC not in topics or OPTIMISE_TOPIC not in topics:
        return shown
    score = stale_score.stale(ctx)
    latest = ctx.facts.latest_phq9
    ongoing = measured(ctx)
    if latest is None or not ongoing:
        return shown
    if score is None and latest.total_conflict is None:
        return shown  # a recent score and no form to check: the optimise card asks nothing
    optimise = next(rec for rec in shown if rec.topic == OPTIMISE_TOPIC)
    if not _said_there(ctx, optimise, max(ongoing, key=lambda t: t.start), latest, score):
        return shown
    return [rec for rec in shown if rec.topic != TOPIC]


def _said_there(
    ctx: RuleContext, optimise: Recommendation, trial: Trial, latest: Score, score: Score | None
) -> bool:
    """Whether the optimise card says every reason this card would give for its PHQ-9
    (`yield_to_optimise`): read from what it says, so a card whose stale line was not added
    (it asks for a PHQ-9 in its own words: stale_score.hold's `asks_already`) keeps this one."""
    unrecognised = data_gaps.unrecognised_phq9(ctx.record)
    why = due_reason(ctx, trial, latest, unrecognised)
    if why is None or newer_preliminary_phq9(ctx, latest) is not None:
        return False
    if latest.total_conflict is not None:
        # The form to check: said alike on the optimise card ("PHQ-9 total filed 22, items sum
        # to 12 on 2026-11-16: check the form before switching or augmenting").
        words = phq9_disagreements.conflict_words(latest)
        section = phq9_disagreements.conflict_section(latest)
        return why == f"PHQ-9 {words}" and words in optimise.summary and section in optimise.detail
    if score is None or not why.startswith(_INTERVAL):
        return False  # a form to score (phq9_no_total) and the like: another request
    since, short, line = stale_score.newer_words(ctx, score)
    if since and since[2:] not in optimise.summary and short[2:] not in optimise.summary:
        return False  # the newer screen, item 9 not asked, must stay visible
    unread = no_phq9_words.unread_since(ctx.record, score.date)
    # Results named PHQ-9 not read: each must be named on the optimise card.
    return len(unread) == len(unrecognised) and (not unread or line in optimise.detail)


# The openings of due_reason's interval reason ("no PHQ-9 total in 100 days", "no PHQ-9 total that
# could be read in 183 days").
_INTERVAL = ("no PHQ-9 total in ", "no PHQ-9 total that could be read in ")
