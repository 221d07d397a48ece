"""patient-view: an adverse effect of a running augmenting agent on record (review 13 U2,
U3, W9).

Before, the optimise card read these charts as "the adjunct may be working": a woman of 67 on
liothyronine since April with atrial fibrillation and thyrotoxicosis coded and a TSH of 0.02 got
"repeat the PHQ-9 before augmenting or switching (it may be working)", and a diagnosis review
asking to confirm the depression on that TSH; tardive dyskinesia or akathisia coded beside a
running antipsychotic got "optimise or replace the one running" and "monitor ... tardive
dyskinesia". Here, on chart open, each pair of data/adjunct_harms.csv:

- liothyronine (drug class "thyroid hormone") running with thyrotoxicosis coded, an arrhythmia
  (atrial fibrillation or flutter, paroxysmal tachycardia) coded on or after the day it started
  (or with no onset: the safer reading), or a recent TSH flagged low taken on it (Cytomel label
  5.1: overtreatment may precipitate arrhythmias, particularly in older and cardiac patients;
  reduce or withhold the dose);
- an antipsychotic running (courses.running_antipsychotics: any role, not as needed) with tardive
  dyskinesia or akathisia coded (the labels: consider discontinuation with tardive dyskinesia;
  akathisia common in adjunctive MDD trials). A tardive dyskinesia coded resolved or inactive
  (Finding.state; it counts when resolved: it may recur on re-exposure) is its own row, a history
  (recheck 13 n04: a TD resolved in 2018, before aripiprazole started in 2025,
  was said as a current effect, "consider reducing or stopping it"): "History of tardive
  dyskinesia (resolved 2018, before aripiprazole) ...: watch for recurrence (AIMS)". Still a
  warning (the drug class that can bring it back runs now), but it does not hold every proposal:
  only the antipsychotic ones, as for any TD on record (below). A resolved akathisia is not read
  at all (its code does not count when resolved);
- a TSH below the tsh-suppressed row of data/lab_safety.csv (0.1 mIU/L, a design value, UNVERIFIED)
  with liothyronine running: a TSH merely below its range is the expected effect of T3 (recheck
  13 n07: a TSH of 0.3 with nothing else coded got "suppressed TSH: review, reduce or stop it").

The card names the drug, dose and start, each finding with code and date, the likely cause, what
to do (the row's advice) and its cite. Nothing is offered as an order: reducing or stopping is
the prescriber's decision. Warning, snoozable with a reason; its fingerprint is the findings, the
TSH and the drugs, so a new finding or result ends a snooze.

While it is shown for a current effect, the optimise card's medication proposals are text
(`hold_one_click`): a dose raised or a drug added now would continue the exposure or stack on it.
With tardive dyskinesia on record in any state, and whether or not an antipsychotic runs, the
optimise card's antipsychotic proposals are text with a line naming it (recheck 13 n05: one-click
"Propose adjunctive aripiprazole 2 mg/day" beside a TD history); non-antipsychotic adjuncts stay. The optimise card itself
no longer waits on a harmed adjunct (optimize_switch_augment: `harmed_ingredients`), its
antipsychotic line says no dose increase instead of "optimise" (optimize/augment.py), and the
diagnosis review reads a TSH the drug explains as "on liothyronine" (diagnosis_review.py).

This module holds the card (`rule`, `action`) and what it holds back on the optimise card while
shown (`hold_one_click`, `hold_antipsychotics`). What the record shows, the table's rows and the
signs on record for each running agent (`harms`, `harm_of`, `harmed_ingredients`,
`explains_low_tsh`), is adjunct_harm_signs.py: a reading of the record and the table with no
card wording in it, which other cards ask too. Its names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import Finding, FindingKind, Role
from services import cards, drug_rules, screen, screen_refs, tables, trial_dates
from services.finding_words import resolved_text
from services.order_doses import trial_dose
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.adjunct_harm_signs import (
    Harm,
    explains_low_tsh,
    harm_of,
    harmed_ingredients,
    harms,
    rows,
)
from services.rules.context import RuleContext
from services.rules.optimize.wording import dose_since_text, dose_text

# The names other modules and tests use, kept importable from here (adjunct_harm_signs.py's
# among them).
__all__ = [
    "action",
    "explains_low_tsh",
    "harm_of",
    "harmed_ingredients",
    "hold_one_click",
    "rows",
    "rule",
]

TOPIC = "adjunct-harm"


def action(harm: Harm) -> str:
    """What the cards say to do: tardive dyskinesia "consider reducing or stopping it" (the
    labels: consider discontinuation), akathisia "consider a lower dose or a switch", thyroid
    hormone "review, reduce or stop it" (Cytomel label 5.1: reduce or withhold)."""
    kinds = {s.row.harm for s in harm.signs}
    if FindingKind.TARDIVE_DYSKINESIA.value in kinds:
        return "consider reducing or stopping it"
    if FindingKind.AKATHISIA.value in kinds:
        return "consider a lower dose or a switch"
    if harm.history:
        return "watch for recurrence (AIMS)"  # the tardive-dyskinesia-history row's advice
    return "review, reduce or stop it"


def _history_when(harm: Harm) -> str:
    """ "resolved 2018, before aripiprazole", "resolved 2024, on aripiprazole", "resolved": the
    latest abatement of the history's findings against the running drug's start."""
    ended = [s.finding.abated for s in harm.signs if s.finding is not None and s.finding.abated]
    if not ended:
        return "resolved"
    last = max(ended)
    drug = harm.trial.ingredient
    when = "before" if last < harm.trial.start else "on"
    return f"resolved {last.year}, {when} {drug}"


def _summary(harm: Harm, lead: str) -> str:
    drug = dose_text(harm.trial)
    # "escitalopram (since 2026-05-04; 20 mg/day since 2026-05-25)" when the dose changed.
    named, since = trial_dates.dose_since(harm.trial, trial_dose(harm.trial))
    if harm.history:
        head = f"History of tardive dyskinesia ({_history_when(harm)})"
        return cards.fit_summary(
            f"{head} with {named} running ({since}): {lead}",
            f"{head} with {drug} running: {lead}",
            f"{head}: {lead}",
        )
    if harm.trial.drug_class and drug_rules.is_antipsychotic(harm.trial.drug_class):
        names = harm.names
        head = f"{names[:1].upper()}{names[1:]} with {drug} running"
        full = f"{names[:1].upper()}{names[1:]} with {named} running ({since})"
        act = f"no dose increase; {action(harm)}"
        return cards.fit_summary(f"{full}: {act}", f"{head}: {act}", f"{head}: {act.split(';')[0]}")
    return cards.fit_summary(
        f"{named.capitalize()} ({since}) with {harm.names}: {lead}",
        f"{drug.capitalize()} with {harm.names}: {lead}",
        f"{harm.trial.ingredient.capitalize()} with {harm.names}: {lead}",
    )


def _section(ctx: RuleContext, harm: Harm) -> str:
    trial = harm.trial
    lines = [
        f"**{dose_since_text(trial).capitalize()}**, with on record:",
        *(f"- {s.text()}." for s in harm.signs),
    ]
    causes: list[str] = []
    why: list[str] = []  # of a history: not a cause of anything now
    advice: list[str] = []
    for s in harm.signs:
        row = s.row
        into = why if s.history else causes
        if row.cause not in into:
            into.append(row.cause)
        text = f"{row.advice[:1].upper()}{row.advice[1:]} ({row.cite})."
        if text not in advice:
            advice.append(text)
    said = [
        *([f"Likely cause: {'; '.join(causes)}."] if causes else []),
        *([f"Why it matters: {'; '.join(why)}."] if why else []),
        *advice,
    ]
    age = ctx.record.patient.age
    thyroid = not drug_rules.is_antipsychotic(trial.drug_class)
    if thyroid and age is not None and age >= ctx.policy.older_adult_age:
        said.append(
            f"At {age} the label asks for lower doses (older patients and those with "
            "cardiovascular disease are at greater risk)."
        )
    if thyroid:
        said.append(
            "Do not keep it unchanged while waiting for a PHQ-9 on it: whether it helps the "
            "depression is not what decides now."
        )
    return cards.join_sections("\n".join(lines), " ".join(said))


def fingerprint(found: Sequence[Harm]) -> str:
    """The signs and the drugs: a new finding, TSH or agent ends a snooze."""
    return screen.pairs_key(
        [f"drug|{h.trial.ingredient}" for h in found] + [s.key() for h in found for s in h.signs]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = harms(ctx)
    if not found:
        return None
    # A current adverse effect leads; a history alone is said as one.
    first = next((h for h in found if not h.history), found[0])
    summary = _summary(first, action(first))
    held = (
        screen_refs.HOLDS_OPTIMISE
        if any(not h.history for h in found)
        else screen_refs.HOLDS_OPTIMISE_ANTIPSYCHOTICS
    )
    detail = cards.join_sections(
        *(_section(ctx, h) for h in found),
        "Not offered as an order: "
        + (
            "whether to keep it, and at what dose, is the prescriber's decision. "
            if first.history
            else "how to reduce or stop it is the prescriber's decision. "
        )
        + held,
    )
    card = cards.make(TOPIC, summary=summary, detail=detail)
    return screen.with_fields(card, evidence_key=fingerprint(found))


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is shown
    for a current adverse effect; then, with tardive dyskinesia on record in any state, its
    antipsychotic proposals (`hold_antipsychotics`), shown or snoozed."""
    recs = _hold_for_current(ctx, recs, hidden)
    return hold_antipsychotics(ctx, recs)


