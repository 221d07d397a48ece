"""Patients the adult pathway was not written for: minors, young adults, pregnancy, postpartum,
and what a finding on record rules out.

The dose ranges and agent lists of the other cards come from CANMAT 2023 (an adult guideline) and
the TMS criteria from adult coverage policies (LCD L34998, Ambetter CP.BH.200). Where a sourced
rule exists it is data (services/drug_rules.py and its tables) and applied here:

- under 18: only the age list is proposed as a switch, in its order (fluoxetine first; then
  sertraline, citalopram, escitalopram; NICE NG134, FDA); venlafaxine, paroxetine and tricyclics
  are never proposed; antipsychotic doses are adult doses, so no ready-to-accept order;
- under 25: the FDA boxed warning on suicidality is shown with any antidepressant proposal;
- pregnancy: paroxetine is never proposed (first-trimester cardiac malformations, FDA 2005) and
  antipsychotics are text only (FDA 2011 class labelling: individual risk-benefit decision);
- postpartum: a coded postpartum onset, or an EDD passed within the clinic's postnatal window
  (fhir_mapping/pregnancy.py; review 10 R13), asks about breastfeeding before a drug is chosen;
- delivery (review 11 findings 5, 11c): a recorded delivery (O80/O82, Z37.x, Z39.0/Z39.2, a
  delivery Procedure) ends a pregnancy coded on or before its date (an O09.x "third trimester"
  left active after the birth is not current) and starts the postnatal year
  (policy.postpartum_after_edd_days, the same year a passed EDD opens);
- breastfeeding on record (Z39.1, a Breastfeeding status Observation) within that year of its
  date: said with its date, and the lactation caveats of condition_drug_rules.csv (lithium,
  esketamine, zuranolone) are shown beside the drugs and checked on an order; never claimed when
  not recorded (the "check breastfeeding" line stays);
- postpartum depression (F53.0, SNOMED postpartum-onset MDD) with no psychotic features: zuranolone
  (FDA: PPD) is named as a text option (data/pathway_options.csv; review 11 finding 10);
- psychotic features: bupropion is never proposed (dopaminergic; may worsen psychosis);
- active alcohol use disorder: duloxetine is never proposed (Cymbalta label 5.2, hepatotoxicity);
  likewise with no such diagnosis but a recent alcohol screen at or above the clinic's cut-off
  (AUDIT-C >= 8, AUDIT >= 16: services/policy/safety_readings.py), as the label speaks of
  "substantial alcohol use", not of a coded disorder (review 9 finding 8).

How a screen counts: for the condition rows whose code set names screening scores
(finding_code_sets.csv, match "score"), and only there. It is not made a Finding of the record:
the diagnosis review's "active substance use ... address it before escalating" and the payer
criteria's substance-use exclusions read the record's findings, and a screen is not a diagnosis
(`screen_at_cut_off`). The latest screen decides, so a later score below the cut-off supersedes
an earlier high one; no screen, or none recent, changes nothing. The diagnosis review names such a
screen in its own words when no substance use is coded (`substantial_alcohol_screen`; review s22
RX finding 2; a DAST-10, K61a s39 finding 8): a screen, never called a diagnosis.

What a recorded delivery and breastfeeding change is read in perinatal.py; the paragraphs a card
adds for these patients are worded in population_notes.py.

Where no sourced rule exists the cards say plainly that their basis does not cover the patient,
name what is on record, and leave the decision to the specialist (the safer behaviour).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from fhir_mapping.ages import youngest
from fhir_mapping.pregnancy import edd_passed
from fhir_mapping.record import Finding, FindingKind, PatientRecord, Score
from services import drug_rules, nms_record
from services.drug_rules import Choice, CodeSet, DrugRule
from services.policy import Policy
from services.population_finding_names import named
from services.pregnancy_now import PregnancyNow
from services.rules.perinatal import _LACTATION, _PREGNANCY, _latest, _perinatal, _ppd

if TYPE_CHECKING:  # the context holds this module's Population: no import cycle at run time
    from services.rules.context import RuleContext


def age(ctx: RuleContext) -> int | None:
    """The age the rules below an age read (under 18, the under-25 boxed warning, an agent's
    labelled minimum): with a birth year only, the youngest the record allows, the safer side of
    those rules (fhir_mapping/ages.py; review 19 D4). It prints as the range."""
    return youngest(ctx.record.patient.age)


def is_minor(ctx: RuleContext) -> bool:
    return ctx.population.minor


def _latest_of(findings: tuple[Finding, ...], kind: FindingKind) -> Finding | None:
    """The finding of this kind with the latest onset (undated ones count as oldest)."""
    found = [f for f in findings if f.kind is kind]
    return max(found, key=lambda f: f.onset or date.min) if found else None


def latest(ctx: RuleContext, kind: FindingKind) -> Finding | None:
    """The finding of this kind with the latest onset (undated ones count as oldest)."""
    return _latest_of(ctx.record.context.findings, kind)


@dataclass(frozen=True, slots=True)
class Restriction:
    """A rule that applies to this patient, and why it applies (age, a finding on record)."""

    rule: DrugRule
    why: str  # "age 16", "pregnancy on record: Pregnant state, incidental (...)"
    # A rule that applies by a screening score rather than a finding (AUDIT-C 10 with duloxetine:
    # review 9 finding 8): what the score means here, for a card's detail line; "" otherwise.
    basis: str = ""
    # The score and its date alone, for a summary ("AUDIT-C 10 on 2025-05-19"): `why` may add how
    # the total was got (", computed from items"), which belongs in the detail (review 10 R10).
    screen: str = ""

    def reason(self) -> str:
        return f"{self.rule.note} ({self.why}; {self.rule.cite})"


_RESTRICTING = frozenset({Choice.NEVER, Choice.NOT_ONE_CLICK})
# Compared for every drug a card weighs: on Python 3.11 reading a member off its Enum class costs
# about ten times reading a global (issue 14).
_NEVER = Choice.NEVER
_NOT_ONE_CLICK = Choice.NOT_ONE_CLICK
_BOXED_WARNING = Choice.BOXED_WARNING
_CAVEAT = Choice.CAVEAT
_ORDERED = (Choice.FIRST, Choice.NEXT)
_POSTPARTUM = FindingKind.POSTPARTUM


@dataclass(frozen=True, slots=True)
class Population:
    """What the population rules say about one patient, read once per evaluation (build_context)
    rather than once for every drug a card weighs: the cards ask `never` and `text_only` for each
    agent of the drug table, and the answer depends only on the age and the findings on record."""

    minor: bool
    # The restricting age rules (never, or not as one click), then the condition rules whose
    # finding is on record, in table order, each with why it applies to this patient: every
    # rule `never`, `text_only` and `restrictions` can answer with, before asking about a drug.
    applying: tuple[Restriction, ...]
    choices: tuple[DrugRule, ...]  # the age list's agents, in order (see age_choices)
    never_rows: tuple[DrugRule, ...]  # the age list's "never proposed" rows (see age_never)
    boxed: DrugRule | None  # the boxed-warning row for this age (see boxed_warning)
    pregnancy: Finding | None  # the latest pregnancy finding on record
    postpartum: Finding | None  # the latest postpartum-onset finding on record
    # A passed estimated delivery date within the clinic's postnatal window (a POSTPARTUM finding
    # fhir_mapping/pregnancy.py reads from the EDD: no postpartum onset is coded by it).
    edd_passed: Finding | None = None
    # The delivery that opened the postnatal year as-of falls in (the earliest delivery finding of
    # that year: a Z39.2 follow-up weeks later is not the birth), or None (review 11 finding 5).
    delivery: Finding | None = None
    # The latest pregnancy finding a recorded delivery ended (onset on or before it), named so
    # the card says why it is no longer read as current (review 11 finding 11c).
    ended_pregnancy: Finding | None = None
    # Breastfeeding on record within the postnatal window of its date (the latest), or None.
    lactation: Finding | None = None
    # A pregnancy diagnosis older than the pregnancy window with none current (a Z34.82 of
    # 2022 read in 2026: services/pregnancy_now.py; review s21 RD finding 5): not a pregnancy,
    # but named where its caveats would be, so she is asked, not assumed, not pregnant.
    stale_pregnancy: Finding | None = None
    # A recorded "not breastfeeding" answer that decides (no breastfeeding recorded on or after
    # it), dated after the birth and within the postnatal window: the cards say it instead of
    # asking to check breastfeeding (review 11 finding 10). None otherwise.
    not_breastfeeding: Finding | None = None
    # Breastfeeding is on record but the patient's recorded sex is male (review 11 recheck
    # finding 5: Z39.1 coded in error on a man's chart): the caveats stay, worded as a record
    # check, at patient-view and at the order hook alike (`lactation_check`).
    lactation_sex_male: bool = False
    # A coded postpartum depression (a POSTPARTUM finding that is also a DEPRESSION finding) with
    # no psychotic features on record: zuranolone is named (review 11 finding 10).
    ppd: Finding | None = None


def population(
    record: PatientRecord,
    policy: Policy,
    by_kind: Mapping[FindingKind, tuple[Finding, ...]] | None = None,
    pregnancy_now: PregnancyNow | None = None,
) -> Population:
    """The population rules that apply to this patient (age rows for the age, condition rows
    whose finding is on record), in the order the rules are asked. `by_kind`: the record's
    findings by kind (PathwayFacts.findings_by_kind) when the caller has grouped them;
    `pregnancy_now` the facts' pregnancy reading (PathwayFacts.pregnancy), which those findings'
    pregnancy kind already follows: it names the pregnancy a delivery ended or the window left
    behind (services/pregnancy_now.py)."""
    if by_kind is None:
        grouped: dict[FindingKind, list[Finding]] = {}
        for finding in record.context.findings:
            grouped.setdefault(finding.kind, []).append(finding)
        by_kind = {kind: tuple(found) for kind, found in grouped.items()}
    by_kind = nms_record.with_reaction_findings(record, by_kind)  # NMS as a reaction (adj76)
    perinatal = _perinatal(record, policy, by_kind)
    if perinatal is not None:
        # The condition rules see breastfeeding only while it is recent (`_perinatal`); the
        # pregnancy findings are the current ones already (services/pregnancy_now.py).
        by_kind = {**by_kind, _LACTATION: perinatal.lactation}
    years = youngest(record.patient.age)  # the rules below an age: their safer side (`age`)
    minor = years is not None and years < policy.adult_age
    by_age = drug_rules.rules_for_age(years)
    applying = [Restriction(r, f"age {years}") for r in by_age if r.choice in _RESTRICTING]
    for rule in drug_rules.condition_rules():
        if applying and _said(applying, rule):
            continue
        found = by_kind.get(rule.finding) if rule.finding is not None else None
        if found:
            # A row narrowed to some codes of its kind (duloxetine: alcohol, not every substance)
            found = rule.matching(found)
        if found:
            applying.append(Restriction(rule, f"on record: {named(_latest(found))}"))
        elif rule.finding_codes is not None and rule.finding_codes.screens:
            screened = screen_at_cut_off(record, rule.finding_codes, policy)
            if screened is not None:
                applying.append(screened.restriction(rule))
    pregnancy = by_kind.get(_PREGNANCY)
    postpartum = by_kind.get(_POSTPARTUM)
    passed = tuple(f for f in postpartum if edd_passed(f)) if postpartum else ()
    onset = tuple(f for f in postpartum if not edd_passed(f)) if postpartum else ()
    stale = pregnancy_now.stale if pregnancy_now is not None else None
    if (
        not by_age
        and not applying
        and not pregnancy
        and not postpartum
        and perinatal is None
        and stale is None
    ):
        return _UNRESTRICTED[minor]  # most adults: no rule and nothing on record applies
    chosen = [r for r in by_age if r.choice in _ORDERED and r.ingredient is not None]
    return Population(
        minor=minor,
        applying=tuple(applying),
        choices=tuple(sorted(chosen, key=lambda r: r.rank if r.rank is not None else 99)),
        never_rows=tuple([r for r in by_age if r.choice is _NEVER]),
        # The antidepressants' row (no ingredient): the rows naming one agent (aripiprazole's
        # own label) are asked per draft (drug_rules.own_boxed_warning).
        boxed=next(
            (r for r in by_age if r.choice is _BOXED_WARNING and r.ingredient is None), None
        ),
        pregnancy=_latest(pregnancy) if pregnancy else None,
        postpartum=_latest(onset) if onset else None,
        # A recorded delivery in the postnatal year speaks for itself: no "EDD passed" guess.
        edd_passed=_latest(passed) if passed and not (perinatal and perinatal.delivery) else None,
        delivery=perinatal.delivery if perinatal else None,
        ended_pregnancy=pregnancy_now.ended if pregnancy_now and perinatal else None,
        stale_pregnancy=stale,
        lactation=_latest(perinatal.lactation) if perinatal and perinatal.lactation else None,
        not_breastfeeding=perinatal.not_breastfeeding if perinatal else None,
        # Patient.gender is administrative: "male" does not rule lactation out (a trans man may
        # chestfeed after a birth) and the code may be the error. Dropping the caveats on it
        # would be silent and could harm an infant, so the finding stays and the cards ask to
        # check the record (the safer reading).
        lactation_sex_male=bool(perinatal and perinatal.lactation) and record.patient.sex == "male",
        ppd=_ppd(onset, by_kind),
    )


def _said(applying: list[Restriction], rule: DrugRule) -> bool:
    """Whether a row of the same drug, choice, finding kind and cite that covers every finding of
    the kind (no `finding_codes`) already applies: this row, narrowed to a code set and its
    screens, adds nothing then. A caveat kept in two rows, one for any use disorder coded and one
    for an alcohol screen alone (esketamine: review K35c finding 2), is said once."""
    return any(
        a.rule.finding_codes is None
        and a.rule.finding is rule.finding
        and a.rule.cite == rule.cite
        and a.rule.choice is rule.choice
        and a.rule.ingredient == rule.ingredient
        and a.rule.drug_class == rule.drug_class
        for a in applying
    )


@dataclass(frozen=True, slots=True)
class _Screened:
    """A screening score at or above its cut-off, standing in for a finding of a code set."""

    score: Score
    value: int
    cut_off: int

    def restriction(self, rule: DrugRule) -> Restriction:
        # No total recorded: the sum of the item answers (an AUDIT-C panel's three items,
        # fhir_mapping/score_alcohol.py). Said in `why`, so the prescriber knows what was added up.
        shown = f"{self.score.instrument} {self.value} on {self.score.date.isoformat()}"
        return Restriction(
            rule,
            f"{shown}, computed from items" if self.score.total_computed else shown,
            f"a screen at or above the clinic's cut-off ({self.cut_off}), read as substantial "
            "use; no use disorder coded",
            shown,
        )


# The code set whose screens are the alcohol screens (data/finding_code_sets.csv).
_ALCOHOL_SET = "alcohol-use"


def substantial_alcohol_screen(record: PatientRecord, policy: Policy) -> _Screened | None:
    """The latest alcohol screen (AUDIT-C, AUDIT) within policy.alcohol_screen_recent_days when
    it is at or above the clinic's cut-off: the one reading the duloxetine row and the diagnosis
    review's substance-use line (rules/diagnosis_psychiatric.py) share (`screen_at_cut_off`)."""
    codes = drug_rules.code_sets().get(_ALCOHOL_SET)
    return screen_at_cut_off(record, codes, policy) if codes is not None else None


