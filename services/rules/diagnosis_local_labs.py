"""The diagnosis review's lines for a B12, folate or 25-OH vitamin D result filed under a site's
local code only (session 36 fix lab58: an Oracle Health "Vitamin B12 Lvl" of 150 under its code
set 72, no LOINC, was dropped in silence: the card said nothing of it).

Such a result is a look-alike (fhir_mapping/lab_lookalike.py, data/lab_lookalike_terms.csv
`compared` rows): its code is not identified, so it is never a result the service vouches for
(no "low B12" finding, nothing held). But its name says what it is, so its value is compared by
that name, as a coded one would be (the lab's flag or range, else data/lab_ranges.csv in a unit
the tables know or convert), and said on a line naming the local code: "vitamin B12 150 pg/mL,
low, 2026-11-10 under a local code". With no unit it is "unit not recorded" (lab57's words),
never given one (150 pg/mL is low, 150 pmol/L is not).

Alongside escalation, never before it: the number is the site's, under a code no one has mapped;
the line asks to confirm it in the chart. A newer result of the test under a code the service
reads decides instead (no line).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fhir_mapping.lab_lookalike import compared_tests, unread_lab
from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.lab_units import si_rows
from fhir_mapping.record import LabResult
from services import contributor_timing, unit_display
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, lab_number


def either(test: str) -> str:
    """ ": pg/mL or pmol/L": the units a number of `test` with no unit may be in, its table unit
    and its SI one (data/lab_ranges.csv, data/lab_si_units.csv); "" for a test with one unit
    family (a TSH: every unit the same quantity)."""
    units = [f"{row['table_unit']} or {row['unit']}" for row in si_rows() if row["test"] == test]
    return f": {units[0]}" if units else ""


def local_items(
    ctx: RuleContext, labs: dict[str, LabResult], lab_ref: Callable[[LabResult], str]
) -> list[Item]:
    """One line per `compared` test with a look-alike result within the card's look-back
    (policy.tsh_lookback_days) and no newer result of the test read under a known code."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.tsh_lookback_days)
    items: list[Item] = []
    for test in sorted(compared_tests()):
        found = [
            g
            for g in ctx.record.gaps
            if g.lab is not None and unread_lab(g, test) and g.date is not None and g.date >= since
        ]
        if not found:
            continue
        gap = max(found, key=lambda g: g.date or since)
        lab, read = gap.lab, labs.get(test)
        if lab is None or (read is not None and gap.date is not None and read.date > gap.date):
            continue  # the newer coded result decides
        items.append(_item(test, lab, lab_ref))
    return items


def _item(test: str, lab: LabResult, lab_ref: Callable[[LabResult], str]) -> Item:
    name = LAB_NAMES.get(test, test)
    day = lab.date.isoformat()
    confirm = (
        "its code is one this service does not know, so it is compared by its name only, not "
        "read as a result: confirm it in the chart (a site code can be configured)"
    )
    head = f"**{name[:1].upper()}{name[1:]} under a local code:**"
    minor = contributor_timing.timing(test).alongside  # low vitamin D: minor, as when coded
    if lab.value is None and lab.flag is None:
        short = f"{name} of {day} under a local code: no value read"
        return Item(
            short, f"{head} {short[len(name) + 1 :]}; {confirm}.", alongside=True, minor=True
        )
    if lab.flag is None:
        unit = unit_display.display(lab.unit) if lab.unit else ""
        if not unit:  # lab57's words: never given a unit
            short = f"{name} {lab_number(lab)} on {day} under a local code, unit not recorded"
            why = f"cannot compare with the reference range (the unit is not guessed{either(test)})"
        else:
            short = (
                f"{name} {lab_number(lab)} {unit} on {day} under a local code, unit not recognised"
            )
            why = "cannot compare with the reference range"
        return Item(short, f"{head} {lab_ref(lab)}: {why}; {confirm}.", alongside=True, minor=True)
    if lab.flag != "low":
        # Normal (or a high B12 / vitamin D: no deficiency): said, holding nothing.
        return Item("", f"{head} {lab_ref(lab)}; {confirm}.", info=True)
    short = f"low {name} under a local code ({lab_number(lab)} on {day})"
    return Item(short, f"{head} {lab_ref(lab)}; {confirm}.", alongside=True, minor=minor)
