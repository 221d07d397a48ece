"""The caution checks of a drafted drug for this patient: drug-condition contraindications
on record (data/drug_cautions.csv), the population tables' "never" rules (rules/populations.py;
review findings 1 and 7), and the FDA boxed warning line for a patient under 25.

This module makes the caution check (`caution_check`) from the table rows. The lines beside
them (an old MI, an agent below its labelled age, a thyroid hormone row, raised transaminases,
lactation) are caution_lines.py; the boxed warning at an order that starts treatment is
boxed_warning.py. `boxed_warning_start` and `boxed_warning_line` stay importable from here.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, Finding, FindingKind
from services import (
    cardiac,
    cards,
    finding_words,
    order_doses,
    pacing,
    tables,
    thyroid_hormone_cautions,
)
from services.card_format import plural
from services.drug_rules import Choice, DrugRule
from services.order_checks.boxed_warning import boxed_warning_line, boxed_warning_start
from services.order_checks.caution_lines import (
    LIVER,
    lactation_line,
    latest_first,
    old_mi_line,
    thyroid_line,
    transaminase_line,
    under_min_age_line,
    young_treatment_line,
)
from services.order_checks.childbearing import childbearing_line, warns_if_pregnant
from services.order_checks.model import CAUTION, CONTRAINDICATED, OrderCheck
from services.order_checks.not_labelled_young import not_labelled_line
from services.order_checks.pregnancy_lines import (
    feeding_unknown_line,
    late_pregnancy_line,
    past_stage,
    past_words,
    stale_pregnancy_line,
)
from services.pathway_options import unverified_mark
from services.recommendation import Indicator
from services.rules import populations
from services.rules.context import RuleContext

# The names order_hooks and tests import from here (boxed_warning.py's among them).
__all__ = ["boxed_warning_line", "boxed_warning_start", "caution_check"]

# Population rules a clinician's own order is checked against: "never", and the caveats a drug
# carries for this patient (esketamine or lithium in pregnancy: review 7 finding 10).
# An info row (a stimulant use disorder in remission with a stimulant ordered: recheck 13 n26)
# is said at the order only, at info level when nothing else is.
_ON_ORDER = frozenset({Choice.NEVER, Choice.CAVEAT, Choice.INFO})
_NOT_A_BAR = frozenset({Choice.CAVEAT, Choice.INFO})
_LACTATION = FindingKind.LACTATION


def caution_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """Every contraindication row of data/drug_cautions.csv for this drug whose condition is on
    record, each with its own source (a drug can have several: bupropion); then every "never"
    rule of the population tables that applies to this patient, the rules the switch cards apply
    (rules/populations.py): under 18, paroxetine, venlafaxine and tricyclics are not to be used
    for depression (data/age_restricted_antidepressants.csv, NICE NG134: review finding 1), and
    bupropion is never proposed with psychotic features (data/condition_drug_rules.csv: review
    finding 7), and the caveat rows (esketamine, lithium in pregnancy: review 7 finding 10), and
    the age row that keeps antipsychotics from one click under 18 (adult doses: decide with child
    and adolescent psychiatry; a caution, no bar: review s27 RC finding 3). A
    rule both tables hold (paroxetine in pregnancy) is said once. Duloxetine with chronic liver
    disease or cirrhosis is a drug_cautions.csv row (review 7 finding 3); duloxetine with active
    alcohol use a condition_drug_rules.csv row narrowed to the alcohol codes (Cymbalta label 5.2;
    alcohol use in remission is another finding kind and never triggers it: review 7 finding 8),
    or, with no such code, a recent AUDIT-C or AUDIT at or above the clinic's cut-off (review 9
    finding 8), named with its score and date. Nefazodone and duloxetine with no liver disease
    coded but a recent ALT or AST at or above the policy's multiple of its upper limit of normal
    (services/transaminases.py; review 12 H10), named with its value, date and ULN.

    A warning, like the label contraindications beside it, not critical: the card cannot be
    snoozed and comes back on every call until the clinician accepts or overrides it, and critical
    stays kept for what harms at once (an MAOI combination, suicide risk), so that it still reads
    as "stop now" when it appears. A drug_cautions.csv row marked critical is such a harm
    (esketamine with aneurysmal vascular disease, an AVM or a history of intracerebral
    haemorrhage: the blood-pressure rise of every dose; review 15 U1), and so is a tricyclic in the
    acute recovery period after a myocardial infarction (its label contraindication: conduction
    slowing and arrhythmia from the first doses; critical as the MAOI rows' contraindicated start
    is, review 16 M1), and bupropion (or dextromethorphan-bupropion) drafted with a seizure
    disorder on record (the bupropion labels' contraindication: a seizure risk from the first
    doses in a patient whose threshold is already low; review 17 second recheck M8)."""
    found: list[tuple[str, str]] = []  # (summary, detail line)
    # Each line's cite, in order: the card's source label is what it rests on (the Serzone boxed
    # warning, CPS 2023 Table 6), not the topic's guideline (CANMAT), which says none of it.
    basis: list[str] = []
    said: set[str] = set()  # finding kinds drug_cautions.csv already spoke for
    past: list[tuple[str, str]] = []  # rows of a pregnancy stage the record dates past
    infos = 0  # lines that are information only (an old MI, an info row): the card is info if all
    # Lines that rule the drug out: a label contraindication (drug_cautions.csv kind) or a "never"
    # row. With one, the card is order-drug-contraindicated; with none, every line is a warning,
    # precaution or caveat and the card is order-drug-caution (audit 13 item 15: "use with
    # extreme caution" filed as a contraindication). The stronger topic wins on a mixed card.
    bars = 0
    # A row that harms with the first dose (esketamine with an aneurysm or a history of
    # intracerebral haemorrhage: review 15 U1) makes the card critical, as an MAOI combination's.
    critical = False
    name = draft.ingredient.capitalize()
    rows = [c for c in tables.drug_cautions() if c.ingredient == draft.ingredient.lower()]
    # A row on record replaces the rows it supersedes (rk3 finding 1: a complete heart block's
    # contraindication, not a first-degree block's warning, with both on record): one line per
    # danger, the most severe.
    coded = {c.finding for c in rows if ctx.facts.findings_of(FindingKind(c.finding))}
    superseded = tables.superseded(draft.ingredient.lower(), coded)
    # A pacemaker on record makes a row with an `if_paced` note a warning naming it (rk3
    # finding 5: a paced heart block is not the unpaced block's critical contraindication).
    # A pacemaker Device with no status recorded: not counted as pacing (the row stays as it
    # is), but named so the prescriber can confirm it (review s25 rk5 finding 2).
    pace_rows = any(c.if_paced and c.finding in coded for c in rows)
    paced = pacing.reading(ctx) if pace_rows else pacing.NOT_PACED
    # The line a card leads with: its most severe row (critical, then a contraindication), not
    # the table's first (rk3 finding 1).
    lead_line: tuple[str, str] | None = None
    lead_rank = 0
    for caution in rows:
        if caution.finding in superseded:
            said.add(caution.finding)
            continue
        kind = FindingKind(caution.finding)
        # The pathway facts' findings: an acute MI there is a recent one (policy.recent_mi_days,
        # services/cardiac.py; review 12 finding 2), named by its latest onset.
        findings = ctx.facts.findings_of(kind)
        if kind in cardiac.WINDOWED:
            findings = latest_first(findings)
        if findings:
            # A seizure disorder is named before a single seizure of the same kind; a single
            # seizure is said as one, held as the row says (finding_words; review 19 D1).
            on_record = finding_words.named_first(findings)
            said.add(caution.finding)
            note, why, instead = caution.note, "", caution.instead
            is_paced = paced.softens(caution.if_paced)
            if is_paced:
                note, _, why = caution.if_paced.partition(". ")
                instead = ""
            rank = 0 if is_paced else 2 if caution.critical else int(caution.contraindication)
            bars += caution.contraindication and not is_paced
            critical = critical or paced.critical(caution.indicator, caution.if_paced)
            basis.append(caution.cite)
            # A row of an earlier pregnancy stage than the record dates (paroxetine's
            # first-trimester line at 32 weeks): said after the lines of the stage, as past.
            weeks = past_stage(ctx, caution.until_weeks)
            summary = cards.fit_summary(
                f"{name}: {finding_words.with_note(note, on_record)}",
                f"{name}: {note}",
                _last_resort(name, note, finding_words.short(on_record)),
            )
            # The code system by the name clinicians know (data/code_systems.csv `label`:
            # "ICD-10-CM I67.1"), never its URI (review 15 U1 chart f08).
            lead = "- " + finding_words.detail_lead(
                note,
                on_record,
                # A finding with no code (the antiseizure question) leaves no empty code slot.
                on_record.display
                + (f", {on_record.coding}" if on_record.code or on_record.system else "")
                + _when(ctx, on_record)
                + paced.words(caution.if_paced),
            )
            source = (
                f"{f'. {why}' if why else ''}"
                f". {f'Choose {instead}. ' if instead else ''}"
                f"Source: {caution.cite}{unverified_mark(caution.status)}."
            )
            if weeks is None or caution.until_weeks is None:
                found.append((summary, lead + source))
                if rank > lead_rank:
                    lead_line, lead_rank = found[-1], rank
                continue
            # A row of an earlier pregnancy stage than the record dates (paroxetine's
            # first-trimester line at 32 weeks: review s24 RN finding 13): said after the lines
            # of the stage, as past; it leads only when no line of the stage is said.
            past.append(
                (
                    cards.fit_summary(
                        f"{name}, about {weeks} weeks pregnant: {caution.note}", summary
                    ),
                    f"{lead}; {past_words(weeks, caution.until_weeks)}{source}",
                )
            )
    old_mi = old_mi_line(ctx, draft, said)
    transaminase = transaminase_line(ctx, draft, said)
    if transaminase is not None:
        said.add(LIVER.value)
        summary, detail, cite = transaminase
        found.append((summary, detail))
        basis.append(cite)
    for restriction in populations.restrictions(ctx, draft.ingredient, draft.drug_class):
        rule = restriction.rule
        if rule.choice not in _ON_ORDER and not _age_text_only(rule):
            # A condition's "not as one click" row (antipsychotics in pregnancy) is about
            # proposals; the age row (antipsychotics under 18: adult doses) is said at the order
            # too (review s27 RC finding 3: an aripiprazole draft at 16 got no card at all).
            continue
        if rule.finding is not None and rule.finding.value in said:
            # Said by a drug_cautions.csv line; a "never" row still rules the drug out (paroxetine
            # in pregnancy: the label's warning there, the population table's "never").
            bars += rule.choice is Choice.NEVER
            continue
        bars += rule.choice is Choice.NEVER
        basis.append(rule.cite)
        if rule.choice is Choice.INFO:
            infos += 1
        if rule.finding is _LACTATION:
            found.append(lactation_line(ctx, name, restriction))
            continue
        # The findings the row applies to (duloxetine: the alcohol codes of the substance-use
        # kind), latest first: the one populations.py names in `restriction.why`.
        seen = (
            # The facts' findings: the current pregnancy only (services/pregnancy_now.py).
            latest_first(rule.matching(ctx.facts.findings_of(rule.finding)))
            if rule.finding is not None
            else ()
        )
        # The date the diagnosis is on record from, beside the diagnosis `why` names; for a rule
        # that applies by a screening score (AUDIT-C 10 on 2025-05-19: review 9 finding 8), what
        # the score is read as, so the prescriber sees it is a screen and not a diagnosis.
        since = f", {seen[0].dated}" if seen and seen[0].onset else ""
        if restriction.basis:
            since += f": {restriction.basis}"
        found.append(
            (
                cards.fit_summary(
                    f"{name}: {rule.note} ({restriction.why}; {rule.cite})",
                    *(f"{name}: {rule.note} ({f.display} on record)" for f in seen[:1]),
                    # A screen's score and date without how the total was got ("computed from
                    # items", said in the detail): the summary still names the score (R10).
                    *(
                        [f"{name}: {rule.note} ({restriction.screen}; {rule.cite})"]
                        if restriction.screen
                        else []
                    ),
                    f"{name}: {rule.note} ({rule.cite})",
                    # The row's risk in a few words (its `short_note`), before the short forms
                    # that name no risk at all (review s26 RG finding 2).
                    *(
                        [f"{name}: {rule.short_note} ({rule.cite})", f"{name}: {rule.short_note}"]
                        if rule.short_note
                        else []
                    ),
                    _short_form(name, restriction),
                ),
                # The row's cite only: its `source` notes stay in the table (review 11).
                f"- {rule.note} ({restriction.why}{since}; {rule.cite}).",
            )
        )
    # The record dates the pregnancy in its third trimester (an SSRI or SNRI), or names only a
    # pregnancy past its window (a drug with a pregnancy row): information lines
    # (pregnancy_lines.py; review s21 RD findings 8, 5).
    # A birth on record with breastfeeding not recorded: the lactation row asked, not assumed
    # (review s26 GB item 1).
    # A stale pregnancy asked about stays a warning for a drug whose childbearing row warns
    # (valproate): "confirm she is not pregnant" must not soften it below what the same order
    # says with no pregnancy on record (review s28 RI finding 1 follow-up).
    stale = stale_pregnancy_line(ctx, draft)
    for extra in (late_pregnancy_line(ctx, draft), stale, feeding_unknown_line(ctx, draft)):
        if extra is not None:
            found.append((extra[0], extra[1]))
            basis.append(extra[2])
            infos += not (extra is stale and warns_if_pregnant(ctx, draft))
    # A teratogen drafted for a patient who could become pregnant, no pregnancy on record
    # (childbearing.py; review s26 RK1 finding 3): valproate's warning, carbamazepine's info.
    childbearing = childbearing_line(ctx, draft)
    if childbearing is not None:
        found.append((childbearing.summary, childbearing.detail))
        basis.append(childbearing.cite)
        infos += childbearing.info
    found += past  # the rows of a stage the pregnancy is past, after its own (above)
    # Below the age the label approves the drug from (escitalopram at 11: review 14 W4), or a
    # guideline makes it a choice from (sertraline at 11: review 14 W2): the age list never
    # proposes it there, and a clinician's own order of it is told so, with the agents
    # labelled at this age. A warning, not a bar: "not established" is no contraindication.
    # An agent data/young_age_treatments.csv names below its age (esketamine under 18: review
    # s27 RC finding 1), likewise a warning.
    # An antidepressant no age row names (bupropion at 13: s27 RC finding 5), likewise.
    for young in (
        under_min_age_line(ctx, draft),
        young_treatment_line(ctx, draft),
        not_labelled_line(ctx, draft),
    ):
        if young is not None:
            summary, line, cite = young
            found.append((summary, line))
            basis.append(cite)
    if old_mi is not None:
        summary, line, cite = old_mi
        found.append((summary, line))
        basis.append(cite)
        infos += 1
    # Liothyronine with a cardiac history coded or beside levothyroxine:
    # a warning line for the cardiac rows, information for the replacement one.
    # Replacements taken whose rows say the same (levothyroxine and Armour Thyroid) make one line
    # naming both, not the same sentence twice (recheck 18a t04).
    alike: dict[tuple[str, str], list[thyroid_hormone_cautions.Caution]] = {}
    for thyroid in thyroid_hormone_cautions.cautions(ctx, draft.ingredient):
        key = (thyroid.row.note, thyroid.row.cite) if thyroid.taking else (str(id(thyroid)), "")
        alike.setdefault(key, []).append(thyroid)
    for first, *rest in alike.values():
        found.append(thyroid_line(name, first, tuple(rest)))
        basis.append(first.row.cite)
        if not first.row.warning:
            infos += 1
    if not found:
        return None
    if lead_line is not None and found[0] is not lead_line:
        found.remove(lead_line)
        found.insert(0, lead_line)
    return OrderCheck(
        CONTRAINDICATED if bars else CAUTION,
        draft,
        # The summary as the lines wrote it: the boxed warning and other lines are appended to it
        # after (order_hooks), and crowding them out with the dose would lose a warning; the
        # detail's first words name the drafted dose (order_doses.draft_named; s25 FW item 2).
        found[0][0],
        f"{order_doses.draft_named(draft)} and what is on record:\n\n"
        + "\n".join(line for _, line in found),
        # An old MI (the labels' "watch closely") or an info row (a history to weigh) is a
        # caution line, not a bar: info when every line is one.
        indicator=(
            Indicator.CRITICAL if critical else Indicator.INFO if infos == len(found) else None
        ),
        basis=tuple(dict.fromkeys(c for c in basis if c)),
    )


def _age_text_only(rule: DrugRule) -> bool:
    """An age row that keeps a drug from being one click (antipsychotics under 18: adult doses,
    decided with child and adolescent psychiatry): said at a clinician's own order as a caution,
    no bar."""
    return rule.choice is Choice.NOT_ONE_CLICK and rule.finding is None


def _short_form(name: str, restriction: populations.Restriction) -> str:
    """The last summary of a population row's line: "not to be used" only for a "never" row."""
    rule = restriction.rule
    if _age_text_only(rule):
        return f"{name} at {restriction.why}: decide with a specialist ({rule.cite})"
    if rule.choice not in _NOT_A_BAR:
        return f"{name}: not to be used for this patient ({rule.cite})"
    # A caveat or an info row is not a bar: its short form never says "not to be used". A
    # screen stands in for a diagnosis: its score and date, so the summary says which (AUDIT-C 8
    # on 2025-05-12).
    screen = f" ({restriction.screen})" if restriction.screen else ""
    return f"{name} with {_finding_words(rule)} on record{screen}: see the caveat ({rule.cite})"