def screen_at_cut_off(record: PatientRecord, codes: CodeSet, policy: Policy) -> _Screened | None:
    """The latest screen of the set's instruments within policy.alcohol_screen_recent_days, when
    it is at or above its cut-off (policy.screen_positive_from). The latest day decides:
    a later score below the cut-off supersedes an earlier high one (drinking that has come down
    is not "substantial use" now). Two screens on that day (an AUDIT and its AUDIT-C part): either
    at or above its cut-off counts, the safer reading. An instrument without a cut-off is not
    judged. The window is the alcohol screens' own: only the alcohol-use set names screens."""
    since = record.as_of - timedelta(days=policy.alcohol_screen_recent_days)
    # (score, value): record.scores holds nothing dated after as-of (fhir_mapping/scores.py).
    recent = [
        (s, s.value)
        for s in record.scores
        if s.instrument in codes.screens and s.value is not None and since <= s.date
    ]
    if not recent:  # nearly every chart
        return None
    last = max(s.date for s, _ in recent)
    high = None
    for score, value in recent:  # in score_order: of one instrument, the highest value last
        cut_off = policy.screen_positive_from(score.instrument)
        if score.date == last and cut_off is not None and value is not None and value >= cut_off:
            high = _Screened(score, value, cut_off)
    return high


