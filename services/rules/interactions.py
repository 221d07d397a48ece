"""patient-view: two running drugs that interact (review 7 finding 5), beyond the MAOI table.

The order hooks check a pair when it is ordered (order_checks/interactions.py); a chart can still
hold both running (started by another prescriber: tramadol from the pain clinic, tamoxifen from
oncology). One card per patient for every pair found in data/drug_interactions.csv
(services/interaction_table.py), at the highest severity among them, so several pairs do not make
several cards. Pairs the table marks `info` (clozapine with sertraline: monitor) are left to the
order hooks: a stable regimen is not a card on every chart view. So is a row whose chart_severity
is info (an NSAID beside an SSRI or SNRI: a warning when either is ordered, no card once both run;
review 12 recheck q14): a listed NSAID, often as needed, beside an SSRI is common and usually
intended, and a warning on every chart open would teach the reader to skip the card. When the card
shows anyway (apixaban beside the SSRI), those info pairs are named in its detail too: the reader
then sees every bleeding risk the table knows at once, at no cost in noise.

A safety card: it speaks whatever the pathway stage (in remission, tramadol with venlafaxine is
still a seizure and serotonin-syndrome risk). Snoozable with a reason (data/topics.csv): a
deliberate, monitored combination (clozapine already at a third of its dose) is the prescriber's
call. Nothing is one-click: which drug to change is the prescribers' decision.
"""

from __future__ import annotations

from services import cards, interaction_table, screen
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext

TOPIC = "drug-interaction"


def rule(ctx: RuleContext) -> Recommendation | None:
    every = interaction_table.pairs(interaction_table.running(ctx.record))
    found = [p for p in every if p.severity is not Indicator.INFO]
    if not found:
        return None
    # Most severe first (pairs() sorts them): the info pairs come last in the detail.
    card = cards.make(
        TOPIC,
        summary=found[0].summary(len(every) - 1),
        detail=cards.join_sections(*(p.text() for p in every), interaction_table.NOT_CHECKED),
        indicator=interaction_table.highest(found),
    )
    # Its own snooze fingerprint: the two drugs and the table rows of each pair, so a pair that
    # appears later (tramadol added beside a snoozed clozapine-fluvoxamine) brings the card back.
    key = screen.pairs_key(
        "+".join(sorted((p.first.ingredient, p.second.ingredient)))
        + "|"
        + ";".join(sorted(row.id for row in p.rows))
        for p in found
    )
    return screen.with_fields(card, evidence_key=key)
