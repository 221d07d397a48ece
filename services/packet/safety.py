"""The TMS contraindication screen: what in the chart rules TMS out, what the TMS service must
screen first (fhir_mapping/tms_safety.py), the lists that could not be checked, and the
suicide-risk signal a TMS service must know about."""

from __future__ import annotations

from fhir_mapping.record import DataDomain, PatientRecord
from services.packet.html import bullets, section_open, text
from services.packet.wording import day_text, finding_text
from services.pathway import PathwayFacts
from services.psychiatric_discharge import Discharge
from services.rules.population_notes import current_pregnancy, tms_pregnancy_line
from services.rules.suicide_risk_discharge import summaries
from services.suicide_today import discharge_leads
from services.unattributed_screen import unattributed

# Where the screen looks, and what the packet calls each list when it could not be read.
SCREENED: tuple[tuple[DataDomain, str], ...] = (
    (DataDomain.CONDITIONS, "condition list"),
    (DataDomain.PROCEDURES, "procedure list"),
    (DataDomain.DEVICES, "device list"),
)

# The section's constant markup, built once (issue 14, speed).
_OPEN = section_open("safety", "TMS contraindication screen")
_ABSOLUTE = text("h3", "Contraindications on record (TMS not suggested)", cls="alert")
_CAUTIONS = text("h3", "To screen before TMS (caution)")
_NOTHING = text(
    "p",
    "No epilepsy or seizure disorder, no metal or stimulator in or near the head and "
    "no other TMS safety item recognised in the chart's codes and text.",
)
_SUICIDE = text("h3", "Suicide risk")
_PREGNANCY = text("h3", "Pregnancy")
_NOTE = text(
    "p",
    "Screened from codes and text: ICD-10-CM, SNOMED CT and free text on conditions, "
    "devices and procedures (LCD L34998 / L37086: implanted magnetic-sensitive devices "
    "or metal within 30 cm of the coil; seizure disorder). The TMS service's own safety "
    "questionnaire still applies.",
    cls="note",
)


def unchecked_lists(record: PatientRecord) -> list[str]:
    if not record.gaps:  # every list read (most charts): none to look for (issue 14)
        return []
    # A record left out for its subject may be this patient's implant (fix tms58, K63a 10).
    return [name for domain, name in SCREENED if record.unavailable(domain)] + [
        said for domain, _ in SCREENED if (said := unattributed(record, domain))
    ]


def _suicide_lines(facts: PathwayFacts, discharge: Discharge | None = None) -> list[str]:
    """The signal's events and checks, and a recent psychiatric discharge (`discharge`:
    psychiatric_discharge.recent_discharge) in the suicide-risk card's own summary words: first
    when it sets that card's urgency (suicide_today.discharge_leads). Review s29 RM finding 1:
    the critical card led with "Discharged 2026-11-25 after a psychiatric admission ...: assess
    today" while this section, which reads only the signal, said nothing of it."""
    signal = facts.suicide
    stay = [summaries(discharge)[0]] if discharge is not None else []
    if signal is None:
        return stay
    lines = [
        f"Suicide-risk signal ({signal.level.value}): {event.text}{event.at()}"
        for event in signal.signals
    ]
    lines += [f"Assessed {day_text(check.day)}: {check.text}" for check in signal.checks]
    lines = lines or [f"Suicide-risk signal ({signal.level.value})"]
    return stay + lines if discharge_leads(signal, discharge) else lines + stay


def safety_section(
    record: PatientRecord,
    facts: PathwayFacts,
    item9: str | None = None,
    discharge: Discharge | None = None,
) -> str:
    """`item9`: item9_unrecorded.packet_line, the latest PHQ-9's item 9 not on record;
    `discharge`: a recent psychiatric discharge (psychiatric_discharge.recent_discharge)."""
    parts = [_OPEN]
    absolute = facts.tms_contraindications
    cautions = facts.tms_cautions
    unchecked = unchecked_lists(record)
    if absolute:
        parts.append(_ABSOLUTE)
        parts.append(bullets((finding_text(f) for f in absolute), cls="lines"))
    if cautions:
        parts.append(_CAUTIONS)
        parts.append(bullets((finding_text(f) for f in cautions), cls="lines"))
    if not (absolute or cautions):
        parts.append(_NOTHING)
    if unchecked:
        parts.append(
            text(
                "p",
                f"Not available: {', '.join(unchecked)}. Implants and neurological history "
                "could not be fully checked: ask at the TMS safety screen.",
                cls="alert",
            )
        )
    # The TMS card's pregnancy paragraph, in its words (review s29 RM finding 5).
    pregnancy = current_pregnancy(facts.findings_by_kind)
    if pregnancy is not None:
        parts.append(_PREGNANCY)
        parts.append(text("p", tms_pregnancy_line(pregnancy, bold=False)))
    suicide = _suicide_lines(facts, discharge) + ([item9] if item9 else [])
    if suicide:
        parts.append(_SUICIDE)
        parts.append(bullets(suicide, cls="lines"))
    parts.append(_NOTE)
    parts.append("</section>")
    return "".join(parts)
