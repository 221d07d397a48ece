"""patient-view: a drug already running beyond its label's renal limit (review 11 finding 1, G1).

The order hooks compare a drafted drug with the labelled renal bands (order_checks/renal.py,
data/renal_doses.csv), but a course started before the kidney function fell ran on without a
word: duloxetine 60 mg/day at eGFR 24 (Cymbalta: avoid below 30), desvenlafaxine 100 mg/day at
eGFR 22 (Pristiq: 25 mg/day below 30), lithium at eGFR 25 (not recommended in severe renal
impairment). Here, on chart open, every running drug (running_cautions.running: the latest
running course of each ingredient, not on hold, and the drugs an active resource lists without a
readable date) is read against the band of its label at the patient's kidney function
(renal_doses.reading), and all that are beyond it make ONE warning card:

- a band the label says to avoid the drug in (or calls it not recommended);
- a band with a labelled daily maximum the running dose is above (the upper end of a ranged
  dose), or whose dose could not be read (said so: it may be above);
- a band where the label asks for a reduced dose or caution and the table marks it a warning
  (venlafaxine below 30, lithium 30-59): whether the running dose is the reduced one the record
  cannot show, so the card asks to review it. The information bands (mild impairment,
  mirtazapine, bupropion) are left to the order check: on chart open they would be noise.

Which kidney function is read (renal_doses.reading): dialysis coded (Z99.2, SNOMED dependence on
dialysis) or a dialysis Procedure within policy.dialysis_procedure_recent_days (SNOMED 302497006,
CPT 90935-90970; "on dialysis (haemodialysis, CPT 90935, last 2025-05-28)") reads as the label's
ESRD band whatever the eGFR; otherwise the latest comparable eGFR, an old one named as old (low
kidney function rarely recovers: compared, the safer reading); kidney failure coded (N18.6) with
no recent eGFR reads as the ESRD band; with no eGFR at all, CKD stage 4 or 3 coded reads as the
stage's eGFR range (KDIGO: "CKD stage 4 coded (eGFR 15-29 by definition, KDIGO)"), asking for a
measured eGFR, and holds the one-click proposals as the other bands do. An eGFR reported as a bound
("> 60") places no band; one reported as "< 60" is placed in the worst band it could fall in and
said as "may be below 30". A reduce row with a ceiling (milnacipran below 30) is compared with
the ceiling. No eGFR is ever made up from a code.

Nothing is one click: whether to lower the dose, stop (some of these drugs cannot be stopped
abruptly) or switch is the prescriber's decision; the card says "review the dose". While it is
on the screen, the optimise card's medication proposals are text (`hold_one_click`). A safety card:
it speaks whatever the pathway stage. Snoozable with a reason (a nephrologist's agreement, a
level-guided lithium dose); the snooze is tied to the kidney reading and the drugs
(`fingerprint`), so a new eGFR result or another such drug brings the card back.

A drug whose last supply ended more than policy mapping supply_gap_days (30) ago, its order still
open (Trial.supply_ran_out), is still read (the order may be taken from tablets at home: the
safer reading keeps the warning), but never called "running": the summary says "last supply
ended DATE" and the drug's line asks to confirm it is taken (session 35 lith52, as lith51 made
the lithium due card say: "Lithium 900 mg/day running, eGFR 78 ... to 52" 35 days past its last
supply). With no open order the course has ended and no card speaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

from services import cards, egfr_fall, lab_safety, renal_doses, screen, tables
from services.egfr_fall import Fall
from services.interaction_table import Taking
from services.recommendation import Indicator, Recommendation, Suggestion
from services.renal_doses import CkdStage, Egfr, Kidney, RenalRow, crcl_note
from services.rules import one_click_hold, running_cautions, running_dose
from services.rules.context import RuleContext
from services.rules.lithium_level_reading import supply_ended

TOPIC = "running-drug-renal"


@dataclass(frozen=True, slots=True)
class Beyond:
    """A running drug and the band of its label it is beyond at the patient's kidney function."""

    taking: Taking
    row: RenalRow
    mg_per_day: float | None  # the running daily dose (the upper end of a range), None: not read
    # `mg_per_day` is the highest reading of a dose to confirm (running_dose.Reading): said
    # "up to N mg/day (dose to confirm)" and "may be above", never as the dose taken.
    to_confirm: bool = False
    # The day its last supply ended, no fill since (lithium_level_reading.supply_ended): said
    # "last supply ended DATE", never "running" (lith52). None: supplied, or within the grace.
    ended: date | None = None

    @property
    def name(self) -> str:
        return self.taking.ingredient

    def state(self) -> str:
        """How the summary says the drug is taken after its dose: " running", or ", last supply
        ended 2026-10-27," (lith52: a supply that ran out is not a drug known to be taken)."""
        return f", last supply ended {self.ended.isoformat()}," if self.ended else " running"

    def listed(self) -> str:
        """ "lithium 900 mg/day", "lithium 900 mg/day (last supply ended 2026-10-27)"."""
        ended = f" (last supply ended {self.ended.isoformat()})" if self.ended else ""
        return f"{self.dosed()}{ended}"

    def dosed(self) -> str:
        """ "duloxetine 60 mg/day", "desvenlafaxine (dose not read)"."""
        return running_dose.dosed(self.name, self.mg_per_day, to_confirm=self.to_confirm)

    def says(self) -> str:
        """What the label says, in a few words: "avoid", "above the labelled 25 mg/day"."""
        row = self.row
        if _capped(row) and row.max_mg is not None:
            top = cards.fmt_mg(row.max_mg)
            if self.mg_per_day is None:
                return (
                    f"dose not read; labelled maximum {top} mg/day"
                    if row.action == "max"
                    else f"dose not read; label says {row.short}"
                )
            return f"{'may be ' if self.to_confirm else ''}above the labelled {top} mg/day"
        return f"label says {row.short}"

    def review(self) -> str:
        """What to do, as text (never an order)."""
        row = self.row
        if row.action == "avoid":
            return (
                "Review whether it should continue, and how to stop or switch it if not "
                "(not abruptly without a plan)"
            )
        if _capped(row) and row.max_mg is not None:
            top = cards.fmt_mg(row.max_mg)
            if self.mg_per_day is None:
                return f"The running dose could not be read: review that it is {top} mg/day or less"
            if self.to_confirm:
                return (
                    f"Confirm the dose: its dosage lines read "
                    f"{running_dose.to_confirm_text(self.mg_per_day)}; {top} mg/day or less "
                    "in this band"
                )
            return f"Review the dose: {top} mg/day or less in this band"
        return "Review the dose: the record cannot show whether it is the reduced one"


