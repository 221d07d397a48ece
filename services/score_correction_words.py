"""A final scale total a correction replaced (fhir_mapping/corrected_totals.py), named beside the
score a card shows: "PHQ-9 19 on 2026-11-20 (corrected from 7)" (review K47b on fix score53).

Only when it matters: the correction is read and applied, so a line for every correction is
noise (15 corrected to 16 changes nothing). It is named when the replaced total would have given
another conclusion than the one the cards draw:
- a trial's response or remission, its outcome score being the corrected one (the same tests as
  fhir_mapping/trial_outcome.py: RESPONSE_FRACTION, the trial's own remission cut-off);
- a trial's baseline, the corrected one being it: the response it gives, or which side of the
  trial's least baseline for a failure (Trial.failure_min_baseline) it falls;
- the severity the TMS criteria read, the corrected one being its scale's latest total: its
  band (Kroenke 2001 for the PHQ-9, payer_criteria/scale_bands.csv for the others) or which
  side of the clinic's TMS threshold (policy.tms_min_phq9) it falls.
Thresholds are the policy's and the tables': no number is written here.
"""

from __future__ import annotations

from fhir_mapping.record import CorrectedTotal, PatientRecord, Score, Trial
from fhir_mapping.trial_parts import RESPONSE_FRACTION

PHQ9 = "PHQ-9"


def _response(baseline: int | None, after: int | None) -> bool | None:
    if baseline is None or after is None or baseline == 0:
        return None
    return after <= baseline * RESPONSE_FRACTION


def _changes_trial(c: CorrectedTotal, trial: Trial) -> bool:
    """Whether the replaced total, in place of the corrected one, would judge `trial` otherwise."""
    base, after = trial.baseline, trial.on_treatment
    base_value = None if base is None else base.value
    after_value = None if after is None else after.value
    if after is not None and c.of(after):
        below = trial.outcome_remission_below
        if _response(base_value, c.value) != _response(base_value, c.replaced):
            return True
        if (c.value < below) != (c.replaced < below):
            return True
    if base is not None and c.of(base):
        if _response(c.value, after_value) != _response(c.replaced, after_value):
            return True
        floor = trial.failure_min_baseline
        if (c.value >= floor) != (c.replaced >= floor):
            return True
    return False


def _changes_severity(c: CorrectedTotal, record: PatientRecord, cut: int | None) -> bool:
    """Whether the replaced total would put the severity the TMS criteria read (the scale's
    latest total) in another band, or on the other side of the clinic's PHQ-9 threshold `cut`
    (policy.tms_min_phq9; None where a card line has no policy: the bands alone)."""
    # Imported on first use (as tms_severity.py does): the payer_criteria package imports the
    # card modules that import this one (a cycle at import time).
    from services.payer_criteria.bands import scale_band

    latest = [s for s in record.scores if s.instrument == c.instrument and s.value is not None]
    if not latest or not c.of(max(latest, key=lambda s: s.date)):
        return False
    now, before = scale_band(c.instrument, c.value), scale_band(c.instrument, c.replaced)
    if (now and now.label) != (before and before.label):
        return True
    if cut is None or c.instrument != PHQ9:
        return False
    return (c.value >= cut) != (c.replaced >= cut)


def _words(c: CorrectedTotal) -> str:
    return f" ({c.how} from {c.replaced})"


def corrected_words(record: PatientRecord, score: Score, cut: int | None = None) -> str:
    """ " (corrected from 7)" after a score a correction gave, when the replaced total would
    judge a trial otherwise (the count of failed trials rests on it) or put the severity in
    another band or on the other side of the TMS threshold `cut`; else "". The TMS severity
    line (payer_criteria/severity.py) and the scores section (card_evidence.py) say it."""
    if not record.corrected_totals:  # nearly every chart
        return ""
    for c in record.corrected_totals:
        if c.of(score) and (
            any(_changes_trial(c, t) for t in record.trials) or _changes_severity(c, record, cut)
        ):
            return _words(c)
    return ""


def trial_words(record: PatientRecord | None, trial: Trial, score: Score | None) -> str:
    """ " (corrected from 7)" after a trial's baseline or outcome score a correction gave, when
    it changes that trial's response, remission or baseline; else ""."""
    if record is None or score is None or not record.corrected_totals:
        return ""
    for c in record.corrected_totals:
        if c.of(score) and _changes_trial(c, trial):
            return _words(c)
    return ""
