"""patient-view: a recent low sodium with an SSRI or SNRI running (review 10 finding 7).

Before, a sodium below data/lab_safety.csv's line (sodium-low: < 130 mmol/L, Spasovski 2014) was
said only where a drug is proposed or ordered (the switch list's line, the order card): a woman of
78 whose sodium fell from 139 to 129 within months of starting citalopram, with repeated falls
coded, got an optimise card offering one-click aripiprazole and nothing naming the drug most
likely causing it. Here, on chart open:

- the latest sodium this service can compare (lab_safety.latest_readable), or the latest one
  the lab called critical with no side and no value ("Critical": labs36 item 2), when recent
  (policy.lab_recent_days) and below the line, with each running drug the row covers (SSRIs and
  SNRIs; a course on hold is not taken now and is left out, as on the running-drug card);
- for each drug, the last comparable sodium before it started: a fall since then, or no sodium
  before it, makes the drug the likely cause (the row's `cause`: "may be the cause (SIADH)"); a
  sodium already below the line before it started, or a low sodium taken before the drug began,
  is said so, and the drug only "can lower it further" (never claimed as the cause);
- falls on record (FindingKind.FALLS: fhir_mapping/data/falls_codes.csv), named with code and
  date, with what a low sodium adds (the row's `falls`); from policy.older_adult_age, the labels'
  greater risk with the age;
- a later sodium this service cannot compare (sent as text), named: it may show a recovery;
- below the sodium-profound row's line (< 125 mmol/L, Spasovski 2014's profound tier:
  services/sodium_tier.py), the card is critical and says so ("profound hyponatraemia with
  venlafaxine running: assess today ..."): a "< 110" was the warning of a 129 (session 29 sodium31).

Noise kills CDS: the latest comparable sodium decides, so a low value since normalised gives
nothing, and one older than lab_recent_days nothing either (the window the switch list and the
order hooks use).

Its own card, not a pair on the running-drug card (running_cautions.py), for three reasons:
that card names a finding a table row rules a drug out for, which a clinician may continue as a
deliberate decision, while this one names a result the drug may be causing now, asks for a repeat
and ends with the next result (its own snooze fingerprint: the result and the drugs, so a snooze
never hides a new low sodium); it reads labs, which the running-drug card's data domains do not
(services/data/topic_data.csv: a lab gap is named on this card); and its summary leads with the
value, where the running-drug card's leads with the drug. Warning, snoozable with a reason.

While it is on the screen (not snoozed), the optimise card's medication proposals are not one
click (`hold_one_click`): an adjunct added to the drug that may be causing the low sodium keeps it
running and commits to it before the sodium is explained, and a higher SSRI or SNRI dose can lower
the sodium further. They stay on the card as text, with why; a referral (ECT) stays one click. A
snooze with a reason (the clinician has addressed it), or a sodium back above the line, brings the
one-click proposals back.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from fhir_mapping.lab_status import shown as status_shown
from fhir_mapping.record import Finding, FindingKind, LabResult
from services import cards, lab_safety, local_levels, screen, screen_refs, sodium_tier
from services.interaction_table import Taking
from services.lab_safety import LabRule
from services.recommendation import Indicator, Recommendation
from services.rules import one_click_hold, running_cautions
from services.rules.context import RuleContext

TOPIC = "running-drug-low-sodium"
_CHECK = "sodium-low"
_TEST = "sodium"


@dataclass(frozen=True, slots=True)
class Suspect:
    """A running drug the row covers, with the last comparable sodium before it started."""

    taking: Taking
    before: LabResult | None
    # The low sodium was taken before the drug started: the drug cannot have caused it.
    predates: bool
    # The sodium before it started was already below the line.
    already_low: bool

    @property
    def cause(self) -> bool:
        """Whether the card may call the drug the likely cause: the low sodium was taken on it
        (or its start is not recorded) and nothing shows it was low before it."""
        return not self.predates and not self.already_low

    @property
    def name(self) -> str:
        return self.taking.ingredient


@dataclass(frozen=True, slots=True)
class LowSodium:
    rule: LabRule
    lab: LabResult  # the latest comparable sodium: recent, below the line
    suspects: tuple[Suspect, ...]
    falls: tuple[Finding, ...]  # latest first
    unread: LabResult | None  # a later sodium that could not be compared
    age: int | None  # the patient's age when at or above policy.older_adult_age
    # The sodium-profound row when the sodium's value is below it (< 125 mmol/L), else None.
    profound: LabRule | None = None
    # The sodium is a local-coded one read by its name and unit (_local_sodium: labs71).
    local: bool = False


def low_sodium(ctx: RuleContext) -> LowSodium | None:
    """The finding the card states, or None (nearly every chart: no recent low sodium)."""
    rule = next((r for r in lab_safety.rules() if r.check == _CHECK), None)
    if rule is None:
        return None
    lab = lab_safety.latest(ctx.record, _TEST)
    # A sodium the lab called critical with no side and no value ("Critical" alone, v3 AA) is
    # acted on as flagged (labs36 item 2); else the latest one this service can compare.
    if lab is None or not lab_safety.sideless_critical(lab):
        lab = lab_safety.latest_readable(ctx.record, _TEST)
    local = _local_sodium(ctx)
    if local is not None:
        lab = local
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    if not lab_safety.below(rule, lab):
        return None  # the latest comparable sodium is not low: an old low one says nothing now
    suspects = tuple(
        _suspect(ctx, rule, lab, taking)
        for taking, drug_class in running_cautions.running(ctx)
        if rule.applies_to(taking.ingredient, drug_class)
    )
    if not suspects:
        return None
    age = ctx.record.patient.age
    falls = tuple(
        sorted(
            ctx.facts.findings_of(FindingKind.FALLS),
            key=lambda f: f.onset.toordinal() if f.onset else 0,
            reverse=True,
        )
    )
    return LowSodium(
        rule,
        lab,
        suspects,
        falls,
        lab_safety.unread_after(ctx.record, lab),
        age if age is not None and age >= ctx.policy.older_adult_age else None,
        sodium_tier.profound(lab),
        local is not None,
    )


def _local_sodium(ctx: RuleContext) -> LabResult | None:
    """A sodium under a site's local code only (Epic "SODIUM", Oracle "Sodium Lvl"), newer than
    any coded one, when its name and unit are certain (a unit sent, not inferred: unit_from ""): named as sodium by the table's `compared`
    row, sent with a unit compared (mmol/L, mEq/L) and within the plausible range (both checked
    when fhir_mapping read it by its name: lab_safety.value is None otherwise). Compared as the
    coded one is (labs71 finding 3: a local-coded 127 beside an SSRI in an older adult was only
    named): a low sodium's harm does not wait for a code map, and the card says "under a local
    code" so the reader knows what it rests on. A bare number (no unit) stays named only."""
    gap = local_levels.local_level(ctx.record, _TEST)
    lab = gap.lab if gap is not None else None
    if lab is None or not lab.unit or lab.unit_from or lab_safety.value(lab) is None:
        return None
    return lab


