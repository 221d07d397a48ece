"""patient-view: lithium running with its monitoring due (K30b finding 5, session 33 lith49).

The level, kidney and thyroid lines of a running lithium (lab_safety.lithium_level_text; CANMAT
2023 para 164: level, electrolytes, calcium, creatinine/eGFR and TSH every 6-12 months) were said
only inside the optimise card's augment paragraph, so a chart whose optimise card has nothing to
say (lithium continued alone after a failed trial, its trials in an earlier episode) showed a
lithium level 14 months old nowhere. Here, on chart open, whatever else runs:

- lithium running (not on hold: running_cautions.running, as the above-target card reads it);
- its level due: the latest level older than data/level_monitoring.csv due_days (the shorter end
  of "every 6-12 months"), or none on record once the course is past the steady-state days of
  that table (a level before then measures nothing yet); or a monitoring test of
  data/augmentation_monitoring.csv (`baseline_tests`: sodium, creatinine/eGFR, TSH) not on record
  within policy.lab_recent_days, read as lithium_baseline.py reads it for an order.

A level above the target is the above-target card's (lithium_level.py), which comes first and says
more; a kidney result in a renal band of the label is the renal card's (running_renal.py). A chart
whose level and tests are current gets no card: nothing to act on.

A TSH the diagnosis review card already asks for (no TSH within policy.tsh_lookback_days once TRD
is met: diagnosis_medical.tsh_missing; session 33 lith50, recheck K36b finding 4) is left to that
card: one TSH prompt at chart open, not two. That card carries the "Order TSH" suggestion and its
own snooze, so the prompt stays where it can be acted on; this card names nothing else it would
only repeat, and its detail still lists the TSH with a pointer there. Sodium and creatinine/eGFR
are asked for by no other card when absent (the sodium and kidney cards speak on a result), so
they stay here.

The same topic as the above-target card (one card about a running lithium's level), an info
card (the topic's only one: above the target it is a warning or critical).

While it is shown with the LEVEL due (not for a sodium, creatinine or TSH alone), the optimise
card's drug proposals are text, not one click (`hold_one_click`; session 34 lith51, reversing
lith49's "holds nothing"): aripiprazole one click beside lithium whose last level was 14 months
old read as if lithium augmentation had been judged and had failed. It had not: a level that old
says neither that lithium reached its target (a fair trial: CANMAT 2023 optimises before adding,
para 187) nor that it is not now too high (toxicity tracks the level: FDA boxed warning; the
kidney may have changed since), and a second adjunct added now would blur which drug does what.
A level is one blood test; the options stay named, the summary says to check the level first.
Why hold rather than only say it: the optimise card's detail already named the level as due, and
the one-click proposal beside it still read as the recommendation (the safer behaviour is the
one the above-target and below-target lithium readings already follow: settle the level, then
add). A snooze of this card lifts the hold, as every holding card's does.

A lithium whose supply ran out (Trial.supply_ran_out: no fill for policy mapping
supply_gap_days, 30 days, after its last supply ended; a design choice documented in README
"Policy", UNVERIFIED) is still read as possibly running while its order is open (the safety
checks keep it in view), but this card no longer calls it running: its summary says "last supply
ended DATE" (session 34 lith51: 35 days past its supply it read "Lithium 900 mg/day running").
Within those 30 days (a refill a few days late) it is running, as every card reads it.

While the LEVEL is due the card proposes it as one click ("Order lithium level": a draft
ServiceRequest, LOINC 14334-7 from data/order_codes.csv `lithium-level`; session 35 lith52: the
card said the level was due and offered nothing to act on). Not while a lithium level is already
ordered: an open ServiceRequest for it (fhir_mapping/referrals.py kind "lab:lithium", status draft,
active or on hold: open_referrals.OPEN_REQUEST_STATUSES, whatever its date, as the diagnosis
review card reads an open TSH order; Epic completes a lab order once resulted) or a level
registered with no result since the last one (ClinicalContext.pending_labs). The card then says
the level is ordered and asks that it be drawn: a second order would duplicate the first. The
other monitoring tests stay text: which of them to order is the prescriber's decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date

from fhir_mapping.record import LabResult
from services import (
    cards,
    creatinine_high,
    lab_safety,
    level_monitoring,
    lithium_baseline,
    local_levels,
    screen,
    suggestions,
)
from services.card_format import plural
from services.interaction_table import Taking
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.diagnosis_medical import tsh_missing, tsh_pending
from services.rules.lithium_due_orders import level_ordered, test_ordered
from services.rules.lithium_level_reading import (
    running_lithium,
    since_supply,
    supply_confirm,
    supply_ended,
)

_DRUG = "lithium"


@dataclass(frozen=True, slots=True)
class Due:
    lithium: Taking
    level: LabResult | None  # the latest lithium level on record
    level_due: bool  # older than the table's due_days, or none past steady state
    tests: tuple[lithium_baseline.BaselineTest, ...]  # the monitoring tests but the level
    as_of: date
    tsh_elsewhere: bool = False  # the diagnosis review card asks for the TSH (lith50)
    # The day its last supply ended, when no fill came for supply_gap_days since (Trial.
    # supply_ran_out): the card says so, never "running" (lith51). None: supplied, or in grace.
    supply_ended: date | None = None
    # A lithium level already ordered, as the card says it ("ordered 2026-11-25"): no second
    # order proposed (lith52). "" when none is.
    ordered: str = ""
    # What the record shows after the supply ended (lithium_level_reading.since_supply): "no
    # fill since", or a fill of a status to confirm named (lith53). "" while supplied.
    since: str = ""
    # An open level order older than the level's own interval (data/level_monitoring.csv
    # due_days), in the card's words: "an order of 2023-02-01 is still open" (lith53). It no
    # longer counts as ordered, so the level is proposed again. "" when none is.
    stale: str = ""
    # A level newer than any read, named under a local code only, in the card's words ("lithium level
    #  1.6 mmol/L on 2026-11-25 under a local code: read it"): said in place
    # of "none on record", and the card is a warning while it is (labs70, review K71a finding
    # 2: a toxic 1.6 under an Epic local code read "level due (none on record)", info). "" none.
    local: str = ""
    # A creatinine above range with no eGFR, in the card's words (creatinine_high.renal_words:
    # labs71 finding 1): said first, and the card is a warning while it is. "" when none is.
    renal: str = ""

    def left(self, test: lithium_baseline.BaselineTest) -> bool:
        """A test wanting that another card already asks for (the TSH: `tsh_elsewhere`)."""
        return self.tsh_elsewhere and test.wanting and "tsh" in test.group

    def said(self) -> tuple[lithium_baseline.BaselineTest, ...]:
        """The monitoring tests this card's summary may name: all but those `left`."""
        return tuple([t for t in self.tests if not self.left(t)])

    def wanting(self) -> tuple[lithium_baseline.BaselineTest, ...]:
        return tuple([t for t in self.said() if t.wanting])


