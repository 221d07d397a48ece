"""When the SI-unit labs not received change nothing (review 17 W2).

B12, folate and 25-OH vitamin D reported in moles (pmol/L, nmol/L), and TSH under its assay
codes 11580-8 / 11579-0 (review s19 M3), come under the `labsSI` prefetch key; an EHR that does
not send it (its CDS Hooks registration predates the key) and offers no FHIR server leaves them
unseen, and the diagnosis-review card names the gap. Each of these tests has a code under the
`labs` key too (mass units; TSH 3016-3): when each has a result there within the card's lab
look-back (policy.tsh_lookback_days, the window the card judges a lab recent by), a result
under `labsSI` could add nothing the card does not already read, and naming the gap on every
such card is noise. Otherwise the gap stays, in the plain words of
fhir_mapping.gaps.SI_LABS_NOT_RECEIVED. A drug level the key carries (the nortriptyline level,
data/lab_level_codes.csv: review s25 RK3 finding 7) has no code under `labs`; it is needed only
while the patient has a course of that drug on record, so only then does its absence keep the
gap.
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.lab_si_key import key_tests, level_tests
from fhir_mapping.record import DataDomain, DataGap, GapCause, PatientRecord


def moot(record: PatientRecord, lookback_days: int) -> frozenset[DataGap]:
    """The SI-unit labs' whole-key gaps, when every test of the key has a result on record
    dated within `lookback_days` of as-of (in whatever unit or code: the ones read under `labs`);
    else none. The tests are fhir_mapping/lab_si_key.py's: TSH among them, so a chart with no
    recent TSH keeps the gap line (review s19 M3)."""
    gaps = [
        g
        for g in record.gaps_in(DataDomain.SI_LABS)
        if g.source is None and g.cause is not GapCause.LEFT_OUT
    ]
    if not gaps:
        return frozenset()
    since = record.as_of - timedelta(days=lookback_days)
    taken = {trial.ingredient for trial in record.trials}
    tests = key_tests() - {test for test in level_tests() if test not in taken}
    recent = {lab.test for lab in record.context.labs if lab.date >= since and lab.test in tests}
    return frozenset(gaps) if recent >= tests else frozenset()
