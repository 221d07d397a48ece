"""The medical contributors on the diagnosis review card (`medical_items`: an abnormal TSH, or a
low one liothyronine explains, hypothyroidism, low B12, folate or vitamin D; sleep
apnea from diagnosis_sleep_apnea.py), each test's latest result (`_latest_labs`), and whether a TSH is missing once TRD is met
(`tsh_missing`). Lab flags are each lab's own reference interval; a lab older than the card's
look-back says its age (review 17 M10). The thyroid lines are diagnosis_medical_thyroid.py's.

Apart from diagnosis_review.py because these lines read labs and are asked only after an adequate
failed trial (CANMAT 2023 para 184), the psychiatric ones (diagnosis_psychiatric.py) whenever the
pathway applies. `_latest_labs` keeps its name (tests call it through diagnosis_review, which
re-exports it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping.lab_status import shown
from fhir_mapping.lab_units import is_si_unit, ranged
from fhir_mapping.labs import LAB_NAMES
from fhir_mapping.record import FindingKind, LabResult
from fhir_mapping.result_statuses import OBSERVATION, named, named_as_gap
from services import contributor_timing, unit_display
from services.card_format import plural
from services.lab_readings import NO_UNIT_READ_AS, same_day_note
from services.pathway import OPEN_REQUEST_STATUSES
from services.rules import deficiency_replacement, diagnosis_medical_thyroid
from services.rules.context import RuleContext
from services.rules.diagnosis_deficiency import _low
from services.rules.diagnosis_item import Item, lab_number
from services.rules.diagnosis_local_labs import either, local_items
from services.rules.diagnosis_sleep_apnea import sleep_apnea_items
from services.same_day_labs import safer_of


def _lab_ref(lab: LabResult, as_of: date | None = None, old_days: int = 0) -> str:
    """ "3.1 ng/mL, low, 2022-04-04 (3 years ago: repeat)": a result older than `old_days`
    before `as_of` says its age, since a contributor three years old may be long corrected
    (review 17 M10); the date alone left the arithmetic to the reader."""
    # The unit as a lab report writes it ("mIU/L", never UCUM's "m[IU]/L": review 17 M7).
    value = (
        "no value"
        if lab.value is None
        else f"{lab_number(lab)} {unit_display.display(lab.unit)}".strip()
    )
    if lab.unit_from == "bare" and lab.comparator and is_si_unit(lab.test, lab.unit):
        # A bound sent with no unit, read in the unit its code states ("<111" under the moles
        # B12 code 14685-2: pmol/L): never a unit the record does not give, unsaid (lab54 item 3).
        value += " (no unit sent, read by its code's unit)"
    elif lab.unit_from == "bare" and lab.value is not None and lab.unit:  # lab58 item 2: lab57's
        value = f"{lab_number(lab)} ({NO_UNIT_READ_AS}{unit_display.display(lab.unit)})"
    ref = f"{value}, {lab.flag or 'unflagged'}, {lab.date.isoformat()}{same_day_note(lab)}"
    if lab.status:
        # Read before it is final (review s28 RJ finding 4): "preliminary (not yet reviewed)".
        # A registered one read with its value: "status registered", never its row's "(no
        # result yet)" beside the value (K40b s34 finding 1; lab_status.shown).
        ref += f", {shown(lab.status) if named_as_gap(OBSERVATION, lab.status) else named(OBSERVATION, lab.status)}"
    if as_of is not None and (as_of - lab.date).days > old_days:
        ref += f" ({_age(lab.date, as_of)} ago: repeat)"
    return ref


def _age(then: date, as_of: date) -> str:
    """ "3 years", "14 months": whole years from the second year on, else whole months."""
    months = (as_of.year - then.year) * 12 + as_of.month - then.month - (as_of.day < then.day)
    if months >= 24:
        return plural(months // 12, "year")
    return plural(months, "month")


def _latest_labs(ctx: RuleContext) -> dict[str, LabResult]:
    """Each test's latest result (`context.latest_lab`, the first of the latest date), in one
    pass over the labs for the five tests the card reads. Of one date, a result (final, amended,
    corrected: `status` "") wins over one read before it is final (preliminary, registered), in
    whichever order the Bundle lists them (review K40b s34 finding 4: a preliminary B12 150 sent
    first held TMS beside the final 400 of the same day)."""
    latest: dict[str, LabResult] = {}
    for lab in ctx.record.context.labs:
        seen = latest.get(lab.test)
        if seen is None or lab.date > seen.date or (lab.date == seen.date and _better(lab, seen)):
            latest[lab.test] = lab
    # Of one day's results that disagree, the safer decides, named with the rest (lab59 item 1).
    return {test: safer_of(ctx.record, lab) for test, lab in latest.items()}


def _readable(lab: LabResult) -> bool:
    return lab.value is not None or lab.flag is not None


def _better(lab: LabResult, seen: LabResult) -> bool:
    """Of one date, a readable result beats one with neither value nor flag (a thyroid panel
    whose members came beside it: the member TSH decides, lab54 item 1), then a final one beats
    one read before it is final."""
    if _readable(lab) != _readable(seen):
        return _readable(lab)
    return bool(seen.status) and not lab.status


# The tests of the card with a default interval (lab_units.ranged): a result of one that nothing
# could compare is said on the card (`_uncompared`).
_CARD_TESTS = ("tsh", "free-t4", "b12", "folate", "vitamin-d")


# Out of range: an old result so behind a newer unread one is named as context only.
_OUT = frozenset({"low", "high"})


def _uncompared(
    ctx: RuleContext, labs: dict[str, LabResult], lab_ref: Callable[[LabResult], str]
) -> list[Item]:
    """The latest result of a card test that nothing flagged: no interpretation, no range in its
    unit, and a unit the service cannot convert (review 17 W1: a B12 in a unit not recognised
    sat as a data gap no card showed, the adjuncts one click); a bound that does not say which
    side of the interval it is on ("<200" pg/mL B12); or no value read at all (a valueString
    that is not a bound, review s28 RJ finding 2: never silent). Said as information that holds
    nothing (the value may be normal), raising the card when alone."""
    items: list[Item] = []
    stale_days = ctx.policy.tsh_lookback_days  # the card's look-back (`medical_items`)

    def stale(lab: LabResult) -> bool:
        return (ctx.record.as_of - lab.date).days > stale_days

    for test in _CARD_TESTS:
        lab = labs.get(test)
        if lab is None or lab.flag is not None or not ranged(test):
            continue
        name = LAB_NAMES.get(test, test)
        head = f"**{name[:1].upper()}{name[1:]} not compared:** {lab_ref(lab)}: "
        day = lab.date.isoformat()
        if lab.value is None and lab.panel:
            head = f"**{name[:1].upper()}{name[1:]} not read:** {LAB_NAMES.get(lab.panel, lab.panel)} of {day}: "
            # A panel drawn whose TSH is not in the record (its members not sent, or not read):
            # the panel is named, never "No TSH" (lab54 item 1).
            short = (
                f"{LAB_NAMES.get(lab.panel, lab.panel)} on {day}: {name} not readable in the record"
            )
            title, long = short, f"{short}: check it in the chart"
            why = f"drawn, but its {name} result was not in the record sent or could not be read"
        elif lab.value is None:
            short = f"{name} of {day}: no value read"
            title, long = short, f"{short}: check it in the chart"
            why = "no number could be read from it (sent as text or without a value)"
        elif not lab.unit and lab.comparator is None:
            # A valueQuantity with no unit, code or system (Oracle Health and some interfaces):
            # never given one (150 pg/mL of B12 is low, 150 pmol/L is not), and never said as a
            # unit the service does not convert, which claims a unit was sent (lab57 item 1).
            short = f"{name} {lab_number(lab)} on {day}, unit not recorded"
            title = f"{name} {lab_number(lab)}, unit not recorded"
            long = f"{short}: cannot compare with the reference range"
            why = (
                "no unit was recorded with it and the lab sent no flag or range, so it cannot be "
                f"compared with the reference range (the unit is not guessed{either(test)})"
            )
        else:
            unit = unit_display.display(lab.unit) or "no unit"
            short = f"{name} {lab_number(lab)} {unit}"
            title = f"{short} not compared"
            if lab.comparator is not None:
                why = "a bound that may be either side of the interval"
                long = f"{short} of {day} not compared (a bound): check it in the chart"
            else:
                why = (
                    f"its unit ({unit}) is not one the service converts and the lab sent no "
                    "flag or range"
                )
                long = f"{short} of {day} not compared (unit not recognised): check it in the chart"
        # The last result read before it, which the unread one hides (lab54 item 2: a TSH 9.8
        # high two years before a newer "see note" went unsaid).
        last = diagnosis_medical_thyroid.last_read(ctx, test, lab.date)
        before = f"; the last {name} read: {lab_ref(last)}" if last is not None else ""
        if last is not None and last.flag in _OUT and stale(last):
            # Older than the look-back, out of range: context for the newer result, which is the
            # one to read, not a repeat of itself (K47c s35 finding 5).
            before = (
                f"; the last {name} read: {_lab_ref(last)} ({_age(last.date, ctx.record.as_of)} "
                f"ago, before the {stale_days}-day look-back): read the {day} result"
            )
        items.append(
            Item(
                title,
                f"{head}{why}; check it against the lab's range in the chart{before}.",
                alongside=True,
                minor=True,
                named=(long, f"{title}: check it in the chart"),
            )
        )
    return items


def medical_items(ctx: RuleContext, labs: dict[str, LabResult] | None = None) -> list[Item]:
    """`labs`: `_latest_labs(ctx)` when the caller has read them already."""
    record = ctx.record
    if labs is None:
        labs = _latest_labs(ctx)
    # Older than the card's look-back for a recent lab (the TSH's, policy.tsh_lookback_days):
    # named with its age.
    as_of, old_days = record.as_of, ctx.policy.tsh_lookback_days

    def lab_ref(lab: LabResult) -> str:
        return _lab_ref(lab, as_of, old_days)

    def stale(lab: LabResult) -> bool:
        return (as_of - lab.date).days > old_days

    items: list[Item] = diagnosis_medical_thyroid.thyroid_items(ctx, labs, lab_ref)
    for kind, test, label in (
        (FindingKind.B12_DEFICIENCY, "b12", "B12"),
        (FindingKind.FOLATE_DEFICIENCY, "folate", "folate"),
        (FindingKind.VITAMIN_D_DEFICIENCY, "vitamin-d", "vitamin D"),
    ):
        lab, replaced = labs.get(test), deficiency_replacement.taken(ctx, test)
        if (
            replaced is not None
            and lab is not None
            and lab.flag == "low"
            and not stale(lab)
            and deficiency_replacement.treats(replaced[0], lab)
        ):
            # Replacement started on or after the low result: the treatment the line asks for
            # is under way; named with its recheck, holding nothing (deficiency_replacement.py).
            items.append(
                deficiency_replacement.under_replacement(
                    ctx, replaced, lab, label, lab_ref(lab), labs.get(replaced[1].check_first)
                )
            )
            continue
        item = _low(ctx, kind, test, label, labs, lab_ref, stale)
        if item is not None and replaced is not None and not item.info:
            # Running, but not the answer to this result (begun before it, or only listed):
            # the line stands as it was, with the replacement named beside it.
            item = replace(
                item, text=f"{item.text[:-1]}{deficiency_replacement.beside(replaced[0])}."
            )
        timing = contributor_timing.timing(test)  # low vitamin D: alongside (review 15 h02)
        if item is not None and item.info:
            pass  # corrected since (`_corrected`): says so, holds nothing
        elif item is not None and timing.alongside and not item.alongside:
            item = replace(
                item, text=f"{item.text[:-1]}: {timing.why}.", alongside=True, minor=True
            )
        elif item is not None and timing.alongside:
            item = replace(item, minor=True)  # an old low vitamin D: a repeat, still minor
        if item is not None:
            items.append(item)
    items += _uncompared(ctx, labs, lab_ref)
    items += local_items(ctx, labs, lab_ref)  # under a local code only (lab58 item 1)
    items += _pending(ctx, labs)
    items += sleep_apnea_items(ctx)
    return items


def _pending_of(ctx: RuleContext, test: str, labs: dict[str, LabResult]) -> LabResult | None:
    """The latest result of `test` registered with no value yet (ordered, not resulted:
    ClinicalContext.pending_labs) within the look-back, when no result of it is as recent."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.tsh_lookback_days)
    found = [p for p in ctx.record.context.pending_labs if p.test == test and p.date >= since]
    if not found:
        return None
    latest, read = max(found, key=lambda p: p.date), labs.get(test)
    return latest if read is None or read.date < latest.date else None