def _hold_for_current(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str]
) -> list[Recommendation]:
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    # A history alone (a tardive dyskinesia resolved before the drug) holds only the
    # antipsychotic proposals, below: a non-antipsychotic adjunct adds nothing to it.
    found = tuple([h for h in harms(ctx) if not h.history])

    def line(held: list[Suggestion]) -> str | None:
        if not held or not found:
            return None
        what = "; ".join(f"{h.names} with {h.trial.ingredient} running" for h in found)
        return (
            f"**Not one click while an adjunct's adverse effect is on record** ({what}; "
            f"{tables.topic(TOPIC).display} card): {'; '.join(s.label for s in held)}. Settle "
            "the adverse effect first: a dose raised or a drug added now would continue the "
            "exposure or stack on it."
        )

    return one_click_hold.hold_drug_orders(
        recs, line, held_by="an adjunct's adverse effect on record", whole=True
    )


def _is_antipsychotic(ingredient: str) -> bool:
    """An antipsychotic by either of its drug-table rows (quetiapine has two)."""
    rows_of = (drug_info(ingredient), drug_info(ingredient, Role.AUGMENTATION))
    return any(
        info is not None and drug_rules.is_antipsychotic(info.drug_class) for info in rows_of
    )


def _orders_antipsychotic(suggestion: Suggestion) -> bool:
    return any(_is_antipsychotic(i) for i in one_click_hold.ordered_ingredients(suggestion))


