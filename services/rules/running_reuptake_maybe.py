"""patient-view: a serotonin reuptake inhibitor running beside one that may be running (fix 20
W1).

A drug a record says may be taken with no course read (services/maybe_running.py: a statement
whose status is `unknown`, a record whose code and name give different drugs, an undated active
record) is no trial (a statement `unknown` whose stated period ended long ago is the past course
it states instead, never one that may be running: fhir_mapping/status_to_confirm.py, review s27
RA finding 5), so the chart-open pair (rules/running_reuptake_pair.py) read only the
courses: a fluoxetine statement `unknown` beside a running, filled sertraline course got no line
at chart open, while the order hooks count it (order_checks/duplicate_maybe.py). If the patient
does take it, that is the combination the pair line is there for (serotonin-syndrome risk); the
safer reading counts it as possibly running and asks to confirm, as the order card does, worded
by the same helpers (maybe_running.named, state, concern, described, confirm).

Said only when no two courses make the pair (a course on record is read first, as at the
order), and only beside a course the pair rule reads as running (ongoing, no stop dated, filled
through today, no cross-taper ending it): a listing with no fill or whose supply ran out is no
running course, so nothing pairs with it. MAOIs are left to the MAOI checks, which read these
records already; a drug sharing an ingredient with the course is the shared-ingredient check's.

Every other antidepressant that may be running (`others`, `others_line`: a bupropion or
mirtazapine statement `unknown`, a third drug beside two running courses; session 20 closing
note) is named too, once, where the pair is said (the optimise card, else the pair's own card):
it makes no two-reuptake-inhibitor concern, but a switch or an augmentation planned from the
courses alone would assume it is not taken (the switch list may even propose it as the next
drug). With no pair said it goes on the optimise card only: with no step planned, no card is
made for it (the data-gap list names the record).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from fhir_mapping.drug_table import is_maoi_class, shared_ingredients
from fhir_mapping.record import Trial
from services import cards, maybe_running, serotonin_reuptake, taken_to_confirm
from services.maybe_running import MaybeRunning
from services.order_checks.stacking import running_dose
from services.rules.context import RuleContext
from services.trial_adherence_text import adherence_text


@dataclass(frozen=True, slots=True)
class MaybePair:
    """Courses running (for certain) and the reuptake inhibitors that may run beside them."""

    running: tuple[Trial, ...]
    maybes: tuple[MaybeRunning, ...]

    @property
    def concern(self) -> str:
        """ "two SSRIs" when every drug is of one class, else "two serotonin reuptake
        inhibitors" (maybe_running.concern, as the order card says it)."""
        classes = {t.drug_class for t in self.running} | {m.drug_class for m in self.maybes}
        (first, *_) = sorted(classes)
        return maybe_running.concern(first, len(classes) == 1)

    @property
    def certain(self) -> bool:
        """Whether every drug that may be running is one an undated active record says is
        taken (nothing to confirm: "running", its dates not read)."""
        return maybe_running.state(self.maybes) == taken_to_confirm.RUNNING.verb


def maybe_pair(ctx: RuleContext, running: Sequence[Trial]) -> MaybePair | None:
    """The running reuptake-inhibitor courses (`running`: rules/running_reuptake_pair.py reads
    them) with the reuptake inhibitors that may run beside them; None when there are none or a
    course is ending in a cross-taper (a switch under way, as for two courses)."""
    if not running or any(t.ends_soon is not None for t in running):
        return None
    maybes = tuple(
        m
        for m in maybe_running.antidepressants(ctx.record)
        if not is_maoi_class(m.drug_class)
        and serotonin_reuptake.inhibits_reuptake(m.ingredient, m.drug_class)
        and not any(
            m.ingredient == t.ingredient or shared_ingredients(m.ingredient, t.ingredient)
            for t in running
        )
    )
    return MaybePair(tuple(running), maybes) if maybes else None


def _running_names(pair: MaybePair) -> str:
    return cards.and_list([t.ingredient for t in pair.running])


