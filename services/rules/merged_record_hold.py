"""A chart whose Patient is merged into another record: every one-click held, the merge said
first (audit 17 W4).

A Patient whose `link` says `replaced-by` (FHIR link type: "the patient resource containing this
link must no longer be used"; usually also `active: false`) is a duplicate the EHR has merged into
a surviving record (fhir_mapping/excluded_resources.replaced_record_gaps). Its history here may be
only part of the patient's, so the cards' conclusions ("2 adequate trials failed") may be
incomplete, and any order written from a card would be written on the inactive record, where no
one follows it up. So:
- every suggestion of every card is taken off as a one-click (not just the pathway ones: a
  same-day assessment ordered on the inactive record is as lost as an adjunct); the cards keep
  their text, which may still matter on the surviving record;
- one line at the top of the first card shown names the surviving record and says the one-clicks
  are held;
- that card's summary starts by saying the record was merged, for the clinician who reads
  summaries only.
Nothing is done when no merge link is on the Patient (nearly always).

A Patient marked `active: false` with no link (review 17 M6, its other half; FHIR R4
Patient.active: "whether this patient record is in active use") is held the same way: it may be a
duplicate or a closed record whose history is held elsewhere, and an order written on it is as
lost as on a merged one. The safer choice: the same hold, the first card's line saying the record
is inactive and where the rest may be is not known (no surviving record is named, none is known).
An inactive Patient linked to another record by a link other than replaced-by (seealso, refer,
replaces: review 19 E2) is held the same way, and the line names the linked records: where the
rest of the history may be (fhir_mapping/excluded_resources.py), never called the record to use.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.excluded_resources import inactive_not_merged, marked_inactive, surviving_record
from fhir_mapping.gaps import PATIENT_INACTIVE_SAID, inactive_links
from fhir_mapping.record import PatientRecord
from services import cards, screen
from services.recommendation import Recommendation

MERGED = "Merged record"
INACTIVE = "Inactive record"
# How the inactive record is said, here and as the data-quality card's summary: a card that
# already leads with it is not prefixed again (said once, audit 17 M2).
INACTIVE_SAID = PATIENT_INACTIVE_SAID


def survivor(record: PatientRecord) -> str | None:
    """The surviving record this chart's Patient was merged into, else None."""
    return next((s for g in record.gaps if (s := surviving_record(g)) is not None), None)


def merged_line(named: str, held: bool, inactive: bool = True) -> str:
    """ "**This chart is an inactive record merged into Patient/x**: open the surviving record
    and decide there; ...". No button labels (audit 17 M4: a list of labels is noise). "Inactive"
    only when the EHR marked it so (review 17 second recheck M9)."""
    said = (
        f"This chart is an inactive record merged into {named}"
        if inactive
        else f"This chart's record was merged into {named}"
    )
    which = "inactive" if inactive else "merged"
    off = f"; the one-click orders are held (they would be written on this {which} record)"
    return (
        f"**{said}**: open the surviving record "
        f"and decide there; the history here may be incomplete{off if held else ''}."
    )


def inactive_line(held: bool, linked: str | None = None) -> str:
    """The first card's line for a Patient marked inactive with no replaced-by link, naming the
    records it is `linked` to when it has other links (module docstring)."""
    off = "; the one-click orders are held (they would be written on this inactive record)"
    where = (
        f", linked to {linked}**: the history may be incomplete or held under the linked record"
        if linked
        else "**: the history may be incomplete or held under another record"
    )
    return (
        f"**{INACTIVE_SAID}{where}; find the record in use and decide there{off if held else ''}."
    )


def linked_records(record: PatientRecord) -> str | None:
    """The records an inactive Patient is linked to (not by replaced-by), else None."""
    return next((s for g in record.gaps if (s := inactive_links(g)) is not None), None)


def _inactive(record: PatientRecord) -> bool:
    return any(marked_inactive(g) for g in record.gaps)


def _inactive_not_merged(record: PatientRecord) -> bool:
    return any(inactive_not_merged(g) for g in record.gaps)


def hold_one_click(
    record: PatientRecord,
    recs: Sequence[Recommendation],
    hidden: AbstractSet[str] = frozenset(),
) -> list[Recommendation]:
    """`recs` with every suggestion taken off and the merge (or the inactive record) named on the
    first card shown (module docstring); `recs` as they are when the Patient is neither."""
    named = survivor(record)
    if named is None and not _inactive_not_merged(record):
        return list(recs)
    held = any(r.suggestions for r in recs if r.topic not in hidden)
    head = MERGED if named is not None else INACTIVE
    line = (
        merged_line(named, held, _inactive(record))
        if named is not None
        else inactive_line(held, linked_records(record))
    )
    out: list[Recommendation] = []
    first = True
    for rec in recs:
        if first and rec.topic not in hidden:
            first = False
            if named is None and rec.summary.startswith(INACTIVE_SAID):
                # The data-quality card leading with the inactive record: said already.
                out.append(screen.with_fields(rec, suggestions=()) if rec.suggestions else rec)
                continue
            out.append(
                screen.with_fields(
                    rec,
                    summary=cards.fit_summary(
                        f"{head} (use the surviving one): {rec.summary}"
                        if named is not None
                        else f"{head} (find the one in use): {rec.summary}",
                        f"{head}: {rec.summary}",
                    ),
                    suggestions=(),
                    detail=cards.join_sections(line, rec.detail),
                )
            )
            continue
        out.append(screen.with_fields(rec, suggestions=()) if rec.suggestions else rec)
    return out