def hold_antipsychotics(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the optimise card's antipsychotic proposals (an adjunct, a higher dose) as
    text while tardive dyskinesia is coded in any state (recheck 13 n05): an
    antipsychotic re-exposes the patient to the class that can cause it, and the choice is made
    with that in view, not in one click. Non-antipsychotic proposals stay one click. Not tied to
    a card: with no antipsychotic running there is none, and a snooze must not lift it."""
    found = ctx.facts.findings_of(FindingKind.TARDIVE_DYSKINESIA)
    if not found:
        return list(recs)
    row = next((r for r in rows() if r.harm == FindingKind.TARDIVE_DYSKINESIA.value), None)
    cite = row.cite if row is not None else "antipsychotic labels"

    def named(f: Finding) -> str:
        coded = f"{f.code}, coded {f.onset_text or 'with no onset date'}"
        return coded if f.state == "active" else f"{coded}, {resolved_text(f)}"

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return (
            f"**Not one click with tardive dyskinesia on record** "
            f"({'; '.join(named(f) for f in found)}): {'; '.join(s.label for s in held)}. An "
            "antipsychotic, added or raised, re-exposes the patient to the drug class that can "
            f"cause it, and it may recur ({cite}): decide with that history in view, and "
            "examine for abnormal movements (AIMS) first. A non-antipsychotic adjunct stays one "
            "click."
        )

    return one_click_hold.hold_drug_orders(
        recs, line, _orders_antipsychotic, held_by="tardive dyskinesia on record", whole=False
    )
