"""A running course another card rules against (review K63b finding 6): its dose is reviewed, never
raised.

The optimise card's one-click raise was already held beside such a card (one_click_hold: the
running-drug caution, renal and interaction cards hold what keeps the drug going), but its text
still proposed the raise: "review bupropion with epilepsy first, then raise bupropion from 300
toward 450 mg/day"; "then raise duloxetine from 60 toward 120 mg/day" beside cirrhosis;
"Raise it first if tolerated: to 30 mg/day" for paroxetine while the interaction card prefers
venlafaxine over it beside tamoxifen. A raise of a drug the label contraindicates or says to
avoid here is no step at all: whether it continues comes first, and switching is the likely
answer. So the dose-first section names what rules against it and asks for that review, its
summary gives way to the switch (room.py holds the raise with `SHORT`; dose_first.section).

The facts are the holding cards' own, read here the same way:
- a pair of the running-drug caution card (rules/running_cautions.pairs: a label
  contraindication or "avoid", a "never" row of a finding on record; an information pair, a
  teratogen where pregnancy is only possible, holds nothing there and nothing here);
- the drug's renal "avoid" band at the kidney reading on record (renal_doses.avoided: duloxetine
  or lithium below 30; a reading that only may be in the band is left to the renal card's words);
- an interaction card pair that is critical ("do not combine"), or whose row prefers another
  antidepressant over this one (data/drug_interactions.csv `prefer_switch`: tamoxifen, clopidogrel).
A snooze of one of those cards is not read: continuing a drug after discussion is a decision
about keeping it, not about raising it (the safer reading keeps "review", never "raise").
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import interaction_table, renal_doses
from services.recommendation import Indicator
from services.rules.context import RuleContext

# The few words of the hold (Room.hold_short): the section and the summary read the raise as
# ruled out by it.
SHORT = "ruled against"
# What the dose-first section asks instead of a raise.
_ASK = (
    "review whether it continues, and switch if not (not abruptly without a plan); no raise is "
    "proposed."
)


def sentence(ctx: RuleContext, trial: Trial) -> str | None:
    """ "No raise: Epilepsy, unspecified ... on record rules against bupropion (contraindicated in
    seizure disorders; the running-drug caution card): review whether it continues ..." for a course
    another card rules against (module docstring), else None."""
    found = _found(ctx, trial.ingredient)
    return None if found is None else f"No raise: {found[0]}: {_ASK}"


def short(ctx: RuleContext, trial: Trial) -> str | None:
    """The same in a few words for a summary ("not recommended at eGFR 25 on 2025-05-12"), or
    None."""
    found = _found(ctx, trial.ingredient)
    return None if found is None else found[1]


def review_words(trial: Trial) -> str:
    """What another card says first instead of a raise of `trial` when `short` finds what rules
    against it: "review lithium, no raise". The TMS card's "raise lithium to its target level
    first" (first_steps.raise_first) and the residual-response summary read a level below the
    target as a raise beside the optimise card's own "review lithium, no raise" (opt63 finding
    1); what rules against it is said in their detail (a summary has no room for "positive
    pregnancy test (Choriogonadotropin ...) on record")."""
    return f"review {trial.ingredient}, no raise"


def _found(ctx: RuleContext, name: str) -> tuple[str, str] | None:
    """What rules against `name`: the sentence's words and the summary's, or None."""
    return _caution(ctx, name) or _renal(ctx, name) or _interaction(ctx, name)


def _caution(ctx: RuleContext, name: str) -> tuple[str, str] | None:
    # The running-drug caution card reads the optimise card's modules (its psychotic variant,
    # its hold), which read this one: imported when asked, never at import.
    from services.rules import running_cautions

    found = [p for p in running_cautions.pairs(ctx) if p.taking.ingredient == name and not p.info]
    if not found:
        return None
    first = next((p for p in found if p.critical), found[0])
    note = first.short_note or first.note
    on_record = "" if first.screen else " on record"
    said = f"{first.short}{on_record}"
    return f"{said} rules against {name} ({note}; the running-drug caution card)", said


def _renal(ctx: RuleContext, name: str) -> tuple[str, str] | None:
    row = renal_doses.avoided(ctx.record, ctx.policy, name)
    if row is None:
        return None
    kidney = renal_doses.reading(ctx.record, ctx.policy)
    assert kidney is not None  # `avoided` found a band at it
    return (
        f"at {kidney.text(ctx.policy)} the {name} label ({row.cite}) says: {row.says}",
        f"{row.short} at {kidney.short()}",
    )


def _interaction(ctx: RuleContext, name: str) -> tuple[str, str] | None:
    for pair in interaction_table.pairs(ctx.running_takings):
        if name not in pair.names() or pair.severity is Indicator.INFO:
            continue
        other = pair.second.ingredient if pair.first.ingredient == name else pair.first.ingredient
        for row in pair.rows:
            # The row's switch is away from this drug: it is a partner of the row, not its own
            # drug (tamoxifen's row prefers another antidepressant, never another tamoxifen).
            prefers = row.prefer_switch and not row.is_about(name)
            if prefers or pair.severity is Indicator.CRITICAL:
                cite = f" ({row.cite})" if row.cite else ""
                said = f"{other} is running and the interaction card says {row.short}: {row.act}"
                return f"{said}{cite}", f"{row.act} with {other}"
    return None
