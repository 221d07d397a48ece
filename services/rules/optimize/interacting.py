"""The drugs a patient takes beside the depression regimen, weighed against what the optimise card
proposes (review 9 findings 3 and 5).

Finding 3: the switch and adjunct lists offered sertraline beside a running pimozide, and duloxetine
and bupropion beside a thioridazine, although services/data/drug_interactions.csv marks those pairs
critical and the order hooks then forbid them. Each drug a list would name is now weighed against
what the patient takes now (interaction_table.running: running courses in any role and undated
active statements, the same drugs the interaction card weighs):
- a critical pair leaves the drug out, said in one clause as the population bars are ("sertraline
  not listed: contraindicated (QT prolongation, arrhythmia) with pimozide (running since
  2019-03-04; Orap label 4)"): a planning card must not recommend what the order card forbids,
  and a clinician who prescribes outside the hooked workflow (paper, another EHR module) would
  get no warning at all;
- a warning pair keeps the drug listed and names the interaction in one clause per pair of rows
  ("lithium listed with a caution: raises lithium levels (toxicity risk) with lisinopril (running
  since 2023-02-06; lithium labels 7): lithium level in 5-7 days"). Decided over leaving it
  unsaid: the label's advice is for the combination (a level within days, another analgesic, a
  drug without CYP2D6 inhibition beside tamoxifen), the clinician may start it outside the hooks,
  and one clause per row (not per drug) keeps a tramadol beside every serotonergic option to one
  sentence ("every option listed");
- an info pair (clozapine with CYP2D6/3A4 inhibitors) is not named: its row is for the order hooks
  only ("a stable clozapine regimen with one of these is common").
A course only an old active statement keeps running (Trial.unconfirmed_since) is still weighed (the
safer reading: the statement is the only evidence either way) but named as listed, with the date
the record last confirms it: confirm it is still taken.

Finding 5: an antipsychotic the drug table knows only for its interactions (pimozide for Tourette's,
thioridazine: role `interacting`, never a pathway drug) was called the regimen's adjunct: "optimise
or replace the one running". Adding an antipsychotic adjunct on top is still two antipsychotics
(said), but the drug is prescribed for something else: its dose and its replacement are its
prescriber's, so the card says to discuss with them and never suggests optimising or replacing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import PatientRecord, Role, Trial
from services import cards, interaction_table, taken_to_confirm, trial_dates
from services.interaction_table import InteractionRow, Taking
from services.order_doses import trial_dose
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.optimize.wording import dose_text

# Compared per listed drug: on Python 3.11 reading a member off its Enum class costs about ten
# times reading a global (issue 14).
_CRITICAL = Indicator.CRITICAL
_WARNING = Indicator.WARNING
_INTERACTING = Role.INTERACTING

# With a tramadol beside an SSRI, an SNRI and a serotonin modulator, every option of a list is
# concerned: past this many names the clause says "every option listed" (or "every option but
# bupropion", when fewer than this many are not concerned) instead of naming them all.
_NAME_ALL_UP_TO = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """A drug a list would name, and a row of the interaction table it meets with a drug taken."""

    ingredient: str
    taking: Taking
    row: InteractionRow


@dataclass(frozen=True, slots=True)
class Screen:
    """What the patient takes now (read once per list), to weigh each drug the list would name.

    Every optimise card weighs a dozen drugs, and nearly no chart holds a drug of the table: the
    ingredients are read as names first (no Taking built), and a drug is asked about only when
    it, or a drug taken now, is a row's own drug (issue 14: the card stays as cheap as before)."""

    record: PatientRecord
    taken: frozenset[str]  # ingredients taken now: running courses and undated active statements
    row_drugs: frozenset[str]  # the table's own drugs (interaction_table.row_drugs)
    live: bool  # a drug taken now is a row's own drug: every drug of a list is asked about
    # The answers given, by drug: a list asks about lithium when it weighs it and again when it
    # cautions what it names.
    asked: dict[str, tuple[Hit, ...]] = field(default_factory=dict, compare=False, repr=False)

    def hits(self, ingredient: str) -> tuple[Hit, ...]:
        if not self.live and ingredient not in self.row_drugs:
            return ()  # nearly every chart and drug: no row's own drug on either side
        known = self.asked.get(ingredient)
        if known is None:
            known = self.asked[ingredient] = self._find(ingredient)
        return known

    def _find(self, ingredient: str) -> tuple[Hit, ...]:
        taken = self.taken
        if self.live:
            rows_for = interaction_table.rows_for
            meets = any(rows_for(ingredient, other) for other in taken)
        else:
            # No drug taken is a row's own drug: only this drug's own rows can match.
            own = interaction_table.rows_about(ingredient)
            meets = any(row.names(other) for row in own for other in taken if other != ingredient)
        if not meets:
            return ()  # lithium beside no NSAID, ACE inhibitor, ARB or thiazide
        takings = interaction_table.running(self.record)
        return tuple(
            Hit(ingredient, taking, row)
            for taking, row in interaction_table.with_taken(ingredient, takings)
        )

    def barring(self, ingredient: str) -> tuple[Hit, ...]:
        """The critical pairs that leave this drug out of a list (empty: it may be listed)."""
        if not self.live and ingredient not in self.row_drugs:
            return ()  # asked of every drug of every list: the common answer without a call
        hits = self.hits(ingredient)
        return tuple(h for h in hits if h.row.severity is _CRITICAL) if hits else ()

    def cautions(self, ingredients: Sequence[str]) -> tuple[Hit, ...]:
        """The warning pairs of the drugs a list names."""
        if not self.live and self.row_drugs.isdisjoint(ingredients):
            return ()
        return tuple(
            h for name in ingredients for h in self.hits(name) if h.row.severity is _WARNING
        )

    def left_out(self, hits: Sequence[Hit]) -> list[str]:
        """One clause per drug taken and row: "citalopram and sertraline not listed:
        contraindicated (QT prolongation, arrhythmia) with pimozide (running since 2019-03-04;
        Orap label 4)." """
        if not hits:
            return []
        return [
            f"{cards.and_list(names)} not listed: {row.short} with {taking.ingredient} "
            f"({self._state(taking)}{_cite(row)})."
            for (taking, row), names in _grouped(hits).items()
        ]

    def cautioned(self, hits: Sequence[Hit], listed: Sequence[str]) -> list[str]:
        """One clause per drug taken and row: "lithium listed with a caution: raises lithium
        levels (toxicity risk) with lisinopril (running since 2023-02-06; lithium labels 7):
        lithium level in 5-7 days." `listed`: every drug of the list, so that a clause about all
        of them (or all but one or two) says "every option listed" ("every option but ...")."""
        out: list[str] = []
        if not hits:
            return out
        # Rows of one label warning (same cite) about one risk met by the same options are said
        # once, naming each drug taken: an SSRI beside apixaban, clopidogrel and ibuprofen is
        # one bleeding clause, not three (review 12 b2). Keyed by the risk too (READ12 finding
        # 6): two rows with an empty or shared cite but unrelated risks stay two clauses.
        merged: dict[tuple[tuple[str, ...], str, str], list[tuple[Taking, InteractionRow]]] = {}
        for (taking, row), grouped in _grouped(hits).items():
            key = (tuple(grouped), row.cite, _risk(row.short))
            merged.setdefault(key, []).append((taking, row))
        for (names, cite, _), pairs in merged.items():
            rest = [n for n in listed if n not in names]
            if len(names) <= _NAME_ALL_UP_TO or len(rest) > _NAME_ALL_UP_TO - 1:
                who = f"{cards.and_list(list(names))} listed"
            elif rest:
                who = f"Every option but {cards.and_list(rest)} listed"
            else:
                who = "Every option listed"
            if len(pairs) == 1:
                taking, row = pairs[0]
                out.append(
                    f"{who} with a caution: {row.short} with {taking.ingredient} "
                    f"({self._state(taking)}{_cite(row)}): {row.act}."
                )
                continue
            taken = cards.and_list([f"{t.ingredient} ({self._state(t)})" for t, _ in pairs])
            rows = [r for _, r in pairs]
            out.append(
                f"{who} with a caution: {_one_of([r.short for r in rows])} with {taken}"
                f"{f' ({cite})' if cite else ''}: {'; '.join(_widest([r.act for r in rows]))}."
            )
        return out

    def _state(self, taking: Taking) -> str:
        trial = _latest_running(self.record, taking.ingredient)
        if trial is not None:
            return course_state(trial)
        if taking.to_confirm:
            # Read from a record whose code and name give different drugs (fix 19a).
            claim = taken_to_confirm.claim(taking.to_confirm)
            return f"{claim.verb}: its record's code and name give different drugs"
        if taking.start is not None:
            return f"running since {taking.start.isoformat()}"
        return "listed as taken, start not recorded"


