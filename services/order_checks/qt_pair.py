"""Which drug's QTc lines judge a QT-prolonging order: the two sides of one QT pair.

The QTc check (qtc.py) judges the latest QTc against the stop and caution lines of a drug with a
QTc row in data/lab_safety.csv (citalopram, escitalopram, gepirone, the tricyclics, trazodone,
mirtazapine), and names the other QT-prolonging drugs beside it (data/qt_drugs.csv, each with its
source). The pair is the risk (Celexa label 5.2 and FDA 2011/2012: citalopram not recommended
with other QT-prolonging drugs; Wenzel-Seifert 2011: torsades "as a rule" with additional risk
factors), whichever side is drafted. Before, only the antidepressant side was: ondansetron
drafted while citalopram ran with a QTc of 510 ms got no card at the order, though the chart-open
card said to stop citalopram (review s23 RD finding 1). So:

- a drafted drug with a QTc row of its own is its own subject (`Subject.drafted`);
- a drafted drug data/qt_drugs.csv lists, without a QTc row, is judged by the running drug that
  has one (`running_subjects`: those with a stop line first, the card's strongest reading), and
  the card names the draft as the partner;
- no QTc read in the window for such a pair (the subject with a stop line): an information card
  with the "no QTc read" line the antidepressant side carries on its first card
  (unread_labs.py), since the partner draft has no other card to carry it (`unread_card`).

Both drugs drafted on one order, neither running (citalopram and ondansetron signed together), are
the same pair (review s23 RD leftover 2: no card). It is said once: by the drafted drug with the
QTc row when its own check runs (it is selected: `drafted_partners` names the partner on its
card), else by the partner draft, judged by that unselected draft on the order as by a running
drug (`running_subjects` with `selected`).

Apart from qtc.py because choosing the subject is one idea and the cards' wording another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.record import DraftOrder, LabResult
from services import cards, lab_safety
from services.interaction_takings import Taking, on_order
from services.lab_safety import LabRule
from services.order_checks.model import OrderCheck
from services.order_checks.unread_labs import unread_line
from services.recommendation import Indicator
from services.rules import running_cautions, running_qtc
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class Subject:
    """The drug whose QTc lines the check reads, and the drafted partner when it is not the
    draft itself."""

    ingredient: str
    drug_class: str
    stop: LabRule | None
    caution: LabRule | None
    # The running subject (or the subject drafted on the same order, unselected, beside a
    # partner draft: Taking.on_order); None: the draft is the subject.
    running: Taking | None = None
    partner: DraftOrder | None = None  # the QT-prolonging draft beside that subject
    # The QT-prolonging drugs drafted beside a drafted subject (`drafted_partners`): the pair is
    # said on the subject's card.
    beside: tuple[DraftOrder, ...] = ()

    @property
    def drafted(self) -> bool:
        return self.partner is None

    @property
    def name(self) -> str:
        return self.ingredient.capitalize()

    @property
    def where(self) -> str:
        """ "on this order" for a subject drafted beside its partner draft, else how the running
        subject is taken in taken_to_confirm's state words (Taking.state): "running", "possibly
        running", "listed" (review s23 RR finding 4, e3: a citalopram order filled once in 2024
        read "citalopram running" beside a QTc of 510 ms)."""
        if self.running is None:
            return "running"
        return "on this order" if self.running.on_order else self.running.state()

    @property
    def unconfirmed(self) -> str:
        """The running subject's own sentence when the record does not show it taken now, said
        after the card's advice: " Citalopram 20 mg/day, listed (order still active, filled once
        on 2024-01-11): confirm it is still taken." (Taking.text); "" when the record shows it
        taken, or it is drafted."""
        taking = self.running
        if taking is None or taking.on_order or taking.confirmed:
            return ""
        text = taking.text()
        return f" {text[:1].upper()}{text[1:]}."


def rules_of(ingredient: str, drug_class: str) -> tuple[LabRule | None, LabRule | None]:
    """(stop, caution) lines of data/lab_safety.csv's QTc rows for the drug."""
    return (
        lab_safety.rule_for("qtc-stop", ingredient, drug_class),
        lab_safety.rule_for("qtc-caution", ingredient, drug_class),
    )


