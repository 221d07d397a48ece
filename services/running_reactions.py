"""A reaction recorded while the drug runs (s30 allergy31, review K20b finding al2): an active
AllergyIntolerance or an AdverseEvent of a drug whose course was already running when the
entry was recorded, the course running on.

Sertraline 100 mg/day since 2026-10-15, an allergy "Serotonin syndrome" (severe, criticality
high) recorded 2026-11-20, then an order-sign draft of 150 mg/day: no card at order-sign (a
running course was read as a renewal for the EHR's own allergy check), and at chart open the
entry only as "Not tolerated, never proposed: sertraline" inside the optimise card's detail. A
course begun AFTER an entry is a re-challenge (tolerability.rechallenge_settles); a course
running when the entry was recorded is the course the reaction happened on, and continuing it
(let alone raising it) continues the exposure.

One reading for both hooks (order_checks/intolerance_running.py, rules/running_allergy.py):
- only an entry of its own resource (AllergyIntolerance, AdverseEvent), dated on or after the
  course's start: a stop reason or a lowered dose is the course's own record, said where the
  dose is (fhir_mapping/dose_not_tolerated.py); an undated entry cannot be placed in the course
  (left as before: held back, never proposed);
- an entry entered resolved, inactive, refuted or in error never reaches the record
  (fhir_mapping/intolerance.py), so it raises nothing here;
- tiers, as the order check's for an allergy (order_checks/intolerance.severity): critical for a
  severe entry (criticality high, a reaction `severity` "severe" (FHIR: severe complications
  arose), anaphylaxis, angioedema: allergy_classes.severe_reaction; s31 allergy37 read the
  severity for every card, not only here); a warning for another
  allergy or an AdverseEvent; an entry typed
  `intolerance` and not severe (nausea, criticality low) is a warning on an order that raises
  the dose only (`MILD_RAISE_ONLY`), and no card on chart open or a renewal: the prescriber
  continuing through a mild side effect is routine, and the optimise card already holds a raise
  as text for it (rules/optimize/room.py).

Dosing continued since the entry settles it as a re-challenge does (s30 allergy33, recheck K23
n15/n16: sertraline since 2023 with monthly dispenses, a rash entry of 2023-03-20, warned at
every renewal and chart open for years). What counts is the time the course ran SINCE the
entry, against the length that settles an entry (tolerability.settle_days: the adequacy weeks,
as `rechallenge_settles`): the reaction did not recur over an adequate course, so an entry that
is not severe raises nothing any more. A severe entry (anaphylaxis, serotonin syndrome, SJS...)
still active after that long is not let go: it stays a warning, not critical. Months of dosing
without a recurrence make it unlikely the entry is a reaction to the drug as now given, yet an
active entry of a reaction that can kill is what the next prescriber and the EHR's check read,
so it should be reconciled (resolved or refuted), not left unsaid. A course running for less
than the settling length since the entry (an Epic re-order authored after it, K23 u13/u14)
still gives the card as before. The time is counted from the day the supply was taken up again
after a gap (tolerability.taken_up, s30 allergy34 item 2): the request's span is not dosing.

A course begun AFTER a severe entry, the drug stopped in between, is a re-challenge
(`rechallenges_running`, s30 allergy34 item 1): critical at chart open while shorter than the
settling length, a warning after it (`severe_rechallenged`), never silent while the entry stays
active.

An entry recorded against a drug class ("SSRIs", SNOMED "Selective serotonin reuptake inhibitor",
"MAOIs": Intolerance.allergen_class) is read here as an entry of each drug of the class, the
members the drug table gives (fhir_mapping/allergy_classes.class_ingredients), as the order check
and the optimise card's "never proposed" line already read it (s40 rx60, review K63b finding 3:
an SSRI-class angioedema entry of 2023 with sertraline taken since 2025 gave no card at chart
open and a one-click "Raise sertraline to 200 mg/day", where a sertraline-coded entry gave the
warning and held the raise). The reaction may have been to any drug of the class, this one
included; the cards name the class as written (`RunningReaction.entry`).

An undated severe entry (no recordedDate, onset or lastOccurrence: an Epic legacy import, an
Oracle Health entry "per patient, years ago") of a drug running now (`undated_severe_running`,
s31 allergy36 item 1): at chart open nothing named it, while order-sign held the drug back as
critical (tolerability.settled_by, s30 allergy35). It cannot be placed before or after the
course, so it may record a reaction to the drug as it is given now, and no length of dosing
settles it: critical at chart open, as at order-sign, until it is reconciled. An undated entry
that is not severe stays as before (a course long enough settles it: tolerability).
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.intolerance import record_kind
from fhir_mapping.record import Intolerance, PatientRecord, Trial
from services import tolerability
from services.card_format import reaction_in_sentence
from services.recommendation import Indicator

# The resources that record a reaction apart from the course's own orders.
_ENTRY_TYPES = frozenset({"AllergyIntolerance", "AdverseEvent"})


@dataclass(frozen=True, slots=True)
class RunningReaction:
    """A running course and the reaction entry recorded while it ran."""

    trial: Trial
    intolerance: Intolerance
    ran_on_days: int = 0  # days the course has run without a break since the entry
    # The course began after the entry (`rechallenges_running`): a re-challenge, not the course
    # the reaction happened on.
    rechallenge: bool = False
    # The entry has no date (`undated_severe_running`): never settled by the dosing.
    undated: bool = False

    @property
    def severe(self) -> bool:
        return self.intolerance.severe

    @property
    def settled(self) -> bool:
        """Run the settling length since the entry (module docstring): only a severe entry
        reaches a card then, as a warning."""
        return not self.undated and self.ran_on_days >= tolerability.settle_days()

    @property
    def mild(self) -> bool:
        """Typed intolerance and not severe (nausea, criticality low): MILD_RAISE_ONLY."""
        return not self.severe and record_kind(self.intolerance) == "intolerance"

    @property
    def indicator(self) -> Indicator:
        return Indicator.CRITICAL if self.severe and not self.settled else Indicator.WARNING

    def ran_on(self) -> str:
        """ "and the course ran on" / "and the course ran on 620 days since (...)": what the
        cards say of the time since the entry."""
        since = tolerability.taken_up(self.trial, self.intolerance.date or self.trial.start)
        if self.undated:
            return (
                f"and the course has run {self.ran_on_days} days since {since.isoformat()}; the "
                "entry is undated, so the reaction may have been to this course and no length of "
                "dosing settles it: critical until it is reconciled"
            )
        if self.rechallenge:
            said = f"and the drug was taken again from {since.isoformat()}, {self.ran_on_days} days"
            if not self.settled:
                return (
                    f"{said} so far (fewer than the {tolerability.settle_days()} that would "
                    "settle the entry)"
                )
            return (
                f"{said} with no reaction recorded: a warning, not critical, while a severe "
                "entry stays active; reconcile it"
            )
        if not self.settled:
            if self.intolerance.date is not None and since > self.intolerance.date:
                # Taken up again after a gap in supply (tolerability.taken_up, allergy34 item 2).
                return (
                    f"and the course was taken up again on {since.isoformat()} after a gap in "
                    f"supply, {self.ran_on_days} days so far"
                )
            return "and the course ran on"
        again = ""
        if self.intolerance.date is not None and since > self.intolerance.date:
            again = f" it was taken up again on {since.isoformat()} after a gap in supply"
        return (
            f"and the course ran on {self.ran_on_days} days since{again} (at least the "
            f"{tolerability.settle_days()} days that settle an entry as tolerated): a warning, "
            "not critical, while a severe entry stays active; reconcile it"
        )

    def reaction(self) -> str:
        """ "serotonin syndrome", "nausea": the entry's manifestation, lower case; "a severe
        reaction" / "an allergy" / "an intolerance" when it names none."""
        _, _, words = self.intolerance.reason.partition(": ")
        words = words.strip()
        if words:
            return reaction_in_sentence(words)
        if self.severe:
            return "a severe reaction"
        return f"an {record_kind(self.intolerance)}"

    def entry(self) -> str:
        """ "allergy, criticality high or severe reaction, AllergyIntolerance/ai-1": what the entry
        is and where it was read."""
        # A severe entry stays an allergy whatever its type says (as order_checks/intolerance.py).
        kind = "allergy" if self.severe else record_kind(self.intolerance)
        if self.intolerance.source.resource_type == "AdverseEvent":
            kind = "adverse event"
        cite = f"{self.intolerance.source.resource_type}/{self.intolerance.source.id}"
        if self.intolerance.allergen_class:
            # Recorded against the class, not this drug (rx60): the class named as written.
            kind += f" to the class '{self.intolerance.allergen_class}'"
        return f"{kind}{', severe' if self.severe else ''}; {cite}"


