"""The pregnancy lines of an order's caution check beside the table rows (review s21 RD findings 5
and 8), read from the one pregnancy reading (services/pregnancy_now.py):

- late pregnancy: an SSRI or SNRI drafted when the record dates the current pregnancy at 28 weeks
  or more (data/late_pregnancy_cautions.csv: the US labels' neonatal complications after
  third-trimester exposure, and PPHN after late SSRI exposure). The paroxetine row says only
  the first-trimester malformations; at 33 weeks that is not the risk to weigh. Information,
  not a bar: the labels ask to weigh risks and benefits, and stopping treatment has its own.
- a stale pregnancy: a drug with a pregnancy row (paroxetine, lithium, esketamine, an
  antipsychotic) drafted when the only pregnancy on record is a diagnosis older than the
  pregnancy window. It is no longer asserted as a pregnancy, but the drug is one whose harm
  falls on a fetus, so the card asks to confirm she is not pregnant (information).
- breastfeeding not recorded after a birth: a drug with a lactation row (lithium, esketamine,
  zuranolone, aripiprazole, brexpiprazole) drafted when a delivery in the postnatal year, or an
  estimated delivery date passed in it, is on record and no breastfeeding answer is (review s26
  GB item 1). The lactation caveat was said only once breastfeeding was recorded, so a lithium
  start 13 weeks past the EDD said nothing of a breastfed infant. She may breastfeed: the card
  asks, and says the row's caveat for if she does (information; the patient-view card already
  asks "check breastfeeding before choosing a drug").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.pregnancy_tests import is_test
from fhir_mapping.record import DraftOrder, FindingKind
from services import cards, drug_rules, tables
from services.pathway_options import unverified_mark
from services.pregnancy_now import marker_words, stale_reason
from services.rules.context import RuleContext

_PREGNANCY = FindingKind.PREGNANCY
_LACTATION = FindingKind.LACTATION


@dataclass(frozen=True, slots=True)
class LateRow:
    drug_class: str
    from_weeks: int
    note: str
    cite: str
    status: str


@cache
def late_rows() -> dict[str, LateRow]:
    text = resources.files("services").joinpath("data/late_pregnancy_cautions.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {
        r["drug_class"]: LateRow(
            r["drug_class"], int(r["from_weeks"]), r["note"], r["cite"], r["status"]
        )
        for r in rows
    }


def late_pregnancy_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
    """(summary, detail line, cite) for an SSRI or SNRI drafted at a dated 28 weeks or more."""
    now = ctx.facts.pregnancy
    row = late_rows().get(draft.drug_class)
    if row is None or now is None or not now.current or now.weeks is None:
        return None
    if now.weeks < row.from_weeks:
        return None
    name = draft.ingredient.capitalize()
    return (
        f"{name} at about {now.weeks} weeks of pregnancy: late-pregnancy exposure risks for the "
        f"newborn ({row.cite})",
        f"- At about {now.weeks} weeks of pregnancy (dated from the record): {row.note} "
        f"({row.cite}{unverified_mark(row.status)}).",
        row.cite,
    )


def past_stage(ctx: RuleContext, until_weeks: int | None) -> int | None:
    """The weeks the record dates the current pregnancy at when they are `until_weeks` or more (a
    row whose risk is of an earlier stage: DrugCaution.until_weeks, paroxetine's first-trimester
    malformations), else None. At 32 weeks the card led with "first-trimester exposure is linked
    to cardiac malformations" (review s24 RN finding 13): the stage's own line leads instead
    (`late_pregnancy_line`), and this row is said as past, kept in the detail (cautions.py)."""
    now = ctx.facts.pregnancy
    if until_weeks is None or now is None or not now.current or now.weeks is None:
        return None
    return now.weeks if now.weeks >= until_weeks else None


def past_words(weeks: int, until_weeks: int) -> str:
    """ "the record dates this pregnancy at about 32 weeks, past the first 14 weeks this line
    concerns" (`past_stage`)."""
    return (
        f"the record dates this pregnancy at about {weeks} weeks, past the first {until_weeks} "
        "weeks this line concerns"
    )


def _has_pregnancy_row(draft: DraftOrder) -> str | None:
    """The cite of a pregnancy row about this drug (drug_cautions.csv, condition_drug_rules.csv),
    or None."""
    for caution in tables.drug_cautions():
        if caution.finding == _PREGNANCY.value and caution.ingredient == draft.ingredient.lower():
            return caution.cite
    for rule in drug_rules.condition_rules():
        if rule.finding is _PREGNANCY and rule.covers(draft.ingredient, draft.drug_class):
            return rule.cite
    return None


