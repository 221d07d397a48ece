"""Patients the pathway's sources were not written for: minors and pregnancy.

The dose ranges and agent lists come from CANMAT 2023 (the adult MDD guideline) and the TMS
criteria from adult coverage policies (LCD L34998, Ambetter CP.BH.200). The reference holds no
sourced advice on antidepressants, adjuncts or TMS in pregnancy or in adolescents, so the cards do
not invent any: they say plainly that their basis does not cover the patient, name what is on
record, and leave the decision to the specialist (the safer behaviour).
"""

from __future__ import annotations

from fhir_mapping.record import FindingKind
from services.rules.context import RuleContext


def is_minor(ctx: RuleContext) -> bool:
    age = ctx.record.patient.age
    return age is not None and age < ctx.policy.adult_age


def population_notes(ctx: RuleContext, *, tms: bool = False) -> str:
    """Markdown lines for a card that proposes medication changes (and TMS when `tms`)."""
    lines: list[str] = []
    pregnancy = ctx.record.context.of(FindingKind.PREGNANCY)
    if pregnancy:
        finding = max(pregnancy, key=lambda f: f.onset.isoformat() if f.onset else "")
        since = f" since {finding.onset.isoformat()}" if finding.onset else ""
        what = "medication and TMS options" if tms else "medication options"
        lines.append(
            f"**Pregnancy on record:** {finding.display} ({finding.system} {finding.code}{since}). "
            f"The {what} on this card do not take pregnancy into account: confirm it is current "
            "and weigh each change with obstetric or perinatal psychiatry input."
        )
    if is_minor(ctx):
        lines.append(
            f"**Age {ctx.record.patient.age}:** the doses and agents on this card come from adult "
            "guidelines (CANMAT 2023); decide with child and adolescent psychiatry."
        )
    return "\n\n".join(lines)
