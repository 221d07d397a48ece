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
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.excluded_resources import marked_inactive, surviving_record
from fhir_mapping.record import PatientRecord
from services import cards, screen
from services.recommendation import Recommendation

MERGED = "Merged record"


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


def _inactive(record: PatientRecord) -> bool:
    return any(marked_inactive(g) for g in record.gaps)


def hold_one_click(
    record: PatientRecord,
    recs: Sequence[Recommendation],
    hidden: AbstractSet[str] = frozenset(),
) -> list[Recommendation]:
    """`recs` with every suggestion taken off and the merge named on the first card shown
    (module docstring); `recs` as they are when the Patient is not merged."""
    named = survivor(record)
    if named is None:
        return list(recs)
    held = any(r.suggestions for r in recs if r.topic not in hidden)
    out: list[Recommendation] = []
    first = True
    for rec in recs:
        if first and rec.topic not in hidden:
            first = False
            out.append(
                screen.with_fields(
                    rec,
                    summary=cards.fit_summary(
                        f"{MERGED} (use the surviving one): {rec.summary}",
                        f"{MERGED}: {rec.summary}",
                    ),
                    suggestions=(),
                    detail=cards.join_sections(
                        merged_line(named, held, _inactive(record)), rec.detail
                    ),
                )
            )
            continue
        out.append(screen.with_fields(rec, suggestions=()) if rec.suggestions else rec)
    return out
