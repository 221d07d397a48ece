"""A course known only from a listing: never an adequate trial on that alone (review s23 RT
finding 2).

A MedicationStatement with no effective[x] and only a dateAsserted ("taking escitalopram 20 mg"
recorded at intake) is read from that day (medication_dates.py) and, `active`, runs on to as-of
for statement_confirmed_days (episodes.py rule 2c): the safety checks (interactions, MAOI
washout, QTc, age limits) see it as a running drug, the safer reading, and keep doing so here.
But FHIR R4 MedicationStatement.dateAsserted is "when the statement was asserted by the
information source": the day the drug was listed, not the day it was begun. Counted from it,
"2026-10-02 – ongoing, 8.6 weeks, adequate" claimed a start the record never gave, and a PHQ-9
after it could make it "1 adequate trial failed", sending the patient towards a switch,
augmentation or TMS on weeks no record shows.

THE RULE (the lead's decision, session 23): a course whose every record is such a statement
(course_length.listed_undated) is not ADEQUATE on the listing alone: an ADEQUATE verdict becomes
ONGOING while it runs (INADEQUATE once ended) with the one reason TOO_SHORT, and every surface
says "start not recorded (listed 2026-10-02)" and "adequacy to confirm" (services/trial_dates.py
`listed_text`), as a course of an end-only statement says "start not recorded". Its weeks stay
those counted from the listing (the time the record shows it listed), never shown as measured
weeks at an adequate dose. Not a failed trial for the TRD count, the TMS criteria or the
Maudsley count. The course's start, end and `ongoing` are unchanged: every safety check reads it
as before. A course with an order, a fill or a statement stating effective[x] is not touched.
"""

from __future__ import annotations

from dataclasses import replace

from fhir_mapping.course_length import listed_undated
from fhir_mapping.record import InadequacyReason, Trial, Verdict

_ADEQUATE = Verdict.ADEQUATE


def listed_to_confirm(trial: Trial) -> Trial:
    """`trial` with the module's rule applied: unchanged unless it is a `listed_undated` course
    judged ADEQUATE. Trial.entry_dated is read first: False for nearly every course."""
    if not trial.entry_dated or trial.verdict is not _ADEQUATE or not listed_undated(trial):
        return trial
    return replace(
        trial,
        verdict=Verdict.ONGOING if trial.ongoing else Verdict.INADEQUATE,
        reasons=(InadequacyReason.TOO_SHORT,),
        adequate_from=None,
    )
