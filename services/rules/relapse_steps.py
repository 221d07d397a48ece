"""What the relapse and recurrence cards share (services/rules/relapse.py: a relapse on a running
antidepressant; services/rules/recurrence.py: a relapse or recurrence off treatment).

- The steps both print, from data/relapse_steps.csv: each with " (UNVERIFIED)" beside it, or its
  status after its citation, when its row is not confirmed (review 11 wave 4, finding 3).
- When both step aside (`steps_aside`), and the past puerperal psychosis line both print.
- How both write a run of PHQ-9 totals and a dose segment.
"""

from __future__ import annotations

from functools import cache

from fhir_mapping.record import FindingKind, PatientRecord, Score
from services import tables
from services.pathway_options import unverified_mark
from services.rules import postpartum_psychosis
from services.rules.context import RuleContext

_CATATONIA = FindingKind.CATATONIA


@cache
def _table() -> dict[str, tuple[str, str]]:
    """data/relapse_steps.csv: step -> (text, status), read once."""
    return {row["step"]: (row["text"], row["status"]) for row in tables._rows("relapse_steps.csv")}


def marked_step(key: str) -> str:
    """A step's text, with " (UNVERIFIED)" after it when its row is not confirmed: every step
    the card prints says so beside it (review 11 wave 4, finding 3)."""
    text, status = _table()[key]
    return text + unverified_mark(status)


def step_text(key: str) -> str:
    """A step's text alone, for a step whose status `step_cite` says after its citation."""
    return _table()[key][0]


def step_cite(key: str, source: str) -> str:
    """The citation of a step printed after it: "(APA 2010)", "(APA 2010; UNVERIFIED)"."""
    flag = "; UNVERIFIED" if _table()[key][1] == "UNVERIFIED" else ""
    return f"({source}{flag})"


def valued_phq9(record: PatientRecord) -> tuple[Score, ...]:
    """The PHQ-9 totals with a value, oldest first (read once per card)."""
    return tuple([s for s in record.phq9() if s.value is not None])


def steps_aside(ctx: RuleContext) -> bool:
    """Whether the relapse and recurrence cards step aside (review 11 wave 4, finding 1): bipolar
    or a primary psychotic disorder (the diagnosis review speaks), puerperal psychosis (the
    emergency card: the outpatient cards hold back), psychotic features of this episode or
    catatonia (ECT, an antipsychotic combination or a benzodiazepine first: the optimise card
    names them). "Optimise the dose first" or "restart escitalopram" beside any of them would
    contradict the card that speaks."""
    facts = ctx.facts
    return bool(
        facts.bipolar
        or facts.psychotic_disorder
        or facts.puerperal is not None
        or facts.psychotic
        or facts.findings_of(_CATATONIA)
    )


def history_lines(ctx: RuleContext) -> list[str]:
    """A past puerperal psychosis (a bipolarity marker: screen before an antidepressant is
    raised or restarted), as the optimise card names it; the cards are text only."""
    past = postpartum_psychosis.history(ctx)  # still active and dated before, or resolved
    if not past:
        return []
    pregnancy = postpartum_psychosis.perinatal_now(ctx, past)
    return [postpartum_psychosis.history_line(past, False, pregnancy=pregnancy)]


def scores_text(scores: tuple[Score, ...]) -> str:
    """PHQ-9 totals with their dates: "14 on 2025-04-07, 18 on 2025-05-19"."""
    return ", ".join(f"{s.value} on {s.date.isoformat()}" for s in scores)


def sentence(text: str) -> str:
    """A step's text opening a sentence (the table writes steps to follow a colon)."""
    return text[:1].upper() + text[1:]
