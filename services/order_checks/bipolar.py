"""The bipolar check: an antidepressant ordered with bipolar disorder on record and no
antimanic cover, or cover only below its antimanic dose or not antimanic at all (ISBD 2013,
CANMAT/ISBD 2018; services/mood_cover.py; review finding 2)."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import DoseBasis, DraftOrder, Finding, FindingKind, PatientRecord
from services import (
    bipolar_findings,
    bipolar_type,
    cards,
    mood_cover,
    order_doses,
    tables,
    taken_to_confirm,
)
from services.mood_cover import antimanic_dose, antimanic_dose_short
from services.order_checks.model import BIPOLAR, OrderCheck
from services.pathway import ongoing_mood_stabiliser, stabilisers_below_antimanic_dose
from services.pathway_options import unverified_mark
from services.rules.context import RuleContext


def _has_mood_stabiliser(record: PatientRecord) -> str | None:
    """An antimanic mood stabiliser or antipsychotic running or on the order, at an antimanic
    dose (ISBD 2013; data/mood_stabilisers.csv `min_antimanic_mg_day`: quetiapine 25 mg at night
    is not cover; lithium and valproate count at any dose, judged by level: see
    pathway.antimanic_dose)."""
    stabilisers = tables.mood_stabilisers()
    running = ongoing_mood_stabiliser(record)
    if running is not None:
        return running
    for d in record.draft_orders:
        if d.ingredient.lower() in stabilisers and not antimanic_dose_short(
            d.ingredient, d.mg_per_day, d.dose_basis
        ):
            return d.ingredient
    return None


@dataclass(frozen=True, slots=True)
class _LowCover:
    """An antimanic agent running or on the order whose dose is not shown to be antimanic."""

    ingredient: str
    mg_per_day: float | None  # the LOWER end of a range: cover must be a dose that is taken
    basis: DoseBasis
    where: str  # "running since 2025-01-06" or "on this order" (no resource id: review 19)
    mg_per_day_high: float | None = None  # the upper end of a ranged dose, shown with it

    def _dose(self) -> str:
        """ "25 mg/day"; a ranged dose as its range ("25-400 mg/day"), judged at its lower end."""
        return order_doses.dose_text(
            self.mg_per_day, self.mg_per_day_high, ingredient=self.ingredient
        )

    def short(self) -> str:
        """ "quetiapine 25 mg/day" / "quetiapine (dose not read)"."""
        if self.basis is not DoseBasis.DAILY:
            return f"{self.ingredient} (dose per injection)"
        if self.mg_per_day is None:
            return f"{self.ingredient} (dose not read)"
        return f"{self.ingredient} {self._dose()}"

    def line(self, switch_to: str = "mania") -> str:
        threshold = antimanic_dose(self.ingredient)
        minimum = "" if threshold is None else f"{cards.fmt_mg(threshold.min_mg)} mg/day"
        # The mark every card writes after an unverified row (pathway_options.unverified_mark):
        # one spelling on every card, and never hidden (a card claims no more than its row).
        unverified = unverified_mark(threshold.status) if threshold is not None else ""
        name = self.ingredient.capitalize()
        if self.basis is not DoseBasis.DAILY:
            what = (
                f"{name} ({self.where}) is dosed per injection or session: its daily dose cannot "
                f"be compared with the antimanic dose (from {minimum}{unverified})"
            )
        elif self.mg_per_day is None:
            what = (
                f"{name} ({self.where}) has a daily dose that could not be read: it cannot be "
                f"judged against the antimanic dose (from {minimum}{unverified})"
            )
        else:
            what = (
                f"{name} {self._dose()} ({self.where}) is below the dose "
                f"at which it treats mania (from {minimum}{unverified}; acute-mania doses)"
            )
        return (
            f"{what}, so it is not counted as cover against a switch to {switch_to}: confirm "
            "the dose or add an antimanic agent."
        )


def _low_cover(record: PatientRecord) -> tuple[_LowCover, ...]:
    """The antimanic agents running or on the order below their antimanic dose, or whose dose
    cannot be judged (named on the bipolar card, with their dose)."""
    running = [
        _LowCover(
            t.ingredient,
            t.current_mg_per_day,
            t.dose_basis,
            (
                f"listed ({taken_to_confirm.trial_listing(t)})"
                if t.listed
                else f"running since {t.start.isoformat()}"
            ),
            t.current_mg_per_day_high,
        )
        for t in stabilisers_below_antimanic_dose(record)
    ]
    stabilisers = tables.mood_stabilisers()
    ordered = [
        _LowCover(d.ingredient, d.mg_per_day, d.dose_basis, "on this order", d.mg_per_day_high)
        for d in record.draft_orders
        if d.ingredient.lower() in stabilisers
        and antimanic_dose_short(d.ingredient, d.mg_per_day, d.dose_basis)
    ]
    return tuple(running + ordered)


def _on_record(findings: tuple[Finding, ...]) -> str:
    """ "Bipolar disorder on record: Bipolar I disorder (ICD-10-CM F31.9)", or, when only manic
    reactions are on record, "Mania on an antidepressant on record: Mania on citalopram, recorded
    as a reaction (..., on 2019-03-01); Mania on sertraline, ..." naming every reaction (review
    10 finding 4; services/bipolar_findings.py)."""
    head = bipolar_findings.head(findings)
    named = "; ".join(
        f"{f.display} ({f.coding}"
        + (
            f", {bipolar_findings.when_word(f)} {f.onset_text}"
            if f.onset and bipolar_findings.is_reaction(f)
            else ""
        )
        + ")"
        for f in bipolar_findings.named(findings)
    )
    return f"{head[:1].upper()}{head[1:]}: {named}."


def _refuted_line(ctx: RuleContext) -> str:
    """The later entry refuting a not-confirmed bipolar diagnosis, named as the diagnosis-review
    card names it (bipolar_findings.refuted_words; review 14 recheck b01), else "". The check
    still fires: the not-confirmed entry is on the problem list, and a wrong refutation would
    leave an antidepressant unopposed in bipolar disorder (the safer reading)."""
    words = bipolar_findings.refuted_words(
        ctx.facts.bipolar, ctx.record.context.of(FindingKind.BIPOLAR_REFUTED)
    )
    return f" {words[1]}" if words is not None else ""


def bipolar_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if not ctx.facts.bipolar or _has_mood_stabiliser(ctx.record) is not None:
        return None
    findings = ctx.facts.bipolar
    refuted = _refuted_line(ctx)
    # "bipolar disorder" in the summaries, or "mania on an antidepressant" when no diagnosis is
    # on record, only manic reactions: never a diagnosis the chart does not hold.
    # "bipolar disorder (differential, not confirmed)" when every diagnosis was entered as not
    # confirmed (review 14 M1): still checked, never called confirmed.
    what = bipolar_findings.subject(findings)
    name = draft.ingredient.capitalize()
    # The switch named and the rule cited follow the bipolar type on record (review s21 RD
    # finding 10: bipolar II was told the bipolar I rule); the check itself does not.
    words = bipolar_type.wording(findings)
    switch = f"risk of a switch to {words.switch_to}"
    weak = mood_cover.without_antimanic_cover(ctx.record)
    low = _low_cover(ctx.record)
    if not weak and not low:
        detail = (
            f"{_on_record(findings)}{refuted} "
            f"No mood stabiliser or antipsychotic is active or on this order. {words.order_rule}"
        )
        return OrderCheck(
            BIPOLAR,
            draft,
            cards.fit_summary(
                f"{name} ordered with {what} on record and no mood stabiliser: {switch}",
                f"{name} ordered with {what} and no mood stabiliser: {switch}",
            ),
            detail,
        )
    # Lamotrigine prevents depressive relapse but has no antimanic efficacy; lurasidone treats
    # bipolar depression, not mania; brexpiprazole has no bipolar indication: on their own they
    # do not protect against an antidepressant-induced switch (CANMAT/ISBD 2018;
    # data/mood_stabilisers.csv says why for each). An antimanic antipsychotic below its
    # antimanic dose (quetiapine 25 mg for sleep, aripiprazole 2 mg as augmentation) does not
    # either (review finding 2).
    if weak:
        only = mood_cover.only_text(weak)
        summary = cards.fit_summary(
            f"{name} ordered with {what} and {only}: {switch}",
            f"{name} with {what} and {only}: no antimanic cover",
            f"{name} with {what} and no antimanic cover",
        )
    else:
        below = " and ".join(c.short() for c in low)
        summary = cards.fit_summary(
            f"{name} ordered with {what} and only {below}, not an antimanic dose: {switch}",
            f"{name} with {what} and only {below}: no antimanic cover",
            f"{name} with {what} and no antimanic cover",
        )
    lines = [
        f"{n.capitalize()} is on record or on this order, but it "
        f"{mood_cover.why_not_cover(n)}: alone it is not cover against a switch to "
        f"{words.switch_to}."
        for n in weak
    ] + [c.line(words.switch_to) for c in low]
    return OrderCheck(
        BIPOLAR,
        draft,
        summary,
        f"{_on_record(findings)}{refuted} "
        + " ".join(lines)
        + " No antimanic mood stabiliser (lithium, valproate) or antimanic antipsychotic"
        + (" at an antimanic dose" if low else "")
        + f" is active or on this order. {words.cover_rule} "
        + cards.guideline_links("canmat-isbd2018"),
    )
