"""Which running augmenting agent has an adverse effect on record (the adjunct-harm card,
adjunct_harm.py): the rows of data/adjunct_harms.csv (`rows`), the findings and TSH each row
names for a running agent (`Sign`), gathered per agent (`Harm`, `harms`), and what other cards
ask of them (`harmed_ingredients`: the optimise card; `harm_of`: optimize/augment.py;
`explains_low_tsh`: the diagnosis review).

Apart from the card because it is the record reading the card and those other cards share, with
no card wording in it (bar each sign's own line, `Sign.text`, and the summary's names,
`Harm.names`). Re-exported by adjunct_harm.py, where callers import it from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.record import Finding, FindingKind, LabResult, Trial
from services import cards, drug_rules, lab_safety, tables
from services.finding_words import resolved_text
from services.pathway_options import unverified_mark
from services.rules.context import RuleContext
from services.rules.optimize.courses import running_antipsychotics

_TSH_LOW = "tsh-low"
_TSH_SUPPRESSED = "tsh-suppressed"  # the line in data/lab_safety.csv
_HISTORY = (
    "-history"  # a row for the finding coded resolved or inactive ("tardive-dyskinesia-history")
)
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

    @property
    def history(self) -> bool:
        """A finding coded resolved or inactive (a `-history` row)."""
        return self.row.harm.endswith(_HISTORY)

    def text(self) -> str:
        if self.finding is not None:
            f = self.finding
            said = f"{f.display} ({f.code}), coded {f.onset_text or 'with no onset date'}"
            if self.history:
                said += f", {resolved_text(f)}"
            return said
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
    def history(self) -> bool:
        """Only findings coded resolved (a tardive dyskinesia in 2018): a caution, not a current
        adverse effect."""
        return all(s.history for s in self.signs)

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


def _suppressed(lab: LabResult) -> bool:
    """A TSH below the tsh-suppressed line (0.1 mIU/L), not merely below its range: a low TSH is
    what T3 augmentation does (recheck 13 n07). Without the row, the lab's own low flag (the old
    reading); a value the line cannot compare is read by that flag too (lab_safety.below)."""
    line = lab_safety.rule_for(_TSH_SUPPRESSED, "liothyronine", "thyroid hormone")
    if line is None:
        return lab.flag == "low"
    return bool(lab_safety.below(line, lab))


def _signs(ctx: RuleContext, row: HarmRow, trial: Trial) -> list[Sign]:
    if row.harm == _TSH_LOW:
        lab = lab_safety.latest_readable(ctx.record, "tsh")
        if (
            lab is not None
            and _suppressed(lab)
            and lab.date >= trial.start
            and lab_safety.is_recent(ctx.record, ctx.policy, lab)
        ):
            return [Sign(row, lab=lab)]
        return []
    history = row.harm.endswith(_HISTORY)
    kind = FindingKind(row.harm.removesuffix(_HISTORY))
    coded = ctx.facts.findings_of(kind)
    active = tuple([f for f in coded if f.state == "active"])
    if history:
        # A history only when nothing active is coded: an active one is the current effect,
        # said by its own row.
        return [] if active else [Sign(row, finding=f) for f in coded]
    # Kinds with a history row are read active only; the others as coded (their codes say
    # whether they count once resolved: akathisia does not).
    found = active if any(r.harm == row.harm + _HISTORY for r in rows()) else coded
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