def recorded_while_running(record: PatientRecord, ingredient: str) -> RunningReaction | None:
    """The running course of `ingredient` carrying a reaction entry recorded on or after its
    start (module docstring), or None (nearly every chart)."""
    course = tolerability.not_tolerated(record).get(ingredient)
    if course is None or not course.ongoing or course.on_hold is not None:
        return None
    intolerance = course.intolerance
    if intolerance is None or intolerance.source.resource_type not in _ENTRY_TYPES:
        return None
    if intolerance.date is None or intolerance.date < course.start:
        return None
    found = RunningReaction(
        course, intolerance, tolerability.ran_on_since(course, intolerance.date)
    )
    if found.settled and not found.severe:
        return None  # an adequate course since the entry settled it (module docstring)
    return found


def all_recorded_while_running(record: PatientRecord) -> tuple[RunningReaction, ...]:
    """Each running drug with such an entry, in the order the courses started."""
    found = (recorded_while_running(record, name) for name in tolerability.not_tolerated(record))
    return tuple(sorted((f for f in found if f is not None), key=lambda f: f.trial.start))


def severe_rechallenged(record: PatientRecord, ingredient: str) -> Intolerance | None:
    """A severe entry of its own resource (an active allergy: anaphylaxis, serotonin
    syndrome...) that a course of `ingredient` running now, begun after it, has settled as a
    re-challenge (tolerability.settled_by: 66 days of sertraline after a 2023 anaphylaxis, s30
    allergy34 item 1). The drug is no longer held back (an ended course that long settles it:
    s29 RN finding 1), but while it runs the entry is still said, as a warning, and no raise is
    proposed (rules/optimize/room.py): an active severe entry is not let go in silence, as for a
    course running on since one (module docstring, allergy33)."""
    return _severe_settled_entry(record, ingredient, running_only=True)