def _suspect(ctx: RuleContext, rule: LabRule, lab: LabResult, taking: Taking) -> Suspect:
    start = taking.start
    if start is None:
        return Suspect(taking, None, False, False)
    before = lab_safety.readable_before(ctx.record, _TEST, start)
    return Suspect(
        taking,
        before,
        predates=lab.date < start,
        already_low=before is not None and bool(lab_safety.below(rule, before)),
    )


def _value(lab: LabResult, *, unit: bool = True) -> str:
    """ "139 mmol/L on 2024-09-23", or without the unit: "139 on 2024-09-23"; a bound keeps its
    sign and a result not final its status, as with the unit (labs31 item 6: "Sodium 122 on
    2026-11-25" of a preliminary result beside the lithium and QTc summaries saying it)."""
    text = lab_safety.text(lab)
    if unit or lab.value is None:
        return text
    sign = f"{lab.comparator} " if lab.comparator else ""
    status = f" ({status_shown(lab.status)})" if lab.status else ""
    return f"{sign}{cards.fmt_mg(lab.value)} on {lab.date.isoformat()}{status}"


def _summary(found: LowSodium) -> str:
    rule, lab = found.rule, found.lab
    falls = "; falls on record" if found.falls else ""
    # "at age 75", never "running at 75": a bare number beside a drug reads as its dose (review 12
    # finding 12).
    older = f" at age {found.age}" if found.age is not None else ""
    if found.profound is not None:
        return _profound_summary(found, found.profound, older, falls)
    if len(found.suspects) == 1:
        (s,) = found.suspects
        if s.cause:
            tail = f": {s.name} {rule.cause}; {rule.if_running}"
            candidates = []
            if s.before is not None:
                for unit in (True, False):
                    before = f" ({_value(s.before, unit=unit)}, before {s.name})"
                    candidates += [
                        f"Sodium {_value(lab, unit=unit)}{before}{tail}{falls}",
                        f"Sodium {_value(lab, unit=unit)}{before}{tail}",
                    ]
            candidates += [
                f"Sodium {_value(lab)} with {s.name} running{older}{tail}{falls}",
                f"Sodium {_value(lab)} with {s.name} running{tail}",
                f"Sodium {_value(lab, unit=False)} with {s.name} running{tail}",
            ]
            return cards.fit_summary(*candidates)
        low = cards.fmt_mg(rule.low)
        candidates = []
        for unit in (True, False):
            line = rule.bounds() if unit else low
            when = (
                f"before {s.name} started"
                if s.predates
                else f"already below {line} before {s.name}"
            )
            head = f"Sodium {_value(lab, unit=unit)} ({when}): {s.name} can lower it further"
            candidates += [f"{head}; {rule.if_running}{falls}", f"{head}; {rule.if_running}"]
        return cards.fit_summary(
            *candidates,
            f"Sodium {_value(lab, unit=False)}: {s.name} can lower it further; {rule.if_running}",
        )
    names = cards.and_list([s.name for s in found.suspects])
    return cards.fit_summary(
        f"Sodium {_value(lab)}{older} with {names} running: {rule.if_running}{falls}",
        f"Sodium {_value(lab)} with {names} running: {rule.if_running}",
        f"Sodium {_value(lab, unit=False)} with {names} running: {rule.if_running}",
    )