def due(ctx: RuleContext) -> Due | None:
    """The running lithium's monitoring when some of it is due; None otherwise."""
    lithium = running_lithium(ctx)
    interval = level_monitoring.interval_for(_DRUG)
    if lithium is None or interval is None:
        return None
    level = lab_safety.latest(ctx.record, _DRUG)
    as_of = ctx.record.as_of
    if level is not None:
        level_due = interval.is_due(level.date, as_of)
    else:
        # No level at all: due once the course has run past steady state (start unknown: due).
        days = (as_of - lithium.start).days if lithium.start is not None else None
        level_due = (
            days is None or days > interval.steady_to_days
        ) and not lab_safety.labs_missing(ctx.record)
    # starting=True: every monitoring test but the level, which is judged above by its interval.
    tests = lithium_baseline.baseline(ctx, starting=True)
    # The course running_cautions.running names (lithium_level_reading.supply_ended), as the
    # renal and above-target cards read it (lith52).
    ended = supply_ended(ctx)
    ordered, stale = level_ordered(ctx, level, interval.due_days)
    # A monitoring test wanting but already ordered is named so, never asked again (lab57 item 2).
    tests = tuple(
        [replace(t, ordered=test_ordered(ctx, t.group)) if t.wanting else t for t in tests]
    )
    found = Due(
        lithium,
        level,
        level_due,
        tests,
        as_of,
        _tsh_asked(ctx),
        ended,
        ordered,
        since_supply(ctx),
        stale,
        _local(ctx),
        creatinine_high.renal_words(ctx.record),
    )
    return found if level_due or found.wanting() or found.renal else None


