"""The optimise card when the diagnosis on record is a depressive disorder other than MDD
(PathwayFacts.not_mdd: dysthymia, mixed anxiety-depression, depression due to a medical condition
or a substance; audit 16 W1, W2).

The TMS card's diagnosis criterion says "Not met" for these, and the not-MDD diagnosis card of
an adjustment disorder or a grief reaction says the TRD steps are treatments of major depression.
The same screen must not then offer them one click: the first-line adjuncts (CANMAT 2023 Table
7.2, for MDD), esketamine (labelled for MDD) and TMS (LCD L37086) wait for a major depressive
episode to be assessed and recorded. The antidepressant switch list stays: antidepressants treat
persistent depressive disorder and the others too (CANMAT 2023 on PDD), and a switch is no TRD
step. The line names the diagnosis and never asks to recode it: the diagnosis is the clinician's."""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Finding, FindingKind
from services import cards
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize.orders import ADJUNCT_LABEL
from services.tms_assessment import not_mdd_line

# What the summary says the adjuncts are held for (one_click_hold.held_summary).
HELD_BY = "diagnosis not MDD"
# Said by `summary`; one_click_hold adds no second "adjuncts held" to a summary that has it.
HELD_BY_LONG = "adjuncts held"


def _adjunct(suggestion: Suggestion) -> bool:
    return suggestion.label.startswith(ADJUNCT_LABEL)


def _unspecified(findings: Sequence[Finding]) -> str:
    """ "Also on record: Depression, unspecified (ICD-10-CM F32.A, since 2025-03-03): depression,
    type not stated: to confirm MDD. " for the F32.A entries beside a not-MDD diagnosis, else "".

    Dysthymia since 2010 with F32.A now (review 16 recheck 2 d04; recheck b08) held the adjuncts
    naming the dysthymia alone: the F32.A, which alone keeps the pathway with "to confirm" (the
    TMS card's diagnosis criterion, payer_criteria/eligibility.py), was not named, so nothing said
    that a major depressive episode on top of the dysthymia (double depression) may be what it
    records. Holding stays the safe direction (the adjuncts are treatments of major depression);
    the line names the entry that may document it."""
    if not findings:
        return ""
    named = "; ".join(
        dict.fromkeys(
            f"{f.display or f.code} ({f.coding}"
            + (f", {f.onset_phrase}" if f.onset_phrase else "")
            + ")"
            for f in findings
        )
    )
    # Audit 17 M10: the display ("Depression, unspecified") is not said again as the reason.
    return (
        f"Also on record: {named}: a major depressive episode may be what it records (to confirm). "
    )


def _named(finding: Finding) -> str:
    """ "Dysthymic disorder (F34.1) since 2010": a diagnosis as a summary names it."""
    since = f" {finding.onset_word} {finding.onset.year}" if finding.onset is not None else ""
    return f"{finding.display or finding.code} ({finding.code}){since}"


def summary(ctx: RuleContext, failed: str, failed_short: str) -> str:
    """The card's summary in place of "augment (...) or switch class" when the diagnosis is not
    MDD: what is on record, and what is held and why, once ("...; Dysthymic disorder (F34.1)
    since 2010; Depression, unspecified (F32.A) since 2024: adjuncts held: confirm a major
    depressive episode first"). Audit 17 M10: "augment (adjuncts held: diagnosis not MDD)"
    proposed and withdrew the same step in one line."""
    found = [
        *ctx.facts.not_mdd,
        *ctx.record.context.of(FindingKind.DEPRESSION_UNSPECIFIED),
    ]
    named = "; ".join(dict.fromkeys(_named(f) for f in found))
    held = f"{HELD_BY_LONG}: confirm a major depressive episode first"
    return cards.fit_summary(
        f"{failed}; {named}: {held}",
        f"{failed_short}; {named}: {held}",
        f"{named}: {held}",
        # A diagnosis too long to name in a summary (the detail's first line names it).
        f"{failed}: {HELD_BY_LONG} ({HELD_BY})",
        f"{failed_short}: {HELD_BY_LONG} ({HELD_BY})",
    )


def line(ctx: RuleContext, held: Sequence[Suggestion]) -> str:
    """The card's first line: the diagnosis on record (and a depression of unstated type beside
    it: `_unspecified`), what waits for an MDE, and the adjunct proposals taken off as one-click
    actions (named, so the clinician can still choose one)."""
    also = _unspecified(ctx.record.context.of(FindingKind.DEPRESSION_UNSPECIFIED))
    text = (
        f"**Diagnosis on record is not major depression:** {not_mdd_line(ctx.facts.not_mdd)}. "
        + also
        + "Assess for a major depressive episode: augmentation, esketamine and TMS are treatments "
        "of major depression (CANMAT 2023 Table 7.2; esketamine label; LCD L37086), so none is "
        "proposed until one is diagnosed and recorded"
    )
    if held:
        text += f"; not one click until then: {'; '.join(s.label for s in held)}"
    return text + "."


def hold(ctx: RuleContext, rec: Recommendation) -> Recommendation:
    """`rec` with its adjunct one-clicks held as text under `line` when the diagnosis is not
    MDD; unchanged otherwise (nearly every chart)."""
    if not ctx.facts.not_mdd:
        return rec
    return one_click_hold.hold_drug_orders(
        [rec], lambda held: line(ctx, held), _adjunct, held_by=HELD_BY, whole=False
    )[0]
