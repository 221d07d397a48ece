"""The box at the top: the few facts a reviewer looks for first, each pointing to its section."""

from __future__ import annotations

from fhir_mapping.gaps import is_record_status, record_status
from fhir_mapping.record import PatientRecord, Trial
from services import bipolar_findings, cards
from services.diagnosis_onset import dating_text
from services.packet.html import el, esc, text
from services.packet.payer import counted_trials, verdict_text
from services.packet.safety import unchecked_lists
from services.packet.severity import latest_phq9_text
from services.packet.wording import code_text, day_text, inferred_text, plural
from services.pathway import PathwayFacts, text_only_line
from services.payer_criteria import PayerEvaluation
from services.rules.population_notes import current_pregnancy
from services.tms_assessment import depression_in_words


def _item(term: str, description: str, target: str) -> str:
    return el("div", text("dt", term), el("dd", el("a", description, href=f"#{target}")))


def _diagnosis(record: PatientRecord, facts: PathwayFacts) -> str:
    finding = facts.depression_finding
    if finding is None:
        written = depression_in_words(facts.findings_of)  # review 16 W3, s23 RO finding 4
        return (
            text_only_line(written[0]) if written else "no depression diagnosis on the problem list"
        )
    code = code_text(finding.system, finding.code)
    # "since" an onset, "recorded" a recordedDate with the code's earliest onset beside it (s25
    # RT finding 5); a partial onset as written, "2024 (year only)" (review 10 recheck R7).
    when = dating_text(record, finding, day_text)
    line = f"{finding.display or finding.code}{f' ({code})' if code else ''}, {when}"
    if facts.bipolar:  # beside it, as the cards hold the pathway on it (s23 RP finding 5)
        line += f"; {bipolar_findings.subject(facts.bipolar)}: to confirm"
    return line


def _trials(listed: tuple[Trial, ...]) -> str:
    # A course resting only on the patient's report is not counted (fix meds46: the trials
    # criterion, services/payer_criteria/trials.py, says why); named after the count.
    counted = tuple(t for t in listed if not t.patient_reported)
    reported = [t.ingredient for t in listed if t.patient_reported]
    tail = f"; not counted (patient-reported only): {', '.join(reported)}" if reported else ""
    if not counted:
        return "none counted" + tail
    classes = list(dict.fromkeys([t.drug_class for t in counted]))
    return (
        f"{len(counted)} counted ({cards.names(counted)}), "
        f"{plural(len(classes), 'class', 'classes')}{inferred_text(counted)}{tail}"
    )


def _safety(record: PatientRecord, facts: PathwayFacts, item9: str | None = None) -> str:
    parts = [item9] if item9 else []  # "PHQ-9 item 9 not recorded: ask it" (s23 RP finding 7)
    if facts.bipolar:  # what rules the unipolar TMS pathway out until psychiatry has seen it
        parts.append(f"{bipolar_findings.subject(facts.bipolar)}: confirm with psychiatry")
    if current_pregnancy(facts.findings_by_kind) is not None:  # review s29 RM finding 5
        parts.append("pregnancy on record: confirm it is current")
    if facts.tms_contraindications:
        parts.append(plural(len(facts.tms_contraindications), "contraindication"))
    if facts.tms_cautions:
        parts.append(f"{plural(len(facts.tms_cautions), 'item')} to screen")
    unchecked = unchecked_lists(record)
    if unchecked:
        parts.append(f"not available: {', '.join(unchecked)}")
    return "; ".join(parts) or "nothing recognised"


def _unread(record: PatientRecord) -> str:
    """ "2 gaps"; the Patient record's status by its head, never counted as a gap read (fix 19a):
    "This Patient record is marked inactive (active: false); 1 gap"."""
    status = record_status(record.gaps)
    count = sum(1 for g in record.gaps if not is_record_status(g))
    parts = [status[0]] if status is not None else []
    if count:
        parts.append(plural(count, "gap"))
    return "; ".join(parts)


def _criteria(payer: PayerEvaluation | None, facts: PathwayFacts) -> str:
    if payer is not None:
        return verdict_text(payer, facts)
    clinic = "met" if facts.tms.eligible else f"{len(facts.tms.blockers)} not met"
    return f"no payer rule set evaluated; clinic criteria {clinic}"


# Each item's markup up to its description, built once (issue 14, speed): _item's, cut.
_END = "</a></dd></div>"


def _opening(term: str, target: str) -> str:
    whole = _item(term, "", target)
    assert whole.endswith(_END)
    return whole[: -len(_END)]


_DIAGNOSIS = _opening("Diagnosis", "diagnosis")
_SEVERITY = _opening("Latest severity", "severity")
_TRIALS = _opening("Trials for TMS", "trials")
_SAFETY = _opening("Safety screen", "safety")
_CRITERIA = _opening("Payer criteria", "payer")
_UNREAD = _opening("Data not read", "unread")


def summary_box(
    record: PatientRecord,
    facts: PathwayFacts,
    payer: PayerEvaluation | None,
    *,
    latest: str | None = None,
    verdict: str | None = None,
    counted: tuple[Trial, ...] | None = None,
    item9: str | None = None,
) -> str:
    """`latest`: latest_phq9_text(record), `verdict`: the payer's verdict_text, and `counted`:
    counted_trials(payer, facts), when the caller has them already; `item9`: the summary's words
    of an item 9 not on record (item9_unrecorded.packet_summary)."""
    unread = f"{_UNREAD}<span>{esc(_unread(record))}</span>{_END}" if record.gaps else ""
    return (
        '<dl class="summary">'
        f"{_DIAGNOSIS}<span>{esc(_diagnosis(record, facts))}</span>{_END}"
        f"{_SEVERITY}<span>{esc(latest if latest is not None else latest_phq9_text(record))}"
        f"</span>{_END}"
        f"{_TRIALS}<span>"
        f"{esc(_trials(counted if counted is not None else counted_trials(payer, facts)))}"
        f"</span>{_END}"
        f"{_SAFETY}<span>{esc(_safety(record, facts, item9))}</span>{_END}"
        f"{_CRITERIA}<span>{esc(verdict if verdict is not None else _criteria(payer, facts))}"
        f"</span>{_END}"
        f"{unread}</dl>"
    )
