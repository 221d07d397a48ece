"""A teratogen drafted for a patient who could become pregnant and has no pregnancy on record
(review s26 RK1 finding 3): a line of the order's caution check (cautions.py).

Valproate drafted for a girl of 16 or a woman of 45 got no card at all: its pregnancy row
(data/condition_drug_rules.csv) speaks only once a pregnancy is recorded, yet the FDA boxed
warning (fetal risk) and the MHRA's Pregnancy Prevention Programme (2018; 2023: not started
under 55 unless two specialists agree) are about every girl and woman who could become
pregnant. Now, for each drug of data/childbearing_potential.csv (valproate: a warning;
carbamazepine: information, teratogenic and it can make hormonal contraception fail), the order
names the risk and what the prescriber confirms (contraception, the programme).

Who: a patient not recorded male, from the row's `from_age` to policy.pregnancy_possible_max_age
(the one age past which the service asks no pregnancy question: pregnancy_now.past_pregnancy_age),
with no record that she cannot become pregnant (a hysterectomy coded: `pregnancy_not_possible`;
recheck K7 s28 finding 9). Menopause codes do not rule it out (condition_codes.csv says why).
Patient.gender is administrative, but a man is the brief's and the labels' case with nothing to
say here; a sex or age not recorded is not read as ruling pregnancy out (the safer reading: a
line read needlessly costs a glance, a teratogen started unwarned cannot be undone), and the
line says what was not recorded.

Not when a pregnancy is on record: a current one brings the drug's own pregnancy row (never), a
stale one the "confirm she is not pregnant" line (pregnancy_lines.py); one card line, not two.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.ages import span
from fhir_mapping.record import DraftOrder, FindingKind
from services import cards
from services.pathway_option_table import unverified_mark
from services.pregnancy_now import past_pregnancy_age
from services.rules.context import RuleContext

# The finding kind the rows stand in for (no finding is coded: the patient could become pregnant):
# the running-drug card's pairs carry it (rules/running_childbearing.py).
PREGNANCY = FindingKind.PREGNANCY
_NOT_POSSIBLE = FindingKind.PREGNANCY_NOT_POSSIBLE


@dataclass(frozen=True, slots=True)
class ChildbearingRow:
    """A row of data/childbearing_potential.csv (its source there)."""

    ingredient: str
    warning: bool  # indicator "warning"; "info": an information line
    from_age: int
    note: str
    short_note: str
    cite: str
    status: str


@cache
def rows() -> dict[str, ChildbearingRow]:
    text = resources.files("services").joinpath("data/childbearing_potential.csv")
    return {
        r["ingredient"]: ChildbearingRow(
            r["ingredient"],
            r["indicator"] == "warning",
            int(r["from_age"]),
            r["note"],
            r["short_note"],
            r["cite"],
            r["status"],
        )
        for r in csv.DictReader(text.read_text("utf-8").splitlines())
    }


@dataclass(frozen=True, slots=True)
class ChildbearingLine:
    summary: str
    detail: str
    cite: str
    info: bool  # an information line (cautions.py counts it so)


def pregnancy_not_possible(ctx: RuleContext) -> bool:
    """A record that she cannot become pregnant, dated by as-of (a hysterectomy: FindingKind.
    PREGNANCY_NOT_POSSIBLE, condition_codes.csv / procedure_codes.csv; recheck K7 s28 finding 9:
    valproate running beside Z90.710 read "with childbearing potential")."""
    as_of = ctx.record.as_of
    return any(f.onset is None or f.onset <= as_of for f in ctx.facts.findings_of(_NOT_POSSIBLE))


def could_become_pregnant(ctx: RuleContext, row: ChildbearingRow) -> bool:
    """Not recorded male, not past the pregnancy age, not below the row's age, no record that
    she cannot become pregnant (module docstring); an age not on record does not rule it out."""
    patient = ctx.record.patient
    if patient.sex == "male" or past_pregnancy_age(patient.age, ctx.policy):
        return False
    if pregnancy_not_possible(ctx):
        return False
    ages = span(patient.age)
    return ages is None or ages[1] >= row.from_age


def warns_if_pregnant(ctx: RuleContext, draft: DraftOrder) -> bool:
    """The drug's row is a warning (valproate) and the patient could become pregnant."""
    row = rows().get(draft.ingredient.lower())
    return row is not None and row.warning and could_become_pregnant(ctx, row)


def pregnancy_on_record(ctx: RuleContext) -> bool:
    """A current pregnancy, or a stale one the order asks about (module docstring)."""
    now = ctx.facts.pregnancy
    return bool(now is not None and now.current) or ctx.population.stale_pregnancy is not None


def patient_words(ctx: RuleContext) -> str:
    """ "a female patient aged 16"; what is not recorded, said."""
    patient = ctx.record.patient
    sex = patient.sex
    who = "a female patient" if sex == "female" else "a patient"
    if sex not in ("female", None, "unknown"):
        who += f" (recorded sex: {sex})"
    elif sex != "female":
        who += " (sex not recorded)"
    return f"{who} aged {patient.age}" if patient.age is not None else f"{who} (age not recorded)"


def childbearing_line(ctx: RuleContext, draft: DraftOrder) -> ChildbearingLine | None:
    """The line for a drug of the table drafted for a patient who could become pregnant with no
    pregnancy on record, else None."""
    row = rows().get(draft.ingredient.lower())
    if row is None or not could_become_pregnant(ctx, row) or pregnancy_on_record(ctx):
        return None
    name = draft.ingredient.capitalize()
    whom = patient_words(ctx)
    return ChildbearingLine(
        cards.fit_summary(
            f"{name} in {whom}: {row.short_note} ({row.cite})",
            f"{name} in {whom}: {row.short_note}",
        ),
        f"- {whom[0].upper()}{whom[1:]}, no pregnancy on record: she could become pregnant. "
        f"{row.note[0].upper()}{row.note[1:]} ({row.cite}{unverified_mark(row.status)}). "
        "Confirm she is not pregnant and how pregnancy is prevented, unless she cannot become "
        "pregnant (before puberty, after the menopause, sterilisation or hysterectomy).",
        row.cite,
        info=not row.warning,
    )
