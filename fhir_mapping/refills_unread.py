"""Trials whose refill data could not be read: adherence not known, adequacy not confirmed.

THE RULE (review s21 RC W2; decided by the lead, the safer reading): when the chart's orders were
read but its MedicationDispense data could NOT be (the FHIR search answered an error or could not
be read, or the EHR sent an error OperationOutcome in place of them: GapCause.NOT_READ), the
refill data that would judge each course taken at home exist and were not seen. A course they
could have shown poorly taken (fixtures/poor_adherence: PDC 16 %) must not read as "1 adequate
trial failed", which would send the patient on towards a switch, augmentation or TMS on a trial
the record may contradict. So each course with an order or a MedicationStatement (`_judged_by_refills`):
- has adherence "not known (refill data could not be read)" (AdherenceStatus.UNVERIFIED, with
  `not_verified` saying so), whatever its orders' documented compliance says (that verifies
  adherence only where no refill data exist, adherence_documented.py; here they may);
- is not confirmed adequate: an ADEQUATE course becomes INADEQUATE (ONGOING while it runs) with
  the one reason ADHERENCE_NOT_READ, so it is not counted as a failed adequate trial (TRD count,
  TMS criteria, Maudsley staging) and the adherence card asks to confirm adherence first.
A course known from MedicationStatements alone follows the same rule (session 21 RCM, the safer
reading): a drug an outside prescriber ordered, recorded at medication reconciliation, is still
filled at a pharmacy, and those fills (with no authorising order in this EHR: a pharmacy network's
fill history) are the only evidence of adherence the record can hold; with them read, such a
course read "1 trial not adequate (escitalopram PDC 53 %)", with the dispense search failed "1
adequate trial failed (escitalopram), self-reported" (tests/services/fill_order_drug_charts/
escitalopram_statements_only_pdc16_fills.json). A patient's statement that a drug is taken is no
evidence it was taken as prescribed, so it does not make the fills moot.
Kept as they are: a course with neither (fills alone: none was read when the dispense search
failed; given in clinic, MedicationAdministration or procedures: refills do not judge them),
documented non-compliance (POOR: the record contradicts adherence whatever the fills say), and a
course judged for intolerance (its refill data are not judged).

Data merely NOT OFFERED (an EHR that does not send or serve dispenses: GapCause.NOT_PROVIDED)
keeps the service's long-standing reading, adherence "no dispensing data" and the verdict on
the doses and weeks alone: that is a set-up fact the whole chart shares, not refill data that
exist and were missed.

Which reading applies is `dispense_read`, the one place it is decided (review s21 RR finding 4):
- NOT READ also when the dispense feed is marked incomplete (a warning OperationOutcome saying
  the search timed out or was withheld, a `next` page not followed, a total short of the
  entries) and holds no MedicationDispense at all: nothing of it was read, so the trial is
  judged as for a failed search. Read as PARTIAL, a timed-out search with no dispense let
  sertraline count as "1 adequate trial failed" while the same search answering an error said
  "not counted ... until confirmed". Epic's "no results" warning (4101) marks nothing
  incomplete (cds_hooks/fhir_data/outcome_issues.py): a true empty search, read as before.
- PARTIAL (incomplete, some dispenses read): the fills read are real, so a VERIFIED adherence and
  an ADEQUATE verdict stand (the missing fills could only add supply). But the gaps between them
  and a low PDC may be only the fills not read: a POOR adherence built from the refill data
  becomes "not known (refill data incomplete)" (`refills_incomplete`), never "adherence
  contradicted by refill data", and its POOR_ADHERENCE reason becomes ADHERENCE_NOT_READ: not a
  failed adequate trial until confirmed, as above. Documented non-compliance stays POOR (the
  record's own word, whatever the fills). A course judged by refills of which NO fill was read
  (review s24 RS W1: venlafaxine's fills all on the `next` page not followed, the sertraline
  fills on page 1 read) is read exactly as in a feed NOT READ (`_unread`), its adherence "not
  known (refill data incomplete)": it read "order of 2025-03-10 still active, never filled or
  renewed" and counted as the second failed adequate trial (switch, augment, TMS referral) on
  the strength of the page not read. Nor does such a feed show an order never filled (rule 2c's
  fill feed, fhir_mapping/unfilled_order.py): build.py asks `dispense_read` before the courses
  are built and tells episodes.build_trials (`partial_feed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from enum import Enum
from typing import Any

from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    InadequacyReason,
    Trial,
    Verdict,
)

# The feed MedicationDispense data are reported under (cds_hooks/fhir_data: gap_feeds.feed), which
# is their resource type.
DISPENSE_FEED = "MedicationDispense"

# The adherence a card says of such a course (services/trial_adherence_text.py).
REFILLS_NOT_READ = "not known (refill data could not be read)"
# ... and of a course whose POOR refill adherence rests on a feed read only in part.
REFILLS_INCOMPLETE = "not known (refill data incomplete)"
# Either: adherence not known because of the refill data not (all) read; Adherence.not_verified.
REFILLS_UNKNOWN = frozenset({REFILLS_NOT_READ, REFILLS_INCOMPLETE})


class DispenseRead(Enum):
    """How much of the chart's MedicationDispense feed was read."""

    READ = "read"  # whole, or not offered at all (GapCause.NOT_PROVIDED: read as before)
    PARTIAL = "partial"  # some dispenses read, more may exist
    NOT_READ = "not-read"  # tried, and none of it read


