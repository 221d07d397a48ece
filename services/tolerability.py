"""Drugs the patient did not tolerate (Trial.intolerance: a stop reason, an AllergyIntolerance or an
AdverseEvent naming the drug; fhir_mapping/intolerance.py), as the cards that propose or check a
drug read them: one rule, one place.

A drug counts as not tolerated when the latest course of it on record carries a documented
intolerance, in any episode and any role (a reaction does not expire with the episode). A later
course of the same drug without one is a re-challenge that was tolerated, like an
AllergyIntolerance marked resolved: the drug is no longer held back. A course still running with a
recorded reaction counts too (the cards never propose more of it; the order hooks leave renewals
of a running course alone, see order_hooks.intolerance_check, unless the reaction was recorded
while it ran: services/running_reactions.py).

A drug an allergen stands for beside itself, where a label says so, is held back with it
(`cross_reactive`: citalopram after an escitalopram allergy and the reverse, desvenlafaxine after
venlafaxine; fhir_mapping/allergy_classes.cross_reactions; review 16 recheck U-a), unless a
course of it was taken since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from fhir_mapping import allergy_classes, drug_table
from fhir_mapping.intolerance import record_kind
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Intolerance, PatientRecord, Role, Trial
from services import cards, course_runs, trial_dates
from services.course_runs import ran_on_since as ran_on_since
from services.course_runs import taken_up as taken_up
from services.last_answer import kept
from services.order_doses import trial_dose
from services.tolerability_codes import coded_without_a_course, severe_contradicted

_PATHWAY_ROLES = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})
# A course this long after an allergy entry is a re-challenge, whatever its dose: the adequacy
# weeks of the default mapping policy (a fair trial's length; s29 RN finding 1).
_RAN_LONG_DAYS = round(MappingPolicy().min_adequate_weeks * 7)


@kept  # asked about a dozen times an evaluation, by most cards that propose a drug (issue 14)
def not_tolerated(record: PatientRecord) -> Mapping[str, Trial]:
    """Ingredient -> its latest course, for the drugs whose latest course was not tolerated, in
    the order the courses ended. Read-only: the same answer is handed to every caller."""
    latest: dict[str, Trial] = {}
    for trial in sorted(record.trials, key=lambda t: (t.end, t.start)):
        latest[trial.ingredient] = trial
    return MappingProxyType({name: t for name, t in latest.items() if t.intolerance is not None})


def rechallenge_settles(trial: Trial) -> bool:
    """Whether a course taken after an allergy entry settles it: a reaction of its own (then
    `not_tolerated` holds the drug back), or one that reached an adequate dose for the adequacy
    weeks (Trial.adequate_from) or ran that long at any dose, ended or running (a running
    course's end is the as-of day). A short course that ended without a reason (three weeks of
    sertraline after a serotonin-syndrome entry, s29 RN finding 1) proves no tolerance: it may
    have been stopped for the same reaction, unsaid; nor does one running for less than that (12
    days of sertraline, s30 course31 finding 1: a reaction may still come, and the entry is
    what warns of it)."""
    if trial.intolerance is not None:
        return True
    if trial.ongoing and taken_up(trial, trial.start) > trial.start:
        # Running again after a gap in supply: only the days since it was taken up again count
        # (30 days in June, 109 days without, 17 days back: a re-challenge of 17 days, not of
        # 156; s30 allergy35 K25a), as for the course a reaction was recorded on (`_settles`).
        return ran_on_since(trial, trial.start) >= _RAN_LONG_DAYS
    if not trial.ongoing and course_runs.broken(trial):
        # Ended, bridged over a supply gap: only its longest run without a break counts (30 days
        # in January and 30 in April are no 135 days tolerated, nor an adequate dose reached
        # over both; s31 allergy36 item 2), as a running course counts from its restart.
        return course_runs.longest_run(trial) >= _RAN_LONG_DAYS
    return trial.adequate_from is not None or _days(trial) >= _RAN_LONG_DAYS


def settle_days() -> int:
    """The days a course must run to settle an allergy entry as tolerated (`rechallenge_settles`),
    for a card that says it."""
    return _RAN_LONG_DAYS


def _days(trial: Trial) -> int:
    return (trial.end - trial.start).days


def _later_courses(record: PatientRecord, intolerance: Intolerance) -> list[Trial]:
    return [
        t
        for t in record.trials
        if t.ingredient == intolerance.ingredient
        and (intolerance.date is None or t.end >= intolerance.date)
    ]


def documented_without_a_course(record: PatientRecord) -> dict[str, Intolerance]:
    """Ingredient -> the latest documented intolerance of a drug that has no course on this chart
    on or after that record (an allergy from 2019, before the chart's history begins), or only
    short courses that ended without a reason (`rechallenge_settles`, `unsettled_course`): held
    back like a course that was not tolerated."""
    found: dict[str, Intolerance] = {}
    for intolerance in sorted(record.intolerances, key=lambda i: i.date or date.min):
        if settled_by(record, intolerance) is None:
            found[intolerance.ingredient] = intolerance
    return found


def settled_by(record: PatientRecord, intolerance: Intolerance) -> Trial | None:
    """The latest course taken since `intolerance` that settles it as a re-challenge, or None.
    The course the reaction was recorded on settles it only if it is the drug's latest (then
    `not_tolerated` holds the drug back) or ran on the settling length since the entry
    (`ran_on_since`); a later course of the drug without one is no reason to forget it
    (anaphylaxis in 2023, the drug stopped, 17 days of it again in 2026: s30 allergy34 item 1)."""
    latest = not_tolerated(record).get(intolerance.ingredient)
    if intolerance.date is None and intolerance.severe:
        # An undated severe entry (anaphylaxis, no recordedDate, onset or lastOccurrence): no
        # course can be shown to come after the reaction, so none settles it; held back and
        # critical, as with no course at all (s30 allergy35 K25a: no card at order-sign).
        return None
    settling = [
        t
        for t in _later_courses(record, intolerance)
        if (t is latest if t.intolerance is not None else _settles(t, intolerance))
    ]
    return max(settling, key=lambda t: t.end, default=None)


def _settles(trial: Trial, intolerance: Intolerance) -> bool:
    if intolerance.date is not None and trial.start < intolerance.date:
        return ran_on_since(trial, intolerance.date) >= _RAN_LONG_DAYS
    return rechallenge_settles(trial)


def unsettled_course(record: PatientRecord, intolerance: Intolerance) -> str:
    """ "; a course 2025-06-01 – 2025-06-21 ended with no reason: reconcile before proposing":
    the latest short course taken after an allergy entry that does not settle it
    (`rechallenge_settles`), for the card that names the entry; "" when there is none."""
    later = _later_courses(record, intolerance)
    if not later:
        return ""
    course = max(later, key=lambda t: t.end)
    if intolerance.date is None and intolerance.severe:
        # `settled_by`: without a date no course is shown to come after the reaction.
        return (
            f"; the entry is undated, so no course of {course.ingredient} on this chart can be "
            "shown to come after the reaction: reconcile it before continuing or starting"
        )
    restart = taken_up(course, course.start) if course.ongoing else course.start
    again = "" if restart == course.start else " after a gap in supply"
    if course.ongoing and rechallenge_settles(course):
        # A severe entry a running re-challenge settled (running_reactions.severe_rechallenged).
        return (
            f"; a course since {restart.isoformat()}{again} runs now, "
            f"{ran_on_since(course, course.start)} days so far with no reaction recorded: a severe "
            "entry stays active; reconcile it"
        )
    if course.ongoing:
        # Running, too short to show the drug is tolerated (s30 course31 finding 1).
        return (
            f"; a course since {restart.isoformat()}{again} runs now, "
            f"{ran_on_since(course, course.start)} days so far (fewer than the {_RAN_LONG_DAYS} "
            "that would settle the entry): reconcile before proposing"
        )
    return (
        f"; a course {trial_dates.dates_text(course)}{unbroken(course)} ended with no reason: "
        "reconcile before proposing"
    )


def unbroken(course: Trial) -> str:
    """ ", taken at most 30 days without a break in supply," for a course bridged over a gap
    (course_runs.longest_run, s31 allergy36 item 2); "" for one taken without a break."""
    if not course_runs.broken(course):
        return ""
    return f", taken at most {course_runs.longest_run(course)} days without a break in supply,"


@dataclass(frozen=True, slots=True)
class CrossReactive:
    """A drug held back because the patient did not tolerate `allergen`, which it relates to
    as `relation` says ("contains escitalopram (...)")."""

    drug: str
    allergen: str
    relation: str
    intolerance: Intolerance


def cross_reactive(record: PatientRecord) -> dict[str, CrossReactive]:
    """Drug -> why it is held back for a relative the patient did not tolerate (the latest course
    of the relative, or an intolerance documented with no course after it): only drugs not held
    back themselves, and none a course of which, taken on or after the intolerance (an undated
    intolerance: any course of it), settles as a re-challenge (`rechallenge_settles`), as
    `documented_without_a_course` reads a drug's own allergy. A course of another drug is no
    evidence either way."""
    held: list[tuple[str, Intolerance]] = [
        (name, t.intolerance) for name, t in not_tolerated(record).items() if t.intolerance
    ]
    held += list(documented_without_a_course(record).items())
    own = {name for name, _ in held}
    found: dict[str, CrossReactive] = {}
    for allergen, intolerance in held:
        for reaction in allergy_classes.cross_reactions(allergen):
            drug = reaction.drug
            if drug in own or drug in found:
                continue
            # Only a course of the related drug itself that settles as a re-challenge of it would
            # (`rechallenge_settles`): three days of citalopram after an escitalopram allergy
            # show nothing (s30 course31 finding 2).
            since = [
                t
                for t in record.trials
                if t.ingredient == drug
                and (intolerance.date is None or t.end >= intolerance.date)
                and rechallenge_settles(t)
            ]
            if not since:
                found[drug] = CrossReactive(drug, allergen, reaction.relation, intolerance)
    return found


def held_back(record: PatientRecord) -> frozenset[str]:
    """Every ingredient no card may propose for intolerance: latest course not tolerated, a
    documented intolerance with no course after it, or a relative of either (`cross_reactive`)."""
    return (
        frozenset(not_tolerated(record))
        | frozenset(documented_without_a_course(record))
        | frozenset(cross_reactive(record))
    )


def _proposable(ingredient: str) -> bool:
    """A drug some card could propose (an antidepressant or an adjunct of the drug table). An
    allergy to another drug the service recognises (codeine, read as an interaction partner) is
    not the pathway's to list: "Not tolerated, never proposed: codeine" was noise (review 16
    recheck a08); the EHR's own allergy check covers it."""
    info = drug_table.drug_info(ingredient)
    return info is not None and info.role in _PATHWAY_ROLES


