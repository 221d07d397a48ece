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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    InadequacyReason,
    Trial,
    Verdict,
)

# The feed MedicationDispense data are reported under (cds_hooks/fhir_data: gap_feeds.feed).
DISPENSE_FEED = "MedicationDispense"

# The adherence a card says of such a course (services/trial_adherence_text.py).
REFILLS_NOT_READ = "not known (refill data could not be read)"

_ADEQUATE = Verdict.ADEQUATE
_POOR = AdherenceStatus.POOR
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


def _unread(trial: Trial) -> Trial:
    if not _judged_by_refills(trial):
        return trial  # no order or statement whose refills were missed
    if trial.adherence.status is _POOR or _INTOLERANCE in trial.reasons:
        return trial
    adherence = Adherence(
        AdherenceStatus.UNVERIFIED,
        documented=trial.adherence.documented,
        not_verified=REFILLS_NOT_READ,
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
