"""The safety-lab checks of a drafted drug (review 7 findings 1 and 4): the results that decide
the order and that the service used to fetch and ignore.

- lithium raised or added while the level the chart-open card judges
  (services/rules/lithium_level.judged_level: the running course's latest comparable level,
  however old; for a start, the latest of the last policy.lab_recent_days) is above the
  augmentation target (data/lab_safety.csv "lithium-target": CANMAT 2023 0.5-0.8 mmol/L; the FDA
  boxed warning: toxicity tracks the serum level), judged by the lines of the chart-open
  lithium-level card (services/rules/lithium_level.level_lines: the order warned at any
  level above 0.8 while that card waited for 1.0 under 65): a warning above the patient's upper
  line (lithium-high 1.0 mmol/L, lithium-high-older 0.8 from policy.older_adult_age, lab63) or
  above the target with a level-raising drug started since the level; critical at or above lithium-toxic (1.5 mmol/L),
  as that card is: a raise on a level of greater toxicity risk harms at once; between the target
  and the upper line, a warning at an order that raises a running dose (review 14 W1: the level
  rises with the dose; a dose that cannot be compared counts as a raise) and an information card
  at a start (check toxicity, repeat the level); otherwise, a
  baseline test (CANMAT 2023 para
  164, data/augmentation_monitoring.csv `baseline_tests`: sodium, calcium, creatinine or eGFR,
  TSH, and the level for a raise) not on record within lab_recent_days: the baseline card names
  each (services/lithium_baseline.py; review 11 finding 1); and a level at or above lithium-toxic
  on an earlier course (lithium_level.toxic_history: a restart after a toxicity admission), said
  on the level card, else as a warning of its own with when to check the next level;
- citalopram or escitalopram with a recent QTc above 500 ms ("qtc-stop": Celexa label 5.2, FDA
  2011/2012; critical, the row's `indicator`: review s24 RB finding 10), above 480 ms as a warning naming that stop line ("qtc-warning", ICH E14: review s24
  RM finding 3), or above 450 ms as an information card ("qtc-caution"); a latest QTc that cannot be
  compared says so, with what the ECG did report (its QT interval and heart rate, as sent: never
  a QTc computed from them); when the drug's older-adult limit is exceeded too (the age-limit
  card), the QTc card names it in one line, and `qtc_line` gives the age-limit card its line;
- an SSRI or SNRI with a recent sodium below 130 mmol/L ("sodium-low": Spasovski 2014; the
  labels' hyponatraemia warning), worded more strongly from policy.older_adult_age; mirtazapine
  (its label) and tricyclics (AGS Beers 2023, UNVERIFIED) by rows of their own (review 11
  finding 1), which only the order hooks read; critical below 125 mmol/L (the sodium-profound
  row, Spasovski 2014's profound tier: services/sodium_tier.py, session 29 sodium31), and
  critical when the lab flagged it critical low (LL), as the chart-open card is; an LL with no
  value that can be compared ("see comment", none sent) is said in the lab's words, "flagged
  critical low by the lab, no value read" (session 30 labs32 item 1: it was a warning).

Each card names the value and its date, and cites what data/lab_safety.csv's `cite` (the line)
and `effect_cite` (what the drug does) columns say, never a citation written here. When lab
results could not all be obtained (record.incomplete(LABS)) and no result decides, the check says
it was not done (issue 10, never silent) rather than passing the order as checked.

Warning, not critical: critical stays kept for what harms at once (an MAOI combination, suicide
risk: order_checks/cautions.py), and a lithium raise on a level at or above lithium-toxic
(OrderCheck.indicator raises the lithium card to critical, as the chart-open card is). These cards cannot be snoozed and return on every call until the
clinician accepts or overrides them.

The lithium checks live in lithium.py, the QTc checks in qtc.py, what they share in
recent_labs.py, a raise of a tricyclic on a level above its range in tca_level_draft.py (review
s29 K18 finding 1); this module keeps the sodium check and gathers them (`lab_checks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.lab_status import shown as status_shown
from fhir_mapping.record import DraftOrder, LabResult, Role
from services import cards, lab_safety, sodium_tier
from services.lab_safety import LabRule
from services.order_checks.lithium import LITHIUM, LITHIUM_BASELINE, lithium_checks
from services.order_checks.model import OrderCheck
from services.order_checks.qtc import QTC, qtc_check, qtc_line
from services.order_checks.recent_labs import not_checked as _not_checked
from services.order_checks.recent_labs import recent as _recent
from services.order_checks.tca_level_draft import TOPIC as LEVEL_HIGH
from services.order_checks.tca_level_draft import level_draft_check
from services.recommendation import Indicator
from services.rules.context import RuleContext

__all__ = [
    "LEVEL_HIGH",
    "LITHIUM",
    "LITHIUM_BASELINE",
    "QTC",
    "SODIUM",
    "lab_checks",
    "qtc_line",
]

SODIUM = "order-low-sodium"


def lab_checks(
    ctx: RuleContext, draft: DraftOrder, selected: Sequence[DraftOrder] = ()
) -> list[OrderCheck]:
    """`selected`: the drafts the hook checks (a QT pair of two drafts is said once)."""
    found = [
        *lithium_checks(ctx, draft),
        qtc_check(ctx, draft, selected),
        _sodium(ctx, draft),
        level_draft_check(ctx, draft),
    ]
    return [f for f in found if f is not None]


def _sodium(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    if draft.role is not Role.ANTIDEPRESSANT:
        return None
    rule = lab_safety.rule_for("sodium-low", draft.ingredient, draft.drug_class)
    if rule is None:
        return None
    lab = _recent(ctx, "sodium")
    if lab is None:
        return (
            _not_checked(ctx, SODIUM, draft, "sodium")
            if lab_safety.labs_missing(ctx.record)
            else None
        )
    if not lab_safety.below(rule, lab):
        return None
    return _sodium_card(ctx, draft, rule, lab)


def _sodium_card(ctx: RuleContext, draft: DraftOrder, rule: LabRule, lab: LabResult) -> OrderCheck:
    name = draft.ingredient.capitalize()
    age = ctx.record.patient.age
    older = age is not None and age >= ctx.policy.older_adult_age
    # Older adults are at greater risk of SSRI/SNRI hyponatraemia (the labels): the summary
    # says the age, the detail asks for a recheck before starting rather than during treatment.
    at_age = f" at age {age}" if older else ""
    # A row for a named drug (mirtazapine: review 11 finding 1) speaks of the drug, a class row
    # of the class ("SSRIs"); an UNVERIFIED row (tricyclics: AGS Beers, recalled) says so.
    by_name = draft.ingredient in rule.drugs
    who = draft.ingredient if by_name else f"{draft.drug_class}s"
    what = name if by_name else f"{draft.drug_class} antidepressants"
    risk = "the labels" if rule.effect_cite.endswith("labels") else rule.effect_cite
    flag = ", UNVERIFIED" if rule.status == "UNVERIFIED" else ""
    # A sodium judged by the lab's flag only is said so, never "below 130" (session 29 RL).
    below = lab_safety.line_words(rule, lab, f"below {rule.bounds()}")
    tier = sodium_tier.profound(lab)
    if tier is not None:
        return _profound_card(draft, rule, lab, tier, at_age, who, what)
    # The lab's critical-low call (LL) keeps its weight here as on chart open
    # (rules/running_sodium.py; labs32 item 1: an LL sodium sent as "see comment" was critical on
    # chart open and a warning at order-sign of an SSRI).
    critical = Indicator.CRITICAL if lab.critical and lab.flag in ("low", None) else None
    if critical is not None and lab_safety.by_flag(lab):
        return _critical_flag_card(draft, rule, lab, at_age, who, what)
    summary = cards.fit_summary(
        f"{name}{at_age} with sodium {lab_safety.text(lab)}: {below}; {who} can lower it further",
        f"{name}{at_age} with sodium {lab_safety.text(lab)}: {below}",
    )
    advice = (
        f"Older adults are at greater risk ({risk}): at {age}, recheck sodium and find its "
        "cause before starting."
        if older
        else "Recheck sodium and find its cause before starting."
    )
    return OrderCheck(
        SODIUM,
        draft,
        summary,
        f"The latest sodium is {lab_safety.text(lab)}, "
        + lab_safety.line_words(
            rule, lab, f"below {rule.bounds()} (moderate hyponatraemia or worse, {rule.cite})"
        )
        + f". {what} can cause "
        f"hyponatraemia (SIADH; {rule.effect_cite}{flag}). {advice}"
        + (" The laboratory flagged it critical low." if critical is not None else ""),
        indicator=critical,
    )


def _critical_flag_card(
    draft: DraftOrder, rule: LabRule, lab: LabResult, at_age: str, who: str, what: str
) -> OrderCheck:
    """A sodium the lab flagged critical low (LL) whose value could not be read or compared (sent
    as text such as "see comment", none sent, a unit not known): critical, as the chart-open card
    is, in the lab's words; never "below 130" nor "profound", which only a compared value says
    (labs32 item 1)."""
    name = draft.ingredient.capitalize()
    flag = ", UNVERIFIED" if rule.status == "UNVERIFIED" else ""
    day = lab.date.isoformat() + (f" ({status_shown(lab.status)})" if lab.status else "")
    could = "no value could be read" if lab.value is None else lab_safety.unread_words(lab)
    # "Critical" alone (v3 AA) is said as the lab said it, with no side (labs36 item 2).
    side = "critical" if lab_safety.sideless_critical(lab) else "critical low"
    return OrderCheck(
        SODIUM,
        draft,
        cards.fit_summary(
            f"{name}{at_age} with sodium of {day} flagged {side} by the lab, {could}: "
            f"{who} can lower it further",
            f"{name}{at_age} with sodium of {day} flagged {side} by the lab, {could}",
            f"{name} with sodium of {day} flagged {side} by the lab",
        ),
        f"The latest sodium ({day}) was flagged {side} by the laboratory, and {could}: "
        f"it is not compared with the {rule.bounds()} line ({rule.cite}), and the lab's critical "
        f"call is acted on as one. {what} can cause hyponatraemia (SIADH; "
        f"{rule.effect_cite}{flag}). Read the value on the laboratory's report and recheck "
        "sodium before starting.",
        indicator=Indicator.CRITICAL,
    )


def _profound_card(
    draft: DraftOrder,
    rule: LabRule,
    lab: LabResult,
    tier: LabRule,
    at_age: str,
    who: str,
    what: str,
) -> OrderCheck:
    """Below the sodium-profound line (< 125 mmol/L): critical, the tier named and what to do
    today (the row's if_running), the drug's risk as the sodium-low row cites it."""
    name = draft.ingredient.capitalize()
    flag = ", UNVERIFIED" if rule.status == "UNVERIFIED" else ""
    todo = f"{tier.if_running[0].upper()}{tier.if_running[1:]}"
    return OrderCheck(
        SODIUM,
        draft,
        cards.fit_summary(
            f"{name}{at_age} with sodium {lab_safety.text(lab)}: {tier.says}; {who} can lower it "
            "further",
            f"{name}{at_age} with sodium {lab_safety.text(lab)}: {tier.says}",
            f"{name} with sodium {lab_safety.text(lab)}: {tier.says}",
        ),
        f"The latest sodium is {lab_safety.text(lab)}, below {tier.bounds()} ({tier.says}, "
        f"{tier.cite}). {what} can cause hyponatraemia (SIADH; {rule.effect_cite}{flag}). {todo}.",
        indicator=sodium_tier.indicator(tier),
    )