def _pending(ctx: RuleContext, labs: dict[str, LabResult]) -> list[Item]:
    """A card test registered with no result yet (K40b s34 finding 1: "No TSH in 365 days ...
    consider one" beside a TSH already ordered): said as ordered, holding nothing."""
    items: list[Item] = []
    for test in _CARD_TESTS:
        lab = _pending_of(ctx, test, labs)
        if lab is None:
            continue
        name = LAB_NAMES.get(test, test)
        short = f"{name} of {lab.date.isoformat()} registered, no result yet"
        items.append(
            Item(
                short,
                f"**{name[:1].upper()}{name[1:]} registered:** ordered on "
                f"{lab.date.isoformat()}, no result yet (status registered): check for the result.",
                alongside=True,
                minor=True,
                named=(f"{short}: check for the result", f"{short}: check for the result"),
            )
        )
    return items


def tsh_pending(ctx: RuleContext) -> bool:
    """A TSH registered with no result yet within the look-back, newer than any TSH read: the
    card's line says so (`_pending`), so the lithium card does not ask for one too."""
    return _pending_of(ctx, "tsh", _latest_labs(ctx)) is not None


def tsh_missing(ctx: RuleContext, labs: dict[str, LabResult] | None = None) -> bool:
    """TRD met, no TSH within the look-back and no TSH order already open. `labs`:
    `_latest_labs(ctx)` when the caller has read them already."""
    if not ctx.facts.meets_trd or ctx.facts.other_disorder_only:
        # No depression diagnosed, courses for another condition (review 16 W2): "after 2
        # adequate trials failed" would call them depression trials.
        return False
    since = ctx.record.as_of - timedelta(days=ctx.policy.tsh_lookback_days)
    tsh = (_latest_labs(ctx) if labs is None else labs).get("tsh")
    if tsh is not None and tsh.date >= since:
        return False
    if _pending_of(ctx, "tsh", {} if tsh is None else {"tsh": tsh}) is not None:
        return False  # registered, no result yet: ordered (`_pending` says so)
    return not any(
        r.kind == "lab:tsh" and r.status in OPEN_REQUEST_STATUSES for r in ctx.record.referrals
    )