def summary(pair: MaybePair) -> str:
    """ "Sertraline running; fluoxetine may be running (status unknown, recorded 2025-05-26):
    two SSRIs if both are taken: confirm", longest that fits first."""
    courses, old = _running_names(pair), maybe_running.named(pair.maybes)
    if pair.certain:
        head = f"{courses} and {old} running"
        candidates = [
            f"{head}: {pair.concern} ({old}: dates not read); switch or combination?",
            f"{head}: {pair.concern} ({old}: dates not read)",
            f"{head}: {pair.concern}",
        ]
    else:
        verb = maybe_running.state(pair.maybes)
        stated = "; ".join(dict.fromkeys(m.stated for m in pair.maybes if m.stated))
        tail = f"{pair.concern} if both are taken: confirm"
        candidates = [
            f"{courses} running; {old} {verb} ({stated}): {tail}",
            f"{courses} running; {old} {verb}: {tail}",
            f"{courses} running; {old} {verb}: {pair.concern}",
        ]
    return cards.fit_summary(*(f"{c[:1].upper()}{c[1:]}" for c in candidates))


def line(pair: MaybePair) -> str:
    """The drug-to-confirm line of each record once, then the pair as one paragraph: each course
    (dose, start, source, class, refills), the drug that may be running and its record, the risk
    and its sources, and the question."""
    each = "; ".join(
        f"{running_dose(t)} ({t.drug_class}; {adherence_text(t)})" for t in pair.running
    )
    old = maybe_running.named(pair.maybes)
    bare = taken_to_confirm.RUNNING.bare
    if pair.certain:
        head = f"{pair.concern[:1].upper()}{pair.concern[1:]} running ({old}: dates not read)"
        verb, ask = bare, "If"
    else:
        head = f"{pair.concern[:1].upper()}{pair.concern[1:]} if both are taken"
        verb = maybe_running.state(pair.maybes)
        ask = f"Confirm whether the patient takes {old}: if"
    said = (
        f"**{head}:** {each} {bare}; {maybe_running.described(pair.maybes)} {verb}. Both "
        "inhibit serotonin reuptake: together they add serotonin-syndrome risk "
        f"({serotonin_reuptake.serotonin_syndrome_cite()}) and are "
        f"{serotonin_reuptake.NOT_A_STRATEGY}. {ask} one replaced the other, date the stop of "
        "the one replaced; if both are meant to continue, say why."
    )
    return cards.join_sections(*maybe_running.confirm(pair.maybes), said)


def others(ctx: RuleContext, named: AbstractSet[str]) -> tuple[MaybeRunning, ...]:
    """The antidepressants that may be running other than those of `named` (said already: a
    pair's drugs) and those of a record with an MAOI reading (the MAOI checks read and name
    that record: an order coded escitalopram and named phenelzine), in maybe_running's order."""
    found = maybe_running.antidepressants(ctx.record)
    maoi_records = {m.source for m in found if is_maoi_class(m.drug_class)}
    return tuple(
        m
        for m in found
        if m.ingredient not in named
        and not is_maoi_class(m.drug_class)
        and (m.source is None or m.source not in maoi_records)
    )


def others_line(maybes: Sequence[MaybeRunning]) -> str:
    """The drug-to-confirm line of each record once, then "**May also be running:** bupropion
    (NDRI; MedicationStatement/x; no course read: dose and dates not counted): confirm whether the
    patient takes it before a switch or an augmentation." ("**Also running (dates not read):**"
    for an undated active record, which says it is taken); "" for none."""
    if not maybes:
        return ""
    old = maybe_running.named(maybes)
    if maybe_running.state(maybes) == taken_to_confirm.RUNNING.verb:
        head, ask = "Also running (dates not read)", f"A switch or an augmentation adds to {old}"
    else:
        head = "May also be running"
        ask = f"Confirm whether the patient takes {old} before a switch or an augmentation"
    said = (
        f"**{head}:** {maybe_running.described(maybes)}. {ask}: the steps here are planned "
        "from the courses on record."
    )
    return cards.join_sections(*maybe_running.confirm(maybes), said)