def _profound_summary(found: LowSodium, row: LabRule, older: str, falls: str) -> str:
    """ "Sodium < 110 mmol/L on 2026-11-25: profound hyponatraemia with venlafaxine running at
    age 80: assess today (symptoms, repeat sodium); review the drug": the tier and what to do
    lead; whether the drug may be the cause is the detail's (it may predate the drug)."""
    names = cards.and_list([s.name for s in found.suspects])
    lab = found.lab
    return cards.fit_summary(
        f"Sodium {_value(lab)}: {row.says} with {names} running{older}: {row.if_running}{falls}",
        f"Sodium {_value(lab)}: {row.says} with {names} running{older}: {row.if_running}",
        f"Sodium {_value(lab)}: {row.says} with {names} running: {row.if_running}",
        f"Sodium {_value(lab, unit=False)}: {row.says} with {names} running: {row.if_running}",
        f"Sodium {_value(lab, unit=False)}: {row.says} on {names}: {row.if_running}",
    )


def _cited(text: str, cite: str) -> str:
    """ "may be the cause (SIADH; SSRI and SNRI labels)": the citation inside a closing
    parenthesis the text ends with, else in its own."""
    if not cite:
        return text
    if text.endswith(")"):
        return f"{text[:-1]}; {cite})"
    return f"{text} ({cite})"


def _line(found: LowSodium, s: Suspect) -> str:
    """One bullet: the drug (dose, start, source), the sodium before it, what it may be."""
    rule = found.rule
    taking = s.taking.text()
    cause = _cited(rule.cause, rule.effect_cite)
    further = _cited("can lower it further", rule.effect_cite)
    start = s.taking.start
    if start is None:
        said = f"{s.name.capitalize()} {cause}."
    elif s.predates:
        said = (
            f"The low sodium was taken before it started ({start.isoformat()}): {s.name} {further}."
        )
    elif s.before is None:
        said = f"No sodium on record before it started: {s.name} {cause}."
    elif s.already_low:
        said = (
            f"Sodium was already below {rule.bounds()} before it started "
            f"({lab_safety.text(s.before)}): {s.name} {further}."
        )
    else:
        said = (
            f"Last sodium before it started: {lab_safety.text(s.before)}. "
            f"{s.name.capitalize()} {cause}."
        )
    return f"- {taking[0].upper()}{taking[1:]}. {said}"


