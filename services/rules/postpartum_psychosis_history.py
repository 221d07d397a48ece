"""A past puerperal psychosis (recheck 11 finding 6): the entries of one still active but dated
before the postnatal year, or recorded as resolved, inactive or abated (`history`); a later
pregnancy or birth on record now (`pregnant_now`, `perinatal_now`: recheck 2 finding 4); and
the words the cards say of it (`history_name`, `history_line`, `history_sections`): the screen
for bipolarity before antidepressant changes, and the perinatal plan.

Apart from postpartum_psychosis.py, whose warning card (`history_card`) it makes up, because
the optimise card (optimize_switch_augment.py), the relapse card (relapse_steps.py) and the
puerperal psychosis order check read it as well, never the emergency card beside it. Re-exported
by postpartum_psychosis.py, where those callers import it from.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.record import Finding, FindingKind
from services import tms_gate
from services.rules.context import RuleContext
from services.rules.delivery_names import birth_head, delivery_code

_RESOLVED = FindingKind.PUERPERAL_PSYCHOSIS_HISTORY
_DELIVERY = FindingKind.DELIVERY


def _onset(finding: Finding) -> str:
    return finding.onset_phrase or "onset not recorded"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def history(ctx: RuleContext) -> tuple[Finding, ...]:
    """A past puerperal psychosis on record, oldest first (undated first): the entries still
    active but dated before the postnatal year (acute_risk.puerperal_history, read once per
    evaluation: PathwayFacts.puerperal_past) and those recorded as resolved, inactive or abated
    (PUERPERAL_PSYCHOSIS_HISTORY). Empty while a current puerperal psychosis is read: the
    emergency card speaks then."""
    facts = ctx.facts
    resolved = facts.findings_of(_RESOLVED)
    if not resolved or facts.puerperal is not None:
        return facts.puerperal_past
    return tuple(sorted((*facts.puerperal_past, *resolved), key=lambda f: f.onset or date.min))


def resolved(finding: Finding) -> bool:
    """Whether a history entry is recorded as resolved, inactive or abated (not still active)."""
    return finding.kind is _RESOLVED


def history_name(past: tuple[Finding, ...]) -> str:
    """ "F53.1, 2016-05-01", or "F53.1, 2019-02-11, resolved" (the latest entry: the most
    recent the record states)."""
    latest = past[-1]
    state = ", resolved" if resolved(latest) else ""
    return f"{latest.code}, {latest.onset_text}{state}"


def pregnant_now(ctx: RuleContext, past: tuple[Finding, ...]) -> Finding | None:
    """The pregnancy on record now (Population.pregnancy: no recorded delivery ended it) when it
    is a later one than the past puerperal psychosis (dated after its latest entry, or either is
    undated: the safer reading, as the card then asks for perinatal psychiatry now), else None
    (recheck 2 finding 4: "before any later pregnancy" beside a pregnancy of 20 weeks)."""
    pregnancy = ctx.population.pregnancy
    if pregnancy is None or not past:
        return None
    latest = past[-1].onset
    if pregnancy.onset is not None and latest is not None and pregnancy.onset <= latest:
        return None  # the pregnancy before that psychosis, left active: not a later one
    return pregnancy


def perinatal_now(ctx: RuleContext, past: tuple[Finding, ...]) -> Finding | None:
    """A later pregnancy on record now (`pregnant_now`), else the birth of the postnatal year
    as-of falls in (Population.delivery) when it is later than the past puerperal psychosis
    (either undated: the safer reading): the weeks after that birth are the time of highest risk
    of a recurrence, so "before any later pregnancy" would be too late (as it was for a resolved
    F53.1 with a delivery three weeks ago). An entry still active beside such a birth is read as
    the current emergency (acute_risk.puerperal_history), not here."""
    pregnancy = pregnant_now(ctx, past)
    if pregnancy is not None:
        return pregnancy
    delivery = ctx.population.delivery
    if delivery is None or not past:
        return None
    latest = past[-1].onset
    if delivery.onset is not None and latest is not None and delivery.onset <= latest:
        return None  # the birth of that psychosis: not a later one
    return delivery


def _birth_name(delivery: Finding) -> str:
    """ "Delivered on 2025-05-12 (O80)" or "Delivery recorded (O80, undated)"."""
    if delivery.onset is None:
        return f"Delivery recorded ({delivery_code(delivery)}, undated)"
    # A visit's, a charting or a postpartum care date is not the birth's (fix care66).
    return f"{birth_head(delivery)[0]} ({delivery_code(delivery)})"


def _pregnancy_name(pregnancy: Finding) -> str:
    """ "20 weeks gestation of pregnancy, Z3A.20, since 2025-05-19"."""
    when = pregnancy.dated or "undated"
    return f"{pregnancy.display}, {pregnancy.code}, {when}"


def _plan(pregnancy: Finding | None) -> str:
    """The screen, then the perinatal plan: before any later pregnancy, now when pregnant, or
    now in the postnatal weeks after a later birth (`perinatal_now`)."""
    screen = tms_gate.line("postpartum-psychosis-history")
    if pregnancy is None:
        return f"{screen}, and {tms_gate.line('postpartum-psychosis-later-pregnancy')}"
    if pregnancy.kind is _DELIVERY:
        return (
            f"{screen}. {_birth_name(pregnancy)}: {tms_gate.line('postpartum-psychosis-postnatal')}"
        )
    return (
        f"{screen}. Pregnant now ({_pregnancy_name(pregnancy)}): "
        f"{tms_gate.line('postpartum-psychosis-pregnant')}"
    )


def history_line(past: tuple[Finding, ...], held: bool, *, pregnancy: Finding | None = None) -> str:
    """The optimise card's line on a past puerperal psychosis (module docstring); `held`: its
    drug proposals were taken off as one-click orders; `pregnancy`: a later pregnancy on record
    now (`pregnant_now`), which the line names with perinatal psychiatry now."""
    line = f"**History of puerperal psychosis** ({history_name(past)}): {_plan(pregnancy)}."
    if held:
        line += " The drug options below are named, not offered as one-click orders, until then."
    return line


def history_sections(ctx: RuleContext, past: tuple[Finding, ...]) -> list[str]:
    """The history card's sections the order card shares: the entries, their age or state, the
    screen."""
    lines = "\n".join(
        f"- {f.display} ({f.coding}, {_onset(f)}, "
        f"{'recorded as resolved' if resolved(f) else 'still active'})"
        + (f" [{f.source}]" if f.source is not None else "")
        for f in past
    )
    start = ctx.record.as_of - timedelta(days=ctx.policy.mapping.postpartum_after_edd_days)
    active = [f for f in past if not resolved(f)]
    said: list[str] = []
    if active:
        said.append(
            f"Dated before the postnatal year ({ctx.policy.mapping.postpartum_after_edd_days} "
            f"days, from {start.isoformat()}) with no birth or postpartum onset of that year on "
            "record: read as a past puerperal psychosis, not a current emergency. If it has "
            "resolved, record it as resolved; if the psychosis is current, it is an emergency: "
            "same-day psychiatric assessment."
        )
    if len(active) < len(past):
        # Recorded as resolved (conditions.py reads it as history only): no current psychosis is
        # read from it, but what it marks (data/acute_risk.csv postpartum-psychosis-history)
        # does not resolve with it, so the screen below still stands.
        said.append(
            "Recorded as resolved: read as a past puerperal psychosis, not a current emergency. "
            "If a psychosis is current now, it is an emergency: same-day psychiatric assessment."
        )
    return [
        f"**Found:**\n{lines}",
        *said,
        f"{_sentence(_plan(perinatal_now(ctx, past)))}.",
    ]
