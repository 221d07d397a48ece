"""A QTc or sodium that decides a draft but was not read from the EHR, named on a card the draft
already gets (review s21 RD finding 7).

The prefetch asks for QTc and sodium by LOINC (fhir_mapping/data/observation_codes.csv). A site
that sends them only under its own local code (Epic "QTC", "SODIUM") gets no QTc or sodium card at
an escitalopram or amitriptyline order, and nothing says the check did not run: the order reads
as checked. So when a drafted drug has a line that a read result would be judged against, and no
result of the test was read within policy.lab_recent_days, the draft's first card says so in one
line:

- QTc: the drugs of data/lab_safety.csv's `qtc-stop` rows (citalopram, escitalopram, tricyclics,
  gepirone: the labels' or the table's stop line), at any age; not the `qtc-caution`-only rows
  (trazodone, mirtazapine: a design-value caution line), which would put the line on most
  mirtazapine orders for little;
- sodium: the drugs of the `sodium-low` rows (SSRIs, SNRIs, mirtazapine, tricyclics) from
  policy.older_adult_age, where the low-sodium card words the greater risk of older adults.

No card of its own (a result not read is a data gap, and a data gap raises no card by itself:
services/data_gaps.py); nothing when lab results could not all be obtained (the QTc and sodium
checks' own "not checked" cards speak then: order_checks/recent_labs.py), nor when a result was
read but is older than the window or cannot be compared (the QTc card names those).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, Role
from services import cards, lab_safety, tables
from services.order_checks.model import AGE_LIMIT, OrderCheck
from services.recommendation import Indicator
from services.rules import running_qtc
from services.rules.context import RuleContext


def _not_read(ctx: RuleContext, draft: DraftOrder) -> list[str]:
    """The tests ("QTc", "sodium") whose line applies to this draft and of which no result was
    read at all in the window (module docstring)."""
    record, policy = ctx.record, ctx.policy
    found: list[str] = []
    age = record.patient.age
    if (
        lab_safety.rule_for("qtc-stop", draft.ingredient, draft.drug_class) is not None
        and _qtc_matters(ctx, draft)
        and not lab_safety.qtc_missing(record)
        and _none_recent(ctx, "qtc")
    ):
        found.append("QTc")
    if (
        age is not None
        and age >= policy.older_adult_age
        and lab_safety.rule_for("sodium-low", draft.ingredient, draft.drug_class) is not None
        and not lab_safety.labs_missing(record)
        and _none_recent(ctx, "sodium")
    ):
        found.append("sodium")
    return found


def _qtc_matters(ctx: RuleContext, draft: DraftOrder) -> bool:
    """An ECG is looked for at this order: from policy.older_adult_age, or with another QT-
    prolonging drug running (data/qt_drugs.csv, running_qtc.running_beside). Not for every
    escitalopram order of a 30-year-old: at the first version 25 of 26 test charts with a
    citalopram or escitalopram draft got the line, 20 of them under 65 (review s21 RR2 finding
    6), implying an ECG the labels do not ask for at usual doses without risk factors."""
    age = ctx.record.patient.age
    if age is not None and age >= ctx.policy.older_adult_age:
        return True
    return bool(running_qtc.running_beside(ctx, draft.ingredient))


def _none_recent(ctx: RuleContext, test: str) -> bool:
    """No result of `test` on record within the window, readable or not: one that was read but
    cannot be compared is the QTc card's to name."""
    lab = lab_safety.latest(ctx.record, test)
    return lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab)


def unread_line(ctx: RuleContext, draft: DraftOrder, tests: list[str]) -> str:
    """ "**No QTc read from the EHR** in the last 365 days, so the QTc check of this ... order
    did not run ...": also the line of the QT pair's card when the draft is the partner
    (qt_pair.py)."""
    days = ctx.policy.lab_recent_days
    what = " or ".join(tests)  # "QTc", "QTc or sodium"
    checks = cards.and_list([("low-sodium" if t == "sodium" else t) for t in tests])
    checks += " checks" if len(tests) > 1 else " check"
    where = " and ".join(("the latest ECG" if t == "QTc" else "the latest sodium") for t in tests)
    return (
        f"**No {what} read from the EHR** in the last {days} days, so the {checks} of "
        f"this {draft.ingredient} order did not run (a result sent only under a local code is "
        f"not read): check {where} in the chart."
    )


def carry_unread_labs(
    ctx: RuleContext, drafts: Sequence[DraftOrder], by_topic: dict[str, list[OrderCheck]]
) -> None:
    """Add the line (module docstring) to the first card of each antidepressant draft whose QTc
    or sodium was not read; nothing for a draft with no card."""
    for draft in drafts:
        if draft.role is not Role.ANTIDEPRESSANT:
            continue
        tests = _not_read(ctx, draft)
        if not tests:
            continue
        # Never on a card that says not to give the drug (a critical card: anaphylaxis, an MAOI
        # pair): a QTc check of an order not to be given is beside the point (RR2 finding 6).
        carriers = [
            (topic, i)
            for topic, checks in by_topic.items()
            for i, check in enumerate(checks)
            if check.draft is draft
            and (check.indicator or tables.topic(topic).indicator) is not Indicator.CRITICAL
        ]
        if not carriers:
            continue
        # The age-limit card first: it names the QTc card's line when a QTc is read
        # (order_checks/doses.py `age_check`); else the draft's first card.
        topic, i = next((c for c in carriers if c[0] == AGE_LIMIT), carriers[0])
        check = by_topic[topic][i]
        by_topic[topic][i] = dataclasses.replace(
            check, detail=cards.join_sections(check.detail, unread_line(ctx, draft, tests))
        )
