"""What an augmenting agent is monitored with (data/augmentation_monitoring.csv): lithium and
liothyronine (T3) with their target level or dose and monitoring, and the metabolic and movement
monitoring of an antipsychotic adjunct, as the optimise card and the order checks word them.

A table of its own, read beside the options beyond medication (pathway_option_table.py) but
about the drugs the card proposes, not the steps after them; pathway_options.py re-exports what
its callers read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from services import lab_safety
from services.pathway_option_table import _rows, unverified_mark
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class Monitoring:
    agent: str  # an ingredient, or "" for a drug-table group row
    group: str  # "antipsychotic" for the class row (data/drug_class_groups.csv), else ""
    # The target dose ("25-50 µg/day"); empty for a drug dosed by its level, whose target is
    # the age-aware row of lab_safety.csv (`target_for`).
    target: str
    monitoring: str
    source: str
    status: str


@cache
def monitoring_rows() -> tuple[Monitoring, ...]:
    return tuple(
        Monitoring(
            agent=r["agent"].lower(),
            group=r["group"],
            target=r["target"],
            monitoring=r["monitoring"],
            source=r["source"],
            status=r["status"],
        )
        for r in _rows("augmentation_monitoring.csv")
    )


@cache
def _by_agent() -> dict[str, Monitoring]:
    """Agent -> its first monitoring row: the cards ask for each adjunct they name."""
    found: dict[str, Monitoring] = {}
    for m in monitoring_rows():
        if m.agent:
            found.setdefault(m.agent, m)
    return found


def monitoring_for(agent: str) -> Monitoring | None:
    return _by_agent().get(agent.lower())


def group_monitoring(group: str) -> Monitoring | None:
    return next((m for m in monitoring_rows() if m.group == group), None)


def target_for(agent: str, age: int | None, policy: Policy) -> str:
    """The target an adjunct is named with: a drug dosed by its level, its serum target for this
    patient's age (lab_safety.level_target_text: one row for every card, session 22), else the
    monitoring row's target dose; "" when neither."""
    level = lab_safety.level_target_text(agent, age, policy)
    if level is not None:
        return level
    row = monitoring_for(agent)
    return row.target if row is not None else ""


def second_line_target(agent: str, age: int | None, policy: Policy) -> str | None:
    """ "lithium (serum 0.5-0.8 mmol/L)" for an adjunct with a monitoring row, else None."""
    target = target_for(agent, age, policy) if monitoring_for(agent) is not None else ""
    return f"{agent} ({target})" if target else None


def adjunct_line(agent: str, dose: str, age: int | None, policy: Policy) -> str:
    """An adjunct with its target level or dose and its monitoring when the monitoring table has
    it ("lithium (serum 0.5-0.8 mmol/L; monitor level, electrolytes, ...)"), else its range."""
    row = monitoring_for(agent)
    if row is None:
        return f"{agent} {dose}".strip()
    target = target_for(agent, age, policy)
    return f"{agent} ({target}; monitor {row.monitoring}){unverified_mark(row.status)}"


@cache
def antipsychotic_monitoring() -> str:
    """ "monitor weight, blood pressure, ...": for an antipsychotic adjunct (data only, so read
    once)."""
    row = group_monitoring("antipsychotic")
    if row is None:
        return ""
    return f"monitor {row.monitoring}{unverified_mark(row.status)}"