def _falls_line(found: LowSodium) -> str:
    if not found.falls:
        return ""
    latest = found.falls[0]
    when = latest.onset_phrase or "date not recorded"
    ref = f"; {latest.source}" if latest.source is not None else ""
    more = len(found.falls) - 1
    others = f", and {more} more fall record{'s' if more > 1 else ''}" if more else ""
    note = found.rule.falls
    added = f" {note[0].upper()}{note[1:]}." if note else ""
    return f"**Falls on record:** {latest.display} ({latest.coding}, {when}{ref}){others}.{added}"


def detail(found: LowSodium) -> str:
    rule, lab = found.rule, found.lab
    cite = f"; {rule.cite}" if rule.cite else ""
    row = found.profound
    if row is not None:  # Spasovski 2014's profound tier: < 125 mmol/L (sodium_tier.py)
        below = f"below {row.bounds()} ({row.says}; {row.cite})"
    elif not lab_safety.by_flag(lab):
        below = f"below {rule.bounds()} (moderate hyponatraemia or worse{cite})"
    else:  # the lab's flag, never this line (session 29 RL)
        below = lab_safety.flag_words(lab, f"the {rule.bounds()} line")
    head = (
        f"**Sodium {lab_safety.text(lab)}**: {below}, with {'this drug' if len(found.suspects) == 1 else 'these drugs'} "
        "running:"
    )
    lines = [head, *(_line(found, s) for s in found.suspects)]
    todo = row.if_running if row is not None else rule.if_running
    advice = f"{todo[0].upper()}{todo[1:]}."
    if found.age is not None:
        advice += f" Older adults are at greater risk ({rule.effect_cite}): at {found.age}."
    unread = (
        f"A later sodium ({found.unread.date.isoformat()}) could not be compared: read it "
        "before acting on this one."
        if found.unread is not None
        else ""
    )
    return cards.join_sections(
        "\n".join(lines),
        advice,
        _falls_line(found),
        unread,
        "Not offered as an order: whether to stop, reduce or switch the drug is the "
        f"prescriber's decision. {screen_refs.HOLDS_OPTIMISE}",
    )


def fingerprint(found: LowSodium) -> str:
    """The card's own snooze fingerprint (screen.pairs_key): the result (date and value) and the
    drugs. A snooze ends with the next sodium result, or when another such drug is started."""
    lab = found.lab
    return screen.pairs_key(
        [f"sodium|{lab.date.isoformat()}|{lab.value}|{lab.flag}"]
        + [f"drug|{s.name}" for s in found.suspects]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = low_sodium(ctx)
    if found is None:
        return None
    # Critical when the lab flagged the sodium critical low (LL): the lab's critical call keeps
    # its weight (session 29 RL: it was collapsed to L, a warning); and below the profound line,
    # by the sodium-profound row's indicator (session 29 sodium31).
    critical = found.lab.critical and found.lab.flag in ("low", None)  # None: "Critical" alone
    tier = sodium_tier.indicator(found.profound) if found.profound is not None else None
    summary = _summary(found)
    if found.local:  # said where the value is: what the card rests on (_local_sodium)
        for said in (_value(found.lab), _value(found.lab, unit=False)):
            if said in summary:
                summary = summary.replace(said, f"{said} under a local code", 1)
                break
    card = cards.make(
        TOPIC,
        summary=summary,
        detail=detail(found)
        + (
            "\n\nThis sodium was sent under a local code only, read by its name and unit: "
            "confirm it in the lab's report."
            if found.local
            else ""
        ),
        indicator=Indicator.CRITICAL if critical else tier,
    )
    return screen.with_fields(card, evidence_key=fingerprint(found))


# --- the optimise card while this card is open --------------------------------------------------


def hold_one_click(
    recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is on the
    screen (not in `hidden`): see the module docstring."""
    return one_click_hold.hold_while_shown(
        recs,
        hidden,
        TOPIC,
        "the sodium is low",
        "An adjunct or a higher dose keeps running the drug that may be lowering it: settle the "
        "sodium and the drug first.",
    )
