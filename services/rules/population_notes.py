"""The paragraphs a card that proposes medication changes (or TMS) adds for the patient's
population: pregnancy, a delivery, breastfeeding, a passed EDD, a postpartum onset or depression,
age, and the boxed warning (populations.py decides which rules apply; this module words them).

Breastfeeding is asked about, or its recorded "no" named, in one paragraph only (review 11
finding 10). It stands apart from populations.py because the rules there are asked for every
drug a card weighs, and these paragraphs once per card.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING

from fhir_mapping.record import Finding, FindingKind
from services import pathway_options, pediatric_doses
from services.card_format import and_list, plural
from services.order_checks.labelled_use import outside_label
from services.pregnancy_now import marker_words, stale_reason
from services.rules.delivery_names import birth_head, delivery_named
from services.rules.perinatal import _latest
from services.rules.populations import (
    _CAVEAT,
    Population,
    Restriction,
    age,
    age_choices,
    boxed_warning,
    is_minor,
    running_caveat,
)
from services.rules.postpartum_only_courses import (
    given_after_birth_clause,
    given_in_pregnancy_line,
)
from services.rules.running_never import running_never_line, running_too_young_line

if TYPE_CHECKING:  # hints only, as in populations.py
    from services.rules.context import RuleContext

# Findings population_notes names in a paragraph of their own, so their caveat lines need not.
_HEADED = frozenset({FindingKind.PREGNANCY, FindingKind.LACTATION})


def _delivery_line(ctx: RuleContext, delivery: Finding, ended: Finding | None) -> str:
    """A recorded delivery (review 11 findings 5, 11c): its date, the postnatal year it opens
    (policy.mapping.postpartum_after_edd_days), and the pregnancy finding it ended, named so the
    prescriber sees why that code no longer counts as a current pregnancy."""
    assert delivery.onset is not None  # `_perinatal` names only a dated delivery
    end = delivery.onset + timedelta(days=ctx.policy.mapping.postpartum_after_edd_days)
    # A delivery a postnatal visit records is dated by the visit, not the birth (Finding.dated):
    # its postnatal year is counted from the visit and said so (it ends no earlier than the true
    # one: the postnatal cautions are kept the longer, the safer side).
    # A charting date or a postpartum care date is not the birth's (fix care66: birth_head).
    head, counted = birth_head(delivery)
    line = f"**{head}** ({delivery_named(delivery)}): postnatal year{counted} to {end.isoformat()}."
    if ended is not None:
        since = f" {ended.dated}" if ended.onset else ""
        line += (
            f" The pregnancy coded before it ({ended.display}, {ended.coding}{since}) is read "
            "as ended."
        )
    return line + _feeding_sentence(ctx)


# What a perinatal paragraph asks when the record says nothing of breastfeeding.
_CHECK_FEEDING = "check breastfeeding before choosing a drug"
# TMS in pregnancy, as far as the sources read go (review s26 GB item 3): no drug reaches the
# fetus; the evidence is small (Kim DR et al. 2019 Brain Stimul 12:96-102, an RCT of TMS in
# pregnant women with MDD; Pridmore S et al. 2021 Australas Psychiatry 29:226-229, ten reports,
# 67 births, no evidence of fetal harm; both read via the search tool as abstracts). CANMAT 2023
# and perinatal guidance on TMS in pregnancy were not read: UNVERIFIED that a guideline
# recommends it, so the line says no more than that.
_TMS_IN_PREGNANCY = (
    "TMS exposes the fetus to no drug; its evidence in pregnancy is small studies (Kim 2019 RCT; "
    "Pridmore 2021 review: no fetal harm found in 67 births): weigh it with perinatal psychiatry."
)


def tms_pregnancy_line(pregnancy: Finding, *, bold: bool = True) -> str:
    """The TMS card's pregnancy paragraph: "Pregnancy on record: Pregnancy status: Pregnant; ...
    (SNOMED CT 77386006 since 2026-11-20): confirm it is current. TMS exposes the fetus to no
    drug; ...". The TMS referral summary's safety screen says the same words (`bold` False;
    review s29 RM finding 5: the card said it, the packet nowhere)."""
    # Finding.dated: "since <onset>", or "recorded at the visit of <day>" for a pregnancy a
    # prenatal visit records (not the day it began).
    since = f" {pregnancy.dated}" if pregnancy.onset else ""
    head = "Pregnancy on record:"
    head = f"**{head}**" if bold else head
    return (
        f"{head} {pregnancy.display} ({pregnancy.coding}{since}): confirm it is current. "
        f"{_TMS_IN_PREGNANCY}"
    )


def current_pregnancy(by_kind: Mapping[FindingKind, tuple[Finding, ...]]) -> Finding | None:
    """The current pregnancy the cards name (Population.pregnancy), from the facts' findings by
    kind (PathwayFacts.findings_by_kind: the current ones, services/pregnancy_now.py)."""
    found = by_kind.get(FindingKind.PREGNANCY)
    return _latest(found) if found else None


def _feeding_clause(population: Population) -> str | None:
    """What the record says of breastfeeding, as the one clause every perinatal paragraph words
    it with (the delivery's, a passed EDD's, a postpartum onset's: review 11 finding 10): None
    when breastfeeding is on record (its own paragraph says it: `_lactation_line`), the recorded
    "not breastfeeding" answer with its date and words when it decides, else the check to make
    (`_CHECK_FEEDING`)."""
    if population.lactation is not None:
        return None
    denied = population.not_breastfeeding
    if denied is not None and denied.onset is not None:
        return f"not breastfeeding on record ({denied.onset.isoformat()}: {denied.display})"
    return _CHECK_FEEDING


def _feeding_sentence(ctx: RuleContext) -> str:
    """`_feeding_clause` as a sentence of its own, for the one perinatal paragraph that says it
    (the delivery, else a passed EDD, else a postpartum onset): "" when breastfeeding is on
    record (its own paragraph follows)."""
    clause = _feeding_clause(ctx.population)
    if clause is None:
        return ""
    if clause == _CHECK_FEEDING:
        clause += ", with perinatal psychiatry input"
    return f" {clause[:1].upper()}{clause[1:]}."


def _lactation_line(lactation: Finding, *, sex_male: bool = False) -> str:
    """Breastfeeding on record (review 11 finding 5), with the day it was recorded: the
    lactation caveats follow it. On a chart whose recorded sex is male (`Population.
    lactation_sex_male`) it asks to check the record first, and keeps the caveats."""
    when = lactation.onset.isoformat() if lactation.onset else "date not recorded"
    if sex_male:
        return (
            f"**Breastfeeding on record ({when}), recorded sex male:** {lactation.display} "
            f"({lactation.coding}). Check the record (a coding error, or chestfeeding); if the "
            "patient breastfeeds, weigh the caveats below with perinatal psychiatry input."
        )
    return (
        f"**Breastfeeding on record ({when}):** {lactation.display} ({lactation.coding}). Weigh "
        "each drug's lactation data with perinatal psychiatry input; caveats below."
    )


def _zuranolone_line(ppd: Finding) -> str:
    """Zuranolone for a coded postpartum depression (review 11 finding 10): a text option with
    its label notes (data/pathway_options.csv), never a ready-to-accept order."""
    option = pathway_options.options()["zuranolone"]
    since = f" {ppd.onset_phrase}" if ppd.onset_phrase else ""
    unverified = pathway_options.unverified_mark(option.status)
    return (
        f"**Postpartum depression on record** ({ppd.coding}{since}): {option.label} "
        f"({option.line}): {option.card}.{unverified}"
    )


def _choose(ctx: RuleContext, asked: bool) -> str:
    """A postpartum onset's closing sentence, with what the record says of breastfeeding when no
    delivery or EDD paragraph said it (`asked`)."""
    if not asked and _feeding_clause(ctx.population) == _CHECK_FEEDING:
        return (
            "Choose with perinatal psychiatry input, including whether the patient is "
            "breastfeeding."
        )
    return "Choose with perinatal psychiatry input." + ("" if asked else _feeding_sentence(ctx))


def _edd_passed_line(ctx: RuleContext, edd: date) -> str:
    """A passed EDD (fhir_mapping/pregnancy.py, review 10 R13): what the record shows, the EDD
    and how long ago, never a delivery it does not record; and what to ask before a drug is
    chosen. Said only while no pregnancy is current (a newer one speaks for itself)."""
    weeks = (ctx.record.as_of - edd).days // 7
    ago = f"{plural(weeks, 'week')} ago" if weeks else "this week"
    check = _feeding_clause(ctx.population) or "breastfeeding is on record (below)"
    return (
        f"**Estimated delivery date passed:** {edd.isoformat()} ({ago}); no delivery is read "
        f"from the record. Probably postpartum: {check}, with perinatal psychiatry input."
    )


def population_notes(ctx: RuleContext, *, tms: bool = False) -> str:
    """Markdown lines for a card that proposes medication changes (and TMS when `tms`)."""
    lines: list[str] = []
    pregnancy = ctx.population.pregnancy
    if pregnancy is not None:
        # Finding.dated: "since <onset>", or "recorded at the visit of <day>" for a pregnancy a
        # prenatal visit records (not the day it began).
        since = f" {pregnancy.dated}" if pregnancy.onset else ""
        # TMS is not lumped with the drugs (review s26 GB item 3): it exposes the fetus to no
        # drug, and the studies of it in pregnancy are small (_TMS_IN_PREGNANCY, its sources).
        # The TMS card offers no medication (review s28 RI finding 4): its paragraph says none.
        head = f"**Pregnancy on record:** {pregnancy.display} ({pregnancy.coding}{since})"
        lines.append(
            tms_pregnancy_line(pregnancy)
            if tms
            else f"{head}. The medication options on this card come from guidelines that do not "
            "cover pregnancy: confirm it is current and weigh each change with obstetric or "
            "perinatal psychiatry input."
        )
        # A postpartum-only drug given during it (review s26 GC item 2).
        if (given := given_in_pregnancy_line(ctx)) is not None:
            lines.append(given)
    stale = ctx.population.stale_pregnancy
    if stale is not None and not tms:
        # Past the pregnancy window (services/pregnancy_now.py; review s21 RD finding 5): not a
        # pregnancy, but the drugs below may carry pregnancy cautions, so she is asked.
        now = ctx.facts.pregnancy
        since = f" on {stale.onset.isoformat()}" if stale.onset else ""
        why = stale_reason(now, ctx.policy.mapping.pregnancy_status_weeks) if now else ""
        whom = now.whom if now else "she"
        # Still active on the problem list: said, as the order card says it (review s26 GC).
        listed = now is not None and now.stale_listed and now.due_passed is None
        still = ", still active on the problem list" if listed else ""
        marker = marker_words(now) if now else None
        lines.append(
            # A quantitative hCG on a chart recorded male (review s29 K18 finding 2): named by
            # its value, never as a pregnancy test, and asked.
            f"**{marker}** ({stale.coding}): confirm whether {whom} can "
            "be pregnant before a drug with pregnancy cautions."
            if marker is not None
            else f"**Pregnancy coded{since}:** {stale.display} ({stale.coding}){still}; {why}, "
            f"so it is not read as current: confirm {whom} is not pregnant before a drug with "
            "pregnancy cautions."
        )
    delivery = ctx.population.delivery
    if delivery is not None:
        lines.append(_delivery_line(ctx, delivery, ctx.population.ended_pregnancy))
    lactation = ctx.population.lactation
    if lactation is not None:
        lines.append(_lactation_line(lactation, sex_male=ctx.population.lactation_sex_male))
    if not tms:
        # Drug caveats of the condition rows (esketamine and lithium in pregnancy: review 7
        # finding 10), beside the header that names the finding. A finding with no header of its
        # own here (alcohol use with bupropion: review 14 M3) is named on the caveat line.
        # A drug already running is named as running, never "if considered" (review s28 RI
        # finding 2: "Esketamine, if considered" beside "Esketamine ... running since").
        taken = _running(ctx)
        lines.extend(
            _caveat_line(r, running=r.rule.ingredient in taken)
            for r in ctx.population.applying
            if r.rule.choice is _CAVEAT
            # Not for a drug this card never proposes (zuranolone or brexanolone in pregnancy
            # with no postpartum depression on record: review s26 GB item 4), unless it runs.
            and (
                r.rule.ingredient in taken
                or not (
                    r.rule.ingredient
                    and (
                        outside_label(r.rule.ingredient, ctx.population)
                        # A pregnancy or breastfeeding caveat is said under its own heading
                        # whatever the card offers (as before review K35c).
                        or (
                            r.rule.finding not in _HEADED
                            and _option_not_named(ctx, r.rule.ingredient)
                        )
                    )
                )
            )
        )
    passed = ctx.population.edd_passed
    # Breastfeeding is asked about (or its recorded "no" named) in one paragraph only: the
    # delivery's, else the passed EDD's, else the postpartum onset's (review 11 finding 10).
    asked = delivery is not None
    if passed is not None and passed.onset is not None and pregnancy is None:
        lines.append(_edd_passed_line(ctx, passed.onset))
        asked = True
    postpartum = ctx.population.postpartum
    ppd = ctx.population.ppd if not tms else None
    if postpartum is not None and postpartum != ppd:
        since = f" {postpartum.onset_phrase}" if postpartum.onset_phrase else ""
        lines.append(
            f"**Postpartum onset on record:** {postpartum.display} ({postpartum.coding}"
            f"{since}). " + _choose(ctx, asked)
        )
        asked = True
    if ppd is not None:
        # The postpartum depression and its onset are one fact: one paragraph (review 11
        # finding 10 saw "Postpartum onset on record" and "Postpartum depression on record" for
        # the same F53.0).
        # ... naming a brexanolone infusion already given for it (review s26 GC item 2).
        line = _zuranolone_line(ppd) + given_after_birth_clause(ctx)
        if ppd == postpartum:
            line += " " + _choose(ctx, asked)
        lines.append(line)
    if is_minor(ctx):
        years = age(ctx)
        if age_choices(ctx):
            # The doses the label gives under 18 and no adjunct (review s27 RQ2 finding 6: the
            # line said adjuncts came from CANMAT while the augment section proposes none).
            lines.append(
                f"**Age {years}:** antidepressant choices follow the under-18 list (NICE NG134, "
                f"FDA); {_young_doses(years)}; no adjunct is proposed under 18: decide with child "
                "and adolescent psychiatry."
            )
        else:
            lines.append(
                f"**Age {years}:** the doses and agents on this card come from adult guidelines "
                "(CANMAT 2023); decide with child and adolescent psychiatry."
            )
        running_never = running_never_line(ctx)
        if running_never is not None:
            lines.append(running_never)
        too_young = running_too_young_line(ctx)
        if too_young is not None:
            lines.append(too_young)
    warning = boxed_warning(ctx)
    if warning is not None and not tms:
        lines.append(f"**Boxed warning (age {age(ctx)}):** {warning.note} ({warning.cite}).")
    return "\n\n".join(lines)


def _option_not_named(ctx: RuleContext, ingredient: str) -> bool:
    """An option beyond medication (esketamine, IV ketamine: pathway_options.csv) whose caveat
    would stand alone: the card names these options only once the trials of treatment-resistant
    depression have failed (policy.trd_min_failed_trials), never for a minor and never on the
    psychotic-depression variant; otherwise its caveat rows (a substance use disorder, psychotic
    features: review K35c findings 2 and 3) are not said."""
    option = pathway_options.options().get(ingredient)
    if option is None or "trd" not in option.when:
        return False
    if len(ctx.facts.failed_trials) < ctx.policy.trd_min_failed_trials or is_minor(ctx):
        return True  # not named for a minor either (optimize/card.py: child psychiatry decides)
    # The psychotic-depression variant names ECT and an antipsychotic regimen, never these
    # options; imported here, as that module imports the card that imports this one.
    from services.rules.optimize.psychotic import speaks_to_psychotic_features

    return speaks_to_psychotic_features(ctx)


def _running(ctx: RuleContext) -> frozenset[str]:
    """The ingredients running now: a course ongoing and not on hold, or a drug an active
    resource lists without a readable date (as running_caution_pairs.running reads them)."""
    trials = {t.ingredient for t in ctx.record.trials if t.ongoing and t.on_hold is None}
    listed = {i for gap in ctx.record.gaps for i in gap.taken_now}
    return frozenset(trials | listed)


def _caveat_line(restriction: Restriction, *, running: bool) -> str:
    """A caveat row's line: "if considered" for a drug that may come up; for a running one, its
    note as running, or a pointer to the running-drug caution card that names it in full with
    the finding (populations.running_caveat: said once a screen, issue 12)."""
    rule = restriction.rule
    label = rule.label().capitalize()
    said = f"{rule.note} ({rule.cite})" if rule.finding in _HEADED else restriction.reason()
    if not running:
        return f"**{label}, if considered:** {said}."
    if running_caveat(rule):
        finding = rule.finding.value if rule.finding is not None else ""
        return (
            f"**{label} running:** its {finding} caution ({rule.cite}) is on the running-drug "
            "caution card: decide there whether it continues."
        )
    return f"**{label} running:** {said}."


def _young_doses(years: int | None) -> str:
    """ "doses of fluoxetine and escitalopram from their labels for this age, other doses from
    adult guidelines (CANMAT 2023)": the agents data/pediatric_doses.csv gives a pediatric dose
    at this age (optimize/dose.py names it)."""
    labelled = [
        r for r in pediatric_doses.rows() if years is not None and r.min_age <= years < r.below_age
    ]
    if not labelled:
        return "doses come from adult guidelines (CANMAT 2023)"
    names = and_list([r.ingredient for r in labelled])
    cites = ", ".join(r.cite for r in labelled)
    label = "its label" if len(labelled) == 1 else "their labels"
    return (
        f"doses of {names} from {label} for this age ({cites}), other doses from adult "
        "guidelines (CANMAT 2023)"
    )
