"""The gaps of records not shown to be this patient's: their reasons (another patient's; no
subject; a subject identifier matching none of this patient's, review 17 U1; a Patient merged
into another or marked inactive, review 17 M6) and the card line of each, worded by what it is rather than as a
record that "could not be read" (review 17 M7).

Apart from gaps.py because the record's identity is its own question (request_resources.py,
excluded_resources.py raise these gaps), and its lines are read together; gaps.py re-exports the
reasons and words its `describe` lines with OWN_WORDS.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.record import DataGap

# Why a resource is left out as not this patient's (request_resources.not_belonging): gap reasons,
# which go to the logs, so they name no drug and no patient.
ANOTHER_PATIENT = "another patient's resource"
NO_SUBJECT = "no subject: cannot be attributed to this patient"
# A subject given only as an identifier (Reference.identifier, no reference: HIE and proxy feeds)
# that matches no identifier of the context patient (review 17 U1): not shown to be another
# patient's either, so it is named as unconfirmed with what it is (excluded_resources.py), never
# called "another patient's".
SUBJECT_UNCONFIRMED = "subject not confirmed as this patient"
# A Patient whose link says replaced-by (review 17 M6, excluded_resources.replaced_record_gaps):
# no ids here, the link is in the gap's `stated`.
PATIENT_REPLACED = "patient record replaced by another (merged)"
# A Patient marked `active: false` with no replaced-by link (review 17 M6, its other half): FHIR
# R4 Patient.active "whether this patient record is in active use"; an inactive record may be a
# duplicate or a closed record whose history is held elsewhere (excluded_resources.py). Its other
# links (seealso, refer, replaces: review 19 E2) are in the gap's `stated`, after LINKED_TO.
PATIENT_INACTIVE = "patient record marked inactive (active false)"
LINKED_TO = "linked to "
# How the cards say it: the data-not-read line, the data-quality card's summary and the first
# card's line (services/rules/merged_record_hold.py) open alike, so a card that already leads
# with it is not prefixed again.
PATIENT_INACTIVE_SAID = "This Patient record is marked inactive (active: false)"
# What each status means for the history, said after its head by every place that names it.
_INACTIVE_MEANS = "the history may be incomplete or held under another record"
_LINKED_MEANS = "the history may be incomplete or held under the linked record"
_REPLACED_MEANS = "part of the history may be on the surviving record"

# The gaps of the Patient record's own status (merged into another, or inactive with no link):
# the record is in doubt, no resource went unread (fix 19a: the timeline said "1 medication record
# could not be read" of an inactive Patient). Counted by no "could not be read" count; said by
# their own line instead (`status_line`). Head and meaning, in the order a chart with both would
# be said (a merge names the record to use, so it goes first).
_STATUS_SAID = {
    PATIENT_REPLACED: ("This patient record was merged into another", _REPLACED_MEANS),
    PATIENT_INACTIVE: (PATIENT_INACTIVE_SAID, _INACTIVE_MEANS),
}


def is_record_status(gap: DataGap) -> bool:
    """Whether the gap is the Patient record's own status, not a resource left unread."""
    return gap.reason in _STATUS_SAID


def record_status(gaps: Iterable[DataGap]) -> tuple[str, str] | None:
    """(head, meaning) of the record's status among `gaps`: ("This patient record was merged
    into another", "part of the history may be on the surviving record"); None when the record
    is in use. An inactive record linked to others names them (review 19 E2: "This Patient
    record is marked inactive (active: false), linked to Patient/b (seealso)", "... held under
    the linked record"). The data-quality card's summary, the timeline and the packet say it so."""
    gaps = list(gaps)
    reasons = {g.reason for g in gaps}
    said = next((said for reason, said in _STATUS_SAID.items() if reason in reasons), None)
    if said is None or said[0] != PATIENT_INACTIVE_SAID:
        return said
    linked = next((s for g in gaps if (s := inactive_links(g)) is not None), None)
    return (
        said if linked is None else (f"{PATIENT_INACTIVE_SAID}, {LINKED_TO}{linked}", _LINKED_MEANS)
    )


def inactive_links(gap: DataGap) -> str | None:
    """The records an inactive Patient's gap names as linked ("Patient/b (seealso)"), else None
    (another gap, or an inactive record with no link)."""
    if gap.reason != PATIENT_INACTIVE or not gap.stated.startswith(LINKED_TO):
        return None
    return gap.stated.removeprefix(LINKED_TO)


def status_line(gaps: Iterable[DataGap]) -> str | None:
    """ "This patient record was merged into another: part of the history may be on the
    surviving record", or None when the record is in use."""
    said = record_status(gaps)
    return None if said is None else f"{said[0]}: {said[1]}"


def _another_patient(counted: str, shown: str) -> str:
    """Another patient's records are excluded, not unread (review 17 M7: "could not be read"
    under "the conclusion may change once it is" invited reading them): they are never this
    patient's data, and their presence is an integration error to report. What that means is
    said once, by the heading over these lines (services/data_gap_section.EXCLUDED_HEAD; audit
    17 M2: said on every line it was three times on one card)."""
    return f"{counted} of another patient excluded" + (f": {shown}" if shown else "")


def _subject_unconfirmed(counted: str, shown: str) -> str:
    """A subject given only as an identifier that matches none of this patient's (review 17
    U1): named with what it is (DataGap.stated), as unconfirmed, never as another patient's."""
    return f"{counted} not read (its patient identifier matches none of this patient's)" + (
        f": {shown}" if shown else ""
    )


def _patient_replaced(counted: str, shown: str) -> str:
    """A Patient record linked `replaced-by` another (review 17 M6): a merge."""
    return (
        f"Patient record merged into another: {shown or 'Patient.link replaced-by'}: "
        f"{_REPLACED_MEANS} and was not read here; check it"
    )


def _patient_inactive(counted: str, shown: str) -> str:
    """A Patient record marked `active: false` with no replaced-by link (review 17 M6): with no
    link at all, where the rest of the history is held is not known, so it is said, never
    guessed; with another link (seealso, refer, replaces: review 19 E2) the record and its
    linked records are named (`shown`: "Patient/a (linked to Patient/b (seealso))")."""
    if LINKED_TO in shown:
        return f"{PATIENT_INACTIVE_SAID}: {shown}: {_LINKED_MEANS}; check it"
    return f"{PATIENT_INACTIVE_SAID}: {_INACTIVE_MEANS}; check it"


# Gap reasons worded by a line of their own rather than "N records could not be read (reason)":
# each given the records counted ("1 medication order and its 5 fills": gap_counts.phrase) and
# the ids named.
OWN_WORDS = {
    ANOTHER_PATIENT: _another_patient,
    SUBJECT_UNCONFIRMED: _subject_unconfirmed,
    PATIENT_REPLACED: _patient_replaced,
    PATIENT_INACTIVE: _patient_inactive,
}
