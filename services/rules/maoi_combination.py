"""patient-view: an MAOI running together with a serotonergic or noradrenergic antidepressant.

The order hooks stop such a combination when it is ordered (order_hooks MAOI, services/washout.py);
a chart can still hold both as running (started elsewhere, an order not discontinued, linezolid
given on a ward). An MAOI with a serotonergic or noradrenergic antidepressant risks serotonin
syndrome or a hypertensive crisis (REFERENCE.md 1.7; CPS 2023 Table 5; Keks et al., Aust Prescr
2016), so it is a critical card whatever the pathway stage, from the same washout table
(data/maoi_washout.csv): which drugs interact, and the interval each way for the switch that ends
the combination. Two MAOIs together count too (one MAOI to another needs the first one's
interval). Both drugs must be running courses on the as-of date, or one running and the other
stopped on a recorded day less than its washout into the running one before as-of (fix 20 item 2:
an order `stopped` yesterday is no longer "running", but its MAOI, or the fluoxetine beside an
MAOI, is still there). A past course of unknown dates is the order hooks' business.

A drug taken only by a record whose code and name give different drugs (an order coded
escitalopram, named phenelzine) "may be running" (services/taken_to_confirm.py, fix 19a): the
pair stays critical beside a drug that runs, says so, and carries the drug-to-confirm line; its
two readings are one record, never a pair ("Phenelzine (MAOI) and escitalopram both running:
stop one" was said of that one order).

An MAO-B inhibitor for Parkinson disease whose label does not recommend, rather than
contraindicates, an antidepressant class with it (WashoutRow.not_recommended_with: rasagiline
with an SSRI, SNRI or tricyclic, audit 16; safinamide with an SSRI, whose label asks to monitor
for serotonin syndrome while it contraindicates SNRIs and tricyclics, review 16 second recheck
W1) makes a warning, as its order card does: a critical card on every chart open, telling to stop
a Parkinson drug, overstated the label. Any other pair on the chart keeps the card critical.

Nothing is offered as a one-click order: which drug to stop is the prescriber's decision. The
card is not snoozable (data/topics.csv): it ends when the medication list records a stop.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import Role
from services import (
    cards,
    drug_names,
    taken_to_confirm,
    washout,
    washout_partners,
    washout_table,
    washout_words,
)
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext
from services.washout_state import stop_said

# The verbs of taken_to_confirm's claims, as the summary compares them (`_both`).
_RUNNING = taken_to_confirm.RUNNING.verb
_LISTED = taken_to_confirm.LISTED.verb

TOPIC = "maoi-combination"


def running_pairs(ctx: RuleContext) -> list[tuple[washout.Exposure, washout.Exposure]]:
    """(MAOI, other) pairs that must not meet, each once: both running on the as-of date, or
    one running and the other stopped less than its washout before as-of (`_within_washout`)."""
    if not washout.maoi_on_record(ctx.record):
        return []  # nearly every chart: no MAOI course at all, so no pair
    found = washout.exposures(ctx.record)
    running = [e for e in found if e.running]
    recent = [e for e in found if _within_washout(ctx, e, running)]
    pairs: list[tuple[washout.Exposure, washout.Exposure]] = []
    seen: set[frozenset[str]] = set()
    for a in running:
        for b in running + recent:
            maoi, other = (a, b) if a.row.is_maoi else (b, a)
            key = frozenset({maoi.ingredient, other.ingredient})
            if not maoi.row.is_maoi or other.ingredient == maoi.ingredient or key in seen:
                continue
            if other.other_reading(maoi) or not _meet(ctx, a, b):
                continue
            seen.add(key)
            pairs.append((maoi, other))
    return pairs


def _meet(ctx: RuleContext, running: washout.Exposure, other: washout.Exposure) -> bool:
    """Whether `other` (running, or stopped) still meets `running`: both running and the table
    has a washout between them, or `other` stopped less than its washout into `running` ago."""
    days = washout_table.days_needed(other.row, running.row)
    if days is None:
        return False
    return other.running or (other.end is not None and _days_ago(ctx, other) < days)


def _days_ago(ctx: RuleContext, e: washout.Exposure) -> int:
    assert e.end is not None
    return (ctx.record.as_of - e.end).days


def _within_washout(ctx: RuleContext, e: washout.Exposure, running: list[washout.Exposure]) -> bool:
    """A course stopped on a recorded day (fix 20 item 2: an order `stopped` yesterday) whose
    washout into a drug still running has not passed: the two still meet (phenelzine stopped
    yesterday inhibits MAO for about two weeks; fluoxetine stopped yesterday stays for five),
    the safer reading. A past course of unknown dates (Exposure.ended_by) is left to the order
    hooks, as before: its day is only the latest it may have been taken."""
    if e.running or e.on_order or e.end is None or e.ended_by:
        return False
    return any(_meet(ctx, r, e) for r in running if r.ingredient != e.ingredient)


def _since(e: washout.Exposure) -> str:
    if not e.running and e.end is not None:
        # Named by drug and its stop day, as a running course is (cards.record_cite).
        cite = cards.record_cite(e.source, True, ", {}")
        # What the stop rests on (fix wash66: a fill's supply end is no recorded stop).
        said = stop_said(e, f"{e.ingredient} ({washout_words.kind_label(e.row)})", _ago(e))
        return f"{said}, within its washout{cite}"
    when = f"since {e.start.isoformat()}" if e.start else "start not recorded"
    # Named by drug and date; an id only for a record with no readable dates (cards.record_cite).
    cite = cards.record_cite(e.cited, e.start is not None, ", {}")
    label = washout_words.kind_label(e.row)
    if e.claim.why:  # its trials table's words (review s23 RPC): not "running since"
        return f"{e.ingredient} ({label}) {when}, {e.claim.said()}{cite}"
    return f"{e.ingredient} ({label}) {e.claim.bare} {when}{cite}"


def _both(m: str, label: str, maoi: washout.Exposure, o: str, other: washout.Exposure) -> str:
    """ "Phenelzine (MAOI) and sertraline both running", or, when a record to confirm is all
    that says one of them runs, "Phenelzine (MAOI) may be running with sertraline"."""
    if not maoi.running:
        said = stop_said(maoi, f"{maoi.ingredient} ({label})", _ago(maoi))
        return f"{said[:1].upper()}{said[1:]}, {o} running"
    if not other.running:
        return f"{m} ({label}) running, {stop_said(other, o, _ago(other))}"
    # Each drug as its line and its trials table say it (taken_to_confirm.course_claim, review
    # s23 RPC: "both running" of a listed phenelzine and an escitalopram with no supply since
    # 2025-06-05).
    said, other_said = maoi.claim.verb, other.claim.verb
    if said == other_said:
        if said == _RUNNING:
            return f"{m} ({label}) and {o} both running"
        return (
            f"{m} ({label}) and {o} {'both listed' if said == _LISTED else 'may both be running'}"
        )
    if said == _RUNNING:
        return f"{m} ({label}) running with {o}, which {other_said}"
    if other_said == _RUNNING:
        if said == _LISTED:
            return f"{m} ({label}) listed, {o} running"
        return f"{m} ({label}) {said} with {o}"
    return f"{m} ({label}) {maoi.claim.bare}, {o} {other.claim.bare}"


def _named_all(
    ctx: RuleContext,
    pairs: list[tuple[washout.Exposure, washout.Exposure]],
    both: str,
    act: str,
    risk: str,
) -> list[str]:
    """The summary forms that name every drug of the pairs (washout_partners.py, review K34:
    "Phenelzine (MAOI) stopped 2026-11-21, trazodone running" said nothing of the sertraline
    running beside trazodone): each drug stopped within its washout with its stop day and the
    days of washout left, each running partner with its dose ("also running: sertraline 100
    mg/day, trazodone 50 mg/day"). The lead pair both running keeps its words and names the
    others after it. [] when the lead pair is all there is and both run (nothing else to name)."""
    lead = pairs[0]
    led = {e.ingredient for e in lead} if all(e.running for e in lead) else set()
    stopped = _unique(e for pair in pairs for e in pair if not e.running)
    running = _unique(e for pair in pairs for e in pair if e.running and e.ingredient not in led)
    if not stopped and not running:
        return []
    record = ctx.record
    dated, undated = (
        "; ".join(
            _stopped_head(ctx, pairs, e, i == 0 and not led, on) for i, e in enumerate(stopped)
        )
        for on in (True, False)
    )
    names = cards.and_list([drug_names.shown(e.ingredient) for e in stopped])
    # One partner beside the stopped drug: "sertraline 100 mg/day running"; beside a pair both
    # running, or more than one: "also running: ...".
    said = washout_partners.also_running if led else washout_partners.beside
    named = [said(record, running), said(record, running, with_dose=False)]
    if led:
        # "Phenelzine (MAOI) and sertraline both running; also running: trazodone 50 mg/day;
        # fluoxetine stopped 2026-11-11, 15 days of washout left: stop one".
        return [
            "; ".join(filter(None, (both, also, text))) + f": {act}"
            for also in named
            for text in (dated, undated, f"{names} stopped within washout" if names else "")
        ]
    back = _back(pairs)
    first = ""
    if back:
        # Lead with the longer wait (review K36a finding 7): fluoxetine running beside a stopped
        # MAOI needs 35 days off it before any MAOI, longer than the MAOI's own days left. The
        # drugs it names leave the "also running" tail.
        wait = washout_partners.back_into_maoi(record, back)
        first = wait[:1].upper() + wait[1:]
        shown = {e.ingredient for e, _ in back}
        rest = [e for e in running if e.ingredient not in shown]
        named = [said(record, rest), said(record, rest, with_dose=False)] if rest else ["", ""]
        dated, undated = (
            "; ".join(_stopped_head(ctx, pairs, e, False, on) for e in stopped)
            for on in (True, False)
        )

    def form(*parts: str) -> str:
        return "; ".join(filter(None, parts))

    head = names[:1].upper() + names[1:] if not back else names
    return [
        form(first, dated, named[0]) + f": {act} ({risk})",
        form(first, dated, named[0]) + f": {act}",
        form(first, dated, named[0]),
        form(first, dated, named[1]),
        form(first, undated, named[1]),
        form(first, f"{head} stopped within washout", named[1]),
        form(first, f"{head} stopped within washout"),
    ]


def _back(
    pairs: list[tuple[washout.Exposure, washout.Exposure]],
) -> list[tuple[washout.Exposure, int]]:
    """Each running partner of a stopped MAOI whose own washout into it is longer than the
    MAOI's into the partner (the washout table: fluoxetine 35 days, against 14)."""
    found: dict[str, tuple[washout.Exposure, int]] = {}
    for maoi, other in pairs:
        if maoi.running or not other.running:
            continue
        into = washout_table.days_needed(other.row, maoi.row)
        out = washout_table.days_needed(maoi.row, other.row)
        if into is None or out is None or into <= out:
            continue
        if into > found.get(other.ingredient, (other, 0))[1]:
            found[other.ingredient] = (other, into)
    return list(found.values())


def _unique(found: Iterable[washout.Exposure]) -> list[washout.Exposure]:
    """Each drug once, in the pairs' order."""
    seen: dict[str, washout.Exposure] = {}
    for e in found:
        seen.setdefault(e.ingredient, e)
    return list(seen.values())


def _stopped_head(
    ctx: RuleContext,
    pairs: list[tuple[washout.Exposure, washout.Exposure]],
    e: washout.Exposure,
    first: bool,
    dated: bool = True,
) -> str:
    """ "Phenelzine (MAOI) stopped 2026-11-21, 4 days of washout left": the days left the
    longest of its washouts into the drugs it meets (`_meet`), counted from its stop day, the
    stop as stop_said words it (fix wash66), without its day when not `dated`."""
    partners = [b if a is e else a for a, b in pairs if e in (a, b)]
    needed = [washout_table.days_needed(e.row, r.row) for r in partners]
    left = max(d for d in needed if d is not None) - _days_ago(ctx, e)
    name = drug_names.shown(e.ingredient)
    if e.row.is_maoi:
        name = f"{name} ({washout_words.kind_label(e.row)})"
    said = stop_said(e, name, _ago(e) if dated else "")
    if first:
        said = said[:1].upper() + said[1:]
    # Stopped only by a day (its last dose not recorded, `_ago`): at most that many days left.
    bound = "up to " if left > 0 and (e.supply_end or e.end_not_recorded) else ""
    return f"{said}, {bound}{washout_partners.left_text(left)}"


def _ago(e: washout.Exposure) -> str:
    """ "2025-06-01" for a course stopped on a recorded day; "on or before 2025-06-01" for one
    whose order was recorded stopped by that day after its supply ran out (its last dose not
    recorded: Exposure.supply_end, review s20 r3 finding 1), or stopped with no day of its own
    (its end only the day its stop was recorded by: Exposure.end_not_recorded, review s20 r4
    finding 3)."""
    if e.end is None:
        return "recently"
    bound = e.supply_end or e.end_not_recorded
    return f"on or before {e.end.isoformat()}" if bound else e.end.isoformat()


def switch_interval(ctx: RuleContext, old: washout.Exposure, new: washout.Exposure) -> str:
    """ "citalopram → phenelzine: at least 14 days (2 weeks) off citalopram" (the washout table's
    interval for a switch from `old` to `new`), or "" when the pair needs none."""
    days = washout_table.days_needed(old.row, new.row)
    if days is None:
        return ""
    conflict = washout.Conflict(new.ingredient, new.row, old, days, ctx.record.as_of)
    return (
        f"{old.ingredient} → {new.ingredient}: at least {conflict.interval_text()} off "
        f"{old.ingredient}"
    )


def interval_sources(a: washout.Exposure, b: washout.Exposure) -> str:
    rows = {a.row.ingredient: a.row, b.row.ingredient: b.row}
    return "; ".join(
        f"{name}: {row.shown_cite}" + (" (UNVERIFIED)" if row.status == "UNVERIFIED" else "")
        for name, row in rows.items()
    )


def risk_sentence(maoi: washout.Exposure, other: washout.Exposure) -> str:
    if other.row.kind in ("serotonergic", "noradrenergic"):
        # The sentence every antidepressant pair has carried since issue 11.
        return (
            "An MAOI with a serotonergic or noradrenergic antidepressant risks serotonin syndrome "
            "or a hypertensive crisis"
        )
    return f"An MAOI with {other.ingredient} risks {washout_words.risk_text(maoi.row, other.row)}"


def _not_recommended(maoi: washout.Exposure, other: washout.Exposure) -> bool:
    """The MAOI's label does not recommend the other drug's class with it, short of a
    contraindication (the MAO-B inhibitors' rows: WashoutRow.not_recommended_with)."""
    info = drug_info(other.ingredient)
    return info is not None and info.drug_class in maoi.row.not_recommended_with


def _pair_text(ctx: RuleContext, maoi: washout.Exposure, other: washout.Exposure) -> str:
    if _not_recommended(maoi, other):
        return (
            f"**{maoi.ingredient.capitalize()} with {other.ingredient}:** {_since(maoi)}; "
            f"{_since(other)}: {maoi.row.with_running}. Source: {maoi.row.shown_cite}."
        )
    ways = [w for w in (switch_interval(ctx, other, maoi), switch_interval(ctx, maoi, other)) if w]
    stopped = next((e for e in (maoi, other) if not e.running), None)
    if stopped is not None:
        return (
            f"**{maoi.ingredient.capitalize()} with {other.ingredient}:** {_since(maoi)}; "
            f"{_since(other)}. {risk_sentence(maoi, other)}, and a drug stopped within its "
            f"washout still counts: confirm today what the patient takes and when "
            f"{stopped.ingredient} was last taken, and check for signs of "
            f"{washout_words.risk_words(maoi.row, other.row).signs}. Washout: "
            + "; ".join(ways)
            + f". Intervals: {interval_sources(maoi, other)}."
        )
    return (
        f"**{maoi.ingredient.capitalize()} with {other.ingredient}:** {_since(maoi)}; "
        f"{_since(other)}. {risk_sentence(maoi, other)}: confirm today what the patient takes, "
        f"check for signs of {washout_words.risk_words(maoi.row, other.row).signs}, and decide with "
        "psychiatry which one "
        "to stop. If one "
        "was already stopped, record its stop date (the card ends then). Washout for a switch "
        "between them: " + "; ".join(ways) + f". Intervals: {interval_sources(maoi, other)}."
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    pairs = running_pairs(ctx)
    if not pairs:
        return None
    # A pair both running leads (the card's step is then "stop one"), before a pair whose one
    # drug is stopped within its washout ("confirm what is taken, watch for signs").
    pairs.sort(key=lambda p: not (p[0].running and p[1].running))
    maoi, other = pairs[0]
    m, o = maoi.ingredient.capitalize(), other.ingredient
    label = washout_words.kind_label(maoi.row)
    risk = washout_words.risk_words(maoi.row, other.row)
    both = _both(m, label, maoi, o, other)
    # To confirm: which drug the record means comes before stopping one (fix 19a).
    act = "confirm the drug, stop one" if maoi.to_confirm or other.to_confirm else "stop one"
    if not (maoi.running and other.running):
        act = "confirm what is taken, watch for signs"
    summary = cards.fit_summary(
        *_named_all(ctx, pairs, both, act, risk.short),
        f"{both}: {risk.summary}; {act}",
        f"{both}: {act} ({risk.short})",
        f"{both}: MAOI combination",
        f"{m} and {o}: MAOI combination",
    )
    trials = [
        t
        for t in ctx.record.trials
        if t.ongoing and t.ingredient in {e.ingredient for pair in pairs for e in pair}
    ]
    pathway = [t for t in trials if t.role is not Role.INTERACTING]
    watch = all(_not_recommended(a, b) for a, b in pairs)
    if watch:
        summary = cards.fit_summary(
            f"{both}: not recommended together by its label; watch for serotonin syndrome",
            f"{both}: watch for serotonin syndrome",
            f"{m} and {o}: watch for serotonin syndrome",
        )
    confirm = taken_to_confirm.confirm_lines(
        [(e.record, e.to_confirm) for pair in pairs for e in pair]
    )
    return cards.make(
        TOPIC,
        summary=summary,
        indicator=Indicator.WARNING if watch else None,
        detail=cards.join_sections(
            *confirm,
            *(_pair_text(ctx, a, b) for a, b in pairs),
            cards.trial_table(pathway, ctx.policy.mapping) if pathway else "",
            cards.guideline_links("keks2016"),
        ),
    )