def _taken_since(record: PatientRecord, ingredient: str, since: date) -> tuple[Trial, str] | None:
    """The first course of `ingredient` begun on or after `since` with no reaction of its own,
    and its span ("since 2022-01-03" or "2022-01-03 – 2023-05-01"): what contradicts an allergy
    entry dated `since`."""
    taken = [
        t
        for t in record.trials
        if t.ingredient == ingredient and t.intolerance is None and t.start >= since
    ]
    if not taken:
        return None
    course = min(taken, key=lambda t: t.start)
    span = (
        f"since {course.start.isoformat()}"
        if course.ongoing
        else f"{course.start.isoformat()} – {course.end.isoformat()}"
    )
    return course, span


def contradicted_class_allergies(record: PatientRecord) -> tuple[str, ...]:
    """ "the allergy entry 'Antidepressants' (2018-05-01) is contradicted by sertraline taken
    since 2022-01-03 with no reaction recorded: reconcile the entry with the patient", once per
    class allergy a course of one of its drugs begun on or after the entry contradicts (review
    16 recheck a04: three years of sertraline after an "Antidepressants" rash entry, while the
    switch list said no agent was left). Undated entries are not judged (no "after" to read)."""
    found: dict[object, str] = {}
    for intolerance in record.intolerances:
        if not intolerance.allergen_class or intolerance.date is None:
            continue
        if intolerance.source in found:
            continue
        taken = _taken_since(record, intolerance.ingredient, intolerance.date)
        if taken is None:
            continue
        course, span = taken
        found[intolerance.source] = (
            f"the allergy entry '{intolerance.allergen_class}' "
            f"({intolerance.date.isoformat()}) is contradicted by "
            f"{course.ingredient} taken {span} with no reaction recorded: reconcile the entry "
            "with the patient"
        )
    return tuple(found.values())