def _when(ctx: RuleContext, finding: Finding) -> str:
    """When the finding dates from: "since <onset>", or for a windowed finding (an acute MI) its
    onset and the window it falls in, so the card states why it counts as recent."""
    onset = finding.onset_text
    if finding.kind not in cardiac.WINDOWED:
        return f", {finding.dated}" if finding.onset else ""
    window = _window_words(ctx.policy.recent_mi_days)
    if onset is None:
        return f", no onset date on record: read as within the last {window}"
    # A recordedDate standing in for the onset is said "recorded" (Finding.onset_phrase): the MI
    # is still read as recent (the safer reading), but the card does not call the day entered its
    # onset.
    said = finding.onset_phrase if finding.onset_recorded else f"onset {onset}"
    return f", {said}: within the last {window}"


def _window_words(days: int) -> str:
    """ "6 months" for the policy's 183 days, as a clinician says it (audit 16 f03: "183 days"
    read as the service's internal window); days when it is no whole number of months."""
    months = round(days / 30.44)
    if months and abs(months * 30.44 - days) < 2:
        return plural(months, "month")
    return plural(days, "day")


def _last_resort(name: str, note: str, display: str) -> str:
    """The summary when the row's note does not fit: "contraindicated" only where the row says
    so (bupropion with a seizure disorder); a label's "avoid" or "ordinarily not prescribed"
    (duloxetine with liver disease) is a warning, and a card must not claim more than its row."""
    if "contraindicated" in note.lower():
        return f"{name} is contraindicated by a condition on record ({display})"
    return f"{name}: a condition on record weighs against it ({display})"


def _finding_words(rule: DrugRule) -> str:
    """What a caveat's short summary says is on record: the row's code set when it narrows the
    kind ("alcohol use": bupropion's seizure caveat is about alcohol, and "substance use" hid
    it, review 14 audit b05), else its finding kind ("pregnancy")."""
    if rule.finding_codes is not None:
        return rule.finding_codes.name.replace("-", " ")
    return rule.finding.value.replace("-", " ") if rule.finding is not None else "a finding"
