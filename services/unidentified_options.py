"""The optimise card's line beside its switch and augment options while a running medication
record could not be identified (fix meds46, review K51a finding 5).

A running order coded only by an RxNorm code the tables do not hold (an SBD-only record: K51a's
venlafaxine under an unknown code, no display, no text) is a data gap (services/data_gaps.py) and
a TMS screen item (unidentified_screen.py), and bupropion is held back by its drug_cautions.csv
row; but the switch list still offered "SNRI: venlafaxine", which may be the very drug that
record is, and the adjuncts (aripiprazole) may be too. The card now names each such record
beside the options, by its resource id, what it states (its codes, a numbered text) and its
day, and asks to check the options against it.

Why a line, not holding every option (the safer of the two that still leaves a pathway): which
option the record is cannot be known, so holding "the specific proposal" would mean holding all
of them, for a record that is as likely lisinopril; the options are the guideline's, and a
one-click adjunct opens a draft whose order checks say they could not include such a record
(unidentified_running.py). Records: unidentified_screen.running_unidentified (said taken now,
or possibly, status unknown). Words: data/unidentified_drug_words.csv `options_check`.

Every card that proposes drugs says it by `options_line` (fix meds47): the optimise card's
switch/augment path, the psychotic-features card (regimen and switch), the switch after
intolerance and the adjuncts after a partial response. A name the tables do not hold, ordered
for depression, is such a record too (fhir_mapping/depression_unknown_name.py).
"""

from __future__ import annotations

from fhir_mapping.record import DataGap, PatientRecord
from services.unidentified_screen import dated_as, running_unidentified, words


def _named(gap: DataGap) -> str:
    """ "MedicationRequest/228934bb-... (RxNorm 725072, ordered 2025-03-10)"."""
    said = [s for s in (gap.stated, dated_as(gap)) if s]
    inside = f" ({', '.join(said)})" if said else ""
    return f"{gap.source}{inside}"


def options_line(record: PatientRecord) -> str | None:
    """The card's paragraph naming the running records not identified (module docstring), or
    None when there is none (nearly every chart)."""
    if not record.gaps:
        return None
    found = running_unidentified(record.gaps)
    if not found:
        return None
    return words().options_check.format(records="; ".join(_named(g) for g in found))