def contradicted_cross_reactions(record: PatientRecord) -> tuple[str, ...]:
    """ "escitalopram, which is the S-enantiomer of citalopram (...), was taken since 2024-03-04
    with no reaction recorded: reconcile the citalopram allergy entry (2019-01-01) with the
    patient", once per relative (allergy_classes.cross_reactions)
    a course of which, begun on or after the entry and with no reaction of its own, contradicts
    it (recheck 2 of review 16, a11: 15 months of escitalopram after a citalopram rash entry,
    not said), as `contradicted_class_allergies` says it for a class entry. The entry still
    holds its own drug back: the relative tolerated does not prove the drug is. Undated entries
    are not judged (no "after" to read)."""
    held: list[tuple[str, Intolerance]] = [
        (name, t.intolerance) for name, t in not_tolerated(record).items() if t.intolerance
    ]
    held += list(documented_without_a_course(record).items())
    found: list[str] = []
    for allergen, intolerance in held:
        if intolerance.date is None:
            continue
        for reaction in allergy_classes.cross_reactions(allergen):
            taken = _taken_since(record, reaction.drug, intolerance.date)
            if taken is None:
                continue
            course, span = taken
            kind = "allergy" if intolerance.severe else record_kind(intolerance)
            found.append(
                f"{course.ingredient}, which {reaction.relation}, was taken {span} with no "
                f"reaction recorded: reconcile the {allergen} {kind} entry "
                f"({intolerance.date.isoformat()}) with the patient"
            )
    return tuple(dict.fromkeys(found))