quick_frozen_init(Screen)


def screen(ctx: RuleContext) -> Screen:
    """The drugs taken now as interaction_table.running reads them (running courses in any role,
    undated active statements), by name."""
    record = ctx.record
    taken = {t.ingredient for t in record.trials if t.ongoing}
    for gap in record.gaps:
        taken.update(gap.taken_now)
    drugs = interaction_table.row_drugs()
    return Screen(record, frozenset(taken), drugs, not drugs.isdisjoint(taken))


def course_state(trial: Trial) -> str:
    """ "running since 2019-03-04", or for a course only an old active statement keeps running
    "listed as active, last confirmed 2016-03-01: confirm it is still taken" (never "running":
    the record shows a list entry, not that the drug is taken now); an order left active whose
    last fill ran out long ago "listed: order of 2024-03-01 still active, last filled
    2024-03-02: confirm it is still taken" (Trial.listed, session 23 L2 item 1)."""
    if trial.unconfirmed_since is not None:
        return (
            f"listed as active, last confirmed {trial.unconfirmed_since.isoformat()}: confirm it "
            "is still taken"
        )
    if trial.listed:
        return f"listed: {taken_to_confirm.trial_listing(trial)}: confirm it is still taken"
    return f"running since {trial.start.isoformat()}"


def outside_regimen(trial: Trial) -> bool:
    """An antipsychotic the drug table knows only for its interactions (pimozide, thioridazine):
    prescribed for something else, never part of the depression regimen."""
    return trial.role is _INTERACTING