def _capped(row: RenalRow) -> bool:
    """A band with a labelled daily maximum: a "max" row, or a "reduce" row with a ceiling
    (milnacipran below 30: 50 mg/day maintenance, up to 100 by response), compared with that
    ceiling as the order check compares it (a running 50 or 100 mg/day is within the label;
    200 is above the labelled 100)."""
    return row.action in ("max", "reduce") and row.max_mg is not None


def _beyond(row: RenalRow, mg_per_day: float | None) -> bool:
    if row.action == "avoid":
        return True
    if _capped(row) and row.max_mg is not None:
        return mg_per_day is None or mg_per_day > row.max_mg
    # "reduce" or "caution": only the bands the table marks a warning (see the docstring).
    return row.indicator is Indicator.WARNING


# Where running drugs stand, by their rows' kinds (RenalRow.kind, from the table's `action`):
# a caution band (lithium at eGFR 30-59: start low, titrate slowly, check levels often) is never
# called a limit crossed (session 37 renal49, K55a finding 5). The words, not the facts, are here.
_WHERE = {
    "limit": "beyond the labelled renal limit",
    "dose-reduction": "in a labelled renal dose-reduction band",
    "caution": "in a labelled renal caution band",
}
# Drugs in bands of different kinds: each kind named, none called what it is not.
_PLURAL = {"limit": "limits", "dose-reduction": "dose reductions", "caution": "cautions"}


def _kinds(drugs: Sequence[Beyond]) -> list[str]:
    """The kinds of the drugs' rows, in the order of `_WHERE` (a limit first)."""
    found = {d.row.kind() for d in drugs}
    return [kind for kind in _WHERE if kind in found]


def _where(drugs: Sequence[Beyond]) -> str:
    """ "beyond the labelled renal limit", "in a labelled renal caution band", "at labelled renal
    dose reductions or cautions" (venlafaxine 225 and lithium 600 at eGFR 45)."""
    kinds = _kinds(drugs)
    if len(kinds) == 1:
        return _WHERE[kinds[0]]
    return f"at labelled renal {' or '.join(_PLURAL[k] for k in kinds)}"