def warning_band(subject: Subject, lab: LabResult) -> LabRule | None:
    """The subject's qtc-warning row (480 ms, ICH E14: citalopram, escitalopram, the
    tricyclics) when the QTc is above it, else None: the card above the caution line is then a
    warning, not information (review s24 RM finding 3)."""
    band = lab_safety.rule_for("qtc-warning", subject.ingredient, subject.drug_class)
    return band if band is not None and lab_safety.above(band, lab) else None


def partner_why(ingredient: str) -> str | None:
    """ "known risk of torsades (CredibleMeds Known Risk (UNVERIFIED))": why data/qt_drugs.csv
    lists the drug; None for a drug it does not list."""
    listed = running_qtc.qt_drugs().get(ingredient)
    if listed is None:
        return None
    risk, cite = listed
    return f"{risk} risk of torsades ({cite})"


def running_subjects(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] = ()
) -> list[Subject]:
    """For a drafted drug data/qt_drugs.csv lists and with no QTc row of its own: the running
    drugs with a QTc row, and those drafted on the same order but not `selected` (a selected
    one says the pair on its own card: `drafted_partners`), those with a stop line first. Empty
    for any other draft (the draft with a row is its own subject: qtc.py)."""
    if any(rules_of(draft.ingredient, draft.drug_class)):
        return []
    if partner_why(draft.ingredient) is None:
        return []
    found: list[Subject] = []
    for taking, drug_class in running_cautions.running(ctx):
        if taking.ingredient == draft.ingredient:
            continue
        stop, caution = rules_of(taking.ingredient, drug_class)
        if stop is None and caution is None:
            continue
        found.append(Subject(taking.ingredient, drug_class, stop, caution, taking, draft))
    named = {s.ingredient for s in found}
    chosen = {d.id for d in selected}
    for other in ctx.record.draft_orders:
        if other.id in chosen or other.ingredient in named | {draft.ingredient}:
            continue
        if other.id == draft.id or draft.other_reading(other):
            continue  # one draft read two ways (its code and name disagree) is no pair
        stop, caution = rules_of(other.ingredient, other.drug_class)
        if stop is None and caution is None:
            continue
        named.add(other.ingredient)
        taking = on_order([other])[0]
        found.append(Subject(other.ingredient, other.drug_class, stop, caution, taking, draft))
    return sorted(found, key=lambda s: s.stop is None)


def drafted_partners(ctx: RuleContext, draft: DraftOrder) -> tuple[DraftOrder, ...]:
    """The other drafts of the order data/qt_drugs.csv lists, beside a drafted drug with a QTc
    row of its own (ondansetron on the order with citalopram): its card names them."""
    found: dict[str, DraftOrder] = {}
    for other in ctx.record.draft_orders:
        if other.ingredient == draft.ingredient or other.ingredient in found:
            continue
        if other.id == draft.id or draft.other_reading(other):
            continue  # one draft read two ways (its code and name disagree) is no pair
        if partner_why(other.ingredient) is not None:
            found[other.ingredient] = other
    return tuple(found.values())