# A patient no age row, condition row or pregnancy finding applies to: the same answer for all of
# them, by whether the clinic's adult age is reached (it holds nothing about the patient).
_UNRESTRICTED = {
    minor: Population(
        minor=minor,
        applying=(),
        choices=(),
        never_rows=(),
        boxed=None,
        pregnancy=None,
        postpartum=None,
    )
    for minor in (False, True)
}


def restrictions(ctx: RuleContext, ingredient: str, drug_class: str) -> tuple[Restriction, ...]:
    """Every age or condition rule about this drug that applies to this patient: the restricting
    age rules, then the condition rules, in table order."""
    return tuple(r for r in ctx.population.applying if r.rule.covers(ingredient, drug_class))


def caveat_cites(ctx: RuleContext, ingredient: str, drug_class: str) -> tuple[str, ...]:
    """The cites of the caveat rows (condition_drug_rules.csv `caveat`) that apply to this drug
    for this patient, for a list that names it ("bupropion (caveat: bupropion labels 4 and 5.3)",
    review 14 M3): the caveat itself is the card's "if considered" line."""
    return tuple(
        r.rule.cite
        for r in ctx.population.applying  # most patients: none at all
        if r.rule.choice is _CAVEAT and r.rule.covers(ingredient, drug_class)
    )


