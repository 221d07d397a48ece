"""A course of a drug labelled for postpartum depression only (data/labelled_indications.csv:
brexanolone, zuranolone) already on the record, said where the optimise and TMS cards speak of
pregnancy and the postpartum period (review s26 GC item 2).

Brexanolone (Zulresso) is one 60-hour infusion charted on the MAR (fhir_mapping/
administered_courses.py), read as a fixed course: shown in the history, never a trial toward TMS
(fhir_mapping/fixed_course.py; review 15 W1). That part was right; two things were silent:

- given while a pregnancy is read as current (a course ending on or after the day the record
  dates the pregnancy from): the drug is labelled for depression after delivery, so either the
  pregnancy on record has ended with no delivery recorded (the teratogen cautions then rest on a
  stale reading, and the lactation questions are not asked) or the fetus was exposed off-label
  (Zulresso label 8.1: may cause fetal harm). The card asks whether she has delivered and says
  the row's pregnancy note; it was said nothing. The safer reading: the question costs a click;
  silence leaves either the wrong population on every card or an exposure nobody named.
- given after the birth beside a postpartum depression: the card proposed zuranolone without
  naming the brexanolone infusion already given for that depression, a drug of the same class
  (fhir_mapping/data/antidepressants.csv `drug_class`). It is now named beside the option, so
  the choice is made knowing it; nothing is barred (neither label forbids the sequence).

The drugs are the table's rows whose `labelled_for` is postpartum depression; their pregnancy
notes are data/condition_drug_rules.csv's pregnancy rows (with their sources).
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import FindingKind, Trial
from services import drug_rules
from services.order_checks.labelled_use import labelled_uses
from services.pregnancy_now import began
from services.rules.context import RuleContext

_POSTPARTUM_DEPRESSION = "postpartum-depression"
_PREGNANCY = FindingKind.PREGNANCY
# The option the postpartum-depression paragraph names (population_notes._zuranolone_line).
_OPTION = "zuranolone"


def _courses(ctx: RuleContext) -> list[Trial]:
    """The record's courses of a drug labelled for postpartum depression only, oldest first."""
    uses = labelled_uses()
    found = [
        t
        for t in ctx.record.trials
        if (use := uses.get(t.ingredient)) is not None
        and use.labelled_for == _POSTPARTUM_DEPRESSION
        and t.start is not None
    ]
    return sorted(found, key=lambda t: t.start or date.min)


def _dates(course: Trial) -> str:
    start, end = course.start, course.end
    assert start is not None  # _courses keeps dated courses only
    if end is None or end == start:
        return f"on {start.isoformat()}"
    return f"{start.isoformat()} – {end.isoformat()}"


def given_in_pregnancy_line(ctx: RuleContext) -> str | None:
    """The paragraph for such a course given during the current pregnancy, or None."""
    now = ctx.facts.pregnancy
    if now is None or not now.current:
        return None
    days = [d for f in now.current if (d := began(f)) is not None]
    # Undated: the longest a pregnancy lasts (the window pregnancy_now.py reads by) before as-of.
    window = timedelta(weeks=ctx.policy.mapping.pregnancy_status_weeks)
    since = min(days) if days else ctx.record.as_of - window
    given = [t for t in _courses(ctx) if (t.end or t.start or date.min) >= since]
    if not given:
        return None
    lines = []
    for course in given:
        name = course.ingredient.capitalize()
        rule = next(
            (
                r
                for r in drug_rules.condition_rules()
                if r.finding is _PREGNANCY and r.covers(course.ingredient, "")
            ),
            None,
        )
        exposure = f" If she was pregnant then: {rule.note} ({rule.cite})." if rule else ""
        lines.append(
            f"**{name} given {_dates(course)} with this pregnancy on record:** it is labelled "
            f"for postpartum depression ({labelled_uses()[course.ingredient].cite}): check "
            f"whether she has delivered (no delivery is recorded).{exposure}"
        )
    return "\n\n".join(lines)


def given_after_birth_clause(ctx: RuleContext) -> str:
    """ " Already given in the postnatal year: brexanolone (neuroactive steroid, the class of
    zuranolone) 2026-10-12 – 2026-10-14." for such a course ending within the postnatal year
    before as-of (policy.mapping.postpartum_after_edd_days: the year perinatal care covers; a
    delivery is often recorded at a later visit, after the infusion), else ""."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.mapping.postpartum_after_edd_days)
    given = [t for t in _courses(ctx) if (t.end or t.start or date.min) >= since]
    if not given:
        return ""
    option = drug_info(_OPTION)
    named = []
    for course in given:
        info = drug_info(course.ingredient)
        cls = info.drug_class if info is not None else ""
        if option is not None and cls == option.drug_class and course.ingredient != _OPTION:
            cls += f", the class of {_OPTION}"
        named.append(f"{course.ingredient}{f' ({cls})' if cls else ''} {_dates(course)}")
    return f" Already given in the postnatal year: {'; '.join(named)}."
