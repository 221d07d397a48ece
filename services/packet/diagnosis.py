"""The diagnosis: the depression diagnosis the referral cites (code, onset, severity, resource),
the episode, and what would rule TMS out (bipolar disorder, a primary psychotic disorder,
psychotic features)."""

from __future__ import annotations

from fhir_mapping.record import DataDomain, Finding, FindingKind, PatientRecord
from services import bipolar_findings
from services.packet.html import Cell, bullets, section_open, table, text
from services.packet.wording import code_text, day_text, finding_text, maybe_day
from services.pathway import PathwayFacts
from services.staging import depressive_psychosis

_KINDS = (FindingKind.TRD, FindingKind.DEPRESSION, FindingKind.MDD_IN_REMISSION)
_KIND_TEXT = {
    FindingKind.TRD: "treatment-resistant depression",
    FindingKind.DEPRESSION: "depression",
    # A payer does not accept "in remission" as the qualifying diagnosis: said beside it.
    FindingKind.MDD_IN_REMISSION: "in remission",
}

_OPEN = section_open("diagnosis", "Diagnosis")  # built once (issue 14, speed)


def _date_cell(finding: Finding) -> str:
    """The table's date: a partial onset as written, "2024 (year only)" (review 10 recheck R7);
    an entry dated only by its recordedDate says so (s25 RT finding 5: the code's earliest onset
    is on its own row, and the summary names it beside the cited entry); one recorded before the
    onset it states says both, the earlier first (review s25 RK4 finding 13)."""
    onset = maybe_day(finding.onset) if finding.onset_written is None else str(finding.onset_text)
    if finding.onset_recorded:
        return f"recorded {onset}"
    if finding.recorded_before is not None:
        return f"recorded {maybe_day(finding.recorded_before)} (onset given {onset})"
    return onset


def _row(finding: Finding, cited: Finding | None) -> tuple[Cell, ...]:
    kind = _KIND_TEXT.get(finding.kind) or finding.kind.value
    # `is` first: the cited finding is usually this very record, and a dataclass's == compares
    # every field (an object always equals itself, so the answer is the same).
    if finding is cited or finding == cited:
        kind += " · cited as the referral's reason"
    return (
        finding.display or finding.code,
        code_text(finding.system, finding.code) or "no code (read from text)",
        _date_cell(finding),
        finding.severity or "not coded",
        kind,
        (str(finding.source), "ref") if finding.source else "–",
    )


def _none_line(record: PatientRecord, what: str) -> str:
    if not record.gaps:  # every list read (most charts): nothing to tell apart (issue 14)
        return f"{what}: none on record."
    if record.unavailable(DataDomain.CONDITIONS):
        return f"{what}: the condition list was not available, so this could not be checked."
    if record.incomplete(DataDomain.CONDITIONS):
        return f"{what}: none in the conditions that could be read (the list is incomplete)."
    # An entry left out (a code no table knows with no words, a withheld code: fix bip67, review
    # K61a finding 4) may be the very diagnosis: "none on record" would overclaim.
    if record.gaps_in(DataDomain.CONDITIONS):
        return f"{what}: none in the conditions that could be read (an entry could not be read)."
    return f"{what}: none on record."


def diagnosis_section(record: PatientRecord, facts: PathwayFacts) -> str:
    parts = [_OPEN]
    cited = facts.depression_finding
    findings = [f for kind in _KINDS for f in record.context.of(kind)]
    # The cited diagnosis first, then by onset (undated last).
    as_of = record.as_of
    findings.sort(key=lambda f: (f is not cited and f != cited, f.onset is None, f.onset or as_of))
    if findings:
        parts.append(
            table(
                ("Diagnosis", "Code", "Onset", "Severity", "Kind", "Source"),
                [_row(f, cited) for f in findings],
                caption="Depression diagnoses",
                cls="diagnoses",
                stack=True,
            )
        )
    else:
        parts.append(text("p", _none_line(record, "Depression diagnosis"), cls="empty"))
    episode = (
        f"Current episode from {day_text(record.episode_start)}."
        if record.episode_start
        else "Start of the current episode not known: every trial on record is counted in it."
    )
    lines = [episode]
    if facts.bipolar:
        # Mania recorded only as a reaction to an antidepressant is named as such, not as a
        # bipolar diagnosis the chart does not hold (review 10 finding 4); it rules TMS out all
        # the same (services/tms_assessment.py).
        label = (
            "Mania on an antidepressant (no bipolar diagnosis on record; the unipolar TRD "
            "pathway does not apply until psychiatry has assessed it)"
            if bipolar_findings.reactions_only(facts.bipolar)
            # As the cards name it: "Possible bipolar disorder (problem text)" for words in a
            # problem's text, never a diagnosis the chart does not code (s23 RP finding 5).
            else _capital(bipolar_findings.subject(facts.bipolar))
        )
        lines.append(f"{label}: " + "; ".join(finding_text(f) for f in facts.bipolar))
    else:
        lines.append(_none_line(record, "Bipolar disorder"))
    # A primary psychotic disorder (schizoaffective disorder, schizophrenia: review 7 finding 9)
    # is named as what it is, as bipolar disorder is, never as depression with psychotic
    # features: a reviewer would read that as unipolar psychotic depression. Its line is written
    # only when one is on record ("Psychotic features: none" already says there is none).
    disorder = facts.psychotic_disorder
    if disorder:
        lines.append(
            "Primary psychotic disorder (not depression with psychotic features; the unipolar "
            "TRD pathway does not apply): " + "; ".join(finding_text(f) for f in disorder)
        )
    features = depressive_psychosis(facts)
    if features:
        lines.append("Psychotic features: " + "; ".join(finding_text(f) for f in features))
    elif disorder:
        lines.append("Psychotic features: none coded apart from the psychotic disorder above.")
    else:
        lines.append(_none_line(record, "Psychotic features"))
    parts.append(bullets(lines, cls="lines"))
    parts.append("</section>")
    return "".join(parts)


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]
