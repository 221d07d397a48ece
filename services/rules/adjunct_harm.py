"""patient-view: an adverse effect of a running augmenting agent on record (session 13 task F2;
review 13 U2, U3, W9).

Before, the optimise card read these charts as "the adjunct may be working": a woman of 67 on
liothyronine since April with atrial fibrillation and thyrotoxicosis coded and a TSH of 0.02 got
"repeat the PHQ-9 before augmenting or switching (it may be working)", and a diagnosis review
asking to confirm the depression on that TSH; tardive dyskinesia or akathisia coded beside a
running antipsychotic got "optimise or replace the one running" and "monitor ... tardive
dyskinesia". Here, on chart open, each pair of data/adjunct_harms.csv:

- liothyronine (drug class "thyroid hormone") running with thyrotoxicosis coded, an arrhythmia
  (atrial fibrillation or flutter, paroxysmal tachycardia) coded on or after the day it started
  (or with no onset: the safer reading), or a recent TSH flagged low taken on it (Cytomel label
  5.1: overtreatment may precipitate arrhythmias, particularly in older and cardiac patients;
  reduce or withhold the dose);
- an antipsychotic running (courses.running_antipsychotics: any role, not as needed) with tardive
  dyskinesia (counts when resolved: it may persist and recur) or akathisia coded (the labels:
  consider discontinuation with tardive dyskinesia; akathisia common in adjunctive MDD trials).

The card names the drug, dose and start, each finding with code and date, the likely cause, what
to do (the row's advice) and its cite. Nothing is offered as an order: reducing or stopping is
the prescriber's decision. Warning, snoozable with a reason; its fingerprint is the findings, the
TSH and the drugs, so a new finding or result ends a snooze.

While it is shown, the optimise card's medication proposals are text (`hold_one_click`): a dose
raised or a drug added now would continue the exposure or stack on it. The optimise card itself
no longer waits on a harmed adjunct (optimize_switch_augment: `harmed_ingredients`), its
antipsychotic line says no dose increase instead of "optimise" (optimize/augment.py), and the
diagnosis review reads a TSH the drug explains as "on liothyronine" (diagnosis_review.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from fhir_mapping.record import Finding, FindingKind, LabResult, Trial
from services import cards, drug_rules, lab_safety, screen, tables
from services.pathway_options import unverified_mark
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize.courses import running_antipsychotics
from services.rules.optimize.wording import dose_text

TOPIC = "adjunct-harm"
_TSH_LOW = "tsh-low"
_ANTIPSYCHOTIC = "antipsychotic"  # the `agents` value that means the drug-class group


@dataclass(frozen=True, slots=True)
class HarmRow:
    """A row of data/adjunct_harms.csv."""

    harm: str  # a FindingKind value, or "tsh-low"
    agents: str  # a drug class ("thyroid hormone") or the group "antipsychotic"
    name: str  # "tardive dyskinesia", "an arrhythmia"
    cause: str
    advice: str
    cite: str  # as a card prints it, with " (UNVERIFIED)" where the row says so


@dataclass(frozen=True, slots=True)
class Sign:
    """One finding or result on record that the row names."""

    row: HarmRow
    finding: Finding | None = None
    lab: LabResult | None = None

    def text(self) -> str:
        if self.finding is not None:
            f = self.finding
            return f"{f.display} ({f.code}), coded {f.onset_text or 'with no onset date'}"
        assert self.lab is not None
        return f"TSH {lab_safety.text(self.lab)}, {self.lab.flag}"

    def key(self) -> str:
        if self.finding is not None:
            return f"{self.row.harm}|{self.finding.code}|{self.finding.onset_text}"
        assert self.lab is not None
        return f"{self.row.harm}|{self.lab.date.isoformat()}|{self.lab.value}"


@dataclass(frozen=True, slots=True)
class Harm:
    trial: Trial  # the running agent
    signs: tuple[Sign, ...]  # in table order

    @property
    def names(self) -> str:
        """ "atrial fibrillation, thyrotoxicosis and a suppressed TSH" as the summary says it."""
        seen: list[str] = []
        for s in self.signs:
            name = s.row.name
            if s.row.harm == FindingKind.ARRHYTHMIA.value and s.finding is not None:
                name = _arrhythmia_name(s.finding)
            if name not in seen:
                seen.append(name)
        return cards.and_list(seen)


def action(harm: Harm) -> str:
    """What the cards say to do: tardive dyskinesia "consider reducing or stopping it" (the
    labels: consider discontinuation), akathisia "consider a lower dose or a switch", thyroid
    hormone "review, reduce or stop it" (Cytomel label 5.1: reduce or withhold)."""
    kinds = {s.row.harm for s in harm.signs}
    if FindingKind.TARDIVE_DYSKINESIA.value in kinds:
        return "consider reducing or stopping it"
    if FindingKind.AKATHISIA.value in kinds:
        return "consider a lower dose or a switch"
    return "review, reduce or stop it"


def _arrhythmia_name(f: Finding) -> str:
    text = f.display.lower()
    if "flutter" in text:
        return "atrial flutter"
    if "fibrillation" in text:
        return "atrial fibrillation"
    return "an arrhythmia"


@cache
def rows() -> tuple[HarmRow, ...]:
    return tuple(
        HarmRow(
            harm=r["harm"].strip(),
            agents=r["agents"].strip(),
            name=r["name"].strip(),
            cause=r["cause"].strip(),
            advice=r["advice"].strip(),
            cite=r["cite"].strip() + unverified_mark(r["status"].strip()),
        )
        for r in tables._rows("adjunct_harms.csv")
    )


def _agents(ctx: RuleContext, agents: str) -> tuple[Trial, ...]:
    """The running courses a row's `agents` covers (not one taken only as needed)."""
    if agents == _ANTIPSYCHOTIC:
        return running_antipsychotics(ctx)
    return tuple(
        [
            t
            for t in ctx.record.trials
            if t.ongoing
            and t.drug_class == agents
            and not drug_rules.is_antipsychotic(t.drug_class)
            and not (t.segments and t.segments[-1].as_needed)
        ]
    )