def never(ctx: RuleContext, ingredient: str, drug_class: str) -> Restriction | None:
    """Why this drug is never proposed for this patient, or None."""
    for restriction in ctx.population.applying:  # most patients: none at all
        rule = restriction.rule
        if rule.choice is _NEVER and rule.covers(ingredient, drug_class):
            return restriction
    return None


def text_only(ctx: RuleContext, ingredient: str, drug_class: str) -> Restriction | None:
    """Why this drug may be named but not offered as a ready-to-accept order, or None."""
    for restriction in ctx.population.applying:  # most patients: none at all
        rule = restriction.rule
        if rule.choice is _NOT_ONE_CLICK and rule.covers(ingredient, drug_class):
            return restriction
    return None


def age_choices(ctx: RuleContext) -> tuple[DrugRule, ...]:
    """The agents the age list proposes, in order (empty when the age has no list)."""
    return ctx.population.choices


def age_never(ctx: RuleContext) -> tuple[DrugRule, ...]:
    """The age list's "never proposed" rows for this patient (venlafaxine, paroxetine, TCAs)."""
    return ctx.population.never_rows


def boxed_warning(ctx: RuleContext) -> DrugRule | None:
    return ctx.population.boxed


# The findings whose "caveat" rows are said for a running drug too (running_caution_pairs.py): a
# pregnancy caveat is about fetal exposure, which a course running in pregnancy already is
# (esketamine: the Spravato label 8.1 says to stop it once pregnancy occurs; lithium: decide and
# monitor levels; review s28 RI finding 2). A lactation caveat is not: it weighs a choice about
# breastfeeding, asked on the optimise card (population_notes.py), not a drug to review.
_RUNNING_CAVEATS = frozenset({FindingKind.PREGNANCY})


def running_caveat(rule: DrugRule) -> bool:
    """Whether a caveat row is said for a running drug on the running-drug caution card, so the
    optimise card names it as running (population_notes.py) rather than "if considered"."""
    return rule.choice is _CAVEAT and rule.finding in _RUNNING_CAVEATS
