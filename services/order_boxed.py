"""Where the FDA under-25 boxed warning goes on an order hook's screen (review 14 W4, review s21
RD finding 9).

- On the drafted drug's own card: the first order card shown (topic `order-...`), as one line at
  the end of its detail and "; boxed warning (under 25)" on its summary when there is room
  (order_cards._with_boxed_warning). Before, it went on whatever card came first, so bupropion
  drafted at 22 beside a running venlafaxine read "...consider TMS referral; boxed warning
  (under 25)" on the TMS card.
- No card about a drafted drug: an order that starts antidepressant treatment (no course in the
  policy's window: boxed_warning_start), or that starts a drug new to the patient beside others
  (boxed_warning_new_drug), gets the warning as an information card of its own. The label asks
  for close monitoring "especially during the initial few months" of a drug: a drug new to the
  patient is at that point, and a card about something else is not where it is looked for.
- An order that raises or lowers the daily dose of a running antidepressant, with no order card,
  gets it as an information card too (boxed_warning_dose_change; review s25 RA finding 3: the
  warning's own words are "especially in the first months and after dose changes").
- A renewal at the running dose, or a drug taken within the window, with no order card: the line
  rides on the first card shown, as before; with no card at all, nothing (noise: boxed_warning.py).

Under 18, a running drug the age list says is not for use at that age (venlafaxine at 16) is
named before the boxed warning wherever it goes, in the words patient-view uses
(rules/running_never.py; session 22, review s21 RD finding 11: the order hooks named it only as
"still running" or not at all). With no card at all it is a warning card of its own: the
prescriber is changing a young patient's antidepressants now, and the drug running is one NICE
NG134 says is not to be used at this age (the safer choice than staying silent).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import DraftOrder
from services import cards, screen, tables
from services.interaction_table import PARTNER_AWAITING_FILL
from services.order_cards import _merge, _with_boxed_warning
from services.order_checks import draft_readings, pediatric_dose
from services.order_checks.boxed_warning import (
    boxed_warning_dose_change,
    boxed_warning_line,
    boxed_warning_new_drug,
    boxed_warning_start,
    dose_change_line,
    own_label_lines,
)
from services.order_checks.model import CAUTION, ORDER_TOPIC_PREFIX, OrderCheck
from services.order_statement import with_statement
from services.recommendation import INDICATOR_ORDER, Indicator, Recommendation
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.running_never import running_never, running_never_line


def screen_with_boxed_warning(
    ctx: RuleContext,
    drafts: Sequence[DraftOrder],
    held: Sequence[Recommendation],
    hidden: AbstractSet[str],
    to_confirm: dict[str, set[str]],
) -> tuple[Recommendation, ...]:
    """The order hook's screen composed from `held`, with the boxed warning placed."""

    def compose(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
        shown = screen.compose(recs, ctx.facts, hidden)
        if to_confirm:
            shown = draft_readings.confirm_once(shown, to_confirm, ctx.record.draft_orders)
        return shown

    shown = compose(held)
    boxed = boxed_warning_line(ctx) if drafts else ""
    if not boxed:  # under 25 only; the running line (under 18) never goes without it
        return shown
    running = running_never_line(ctx) or ""
    own = next((i for i, r in enumerate(shown) if r.topic.startswith(ORDER_TOPIC_PREFIX)), None)
    if own is None:
        alone = (
            boxed_warning_start(ctx, drafts)
            or boxed_warning_new_drug(ctx, drafts)
            or boxed_warning_dose_change(ctx, drafts)
        )
        if running and (alone is not None or not shown):
            alone = _running_alone(ctx, drafts, running, alone.detail if alone else boxed)
        if alone is not None:
            # Placed by the rail's order like every card (review s26 RK4 finding 3: the boxed
            # warning's info card sat above a critical post-discharge suicide card).
            recs = [with_statement(_merge(alone.topic, [alone])), *held]
            return compose(
                sorted(recs, key=lambda r: cards.sort_key(tables.topic(r.topic), r.indicator))
            )
    if not shown:
        return shown
    at = own if own is not None else 0
    # An adjunct drafted whose own label carries the warning (aripiprazole): said after it, so
    # the line does not read as if the adjunct were an antidepressant (s27 RC finding 3).
    # A dose change of a running antidepressant is said beside it, as on its own card.
    lines = cards.join_sections(
        running, boxed, dose_change_line(ctx, drafts), own_label_lines(ctx, drafts)
    )
    target = _led_by_running(ctx, shown[at], drafts) if running else shown[at]
    return (*shown[:at], _with_boxed_warning(target, lines), *shown[at + 1 :])


def _led_by_running(
    ctx: RuleContext, rec: Recommendation, drafts: Sequence[DraftOrder]
) -> Recommendation:
    """`rec` (the drafted drug's card) with its summary led by the running drugs that are not for
    use at this age, at least a warning as their own card is (`_running_alone`): review s27 RQ2
    finding 7 saw "Mirtazapine: not labelled for depression under 18 ..." lead while venlafaxine
    225 mg/day running at 16 was named only in the detail. The card's own summary follows where
    it fits; else its own point first with the running drugs after it in short (recheck K6 s28
    finding 4: "Paroxetine running ...; escitalopram order: see the detail" lost escitalopram
    30 mg/day above its under-18 label dose, and left running venlafaxine unnamed); else the
    drafted drug is named."""
    found = running_never(ctx)
    names = [f.trial.ingredient for f in found]
    rule, years = found[0].rule, populations.age(ctx)
    # Left as it is only when it names them all AS not for use: a name alone ("Two SSRIs
    # (paroxetine still running)", "Fluoxetine ordered with amitriptyline running") does not
    # say it (session 29 orders30 item 1: K14 u05, paroxetine at 17 named only as the other SSRI).
    said = f"not for use under {rule.below_age}" in rec.summary or rule.note in rec.summary
    if said and all(n.lower() in rec.summary.lower() for n in names):
        return rec
    both = ", ".join(names)
    both = both[:1].upper() + both[1:]
    lead = f"{both} running at age {years}: {rule.note} ({rule.cite})"
    short = f"{both} running at age {years}: not for use under {rule.below_age} ({rule.cite})"
    tail = f"; {', '.join(names)} running: not for use under {rule.below_age}"
    drafted = drafts[0].ingredient
    # The card's own finding, its first clause without the parenthesis that ends it
    # ("Mirtazapine: not labelled for depression under 18"), when the whole does not fit; in few
    # words where the card has them (a pediatric dose: "Escitalopram 30 mg/day at age 16: above
    # the 20 mg/day label dose"). A parenthesis inside the clause stays: cut there, "Fluoxetine:
    # sertraline (SSRI) failed an adequate trial" read "fluoxetine: sertraline", and "Fluoxetine
    # ordered with amitriptyline (prescribed, no fill yet): raises ..." read as two drafts
    # (session 29 orders30, once the stricter test above led these summaries).
    head = _without_last_aside(_first_clause(rec.summary))
    low = f"{head[:1].lower()}{head[1:]}"
    # Shorter still, the pair as interaction_table's own short base says it ("Fluoxetine with
    # amitriptyline: raises tricyclic levels"), its partner's state left to the detail.
    plain = head.replace(f" {PARTNER_AWAITING_FILL}", "").replace(" ordered with ", " with ")
    plain_low = f"{plain[:1].lower()}{plain[1:]}"
    cut = rec.summary.split(" (")[0].split(";")[0]
    cut_low = f"{cut[:1].lower()}{cut[1:]}"
    compact = pediatric_dose.compact_point(ctx, drafts[0], rec.summary)
    # A first clause that names no drafted drug ("Two SSRIs (paroxetine still running)") keeps
    # the next one, which does ("escitalopram: fluoxetine (SSRI) failed an adequate trial"),
    # else names the draft itself (session 30 orders31 item 1: "Paroxetine running at age 15:
    # ...; two SSRIs" named neither escitalopram nor its failed-trial point, the card's own).
    lows = [low]
    if not any(d.ingredient.lower() in head.lower() for d in drafts):
        rest = rec.summary[len(_first_clause(rec.summary)) :].lstrip("; ")
        after = _without_last_aside(_first_clause(rest)) if rest else ""
        lows = [
            *([f"{low}; {after}"] if drafted.lower() in after.lower() else []),
            f"{drafted} ordered: {low}",
        ]
    summary = cards.fit_summary(
        f"{lead}; {rec.summary}",
        f"{short}; {rec.summary}",
        *(f"{head_}; {one}" for one in lows for head_ in (lead, short)),
        f"{head}{tail}",
        *((f"{short}; {plain_low}", f"{plain}{tail}") if plain != head else ()),
        # Else cut at its first parenthesis, as before ("Aripiprazole: adult doses").
        *((f"{lead}; {cut_low}", f"{short}; {cut_low}", f"{cut}{tail}") if cut != head else ()),
        *((f"{compact}{tail}",) if compact else ()),
        f"{lead}; {drafted} order: see the detail",
        f"{short}; {drafted} order: see the detail",
    )
    indicator = min(rec.indicator, Indicator.WARNING, key=INDICATOR_ORDER.__getitem__)
    return dataclasses.replace(rec, summary=summary, indicator=indicator)


def _first_clause(text: str) -> str:
    """`text` up to its first ";" outside parentheses ("... under 12 (age 11; Celexa label)" is
    one clause)."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth <= 0:
            return text[:i]
    return text


def _without_last_aside(clause: str) -> str:
    """`clause` without the parenthesis it ends with ("... under 18 (age 16; FDA labels)" ->
    "... under 18"); as it is when it ends otherwise."""
    if not clause.endswith(")"):
        return clause
    depth = 0
    for i in range(len(clause) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(clause[i], 0)
        if depth == 0:
            return clause[:i].rstrip() or clause
    return clause


def _running_alone(
    ctx: RuleContext, drafts: Sequence[DraftOrder], running: str, boxed: str
) -> OrderCheck:
    """A drug running that is not for use at this age, as the order's card when it gets no card
    about the drafted drug (module docstring): a warning that names it in its summary, the
    boxed-warning lines (`boxed`: the line, or the new drug's boxed-warning detail) after it."""
    first = running_never(ctx)[0]
    name, years, rule = first.trial.ingredient.capitalize(), populations.age(ctx), first.rule
    return OrderCheck(
        CAUTION,
        drafts[0],
        cards.fit_summary(
            f"{name} running at age {years}: {rule.note} ({rule.cite}); boxed warning (under 25)",
            f"{name} running at age {years}: not for use under {rule.below_age} ({rule.cite})",
        ),
        cards.join_sections(running, boxed),
        basis=(rule.cite, *(w.cite for w in (populations.boxed_warning(ctx),) if w)),
    )