def _held_by(drugs: Sequence[Beyond]) -> str:
    """The hold reason hold_words turns into a step: "lithium beyond its renal limit" (review
    lithium (renal limit)), "lithium in its renal caution band" (review lithium (renal
    caution))."""
    names = cards.and_list(sorted({d.name for d in drugs}))
    kinds = _kinds(drugs)
    if kinds == ["limit"]:
        return f"{names} beyond its renal limit"
    return f"{names} in its renal {' or '.join(kinds)} band"


@dataclass(frozen=True, slots=True)
class Found:
    kidney: Kidney
    drugs: tuple[Beyond, ...]


def beyond_limits(ctx: RuleContext) -> Found | None:
    """The drugs running beyond their label's renal band, or None (nearly every chart)."""
    taken = running_cautions.running(ctx)
    if not any(taking.ingredient in renal_doses.drugs() for taking, _ in taken):
        return None
    kidney = renal_doses.reading(ctx.record, ctx.policy)
    if kidney is None:
        return None
    found: list[Beyond] = []
    for taking, _ in taken:
        row = kidney.row(taking.ingredient)
        if row is None:
            continue
        dose = running_dose.reading(ctx, taking)
        if _beyond(row, dose.mg):
            ended = supply_ended(ctx, taking.ingredient)
            found.append(Beyond(taking, row, dose.mg, dose.to_confirm, ended))
    return Found(kidney, tuple(found)) if found else None


def fell(ctx: RuleContext, found: Found) -> Fall | None:
    """The fall to the eGFR the card reads (egfr_fall.py, session 34 lith51: 78 -> 52 in a
    year on lithium was named as 52 only), or None: a code read, or no such fall."""
    kidney = found.kidney
    # A fall is measured between eGFRs only (a creatinine clearance read, renal50, has none).
    if not isinstance(kidney, Egfr) or kidney.test != "egfr":
        return None
    return egfr_fall.fall(ctx.record, kidney.lab)


def _summary(found: Found, fall: Fall | None = None) -> str:
    kidney = found.kidney
    if len(found.drugs) == 1:
        (d,) = found.drugs
        dosed = d.dosed()
        state = d.state()
        head = f"{dosed[0].upper()}{dosed[1:]}{state} {kidney.with_()}"
        # An eGFR reported as "< 60" is placed in the worst band it could be in (Egfr.row):
        # said as "may be below 30", never as a band the record shows (recheck 2 finding 2).
        bound = kidney.may_be(d.row) if isinstance(kidney, Egfr | CkdStage) else None
        if bound is not None:
            return cards.fit_summary(
                f"{head}: may be {bound}, where the label says {d.row.short}: get a measured value",
                f"{head}: may be {bound} (label: {d.row.short})",
                f"{head}: may be {bound}: get a measured value",
                f"{d.name.capitalize()}{state} {kidney.with_()}: may be {bound}",
            )
        edge = (
            f" {d.row.upper_words()} mL/min"
            if isinstance(kidney, Egfr) and d.row.action == "avoid"
            else ""
        )
        # The fall first where it fits (lith51): the band alone hid a third of the eGFR lost.
        # An old eGFR keeps its ", old" (the forms below): the fall's forms only a recent one.
        fell = (
            [
                f"{dosed[0].upper()}{dosed[1:]}{state.rstrip(',')}, {fall.both()}: "
                f"{d.says()}{edge}",
                # A supply run out takes room (lith52): both values kept before the label's words.
                *(
                    [
                        f"{dosed[0].upper()}{dosed[1:]}{state.rstrip(',')}, {fall.both()}: "
                        "review the dose (label)"
                    ]
                    if d.ended is not None
                    else []
                ),
                f"{head} ({fall.short()}): {d.says()}{edge}",
                f"{head} ({fall.short()}): review the dose (label)",
            ]
            if fall is not None and isinstance(kidney, Egfr) and kidney.recent
            else []
        )
        return cards.fit_summary(
            *fell,
            f"{head}: {d.says()}{edge} ({d.row.band})",
            f"{head}: {d.says()}{edge}",
            f"{head}: {d.says()}",
            f"{d.name.capitalize()}{state} {kidney.with_()}: review the dose (label)",
        )
    unsettled = isinstance(kidney, Egfr | CkdStage) and any(
        kidney.may_be(d.row) for d in found.drugs
    )
    # A drug whose supply ran out may be running, not is (lith52): each named with its day.
    ended = any(d.ended is not None for d in found.drugs)
    running = "May be running" if unsettled or ended else "Running"
    where = _where(found.drugs)
    lead = f"{running} {where} {kidney.with_()}"
    return cards.fit_summary(
        f"{lead}: {cards.and_list([f'{d.listed()} ({d.row.short})' for d in found.drugs])}",
        f"{lead}: {cards.and_list([d.listed() for d in found.drugs])}",
        f"{lead}: {cards.and_list([d.dosed() for d in found.drugs])}",
        f"{lead}: {cards.and_list([d.name for d in found.drugs])}",
        f"{'May be running' if ended else 'Running'} {where}: "
        f"{cards.and_list([d.name for d in found.drugs])}",
    )


