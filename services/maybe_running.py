"""Antidepressants a record says may be taken now with no course read (fix 20 L6 item 1).

A MedicationStatement whose status is `unknown` (fhir_mapping/status_to_confirm.py), a record
whose code and name give different drugs (fhir_mapping/product_conflict.py) and an active record
whose dates could not be read are no trial: their drugs are `DataGap.taken_now`. The MAOI checks
read them as running (services/washout.py), but the checks of two antidepressants of one class
and of two serotonin reuptake inhibitors (order_checks/duplicate.py, duplicate_other_class.py)
read only the trials, so a fluoxetine statement `unknown` beside a sertraline draft raised no
"two SSRIs" card. If the patient does take it, that is the combination the card is there for;
the safer reading counts it as possibly running, worded by the one rule of
services/taken_to_confirm.py ("may be running" with the confirm line for a record to confirm,
"running" for an undated active record, whose status says it is taken).

This module lists such drugs once for every check that asks which antidepressants run
(`antidepressants`), and says them (`named`, `state`, `concern`, `described`, `confirm`): the
order checks (order_checks/duplicate_maybe.py) and the chart-open pair line
(rules/running_reuptake_maybe.py) word them alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.drug_table import drug_info
from fhir_mapping.other_prescriber import OTHER_PRESCRIBER_TO_CONFIRM
from fhir_mapping.record import PatientRecord, Role, SourceRef
from services import card_format, taken_to_confirm

# What a card says of a drug read from no course: its record's dose and dates, stated or not,
# are not counted (`described`).
NOT_COUNTED = "no course read: dose and dates not counted"
# ... and of an open order another prescriber's stop did not end (fhir_mapping/other_prescriber.py,
# meds55): its drug's course is read up to that stop, the order's own dose and days are not.
STOP_COUNTED = "its course counted up to that stop; this order's dose and days not counted"


@dataclass(frozen=True, slots=True)
class MaybeRunning:
    """An antidepressant a record says may be taken, read from no course: no dose, no start."""

    ingredient: str
    drug_class: str
    source: SourceRef | None
    # taken_to_confirm.readings of its record: "" for an undated active record (running).
    said: str
    # What its record states, as the data gap words it ("status unknown, recorded 2025-05-26"):
    # a summary names it when it fits (rules/running_reuptake_maybe.py).
    stated: str = ""
    # Its record as the drug-to-confirm line names it, beside what it states ("the statement":
    # "..., status unknown, recorded 2025-05-26"), and as `described` names it alone ("the
    # statement of 2025-05-26"): taken_to_confirm.named, as the data-not-read list names it.
    record: str = ""
    record_alone: str = ""
    # What `described` says of its dose and dates (NOT_COUNTED, or STOP_COUNTED).
    counted: str = NOT_COUNTED

    @property
    def claim(self) -> taken_to_confirm.Claim:
        return taken_to_confirm.claim(self.said)

    def other_reading(self, other: MaybeRunning) -> bool:
        """Whether `other` is this drug's other reading of one record to confirm."""
        return taken_to_confirm.same_record((self.source, self.said), (other.source, other.said))


def antidepressants(record: PatientRecord) -> list[MaybeRunning]:
    """The antidepressants the gaps say are taken now, other than those of a course running
    (a course on record is read for certain: it is the trial the checks name), in the order of
    taken_to_confirm.certain_first, one per ingredient."""
    known = {t.ingredient for t in record.trials if t.ongoing}
    found: list[MaybeRunning] = []
    for gap in taken_to_confirm.certain_first(record.gaps):
        said = taken_to_confirm.readings(gap)
        for ingredient in gap.taken_now:
            info = drug_info(ingredient)
            if ingredient in known or info is None or info.role is not Role.ANTIDEPRESSANT:
                continue
            known.add(ingredient)
            found.append(
                MaybeRunning(
                    ingredient,
                    info.drug_class,
                    gap.source,
                    said,
                    gap.stated,
                    taken_to_confirm.named(gap),
                    taken_to_confirm.named(gap, stated_beside=False),
                    STOP_COUNTED if gap.reason == OTHER_PRESCRIBER_TO_CONFIRM else NOT_COUNTED,
                )
            )
    return found


def named(maybes: Sequence[MaybeRunning]) -> str:
    """ "fluoxetine"; "escitalopram or fluoxetine" for the two readings of one record (the
    patient takes one of them at most); "fluoxetine and paroxetine" for two records."""
    if len(maybes) == 2 and maybes[0].other_reading(maybes[1]):
        return f"{maybes[0].ingredient} or {maybes[1].ingredient}"
    return card_format.and_list([m.ingredient for m in maybes])


def state(maybes: Sequence[MaybeRunning]) -> str:
    """The claim of the first drug, as a verb: "may be running" unless every record says it is
    taken ("is running"; an undated active record)."""
    return (
        taken_to_confirm.MAY_BE_RUNNING.verb
        if any(m.said for m in maybes)
        else taken_to_confirm.RUNNING.verb
    )


def concern(drug_class: str, same_class: bool) -> str:
    """ "two SSRIs" (two of `drug_class`) or "two serotonin reuptake inhibitors": what a drug
    that may be running makes with another, at an order (order_checks/duplicate_maybe.py) and at
    chart open (rules/running_reuptake_maybe.py) alike."""
    return f"two {drug_class}s" if same_class else "two serotonin reuptake inhibitors"


def described(maybes: Sequence[MaybeRunning]) -> str:
    """ "fluoxetine (SSRI; the statement of 2025-05-26; no course read: dose and dates not
    counted)": what the card can say of drugs read from no course, one entry a record, with the
    record to find it by ("escitalopram or fluoxetine (SSRI; ...)" for the two readings of one record)."""
    records: list[list[MaybeRunning]] = []
    for m in maybes:
        group = next((g for g in records if g[0].other_reading(m)), None)
        if group is None:
            records.append([m])
        else:
            group.append(m)
    words = []
    for group in records:
        classes = "/".join(dict.fromkeys(m.drug_class for m in group))
        record = group[0].record_alone
        cite = f"{record}; " if record else ""
        # Not "dose and start not known" (recheck K6 s28 finding 3): a statement `unknown` may
        # state both (fluoxetine 40 mg/day from 2024-12); no course is read from it, so neither
        # is counted, which is what the card can say of every such record.
        words.append(f"{named(group)} ({classes}; {cite}{group[0].counted})")
    return "; ".join(words)


def confirm(maybes: Sequence[MaybeRunning]) -> list[str]:
    """The drug-to-confirm line of each record to confirm among `maybes`, once a record."""
    return taken_to_confirm.confirm_lines([(m.record, m.said) for m in maybes])