def stale_pregnancy_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
    """(summary, detail line, cite) when the only pregnancy on record is past the window and the
    drug carries a pregnancy row."""
    stale = ctx.population.stale_pregnancy
    now = ctx.facts.pregnancy
    if stale is None or now is None:
        return None
    cite = _has_pregnancy_row(draft)
    if cite is None:
        return None
    name = draft.ingredient.capitalize()
    why = stale_reason(now, ctx.policy.mapping.pregnancy_status_weeks)
    # "coded on DATE", or "recorded at the visit of DATE" when a visit records it (Finding.dated).
    since = (
        f" {stale.dated}"
        if stale.visit is not None
        else (f" coded on {stale.onset.isoformat()}" if stale.onset else " coded")
    )
    male = (
        " (the recorded sex is male: check whether the code is an error)" if now.stale_male else ""
    )
    # A passed due date says why in the summary itself: "pregnancy on record, due date passed"
    # (review s26 GB item 1), not a bare "not read as current".
    # A problem-list entry still active says so (review s26 GC item 1): the list asserts the
    # pregnancy today, which is why it is asked past the years an encounter diagnosis is, and
    # the entry to resolve once she is confirmed not pregnant.
    listed = now.stale_listed and now.due_passed is None
    denied = now.denied
    if denied is not None and denied.onset is not None:
        # A newer "Not pregnant" status (review s28 RI finding 1) says why in the summary, as a
        # passed due date does: the code and the status, each with its date.
        coded = f" of {stale.onset.isoformat()}" if stale.onset else ""
        # A negative test is named short here, its LOINC name in the detail (s29 RL finding 6).
        then = "negative pregnancy test" if is_test(denied) else f"status {denied.display}"
        lead = f"{name}: pregnancy code{coded}, then {then} on {denied.onset.isoformat()}"
    elif now.due_passed is not None:
        lead = (
            f"{name}: pregnancy on record, due date {now.due_passed.isoformat()} passed with no "
            "delivery recorded"
        )
    elif listed:
        when = f" from {stale.onset.isoformat()}" if stale.onset else ""
        lead = f"{name}: pregnancy code{when} still active on the problem list"
    else:
        lead = f"{name}: a pregnancy{since} is not read as current"
    still = ", still active on the problem list" if listed else ""
    then = f" (and resolve the problem-list entry if {now.whom} is not)" if listed else ""
    marker = marker_words(now)
    if marker is not None:
        # A quantitative hCG on a chart recorded male (review s29 K18 finding 2): named by its
        # value, never as a positive pregnancy test; asked, not asserted.
        return (
            f"{name}: {marker}: confirm",
            f"- {marker} ({stale.coding}). {name} carries a pregnancy "
            f"caution ({cite}): confirm whether {now.whom} can be pregnant before starting it.",
            cite,
        )
    return (
        f"{lead}: confirm {now.whom} is not pregnant",
        f"- A pregnancy was{since} ({stale.display}, {stale.coding}){still}{male}; {why}, so "
        f"it is not read as current. {name} carries a pregnancy caution ({cite}): confirm "
        f"{now.whom} is not pregnant before starting it{then}.",
        cite,
    )


def _after_birth(ctx: RuleContext) -> tuple[str, str] | None:
    """(the words, their short form) for why she may be breastfeeding: a delivery in the
    postnatal year, else a passed EDD (populations.py reads both within
    policy.mapping.postpartum_after_edd_days); None when neither is on record or breastfeeding
    is already answered either way."""
    population = ctx.population
    if population.lactation is not None or population.not_breastfeeding is not None:
        return None
    delivery = population.delivery
    if delivery is not None:
        when = f" {delivery.onset.isoformat()}" if delivery.onset else ""
        return f"a delivery on record{when} ({delivery.display})", f"delivery on record{when}"
    passed = population.edd_passed
    if passed is not None and passed.onset is not None and population.pregnancy is None:
        edd = passed.onset.isoformat()
        return (
            f"probably postpartum: estimated delivery date {edd} passed",
            f"due date {edd} passed",
        )
    return None


def feeding_unknown_line(ctx: RuleContext, draft: DraftOrder) -> tuple[str, str, str] | None:
    """(summary, detail line, cite) for a drug with a lactation row drafted after a birth on
    record with no breastfeeding answer (module docstring)."""
    after = _after_birth(ctx)
    if after is None:
        return None
    rule = next(
        (
            r
            for r in drug_rules.condition_rules()
            if r.finding is _LACTATION and r.covers(draft.ingredient, draft.drug_class)
        ),
        None,
    )
    if rule is None:
        return None
    why, short = after
    name = draft.ingredient.capitalize()
    return (
        cards.fit_summary(
            f"{name}: {why}; breastfeeding not recorded: ask before starting it ({rule.cite})",
            f"{name}: {short}, breastfeeding not recorded: ask before starting it ({rule.cite})",
            f"{name}: {short}, breastfeeding not recorded: ask before starting it",
            f"{name}: breastfeeding not recorded after a birth: ask before starting it",
        ),
        f"- {why[:1].upper()}{why[1:]}, and no breastfeeding status is recorded: ask whether "
        f"she breastfeeds. If she does: {rule.note} ({rule.cite}).",
        rule.cite,
    )