def _line(ctx: RuleContext, found: Found, d: Beyond) -> str:
    taking = d.taking.text()
    lead = found.kidney.lead(ctx.policy, d.row, d.name)
    # Lithium is dosed by its level: the last level and the kidney results beside it.
    level = (
        f" Lithium: {lab_safety.lithium_level_text(ctx.record, ctx.policy)}."
        if d.name == "lithium"
        else ""
    )
    # Above the market's label too (mirtazapine 60 at a US site): said here, not on a card of its
    # own (running_dose.label_note, running_label_dose.py).
    label = running_dose.label_note(ctx, d.name)
    # Its supply ran out (lith52): whether it is taken comes before its dose (the line above
    # names the day: "may be running (no supply since 2026-10-27)").
    ended = " Confirm it is still taken before changing its dose." if d.ended is not None else ""
    return (
        f"- **{d.name.capitalize()}:** {taking[0].upper()}{taking[1:]}.{ended} {lead} "
        f"{d.review()}.{level}" + (f" {label}" if label else "")
    )


def detail(ctx: RuleContext, found: Found) -> str:
    kidney = found.kidney
    fall = fell(ctx, found)
    notes = [kidney.old(ctx.policy).strip(), kidney.later().strip()]
    notes.append(crcl_note(kidney))
    return cards.join_sections(
        "\n".join(_line(ctx, found, d) for d in found.drugs),
        fall.line() if fall is not None else "",
        " ".join(n for n in notes if n),
        "Not offered as an order: whether to lower the dose, stop or switch is the "
        "prescriber's decision.",
    )


def fingerprint(found: Found) -> str:
    """The snooze fingerprint (screen.pairs_key): the kidney reading (the eGFR result, or the
    code read as ESRD) and each drug with its band. A new eGFR, or another drug, ends a snooze."""
    return screen.pairs_key(
        [found.kidney.key()] + [f"drug|{d.name}|{d.row.band}" for d in found.drugs]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = beyond_limits(ctx)
    if found is None:
        return None
    card = cards.make(TOPIC, summary=_summary(found, fell(ctx, found)), detail=detail(ctx, found))
    return screen.with_fields(card, evidence_key=fingerprint(found))


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is on the
    screen (not in `hidden`): an adjunct or a higher dose builds on a drug whose dose the label
    says to settle first (duloxetine at eGFR 24: "adjunct to the current antidepressant"), as
    with the low-sodium and anticholinergic cards (rules/one_click_hold.py). A snooze with a
    reason brings the one-click proposals back."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    found = beyond_limits(ctx)
    if found is None:
        return list(recs)
    names = cards.and_list([d.listed() for d in found.drugs])
    # A supply that ran out "may be running" (lith52), as the card's summary says it.
    running = "may be running" if any(d.ended for d in found.drugs) else "running"
    where = _where(found.drugs)

    def line(held: list[Suggestion]) -> str:
        proposals = f" Not one click: {'; '.join(s.label for s in held)}." if held else ""
        return (
            f"**{names[0].upper()}{names[1:]} {running} {where}** "
            f"({tables.topic(TOPIC).display} card): settle its dose first; an adjunct or a "
            f"higher dose builds on it.{proposals}"
        )

    # Named (hold_words: "review lithium (renal limit) first, then ..."): a
    # summary cut to fit kept no drug name (review s24 RN finding 10).
    return one_click_hold.hold_drug_orders(recs, line, held_by=_held_by(found.drugs), whole=True)