def when(intolerance: Intolerance) -> str:
    """ "2024-01-10"; "date not recorded, AllergyIntolerance/ai-1" for an entry the card can name
    by nothing else (cards.record_cite: review 19 b01s, session 20)."""
    if intolerance.date is not None:
        return intolerance.date.isoformat()
    return "date not recorded" + cards.record_cite(intolerance.source, False, ", {}")


def intolerance_brief(ingredient: str, intolerance: Intolerance) -> str:
    return f"{ingredient} ({intolerance.reason}, {when(intolerance)})"


def class_brief(intolerance: Intolerance) -> str:
    """ "SSRIs (documented allergy: Anaphylaxis, 2024-01-10)": a class allergy as written."""
    return f"{intolerance.allergen_class} ({intolerance.reason}, {when(intolerance)})"


def brief(trial: Trial) -> str:
    """ "sertraline (nausea, 2024-01-22)": the drug, the reason as documented and the date (the
    resource it was read from only when undated: `when`). A course that goes on at a lower
    dose after a dose of it was stopped for the reaction (Trial.doses_not_tolerated) did not
    fail to tolerate the drug but that dose, so the dose is named and the running one said:
    "sertraline 150 mg/day (...; 100 mg/day continues)" (session 20 item L5-3)."""
    intolerance = trial.intolerance
    if intolerance is None:
        return trial.ingredient
    said = f"{intolerance.reason}, {when(intolerance)}"
    dose = _dose_not_tolerated(trial)
    if dose is None:
        return f"{trial.ingredient} ({said})"
    return f"{trial.ingredient} {dose} ({said}; {trial_dose(trial, nested=True)} continues)"


def _dose_not_tolerated(trial: Trial) -> str | None:
    """ "150 mg/day": the dose of a running course stopped for its reaction (the one the course's
    intolerance was read from), or None when the reaction ended the drug, not a dose of it."""
    intolerance = trial.intolerance
    if not trial.ongoing or intolerance is None or trial.current_mg_per_day is None:
        return None
    doses = [d for d in trial.doses_not_tolerated if d.intolerance.source == intolerance.source]
    if not doses:
        return None
    return " / ".join(f"{cards.fmt_mg(d.mg_per_day)} mg/day" for d in doses)


def line(record: PatientRecord, *, named: Iterable[str] = ()) -> str:
    """The one line a card that proposes drugs carries when some were not tolerated; "" when
    none were. `named`: drugs the card has already named as not tolerated (left out here)."""
    skip = set(named)
    found = [brief(t) for k, t in not_tolerated(record).items() if k not in skip and _proposable(k)]
    for k, i in documented_without_a_course(record).items():
        if k in skip or not (i.allergen_class or _proposable(k)):
            continue
        # A class allergy ("SSRIs") is named once as written, not as each drug of the class
        # (review 16 U1): "SSRIs (documented allergy: Anaphylaxis, 2024-01-10, ...)".
        entry = class_brief(i) if i.allergen_class else intolerance_brief(k, i)
        entry = entry.removesuffix(")") + unsettled_course(record, i) + ")"
        if entry not in found:
            found.append(entry)
    for k, related in cross_reactive(record).items():
        if k not in skip and _proposable(k):
            found.append(f"{k} ({related.relation}, not tolerated: see {related.allergen})")
    contradicted = contradicted_class_allergies(record) + contradicted_cross_reactions(record)
    # A severe entry an ended course settled: not held back, yet said (s31 allergy38 item 1).
    settled = ((i, settled_by(record, i)) for i in record.intolerances if i.severe)
    ended = [(i, t) for i, t in settled if t and not t.ongoing and t.intolerance is None]
    coded = " ".join(filter(None, (severe_contradicted(ended), coded_without_a_course(record))))
    if not found:
        return coded
    text = "**Not tolerated, never proposed:** " + "; ".join(found) + "."
    if contradicted:
        text += " " + "; ".join(c[0].upper() + c[1:] for c in contradicted) + "."
    return f"{text} {coded}" if coded else text


def course_line(trial: Trial) -> str:
    """ "sertraline 2024-01-08 – 2024-01-22: not tolerated: nausea (2024-01-22, ...)"; dates to
    the year or month only as written ("2023–2024 (year only)": review 10 finding 5)."""
    not_tolerated_text = cards.intolerance_text(trial)
    return f"{trial.ingredient} {trial_dates.dates_text(trial)}: {not_tolerated_text}"
