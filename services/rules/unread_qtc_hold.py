"""The optimise card's one-click orders of a QT-lengthening drug while a QTc result is on record
that this service could not read (review K63b finding 5, session 40 hold59).

Citalopram 20 mg/day and a QTc of 510 ms filed under an Epic local code (display "QTC"): the
data-quality card said "1 lab result could not be read (named QTc under a code this service does
not know ...)", and the optimise card beside it kept "Raise citalopram to 40 mg/day" one click
with no word of the QTc. Read under LOINC 8636-3, the same 510 ms makes the long-QTc card, which
holds every drug proposal (rules/running_qtc.hold_one_click). A result not read is not a normal
one: the safer reading is that it may be long, so what could lengthen it waits until it is read.

Held: an order of a drug this service names as QT-lengthening, as the long-QTc card names its
drugs (running_qtc._why_listed): its own QTc row in data/lab_safety.csv (qtc-stop or qtc-caution:
citalopram, escitalopram, gepirone, the tricyclics, trazodone, mirtazapine) or a row of
data/qt_drugs.csv (methadone, haloperidol, quetiapine, ...). A raise of such a running drug, or
such a drug added or switched to. Other proposals stay one click (aripiprazole beside an unread
QTc: the brief's scope, a raise of a QT-lengthening drug; a sertraline raise: no QTc row of its own).

Escitalopram and sertraline (opt63 finding 3, decided): an escitalopram raise IS held, by its own
qtc-stop / qtc-caution rows (the S-enantiomer of citalopram with dose-dependent QT prolongation:
MHRA 2011, its label's QT warning; the 500 / 450 ms lines are citalopram's, UNVERIFIED for it).
A sertraline raise is NOT: its label carries no QT warning of its own (recalled, not read here),
CredibleMeds lists it only under "conditional risk" of TdP (with other risk factors: an overdose,
a QT drug beside it; recalled, the list needs a login), and no QTc line of this service names it.
The unread result is still named by the data-quality card; a QT-lengthening drug beside
sertraline (a row of qt_drugs.csv) is held as such. Holding every sertraline raise on an ECG
not read would treat a low-risk drug as citalopram on no source.

The unread result counts while it is what the latest QTc may be: no QTc read under a known code
on a later day (unread_lab_gaps._read_since's rule: the card then judges the newer one), and
recent as the long-QTc card reads a QTc (policy.lab_recent_days; an undated one counts, the safer
reading). While the long-QTc card itself is shown it holds every proposal already and names a
later result it could not compare, so this hold adds nothing then.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta

from fhir_mapping.drug_table import drug_info
from fhir_mapping.lab_lookalike import unread_lab
from fhir_mapping.lab_unread import unread_test
from fhir_mapping.record import DataDomain, DataGap, Role
from services import lab_safety
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold, running_qtc
from services.rules.context import RuleContext

_TEST = "qtc"
# The rows that make a drug QT-lengthening by its own label (running_qtc._why_listed).
_OWN_ROWS = frozenset({"qtc-stop", "qtc-caution"})
# What the summary says the held raise waits for (hold_words: "check QTc result (not read)").
HELD_BY = "QTc result not read, check it first"


def unread_qtc(ctx: RuleContext) -> DataGap | None:
    """The latest QTc-named result not read (module docstring), or None."""
    record = ctx.record
    since = record.as_of - timedelta(days=ctx.policy.lab_recent_days)
    read = [lab.date for lab in record.context.labs if lab.test == _TEST]
    found = [
        g
        for g in record.gaps_in(DataDomain.LABS, DataDomain.QTC)
        if (unread_lab(g, _TEST) or unread_test(g) == _TEST)
        and (g.date is None or (g.date >= since and not any(d > g.date for d in read)))
    ]
    if not found:
        return None
    return max(found, key=lambda g: g.date or date.max)


def qt_lengthening(ingredient: str) -> bool:
    """A drug the long-QTc card would name as QT-lengthening (module docstring)."""
    rows = (drug_info(ingredient), drug_info(ingredient, Role.AUGMENTATION))
    classes = {info.drug_class for info in rows if info is not None} or {""}
    if any(
        r.test == _TEST and r.check in _OWN_ROWS and r.applies_to(ingredient, c)
        for r in lab_safety.rules()
        for c in classes
    ):
        return True
    return ingredient in running_qtc.qt_drugs()


def _orders_qt_drug(suggestion: Suggestion) -> bool:
    return any(qt_lengthening(i) for i in one_click_hold.ordered_ingredients(suggestion))


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's orders of a QT-lengthening drug as text while a QTc result
    is not read (`unread_qtc`), under a line saying why; as they are when the long-QTc card is
    shown (it holds every proposal) or no such result is on record."""
    if one_click_hold.shown(recs, running_qtc.TOPIC, hidden):
        return list(recs)
    gap = unread_qtc(ctx)
    if gap is None:
        return list(recs)
    day = f" of {gap.date.isoformat()}" if gap.date is not None else ""

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return one_click_hold.held_line(
            "while a QTc result is not read",
            held,
            f"A QTc result{day} is on record that this service could not read, so no "
            "card compared it: it may be long, and each of these drugs "
            "can lengthen the QTc. Read the QTc on the ECG first.",
        )

    return one_click_hold.hold_drug_orders(
        recs, line, _orders_qt_drug, held_by=HELD_BY, whole=False
    )
