"""Safety labs named in a result under a code this service does not know, or read without a value
(sent as text the reader could not take: review s29 RL finding 2), where one could change a card
(review s24 RM finding 2).

A sodium of 127 filed by Epic under its local component code only, text "Sodium", in a
78-year-old on venlafaxine: the mapping does not read it (its code is not identified, so its
value is no result the service vouches for), and made it a DataGap naming the test only for the
TSH (fhir_mapping/lab_lookalike.py). Now the table names sodium, eGFR, creatinine, ALT, AST and
QTc too; but a lab gap is listed only on cards resting on labs, and the card this sodium would
have raised (the low-sodium card) is exactly the one that is missing. So such a gap is decisive,
as a medication or score gap is (data_gaps.annotate: carried by the data-quality card when no
other card lists it), when the test is one a drug on this screen is judged by:

- at an order hook, the drafted drugs (not their QTc and sodium, which have a line of their own
  there: order_checks/unread_labs.py); on chart open, the running courses;
- a drug's tests: its data/lab_safety.csv rows (sodium for the SSRIs, SNRIs, mirtazapine and
  tricyclics; QTc for citalopram, escitalopram, gepirone, the tricyclics, trazodone and
  mirtazapine; the lithium level; TSH for liothyronine), eGFR and creatinine for a drug with a
  renal band (data/renal_doses.csv), ALT and AST for one with a transaminase caution
  (data/transaminase_cautions.csv); an hCG (a pregnancy test under a local code) for one with a
  pregnancy row (data/drug_cautions.csv, data/condition_drug_rules.csv: session 30 labs33 item 3,
  an hCG of 5200 under an Epic local code dropped in silence at 32 with lithium running).

The gap's reason already says the fix an integration engineer needs ("a site code can be
configured": `[codes]` maps a local lab code to its LOINC code, README "Site code maps").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.lab_lookalike import unread_lab
from fhir_mapping.lab_unread import unread_test
from fhir_mapping.record import DataDomain, DataGap, FindingKind, LabResult, PatientRecord
from services import drug_rules, lab_readings, lab_safety, renal_table, tables, transaminases


def _tests(ingredient: str, drug_class: str) -> set[str]:
    """The labs a card judges `ingredient` by (module docstring)."""
    found = {r.test for r in lab_safety.rules() if r.applies_to(ingredient, drug_class)}
    if ingredient in renal_table.drugs():
        found.update(("egfr", "creatinine"))
    if transaminases.caution_for(ingredient) is not None:
        found.update(("alt", "ast"))
    if _pregnancy_row(ingredient, drug_class):
        found.add(_HCG)  # a pregnancy would change its card (labs33 item 3)
    return found


_HCG = "hcg"


def _pregnancy_row(ingredient: str, drug_class: str) -> bool:
    """Whether a pregnancy row speaks of the drug (data/drug_cautions.csv, data/
    condition_drug_rules.csv): lithium, valproate, paroxetine, esketamine, the antipsychotics."""
    if any(
        c.finding == FindingKind.PREGNANCY.value and c.ingredient == ingredient.lower()
        for c in tables.drug_cautions()
    ):
        return True
    return any(
        r.finding is FindingKind.PREGNANCY and r.covers(ingredient, drug_class)
        for r in drug_rules.condition_rules()
    )


def decisive(record: PatientRecord) -> tuple[DataGap, ...]:
    """The lab look-alike gaps of a test a drug on this screen is judged by."""
    labs = record.gaps_in(DataDomain.LABS, DataDomain.QTC)
    if not labs:
        return ()
    drugs = [(d.ingredient, d.drug_class) for d in record.draft_orders] or [
        (t.ingredient, t.drug_class) for t in record.trials if t.ongoing
    ]
    tests: set[str] = set()
    for ingredient, drug_class in drugs:
        tests |= _tests(ingredient, drug_class)
    named, valueless = tests, tests
    if record.draft_orders:
        # At an order the QTc and sodium have their own line on the draft's first card where
        # they matter (order_checks/unread_labs.py: "No sodium read from the EHR ... a result
        # sent only under a local code is not read"), and none where that module chose silence
        # (a young patient's escitalopram order: review s21 RR2 finding 6): not twice, not more.
        named = tests - _ORDER_LINE
        # A result on record read without a value gets that line from neither: the QTc check
        # names it "not compared", but the sodium check passed it in silence (labs33 item 1: a
        # sodium 11.9 mEq/L at a sertraline order), so a sodium one stays decisive.
        valueless = tests - _NAMED_AT_ORDER
    read = record.context.labs
    return tuple(
        g
        for g in labs
        if any(unread_lab(g, t) and not _read_since(g, t, read) for t in named)
        or any(unread_test(g) == t and not _read_since(g, t, read) for t in valueless)
    )


def _read_since(gap: DataGap, test: str, read: Sequence[LabResult]) -> bool:
    """A result of `test` read under a standard code that is newer than the look-alike: its
    card judges the newer one, so the older value not read changes no card (review s24 RB
    finding 2; it stays listed on the cards resting on labs). A look-alike newer than every
    read result stays decisive: the card may rest on an older value (safer said). The same
    result sent twice is no gap at all (lab_lookalike.without_read_twice)."""
    return gap.date is not None and any(lab.test == test and lab.date > gap.date for lab in read)


_ORDER_LINE = frozenset({"qtc", "sodium"})
# The tests whose result read without a value an order card names (order_checks/qtc.py).
_NAMED_AT_ORDER = frozenset({"qtc"})


def level_not_read(record: PatientRecord, ingredient: str, drug_class: str) -> date | None:
    """The date of the latest level of a drug dosed by its level (data/lab_safety.csv `level-`
    rows: nortriptyline, the amitriptyline and imipramine totals) that could not be read (sent
    as text with no unit, in a unit not converted, under a code this service does not know),
    when no readable level is newer; else None. A raise of the drug waits for it (review s29 RL
    finding 2: "raise nortriptyline" was offered beside a nortriptyline "600" not read), as a
    high level holds it (services/rules/optimize/room.py)."""
    tests = {
        r.test
        for r in lab_safety.rules()
        if r.check.startswith(_LEVEL) and r.applies_to(ingredient, drug_class)
    }
    found: date | None = None
    for test in tests:
        readable = lab_readings.latest_readable(record, test)
        since = readable.date if readable is not None else None
        newest = lab_readings.newest_first(record, test)
        days = [lab.date for lab in newest if not lab_readings.readable(lab)]
        days += [
            g.date
            for g in record.gaps
            if g.date is not None and (unread_lab(g, test) or unread_test(g) == test)
        ]
        days = [d for d in days if since is None or d > since]
        if days and (found is None or max(days) > found):
            found = max(days)
    return found


_LEVEL = "level-"
