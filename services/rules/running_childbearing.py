"""A teratogen running in a patient who could become pregnant, with no pregnancy on record: an
information pair of the running-drug caution card (review s28 RI finding 3).

The order hooks say it when valproate or carbamazepine is drafted for her
(order_checks/childbearing.py, data/childbearing_potential.csv: the FDA boxed warning and the
MHRA's Pregnancy Prevention Programme, 2018 and 2023, whose yearly review is about a course
already running); at patient-view a woman of 28 on valproate heard nothing. The same table and the
same "who" rule (not recorded male, from the row's `from_age` to the pregnancy age limit, no
pregnancy on record, current or stale) make one pair per drug here, at information level: the card
is information when these are all it says, a warning or critical as before when another pair is
on it. A current pregnancy brings the drug's own pregnancy row instead (condition_drug_rules.csv,
running_caution_pairs.py), never both.

Nothing is held on the optimise card for it (running_cautions.hold_one_click reads the other
pairs): a question about contraception does not stop a dose change.
"""

from __future__ import annotations

from services.order_checks import childbearing
from services.rules.context import RuleContext
from services.rules.running_caution_pairs import Pair, running

# What a running course asks, after the row's note: what the order line asks before a start
# (order_checks/childbearing.py). The row's note names what else its drug needs (valproate: the
# pregnancy prevention programme and its yearly review), so nothing drug-specific is said here.
_ASK = (
    "confirm she is not pregnant and how pregnancy is prevented, unless she cannot become "
    "pregnant (before puberty, after the menopause, sterilisation or hysterectomy)"
)
# The key the card's snooze fingerprint gives these pairs (running_cautions.fingerprint): never
# the pregnancy finding's, so a snooze of this question does not hide a pregnancy recorded later.
KEY = "childbearing"


def childbearing_pairs(ctx: RuleContext, said: frozenset[str]) -> list[Pair]:
    """One information pair per running drug of data/childbearing_potential.csv, for a patient
    who could become pregnant with no pregnancy on record; `said`: the drugs another pair of the
    card already names (a row of their own), left to it."""
    table = childbearing.rows()
    taken = [t for t, _ in running(ctx) if t.ingredient in table and t.ingredient not in said]
    if not taken or childbearing.pregnancy_on_record(ctx):
        return []
    found: list[Pair] = []
    for taking in taken:
        row = table[taking.ingredient]
        if not childbearing.could_become_pregnant(ctx, row):
            continue
        whom = childbearing.patient_words(ctx)
        found.append(
            Pair(
                taking,
                childbearing.PREGNANCY,
                f"{whom}, no pregnancy on record: she could become pregnant",
                "childbearing potential",
                None,
                row.note,
                _ASK,
                row.cite,
                "",  # the cite follows the note
                row.status == "UNVERIFIED",
                screen=True,  # no finding coded: "with childbearing potential", not "on record"
                info=True,
                key=KEY,
                short_note=row.short_note,
            )
        )
    return found
