"""The falls check of a drafted antidepressant in an older adult (review s21 RD finding 2).

AGS Beers 2023 Table 3 (history of falls or fractures) names antidepressants (TCAs, SSRIs, SNRIs)
among the drugs to avoid unless safer alternatives are not available: data/older_adult_cautions.csv,
the `falls` row. Until now that row was read only inside the strongly-anticholinergic check
(order_checks/older_adults.py), so sertraline, escitalopram, duloxetine or venlafaxine drafted at 85
with "History of falling" coded gave no word about the falls.

One card for the draft, only when:
- the patient is at or above the row's age and the draft's class is one the row names (mirtazapine
  and bupropion are not named by Beers: no card, as the table says);
- a fall is on record (data/falls_codes.csv);
- no anticholinergic card is raised for the same draft: that card already carries the falls line
  (older_adults.anticholinergic_check), and a second card would say the same thing twice.

A renewal of a drug already running at the same dose or lower (order_hook_skips.continues_running;
review s21 RR finding 8: venlafaxine 225 renewed at 85 after months at 225 read "start low, go
slowly") is information instead: Beers' advice for a drug already taken is to review whether it is
still needed, and "start low" does not fit a drug that has started. The warning stays for a new
start or a raise, and when the doses cannot be compared (the safer reading).

A warning otherwise, as the anticholinergic card is: Beers' word is "avoid", the harm (a fall, a fracture at
85) is serious, and a clinician may still choose the drug knowingly (it is often the depression's
best option). Not snoozable: a safety check of one order (data/topics.csv).
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder, Trial
from services import cards, older_adult_cautions, taken_to_confirm
from services.order_checks import older_adults
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.order_hook_skips import continues_running
from services.recommendation import Indicator
from services.rules.context import RuleContext

TOPIC = "order-older-adult-falls"


def falls_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    age = ctx.record.patient.age
    row = older_adult_cautions.falls_row(draft.drug_class, age)
    if row is None or age is None:
        return None
    falls = older_adult_cautions.falls_on_record(ctx)
    if not falls or older_adults.beers_row(ctx, draft) is not None:
        return None
    name = draft.ingredient.capitalize()
    words = older_adult_cautions.falls_words(falls)
    dose = draft_dose(draft) if draft.dose_basis is DoseBasis.DAILY else "dose not read"
    running = continues_running(ctx, draft)
    if running is not None:
        return OrderCheck(
            TOPIC,
            draft,
            cards.fit_summary(
                f"{name} at {age} with {words} on record: review whether it is still needed "
                f"({row.cite})",
                f"{name} at {age} with falls on record: review whether it is still needed "
                f"({row.cite})",
            ),
            cards.join_sections(
                f"**{name} {dose} drafted at age {age}:** {_since(running)}; this order does "
                "not raise its dose.",
                older_adult_cautions.falls_line(row, falls),
                "Review whether it is still needed, and falls at each follow-up.",
                older_adult_cautions.source_line(row),
            ),
            indicator=Indicator.INFO,
        )
    summary = cards.fit_summary(
        f"{name} at {age} with {words} on record: {row.cite} advises avoiding "
        f"{draft.drug_class}s after falls unless no safer option",
        f"{name} at {age} with {words} on record: fall risk ({row.cite})",
        f"{name} at {age} with falls on record: fall risk ({row.cite})",
    )
    detail = cards.join_sections(
        f"**{name} {dose} drafted at age {age}.**",
        older_adult_cautions.falls_line(row, falls),
        "If it is still the choice, start low, go slowly and review falls at each follow-up.",
        older_adult_cautions.source_line(row),
    )
    return OrderCheck(TOPIC, draft, summary, detail)


def _since(running: Trial) -> str:
    """ "running since 2024-03-01", or "listed (order of 2024-03-01 still active, last filled
    2024-03-02)" for a course the record no longer shows taken (Trial.listed, session 23 L2
    item 1)."""
    if running.listed:
        return f"listed ({taken_to_confirm.trial_listing(running)})"
    claim = taken_to_confirm.trial_claim(running)  # supply ran out: its table's words (s23 RPC)
    if claim.why:
        return f"since {running.start.isoformat()} ({claim.verb}: {claim.why})"
    return f"running since {running.start.isoformat()}"