def dispense_read(
    read_failed: AbstractSet[str],
    incomplete: Mapping[str, str],
    medication_resources: Iterable[Mapping[str, Any]],
) -> DispenseRead:
    """The reading of the dispense feed from the protocol layer's report (`read_failed`,
    `incomplete`, by feed) and the patient's medication resources: a feed marked incomplete
    that holds no MedicationDispense is NOT_READ (module docstring)."""
    if DISPENSE_FEED in read_failed:
        return DispenseRead.NOT_READ
    if DISPENSE_FEED in incomplete:
        held = any(r.get("resourceType") == DISPENSE_FEED for r in medication_resources)
        return DispenseRead.PARTIAL if held else DispenseRead.NOT_READ
    return DispenseRead.READ


def refills_judged(trials: Sequence[Trial], reading: DispenseRead) -> tuple[Trial, ...]:
    """`trials` as the dispense feed's reading (`dispense_read`) leaves them: `refills_unread`
    when it was not read, `refills_incomplete` when read in part, else as they are."""
    if reading is DispenseRead.NOT_READ:
        return refills_unread(trials)
    if reading is DispenseRead.PARTIAL:
        return refills_incomplete(trials)
    return tuple(trials)


def unknown_words(trial: Trial) -> str:
    """ "refill data could not be read" or "refill data incomplete": why an ADHERENCE_NOT_READ
    course's adherence is not known, as the summaries and the timeline say it."""
    if trial.adherence.not_verified == REFILLS_INCOMPLETE:
        return "refill data incomplete"
    return "refill data could not be read"


_ADEQUATE = Verdict.ADEQUATE
_POOR = AdherenceStatus.POOR
_POOR_ADHERENCE = InadequacyReason.POOR_ADHERENCE
_NOT_READ = InadequacyReason.ADHERENCE_NOT_READ
_INTOLERANCE = InadequacyReason.INTOLERANCE


def refills_unread(trials: Sequence[Trial]) -> tuple[Trial, ...]:
    """`trials` with the module's rule applied; why the refill data could not be read is the
    cards' data gap to name (GapCause.NOT_READ), not the trial's."""
    return tuple([_unread(t) for t in trials])


# The records of a course taken at home whose refills would judge it (the module docstring).
_JUDGED_BY_REFILLS = frozenset({"MedicationRequest", "MedicationStatement"})


def _judged_by_refills(trial: Trial) -> bool:
    return any(s.resource_type in _JUDGED_BY_REFILLS for s in trial.sources)


def _unread(trial: Trial, words: str = REFILLS_NOT_READ) -> Trial:
    if not _judged_by_refills(trial):
        return trial  # no order or statement whose refills were missed
    if trial.adherence.status is _POOR or _INTOLERANCE in trial.reasons:
        return trial
    adherence = Adherence(
        AdherenceStatus.UNVERIFIED,
        documented=trial.adherence.documented,
        not_verified=words,
    )
    if trial.verdict is not _ADEQUATE:
        return replace(trial, adherence=adherence)
    return replace(
        trial,
        adherence=adherence,
        verdict=Verdict.ONGOING if trial.ongoing else Verdict.INADEQUATE,
        reasons=(_NOT_READ,),
        adequate_from=None,
    )


def refills_incomplete(trials: Sequence[Trial]) -> tuple[Trial, ...]:
    """`trials` with the PARTIAL rule applied (module docstring): a POOR adherence built from
    refill data read only in part is not known, and no course is not adequate for it; a course
    none of whose fills was read is read as `refills_unread` reads it."""
    return tuple([_incomplete(t) for t in trials])


def _incomplete(trial: Trial) -> Trial:
    adherence = trial.adherence
    if adherence.fills == 0:
        # None of its fills read: they may all be on the page not read (module docstring).
        return _unread(trial, REFILLS_INCOMPLETE)
    # `documented` set on a POOR course: non-compliance the record states (adherence_documented).
    if adherence.status is not _POOR or adherence.documented is not None:
        return trial
    reasons = tuple(
        dict.fromkeys([_NOT_READ if r is _POOR_ADHERENCE else r for r in trial.reasons])
    )
    return replace(
        trial,
        # The fills read are kept as a count ("no dispensing data" is never said of them); their
        # PDC and gaps are not shown: they may be only the fills not read.
        adherence=Adherence(
            AdherenceStatus.UNVERIFIED,
            fills=adherence.fills,
            estimated=adherence.estimated,
            not_verified=REFILLS_INCOMPLETE,
        ),
        reasons=reasons,
    )
