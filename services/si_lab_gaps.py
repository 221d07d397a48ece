"""When the SI-unit labs not received change nothing (review 17 W2).

B12, folate and 25-OH vitamin D reported in moles (pmol/L, nmol/L) come under the `labsSI`
prefetch key; an EHR that does not send it (its CDS Hooks registration predates the key) and
offers no FHIR server leaves them unseen, and the diagnosis-review card names the gap. A US lab
reports these tests in mass units, read under the `labs` key: when each of them has a result
there within the card's lab look-back (policy.tsh_lookback_days, the window the card judges a lab
recent by), an SI result could add nothing the card does not already read, and naming the gap
on every such card is noise. Otherwise the gap stays, in the plain words of
fhir_mapping.gaps.SI_LABS_NOT_RECEIVED.
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.record import DataDomain, DataGap, GapCause, PatientRecord

# The tests the `labsSI` key carries (fhir_mapping/data/lab_si_units.csv).
_SI_TESTS = frozenset({"b12", "folate", "vitamin-d"})


def moot(record: PatientRecord, lookback_days: int) -> frozenset[DataGap]:
    """The SI-unit labs' whole-key gaps, when every test of the key has a result on record
    dated within `lookback_days` of as-of (in whatever unit: the mass one, read under `labs`);
    else none."""
    gaps = [
        g
        for g in record.gaps_in(DataDomain.SI_LABS)
        if g.source is None and g.cause is not GapCause.LEFT_OUT
    ]
    if not gaps:
        return frozenset()
    since = record.as_of - timedelta(days=lookback_days)
    recent = {
        lab.test for lab in record.context.labs if lab.date >= since and lab.test in _SI_TESTS
    }
    return frozenset(gaps) if recent >= _SI_TESTS else frozenset()