def _reading(ctx: RuleContext) -> LabResult | None:
    """The QTc a pair's cards compare (qtc._judged): the deciding QTc, else the latest readable
    one, in the window; None when none can be compared."""
    lab = lab_safety.deciding(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    if not lab_safety.readable(lab):
        lab = lab_safety.latest_readable(ctx.record, "qtc")
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    return lab


def _strength(draft: DraftOrder, lab: LabResult | None) -> int:
    """How strongly the QTc judges a drafted drug by its own lines: 2 above its stop line, 1
    above its caution line, 0 otherwise (none read, below both, no line)."""
    stop, caution = rules_of(draft.ingredient, draft.drug_class)
    if lab is None:
        return 0
    if stop is not None and lab_safety.above(stop, lab):
        return 2
    return 1 if caution is not None and lab_safety.above(caution, lab) else 0


def said_by_partner(
    ctx: RuleContext,
    draft: DraftOrder,
    beside: Sequence[DraftOrder],
    selected: Sequence[DraftOrder],
) -> bool:
    """Two drafts of the order checked together, each with QTc lines of its own and each in
    data/qt_drugs.csv (citalopram and escitalopram), name each other on their own cards: the
    card said the pair twice, each paragraph naming the other (review s23 RR finding 7, e5).
    The pair is said once, on the card of the draft the QTc judges more strongly (a stop line
    before a caution line: gepirone above 450 ms beside citalopram at 480 ms leads, the safer
    reading), the first selected on a tie; True for the other draft, whose card is then left
    out (the lead's card names it in its "Also on this order" lines)."""
    order = [d.id for d in selected]
    if draft.id not in order:
        return False
    lab = _reading(ctx)
    mine = (_strength(draft, lab), -order.index(draft.id))
    return any(
        other.id in order
        and any(rules_of(other.ingredient, other.drug_class))
        and (_strength(other, lab), -order.index(other.id)) > mine
        for other in beside
    )


def partner_text(subject: Subject) -> str:
    """ "Ondansetron 24 mg/day on this order: known risk of torsades (...)"."""
    assert subject.partner is not None
    text = on_order([subject.partner])[0].text()
    # Always a sentence's start on the cards that use it.
    return f"{text[:1].upper()}{text[1:]}: {partner_why(subject.partner.ingredient)}"


def unread_card(ctx: RuleContext, subject: Subject) -> OrderCheck | None:
    """The pair with no QTc read in the window: an information card (module docstring), for a
    subject with a stop line only (a caution-only row, trazodone or mirtazapine, does not ask for
    an ECG: unread_labs.py)."""
    draft = subject.partner
    if draft is None or subject.stop is None or subject.running is None:
        return None
    partner = draft.ingredient
    return OrderCheck(
        "order-qtc",
        draft,
        cards.fit_summary(
            f"{partner.capitalize()} ordered with {subject.ingredient} {subject.where}: no QTc "
            f"read in the last {ctx.policy.lab_recent_days} days",
            f"{partner.capitalize()} with {subject.ingredient}: no QTc read",
        ),
        cards.join_sections(
            f"{subject.running.text()}: its label's QT warning ({subject.stop.effect_cite or subject.stop.cite}). "
            f"{partner_text(subject)}. More than one QT-prolonging drug is a risk factor for "
            "torsades; the QTc decides whether the pair is safe.",
            unread_line(ctx, draft, ["QTc"]),
        ),
        indicator=Indicator.INFO,
    )


def unread_drafted_card(ctx: RuleContext, draft: DraftOrder, subject: Subject) -> OrderCheck | None:
    """The drafted subject (citalopram) with QT-prolonging drafts beside it on the order and no
    QTc read: the pair's information card, on the subject's draft (its own "no QTc read" line
    rides its first card as before; this one names the pair). None without partners or a stop
    line (as `unread_card`)."""
    if not subject.beside or subject.stop is None:
        return None
    names = " and ".join(d.ingredient for d in subject.beside)
    lines = "\n".join(
        f"- {t.text()}: {partner_why(t.ingredient)}." for t in on_order(list(subject.beside))
    )
    return OrderCheck(
        "order-qtc",
        draft,
        cards.fit_summary(
            f"{subject.name} ordered with {names} on this order: no QTc read in the last "
            f"{ctx.policy.lab_recent_days} days",
            f"{subject.name} with {names}: no QTc read",
        ),
        cards.join_sections(
            f"{on_order([draft])[0].text()}: its label's QT warning "
            f"({subject.stop.effect_cite or subject.stop.cite}). More than one QT-prolonging "
            "drug is a risk factor for torsades; the QTc decides whether the pair is safe. "
            f"**Also on this order, each prolonging the QT interval:**\n{lines}",
        ),
        indicator=Indicator.INFO,
    )
