"""The whole packet: one self-contained HTML document, nothing loaded from anywhere."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from fhir_mapping.ages import span
from fhir_mapping.record import PatientRecord
from services import item9_unrecorded
from services.packet.diagnosis import diagnosis_section
from services.packet.html import esc, text
from services.packet.payer import counted_trials, payer_evaluation, payer_section, verdict_text
from services.packet.safety import safety_section
from services.packet.severity import latest_phq9_text, severity_section
from services.packet.style import CSS, content_security_policy
from services.packet.summary import summary_box
from services.packet.therapy import neuromodulation_section, therapy_section
from services.packet.trials import trials_section
from services.packet.unread import unread_section
from services.packet.wording import day_text
from services.pathway import PathwayFacts, derive_facts
from services.payer_criteria import PayerEvaluation
from services.policy import Policy
from services.psychiatric_discharge import recent_discharge

TITLE = "TMS referral summary"


# Everything before the body is the same on every packet: built once (issue 14, speed). The
# attached copy's base64 starts with this prefix's, which document.py encodes once too.
HEAD = "\n".join(
    [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # Our own constant: quotes stay as written (the policy's keywords are quoted).
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>{esc(TITLE)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
    ]
)


# The document up to the patient line (a <p class="meta">): the head, then the body's opening.
_TOP = f'{HEAD}<main><header>{text("h1", TITLE)}<p class="meta">'


class Evaluate(Enum):
    TOKEN = "evaluate"


# render_packet's default for `payer`: evaluate the clinic's chosen payer rule set.
EVALUATE = Evaluate.TOKEN


def _patient_line(record: PatientRecord) -> str:
    """Age, sex and the record's date; never the patient's id (as the timeline page: the page
    is reached from the patient's chart, and the copy attached to the referral names its subject
    in FHIR). A record kept for a link in the database has no id anyway (timeline_store.py)."""
    patient = record.patient
    parts = ["Patient"]
    ages = span(patient.age)
    if ages is not None:
        # A birth year only gives a range, said as such (review 19 D4: "74-75 years, birth year
        # only", never "75 years" as a fact).
        young, old = ages
        parts.append(
            f"{old} years" if young == old else f"{young}-{old} years, {patient.age_basis}"
        )
    if patient.sex:
        parts.append(patient.sex)
    parts.append(f"record as of {day_text(record.as_of)}")
    return " · ".join(parts)


def _timestamp(moment: datetime) -> str:
    text_ = f"{day_text(moment.date())} {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is None:
        return text_
    return text_ + (" UTC" if not offset else f" (UTC{moment:%z})")


def render_packet(
    record: PatientRecord,
    policy: Policy,
    *,
    facts: PathwayFacts | None = None,
    expires_at: datetime | None = None,
    payer: PayerEvaluation | None | Evaluate = EVALUATE,
) -> str:
    """The referral / prior-authorisation summary of `record` as a complete HTML document.

    `facts` are derived from the record when not given (a rule passes its own). `expires_at`
    is the served page's link expiry, said in the footer; the copy attached to a referral has
    none. `payer` is the clinic's chosen payer rule set (policy.payer_criteria), evaluated here
    unless an evaluation (or None: no payer section, the clinic's criteria instead) is given. Every text from the chart is escaped; the Content-Security-Policy
    admits only the page's own stylesheet."""
    return "".join(packet_parts(record, policy, facts=facts, expires_at=expires_at, payer=payer))


def packet_parts(
    record: PatientRecord,
    policy: Policy,
    *,
    facts: PathwayFacts | None = None,
    expires_at: datetime | None = None,
    payer: PayerEvaluation | None | Evaluate = EVALUATE,
) -> list[str]:
    """render_packet's document in its parts, in order (arguments as render_packet's): the copy
    attached to a referral encodes each part on its own (issue 14). Most parts (the head, the
    payer criteria, ...) are ASCII, whose UTF-8 is a plain copy; joined first, one "→" of the
    trials table would have sent every character of the page through the UTF-8 encoder."""
    facts = facts if facts is not None else derive_facts(record, policy)
    if isinstance(payer, Evaluate):
        payer = payer_evaluation(record, facts, policy)
    footer = (
        f"Generated by trd-cds from the coded EHR record as of {day_text(record.as_of)}"
        + (f"; this link expires {_timestamp(expires_at)}" if expires_at is not None else "")
        + ". Reconstructed from coded data: check it against the chart before sending. "
        "Trial adequacy: CANMAT 2023; PHQ-9 bands: Kroenke 2001; TMS safety: LCD L34998 / "
        "L37086 and the device labels."
    )
    latest = latest_phq9_text(record)  # said twice: in the summary and the severity history
    # The payer's verdict is said twice too: in the summary and the payer section.
    verdict = verdict_text(payer, facts) if payer is not None else None
    counted = counted_trials(payer, facts)  # in the summary and the trials section
    # An item 9 not on record: in the safety screen and the summary (s23 RP finding 7).
    item9 = item9_unrecorded.packet_line(record, policy, facts.suicide)
    screen = item9_unrecorded.packet_summary(item9)
    return [
        _TOP,
        f"{esc(_patient_line(record))}</p>",  # its own part: " · " is not ASCII
        summary_box(
            record, facts, payer, latest=latest, verdict=verdict, counted=counted, item9=screen
        )
        + "</header>",
        diagnosis_section(record, facts),
        severity_section(record, latest=latest),
        trials_section(record, facts, policy.mapping, counted),
        therapy_section(record, policy, facts.episode_start),
        neuromodulation_section(record, policy),
        # The discharge the suicide-risk card names (review s29 RM finding 1).
        safety_section(record, facts, item9, recent_discharge(record, policy)),
        payer_section(payer, facts, verdict=verdict),
        unread_section(record),
        f"<footer>{esc(footer)}</footer></main></body>\n</html>\n",
    ]