def severe_settled(record: PatientRecord, ingredient: str) -> Intolerance | None:
    """A severe entry of its own resource that a course of `ingredient` begun after it settled
    as a re-challenge, the course running (`severe_rechallenged`) or ended (60 or 90 days of
    sertraline in 2025 after a 2023 anaphylaxis, s31 allergy38 item 1: a new sertraline order
    got no allergy card). Long dosing since the entry settles a mild one; a severe one still
    active is contradicted by that dosing and stays a warning at order-sign, so the allergy
    list is reconciled before the drug is ordered again."""
    return _severe_settled_entry(record, ingredient, running_only=False)


def _severe_settled_entry(
    record: PatientRecord, ingredient: str, *, running_only: bool
) -> Intolerance | None:
    for intolerance in record.intolerances:
        if (
            intolerance.ingredient != ingredient
            or not intolerance.severe
            or intolerance.source.resource_type not in _ENTRY_TYPES
        ):
            continue
        course = tolerability.settled_by(record, intolerance)
        if (
            course is not None
            and (course.ongoing or not running_only)
            and course.intolerance is None
        ):
            return intolerance
    return None


def rechallenges_running(record: PatientRecord) -> tuple[RunningReaction, ...]:
    """Each running course begun after a severe entry of its drug (anaphylaxis in 2023, the drug
    stopped, taken again from 2026-11-14: s30 allergy34 item 1, at chart open nothing said it),
    still held back (tolerability.documented_without_a_course: critical) or settled by it
    (`severe_rechallenged`: a warning)."""
    entries = dict(tolerability.documented_without_a_course(record))
    for t in record.trials:
        kept = severe_rechallenged(record, t.ingredient) if t.ongoing else None
        if kept is not None:
            entries[t.ingredient] = kept
    found: list[RunningReaction] = []
    for name, intolerance in entries.items():
        if not intolerance.severe or intolerance.source.resource_type not in _ENTRY_TYPES:
            continue
        running = [
            t
            for t in record.trials
            if t.ingredient == name and t.ongoing and t.on_hold is None and t.intolerance is None
        ]
        if intolerance.date is None or not running:
            continue
        course = max(running, key=lambda t: t.start)
        if course.start <= intolerance.date:
            continue  # the course running when the entry was recorded: `recorded_while_running`
        days = tolerability.ran_on_since(course, course.start)
        found.append(RunningReaction(course, intolerance, days, rechallenge=True))
    return tuple(sorted(found, key=lambda f: f.trial.start))


def undated_severe_running(record: PatientRecord) -> tuple[RunningReaction, ...]:
    """Each drug running now (not on hold) with an active severe entry of its own resource that
    has no date (module docstring, s31 allergy36 item 1): serotonin syndrome, criticality high,
    no recordedDate, on sertraline taken monthly since 2023. One per drug, in the order the
    courses started. A class entry ("SSRIs") counts for each running drug of its class (module
    docstring, rx60)."""
    found: dict[str, RunningReaction] = {}
    for intolerance in record.intolerances:
        if (
            intolerance.date is not None
            or not intolerance.severe
            or intolerance.source.resource_type not in _ENTRY_TYPES
            or intolerance.ingredient in found
        ):
            continue
        running = [
            t
            for t in record.trials
            if t.ingredient == intolerance.ingredient and t.ongoing and t.on_hold is None
        ]
        if running:
            course = max(running, key=lambda t: t.start)
            days = tolerability.ran_on_since(course, course.start)
            found[intolerance.ingredient] = RunningReaction(course, intolerance, days, undated=True)
    return tuple(sorted(found.values(), key=lambda f: f.trial.start))