def _local(ctx: RuleContext) -> str:
    """The card's words for a lithium level under a local code newer than any read (Due.local)."""
    gap = local_levels.local_level(ctx.record, _DRUG)
    return local_levels.local_words(gap, "lithium level") if gap is not None else ""


def _tsh_asked(ctx: RuleContext) -> bool:
    """The diagnosis review card speaks with its missing-TSH line (patient_view runs it while
    the pathway is active; with the TSH missing the card always shows, that line among its
    items, or a treated hypothyroidism's line saying the same), or with its line naming a TSH
    registered with no result yet (K40b s34 finding 1: ordered, so neither card asks again)."""
    return ctx.facts.active and (tsh_missing(ctx) or tsh_pending(ctx))


def _summary(found: Due, recent_days: int) -> str:
    dose = found.lithium.mg_per_day
    name = f"Lithium {cards.fmt_mg(dose)} mg/day" if dose is not None else "Lithium"
    # "running", or, its supply run out, when it ended (lith51): never "running" past it.
    ended = found.supply_ended
    running = f", last supply ended {ended.isoformat()}" if ended is not None else " running"
    parts = [found.renal] if found.renal else []
    level = found.level
    # Already ordered (lith52): said beside the basis, so the card asks for the draw, not an order.
    ordered = f"; {found.ordered}" if found.ordered else ""
    local = f"; {found.local}" if found.local else ""
    if found.level_due and level is not None:
        ago = level_monitoring.age_text(level.date, found.as_of)
        parts.append(f"level due (last {lab_safety.text(level)}, {ago} ago{ordered}{local})")
    elif found.level_due and found.local:  # never "none on record" beside it (Due.local)
        parts.append(f"no level read ({found.local}{ordered})")
    elif found.level_due:
        parts.append(f"level due (none on record{ordered})")
    missing = lithium_baseline.short_missing(found.said(), recent_days)
    # A wanting test already ordered (lab57 item 2): "no TSH in 365 days (ordered 2026-11-25)",
    # each named when several are wanting ("(TSH ordered 2026-11-25)").
    wanting = found.wanting()
    orders = [t.ordered if len(wanting) == 1 else f"{t.name} {t.ordered}" for t in wanting]
    orders = [o for o, t in zip(orders, wanting, strict=True) if t.ordered]
    if missing:
        parts.append(f"{missing} ({'; '.join(orders)})" if orders else missing)
    said = "; ".join(parts)
    row = lithium_baseline.baseline_row()  # the table's short citation, never a literal here
    cite = f" ({row.cite})" if row is not None else ""
    return cards.fit_summary(
        f"{name}{running}: {said}{cite}",
        f"{name}{running}: {said}",
        f"Lithium{running}: {said}",
        f"Lithium{running}: monitoring due",
    )


def detail(ctx: RuleContext, found: Due) -> str:
    row = lithium_baseline.baseline_row()
    monitoring = f" ({row.cite}: monitor {row.monitoring})" if row is not None else ""
    taking = found.lithium.text()
    recent = ctx.policy.lab_recent_days
    lines = [
        f"**Lithium monitoring due**{monitoring}.",
        f"- {taking[0].upper()}{taking[1:]}.",
        *([f"- **{found.renal[0].upper()}{found.renal[1:]}**."] if found.renal else []),
        *(
            [
                f"- {supply_confirm(found.supply_ended, found.since)} before reading a new level "
                "(if it was stopped, a low level says so, not that the dose is too low)."
            ]
            if found.supply_ended is not None
            else []
        ),
        f"- Level: {lab_safety.lithium_last_level_text(ctx.record, ctx.policy)}",
        *(
            [
                f"- Lithium level {found.ordered}: check for it (drawn, resulted); no second "
                "order is proposed."
            ]
            if found.level_due and found.ordered
            else []
        ),
        *(
            [
                f"- Lithium level: {found.stale}: check or cancel it (older than the level's "
                f"interval, {plural(_due_days(), 'day')}: not read as the level now ordered)."
            ]
            if found.level_due and found.stale
            else []
        ),
        *(
            f"{t.line(recent)} (asked on the diagnosis review card)"
            if found.left(t)
            else t.line(recent)
            for t in found.tests
        ),
    ]
    interval = level_monitoring.interval_for(_DRUG)
    every = f" ({interval.interval})" if interval is not None else ""
    return cards.join_sections(
        "\n".join(lines),
        f"A test counts here when on record within {plural(recent, 'day')}; the level by its "
        f"own interval{every}.",
        _offered(found),
    )