def _signs(ctx: RuleContext, row: HarmRow, trial: Trial) -> list[Sign]:
    if row.harm == _TSH_LOW:
        lab = lab_safety.latest_readable(ctx.record, "tsh")
        if (
            lab is not None
            and lab.flag == "low"
            and lab.date >= trial.start
            and lab_safety.is_recent(ctx.record, ctx.policy, lab)
        ):
            return [Sign(row, lab=lab)]
        return []
    kind = FindingKind(row.harm)
    found = ctx.facts.findings_of(kind)
    if kind is FindingKind.ARRHYTHMIA:
        # An arrhythmia coded before the drug started is not read as its effect (a patient with
        # long-standing AF is the label's caution, not this card); one with no onset is, as the
        # safer reading.
        found = tuple([f for f in found if f.onset_latest is None or f.onset_latest >= trial.start])
    return [Sign(row, finding=f) for f in found]


def harms(ctx: RuleContext) -> tuple[Harm, ...]:
    """Each running agent with the signs on record the table names for it; () on nearly every
    chart (no such agent running, or nothing coded)."""
    by_trial: dict[int, list[Sign]] = {}
    trials: dict[int, Trial] = {}
    for row in rows():
        for trial in _agents(ctx, row.agents):
            signs = _signs(ctx, row, trial)
            if signs:
                by_trial.setdefault(id(trial), []).extend(signs)
                trials[id(trial)] = trial
    return tuple([Harm(trials[k], tuple(v)) for k, v in by_trial.items()])


def harmed_ingredients(ctx: RuleContext) -> frozenset[str]:
    """The running agents with a harm on record: the optimise card does not wait on them, raise
    them or call them the one to optimise."""
    return frozenset(h.trial.ingredient for h in harms(ctx))