def other_prescriber_line(stacked: Sequence[Trial], adjuncts: Sequence[str]) -> str:
    """ "Pimozide 2 mg/day (running since 2019-03-04; not part of the depression regimen) is an
    antipsychotic: adding aripiprazole or brexpiprazole would be two antipsychotics, so neither
    is proposed; discuss with its prescriber." Never "optimise or replace": its dose and its
    replacement are for the prescriber of what it treats."""
    named = " and ".join(f"{_stacked(t)}; not part of the depression regimen)" for t in stacked)
    verb = "is an antipsychotic" if len(stacked) == 1 else "are antipsychotics"
    if adjuncts:
        neither = "it is not proposed" if len(adjuncts) == 1 else "neither is proposed"
        adding = f"adding {cards.or_list(list(adjuncts))} would be two antipsychotics, so {neither}"
    else:
        adding = "an antipsychotic adjunct would be a second antipsychotic and is not proposed"
    whose = "its prescriber" if len(stacked) == 1 else "their prescribers"
    return f"{named[:1].upper()}{named[1:]} {verb}: {adding}; discuss with {whose}."


def _stacked(trial: Trial) -> str:
    """ "pimozide 2 mg/day (running since 2019-03-04", or "pimozide (running since 2019-03-04;
    2 mg/day since 2024-06-03" when the dose began later (trial_dates.dose_since: review s20
    item 1); a course only an old statement keeps running as `course_state` names it."""
    if trial.listed:
        return f"{dose_text(trial)} ({course_state(trial)}"
    named, since = trial_dates.dose_since(trial, trial_dose(trial))
    return f"{named} (running {since}"


def _latest_running(record: PatientRecord, ingredient: str) -> Trial | None:
    found = [t for t in record.trials if t.ongoing and t.ingredient == ingredient]
    return max(found, key=lambda t: (t.end, t.start)) if found else None


def _grouped(hits: Sequence[Hit]) -> dict[tuple[Taking, InteractionRow], list[str]]:
    grouped: dict[tuple[Taking, InteractionRow], list[str]] = {}
    for hit in hits:
        names = grouped.setdefault((hit.taking, hit.row), [])
        if hit.ingredient not in names:
            names.append(hit.ingredient)
    return grouped


def _cite(row: InteractionRow) -> str:
    return f"; {row.cite}" if row.cite else ""


def _risk(short: str) -> str:
    """The risk a row's short names, without its qualifier: "bleeding risk" for "bleeding risk
    (GI)", so the NSAID row merges with the anticoagulant ones and a seizure row does not."""
    return short.split(" (", 1)[0].strip().lower()


def _one_of(shorts: Sequence[str]) -> str:
    """The rows' common risk: the shortest when the others only add to it ("bleeding risk" of
    "bleeding risk (GI)"), else each once."""
    unique = list(dict.fromkeys(shorts))
    first = min(unique, key=len)
    return first if all(s.startswith(first) for s in unique) else " / ".join(unique)


def _widest(acts: Sequence[str]) -> list[str]:
    """Each action once, dropping one another already says ("watch for bleeding" inside "watch
    for bleeding; consider gastroprotection"), in the rows' order."""
    unique = list(dict.fromkeys(acts))
    return [a for a in unique if not any(a != b and a in b for b in unique)]