def _offers(found: Due) -> bool:
    """Whether the card proposes the level (due, and not already ordered: lith52)."""
    return found.level_due and not found.ordered


def _offered(found: Due) -> str:
    if _offers(found):
        return (
            "The lithium level is proposed as a draft order to review and sign; which other "
            "tests to order is the prescriber's decision."
        )
    return "Not offered as an order: which tests to order is the prescriber's decision."


def _suggestions(ctx: RuleContext, found: Due) -> tuple[Suggestion, ...]:
    """ "Order lithium level" while the level is due and not already ordered (lith52): a draft
    ServiceRequest for the serum level (data/order_codes.csv lithium-level), its reason the last
    level when there is one (ServiceRequest.reasonReference may name an Observation, not the
    lithium order)."""
    if not _offers(found):
        return ()
    level = found.level
    reasons = (
        [level.source]
        if level is not None
        and level.source is not None
        and level.source.resource_type == "Observation"
        else []
    )
    resource = (
        suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="lithium-level",
            text=_order_text(found),
            reasons=reasons,
        )
        if ctx.patient_id is not None
        else None
    )
    # Not marked recommended, as the TSH the diagnosis review card proposes.
    return (suggestions.create("Order lithium level", resource),)


def _order_text(found: Due) -> str:
    """The proposed order's text, as the card words the course: "running lithium", or, its
    supply lapsed, when it ended (lith53: "running" beside "last supply ended" contradicted it)."""
    ended = found.supply_ended
    if ended is None:
        return "Lithium level (serum): running lithium, level due"
    return f"Lithium level (serum): lithium, last supply ended {ended.isoformat()}, level due"


def _due_days() -> int:
    interval = level_monitoring.interval_for(_DRUG)
    return interval.due_days if interval is not None else 0


def fingerprint(found: Due) -> str:
    """The level and the tests wanting: a new result ends a snooze."""
    level = found.level
    return screen.pairs_key(
        [f"due|lithium|{level.date.isoformat() if level is not None else 'none'}"]
        + [f"test|{t.name}" for t in found.wanting()]
        + ([f"renal|{found.renal}"] if found.renal else [])
    )


def card(ctx: RuleContext, topic: str) -> Recommendation | None:
    found = due(ctx)
    if found is None:
        return None
    rec = cards.make(
        topic,
        summary=_summary(found, ctx.policy.lab_recent_days),
        detail=detail(ctx, found),
        suggestions=_suggestions(ctx, found),
        # A level under a local code, possibly toxic, is not an info line (Due.local: labs70).
        # So is a creatinine above range with no eGFR (Due.renal: labs71 finding 1).
        indicator=Indicator.WARNING if found.local or found.renal else Indicator.INFO,
    )
    return screen.with_fields(rec, evidence_key=fingerprint(found))


def hold_one_click(
    ctx: RuleContext,
    recs: Sequence[Recommendation],
    hidden: AbstractSet[str],
    topic: str,
) -> list[Recommendation]:
    """`recs` with the optimise card's drug proposals as text while this card (of `topic`, shown:
    not in `hidden`) says the level is due (see the module docstring); as they are otherwise
    (only a sodium, creatinine or TSH due: the level judges the augmentation, not those)."""
    if not one_click_hold.shown(recs, topic, hidden):
        return list(recs)
    found = due(ctx)
    if found is None or not found.level_due:
        return list(recs)
    level = found.level
    if level is not None:
        ago = level_monitoring.age_text(level.date, found.as_of)
        state, last = "overdue", f"its last level {lab_safety.text(level)}, {ago} ago"
    elif found.local:
        state, last = "not read", found.local
    else:
        state, last = "not on record", "no level on record"
    why = f"the lithium level is {state}"

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return (
            f"**Not one click while {why}** ({last}): {'; '.join(s.label for s in held)}. "
            "Whether lithium reached its target (a fair trial of it) is not known, nor whether "
            "its level is now too high: check the level first, then add or switch."
        )

    return one_click_hold.hold_drug_orders(recs, line, held_by=why, whole=True)