def harm_of(ctx: RuleContext, ingredient: str) -> Harm | None:
    return next((h for h in harms(ctx) if h.trial.ingredient == ingredient), None)


def explains_low_tsh(ctx: RuleContext, lab: LabResult) -> Trial | None:
    """The running thyroid hormone taken before this low TSH (liothyronine since 2025-04-01,
    TSH 0.02 on 2025-05-20), or None: the diagnosis review does not read such a TSH as a
    thyroid cause of the depression."""
    if lab.flag != "low":
        return None
    agents = {r.agents for r in rows() if r.harm == _TSH_LOW}
    for agent in agents:
        for trial in _agents(ctx, agent):
            if lab.date >= trial.start:
                return trial
    return None


def _summary(harm: Harm, lead: str) -> str:
    drug = dose_text(harm.trial)
    since = harm.trial.start.isoformat()
    if harm.trial.drug_class and drug_rules.is_antipsychotic(harm.trial.drug_class):
        names = harm.names
        head = f"{names[:1].upper()}{names[1:]} with {drug} running"
        act = f"no dose increase; {action(harm)}"
        return cards.fit_summary(
            f"{head} (since {since}): {act}", f"{head}: {act}", f"{head}: {act.split(';')[0]}"
        )
    return cards.fit_summary(
        f"{drug.capitalize()} (since {since}) with {harm.names}: {lead}",
        f"{drug.capitalize()} with {harm.names}: {lead}",
        f"{harm.trial.ingredient.capitalize()} with {harm.names}: {lead}",
    )


def _section(ctx: RuleContext, harm: Harm) -> str:
    trial = harm.trial
    lines = [
        f"**{dose_text(trial).capitalize()} since {trial.start.isoformat()}**, with on record:",
        *(f"- {s.text()}." for s in harm.signs),
    ]
    causes: list[str] = []
    advice: list[str] = []
    for s in harm.signs:
        row = s.row
        if row.cause not in causes:
            causes.append(row.cause)
        text = f"{row.advice[:1].upper()}{row.advice[1:]} ({row.cite})."
        if text not in advice:
            advice.append(text)
    said = [f"Likely cause: {'; '.join(causes)}.", *advice]
    age = ctx.record.patient.age
    thyroid = not drug_rules.is_antipsychotic(trial.drug_class)
    if thyroid and age is not None and age >= ctx.policy.older_adult_age:
        said.append(
            f"At {age} the label asks for lower doses (older patients and those with "
            "cardiovascular disease are at greater risk)."
        )
    if thyroid:
        said.append(
            "Do not keep it unchanged while waiting for a PHQ-9 on it: whether it helps the "
            "depression is not what decides now."
        )
    return cards.join_sections("\n".join(lines), " ".join(said))


def fingerprint(found: Sequence[Harm]) -> str:
    """The signs and the drugs: a new finding, TSH or agent ends a snooze."""
    return screen.pairs_key(
        [f"drug|{h.trial.ingredient}" for h in found] + [s.key() for h in found for s in h.signs]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = harms(ctx)
    if not found:
        return None
    first = found[0]
    summary = _summary(first, action(first))
    detail = cards.join_sections(
        *(_section(ctx, h) for h in found),
        "Not offered as an order: how to reduce or stop it is the prescriber's decision. While "
        "this card is open, the optimise card's medication proposals are not one click.",
    )
    card = cards.make(TOPIC, summary=summary, detail=detail)
    return screen.with_fields(card, evidence_key=fingerprint(found))


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is shown."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    found = harms(ctx)

    def line(held: list[Suggestion]) -> str | None:
        if not held or not found:
            return None
        what = "; ".join(f"{h.names} with {h.trial.ingredient} running" for h in found)
        return (
            f"**Not one click while an adjunct's adverse effect is on record** ({what}; "
            f"{tables.topic(TOPIC).display} card): {'; '.join(s.label for s in held)}. Settle "
            "the adverse effect first: a dose raised or a drug added now would continue the "
            "exposure or stack on it."
        )

    return one_click_hold.hold_drug_orders(recs, line)
