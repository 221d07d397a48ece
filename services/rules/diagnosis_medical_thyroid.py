"""The thyroid lines of the diagnosis review card: an abnormal TSH (with the free T4 beside it and
the pattern the pair makes), a low TSH liothyronine explains, a free T4 out of range with a TSH
that is not, and hypothyroidism on record, treated or not.

Apart from diagnosis_medical.py because the thyroid reading pairs two labs with the thyroid
hormone taken, which the B12, folate, vitamin D and sleep apnea lines need none of; with it the
reading of a latest TSH not compared behind one read before it (`thyroid_items`, `last_read`,
moved here from diagnosis_medical.py in lab55). The pair's patterns are thyroid_patterns.py's.

Hypothyroidism on record (review 17 W1): CANMAT 2023 para 184 asks to rule out medical
contributors on poor response. Hypothyroidism with thyroid replacement running
(data/thyroid_replacements.csv) and a TSH within the look-back that is not abnormal has been ruled
out: no line. With replacement and no recent TSH, the line asks for a TSH, alongside escalation:
the condition is treated, and what is missing is the monitoring a missing TSH already asks for
(an information card, as the missing TSH alone is). Without replacement on record the line asks
to check it is treated and holds the one-click adjuncts (the safer reading: an untreated
hypothyroidism is corrected before an adjunct is added), unless a TSH within the look-back is in
range (care69, review K61a finding 11): then an information line, nothing held.

Free T4 (review 17 M2): the `labs` prefetch carries it (LOINC 3024-7, read with its own reference
interval). Its pattern with a same-day TSH is data/thyroid_patterns.csv.

A TSH of 10 or more with a normal free T4 (audit 17b W3): ETA 2013 recommends levothyroxine above
10 under age 65-70, so the line asks to confirm now and treat or refer (over 70, the guideline's
conditional wording), not the 2-3 month repeat of a TSH under 10. It keeps the hold on the
one-click adjuncts: CANMAT 2023 para 184 asks to rule out medical contributors on poor response,
and a hypothyroidism the guideline treats is one. The hold removes the one click, not the options
(they stay listed, and the card says to treat what is found and then decide), and the line says
to act on the thyroid now, alongside the depression step, so the hold asks for no wait.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from importlib import resources

from fhir_mapping.ages import youngest
from fhir_mapping.record import FindingKind, LabResult
from services import drug_names, lab_readings
from services.card_format import plural
from services.interaction_takings import Taking
from services.rules import (
    adjunct_harm,
    thyroid_lab_range,
    thyroid_over_replacement,
    thyroid_patterns,
    thyroiditis,
)
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, _finding_ref, lab_number, status_note

ABNORMAL = frozenset({"low", "high"})

LabRef = Callable[[LabResult], str]  # how the card names a lab (diagnosis_medical._lab_ref)


@cache
def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def replacements() -> frozenset[str]:
    """The thyroid hormones that treat hypothyroidism (data/thyroid_replacements.csv)."""
    return frozenset(r["ingredient"].strip().lower() for r in _csv("thyroid_replacements.csv"))


def replacement_taken(ctx: RuleContext) -> Taking | None:
    """The thyroid replacement running (levothyroxine first, in table order), if any."""
    wanted = replacements()
    for taking in ctx.running_takings:
        if taking.ingredient in wanted:
            return taking
    return None


def _free_t4_words(
    tsh: LabResult, free_t4: LabResult | None, lab_ref: LabRef, age: int | None
) -> str:
    """ "; free T4 1.2 ng/dL, normal, 2025-05-08: a subclinical hypothyroidism pattern (...)"
    beside an abnormal TSH; the pattern only for a free T4 drawn the same day (a pair drawn
    apart says nothing of each other)."""
    if free_t4 is None:
        return ""
    words = f"; free T4 {lab_ref(free_t4)}"
    if free_t4.flag is None and free_t4.value is not None:
        # Not compared (`thyroid_patterns.flag`): the pair's pattern is not known, so the TSH line stays as an
        # abnormal TSH alone would read (held), never a subclinical one.
        return f"{words}: not compared, so the pattern is not known"
    if free_t4.date == tsh.date:
        pattern = thyroid_patterns.pattern_words(tsh, free_t4, age)
        if pattern:
            words += f": {pattern}"
    return words


def _without_free_t4(tsh: LabResult, free_t4: LabResult | None) -> bool:
    """No free T4 drawn the same day as the TSH: the pattern the pair would make is not known."""
    return free_t4 is None or free_t4.date != tsh.date


def _ask_free_t4(tsh: LabResult, lab_ref: LabRef) -> Item:
    """A raised TSH under 10 with no free T4 drawn with it (review 17 second recheck M6): it asks
    for the free T4 ("Order free T4") and, while the pattern is unknown, holds the one-click
    escalations (the optimise card's adjuncts; the TMS card: "check free T4 first, then consider
    TMS referral"), as `thyroid_patterns.unknown_pattern_held` reads the table. Why (review K30c, cards45 item 3;
    it held nothing before): the line says a low free T4 (overt) is treated first (ETA 2013), and
    until the free T4 is drawn that is not ruled out (CANMAT 2023 para 184: medical contributors
    before the next step). The cost is small: a same-day test the card orders, and a normal free
    T4 turns it into the subclinical line, which holds nothing under 10."""
    value = "" if tsh.value is None else f" {lab_number(tsh)}{status_note(tsh)}"
    held = thyroid_patterns.unknown_pattern_held()
    return Item(
        f"TSH high{value}, no free T4: add free T4",
        f"**Raised TSH, no free T4 with it:** {lab_ref(tsh)}; no free T4 drawn with it: add a "
        "free T4 (and repeat the TSH with it). A normal free T4 makes it a subclinical pattern "
        "under 10, reviewed alongside a change of treatment; a low one (overt hypothyroidism) is "
        "treated first (ETA 2013)" + (", so escalation waits for the free T4." if held else "."),
        alongside=not held,
        named=(
            f"TSH high{value}, no free T4: add free T4",
            f"TSH high{value}: add free T4",
        ),
        subject="the thyroid",
        order="free-t4",
        step="check free T4",
    )


def _recent(ctx: RuleContext, lab: LabResult | None) -> bool:
    since = ctx.record.as_of - timedelta(days=ctx.policy.tsh_lookback_days)
    return lab is not None and lab.date >= since


def _judged(
    ctx: RuleContext, labs: dict[str, LabResult], lab_ref: LabRef, free_t4_since: bool = False
) -> list[Item]:
    """`free_t4_since`: the free T4 of `labs` was drawn with a newer TSH that could not be read
    (`thyroid_items`): named, never asked for again (review K47c s35 finding 3)."""
    # A TSH its lab called normal outside the project's interval: read by the interval, the
    # disagreement named beside it (thyroid_lab_range.py; fix dx69).
    tsh, lab_ref = thyroid_lab_range.by_project_range(labs.get("tsh"), lab_ref)
    free_t4 = labs.get("free-t4")
    taking = adjunct_harm.explains_low_tsh(ctx, tsh) if tsh is not None else None
    if tsh is not None and taking is not None:
        # A low TSH taken on liothyronine is the drug's effect, not a thyroid cause of the
        # depression (review 13 U2): said as such, an information line that
        # never asks to confirm the diagnosis; the adverse-effect card says what to do.
        value = "" if tsh.value is None else f" {lab_number(tsh)}{status_note(tsh)}"
        return [
            Item(
                f"TSH low{value} on {taking.ingredient}",
                f"**TSH low on {taking.ingredient}:** {lab_ref(tsh)}, taken on {taking.ingredient}"
                f" (since {taking.start.isoformat()}): the drug's effect, not a reason to doubt the "
                "diagnosis (adverse-effect card).",
                info=True,
            )
        ]
    replacement = replacement_taken(ctx)
    # The younger wording is the one for an age not on record; a birth year only that may be
    # either side of the older age reads it too (review 19 D4).
    age = youngest(ctx.record.patient.age)
    if tsh is not None and tsh.flag in ABNORMAL:
        value = "" if tsh.value is None else f" {lab_number(tsh)}{status_note(tsh)}"
        if not _recent(ctx, tsh):
            # Older than the look-back and none since (review 17 M6): what it calls for is a
            # repeat, not a hold on escalation for a value that may long be corrected. The line
            # says no TSH is recent, so the card's own missing-TSH line is not added; its "Order
            # TSH" suggestion stays.
            return [
                Item(
                    f"TSH {tsh.flag}{value} on {tsh.date.isoformat()}: repeat",
                    f"**Abnormal TSH, not rechecked:** {lab_ref(tsh)}"
                    f"{_free_t4_words(tsh, free_t4, lab_ref, age)}; no TSH since: repeat TSH with "
                    "free T4.",
                    alongside=True,
                    says_tsh_missing=True,
                )
            ]
        low_on_replacement = (
            thyroid_over_replacement.item(
                tsh,
                replacement,
                f"{lab_ref(tsh)}{_free_t4_words(tsh, free_t4, lab_ref, age)}",
                free_t4_drawn=not _without_free_t4(tsh, free_t4),
            )
            if replacement is not None
            else None
        )
        if low_on_replacement is not None:
            # A low TSH on replacement is most often the dose (audit 19 finding 4): said as
            # over-replacement, with the free T4 and the dose review it asks for.
            return [low_on_replacement]
        if (
            replacement is None
            and _without_free_t4(tsh, free_t4)
            and not free_t4_since
            and thyroid_patterns.mild_raise(tsh)
        ):
            return [_ask_free_t4(tsh, lab_ref)]
        subclinical = thyroid_patterns.subclinical(tsh, free_t4) if replacement is None else None
        if subclinical is not None:
            # Subclinical hypothyroidism under TSH 10 (ETA 2013; review 17 W5): usually not
            # treated, confirmed by a repeat in 2-3 months; not a reason to delay augmentation,
            # so an information line that holds nothing (as a low vitamin D is). On thyroid
            # replacement a raised TSH is the dose to adjust: the line below, held.
            return [
                Item(
                    f"TSH {tsh.flag}{value}, free T4 normal (subclinical)",
                    f"**Raised TSH, free T4 normal:** {lab_ref(tsh)}"
                    f"{_free_t4_words(tsh, free_t4, lab_ref, age)}; not a reason to delay a change "
                    "of treatment.",
                    alongside=True,
                    minor=True,
                    named=(
                        f"TSH {tsh.flag}{value}, free T4 normal (subclinical): repeat in 2-3 "
                        "months",
                        f"TSH {tsh.flag}{value}, free T4 normal (subclinical)",
                    ),
                )
            ]
        # With no free T4 drawn with it and no replacement, the line asks for one as well (review
        # 17 second recheck M6): the pattern, overt or subclinical, central or primary, is the
        # pair's.
        ask = replacement is None and _without_free_t4(tsh, free_t4) and not free_t4_since
        since = (
            f", drawn with the TSH of {free_t4.date.isoformat()} that could not be read: read "
            "that TSH."
            if free_t4_since and free_t4 is not None
            else "."
        )
        return [
            Item(
                f"TSH {tsh.flag}{value}",
                f"**Abnormal TSH:** {lab_ref(tsh)}{_free_t4_words(tsh, free_t4, lab_ref, age)}"
                + ("; no free T4 drawn with it: add one." if ask else since),
                order="free-t4" if ask else "",
            )
        ]
    items: list[Item] = []
    if (
        free_t4 is not None
        and free_t4.flag in ABNORMAL
        and replacement is None  # on thyroid hormone the TSH guides the dose (ATA; recalled)
    ):
        # A free T4 out of range with a TSH that is not (the TSH alone misses central
        # hypothyroidism): a thyroid contributor as an abnormal TSH is, held the same way.
        same_day = tsh is not None and tsh.date == free_t4.date
        pattern = (
            thyroid_patterns.patterns().get(
                (thyroid_patterns.flag(tsh), thyroid_patterns.flag(free_t4))
            )
            if same_day and tsh
            else None
        )
        beside = f"; TSH {lab_ref(tsh)}" if tsh is not None else "; no TSH on record"
        if tsh is not None and tsh.value is None and tsh.flag is None:
            # A TSH with nothing read (a thyroid panel with only its free T4: K47c s35 finding 2)
            beside = f"; TSH of {tsh.date.isoformat()} not readable"
        items.append(
            Item(
                f"free T4 {free_t4.flag}"
                + (
                    "" if free_t4.value is None else f" {lab_number(free_t4)}{status_note(free_t4)}"
                ),
                f"**Abnormal free T4:** {lab_ref(free_t4)}{beside}"
                + (f": {pattern}" if pattern else "")
                + ".",
            )
        )
    hypothyroid = ctx.facts.findings_of(FindingKind.HYPOTHYROIDISM)
    if not hypothyroid:
        return items
    if replacement is None and thyroiditis.settled_by_tsh(hypothyroid, tsh, _recent(ctx, tsh)):
        pass  # euthyroid autoimmune thyroiditis: no line, nothing held (rules/thyroiditis.py)
    elif replacement is None and tsh is not None and tsh.flag == "normal" and _recent(ctx, tsh):
        # Untreated on the list but a TSH in range within the look-back (care69, review K61a
        # finding 11): the gland is not a contributor now, so nothing is held. The line stays,
        # as information: a normal TSH with hypothyroidism on record is most often thyroid
        # hormone taken but not on the medication list, and liothyronine added to it is the
        # caution thyroid_hormone_cautions.py names, so the list is reconciled.
        items.append(
            Item(
                f"hypothyroidism, TSH normal {lab_number(tsh)}",
                f"**Hypothyroidism on record, TSH in range:** {_finding_ref(hypothyroid[0])}; "
                f"TSH {lab_ref(tsh)}; no thyroid hormone on the medication list: confirm "
                "whether one is taken; not a reason to delay a change of treatment.",
                alongside=True,
                minor=True,
            )
        )
    elif replacement is None:
        items.append(
            Item(
                "hypothyroidism",
                f"**Hypothyroidism on record:** {_finding_ref(hypothyroid[0])}; check it is "
                "treated.",
            )
        )
    elif tsh is None and lab_readings.tsh_unread(ctx.record):
        # The labs, or the `labsSI` key's TSH assay codes (review s19 M3), could not be read:
        # "no TSH" is not known (the card's TSH-not-known line).
        pass
    elif not _recent(ctx, tsh):
        # Treated: what is missing is the TSH that judges the replacement dose, asked for
        # alongside escalation (review 17 W1), never as a reason to hold the adjuncts.
        days = ctx.policy.tsh_lookback_days
        since = f" since {replacement.start.isoformat()}" if replacement.start else ""
        last = f" (last {lab_ref(tsh)})" if tsh is not None else ""
        # Named as drug_display_names.csv writes it: RxNorm's ingredient "thyroid" (Armour
        # Thyroid, review 17 recheck M1) reads "desiccated thyroid", never "on thyroid".
        name = drug_names.shown(replacement.ingredient)
        items.append(
            Item(
                f"hypothyroidism on {name}: no TSH in {plural(days, 'day')}",
                f"**Hypothyroidism on {name}:** {_finding_ref(hypothyroid[0])};"
                f" {name} running{since}; no TSH in the last {plural(days, 'day')}"
                f"{last}: check TSH (the replacement dose is judged by it).",
                alongside=True,
                minor=True,
                says_tsh_missing=True,
            )
        )
    # Replacement running and a recent TSH not abnormal: ruled out, no line (review 17 W1).
    return items


def last_read(ctx: RuleContext, test: str, before: date) -> LabResult | None:
    """The latest result of `test` flagged (compared, or the lab's flag) dated before `before`,
    the first on record of its date: what a newer result not compared hides (lab54 item 2)."""
    found: LabResult | None = None
    for lab in ctx.record.context.labs:
        if (
            lab.test == test
            and lab.date < before
            and lab.flag is not None
            and (found is None or lab.date > found.date)
        ):
            found = lab
    return found


def thyroid_items(ctx: RuleContext, labs: dict[str, LabResult], lab_ref: LabRef) -> list[Item]:
    """The thyroid lines. A latest TSH not compared (no value: "see note", a data-absent reason,
    a panel whose TSH did not come; or a unit not converted) behind an abnormal one read before
    it within the TSH look-back (policy.tsh_lookback_days): the thyroid lines judge the abnormal
    one, the last known (lab54 item 2: a TSH 12 high was hidden, and nothing held); the safer
    reading, since the unread one may say nothing. Its line then says no TSH was read since, not
    that none was drawn (diagnosis_medical._uncompared names the unread one), and the hold names
    both dates ("review TSH high 12 of 2026-06-01 (TSH of 2026-11-10 not readable)": K47c s35
    finding 4). An abnormal one older than the look-back is not judged (K47c s35 finding 5: a
    TSH 4.6 of 2024 and a 9.8 of 2016 raised "repeat TSH with free T4" beside a TSH drawn last
    month): the card reads as the unread one alone would, which names the old one as context
    and asks to read the newer result."""
    tsh = labs.get("tsh")
    last = last_read(ctx, "tsh", tsh.date) if tsh is not None and tsh.flag is None else None
    if tsh is None or last is None or last.flag not in ABNORMAL or not _recent(ctx, last):
        return _judged(ctx, labs, lab_ref)
    free_t4 = labs.get("free-t4")
    # A free T4 drawn with the unread TSH (K47c s35 finding 3: "add one" beside it).
    since = free_t4 is not None and free_t4.date == tsh.date
    lines = _judged(ctx, {**labs, "tsh": last}, lab_ref, free_t4_since=since)
    unread = f"no TSH read since (the TSH of {tsh.date.isoformat()} could not be read)"
    day, newer = last.date.isoformat(), tsh.date.isoformat()

    def dated(words: str) -> str:  # "TSH high 5.2 of 2026-06-01, no free T4: add free T4"
        head, comma, rest = words.partition(",")
        return f"{head} of {day}{comma}{rest}"

    return [
        replace(
            i,
            text=i.text.replace("no TSH since", unread),
            short=dated(i.short),
            named=tuple(map(dated, i.named)),
            step=i.step or f"review {dated(i.short)} (TSH of {newer} not readable)",
        )
        if i.short.startswith("TSH ") and " on " not in i.short
        else replace(i, text=i.text.replace("no TSH since", unread))
        for i in lines
    ]
