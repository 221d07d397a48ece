"""Uncontrolled blood pressure with an SNRI or bupropion (review 13 W6).

The venlafaxine label (Effexor XR 5.3) says to control pre-existing hypertension before starting
it and to consider a lower dose or stopping it for a sustained rise; the other SNRI labels and
bupropion's say much the same (data/blood_pressure_cautions.csv, each row with its cite and
status). Esketamine (SPRAVATO) raises blood pressure after every dose, and its label asks for a
reading before each one (review 18b W3): its row is judged on the same policy line. Whether a
course given in clinic runs is services/clinic_courses.py's rule. The readings come from the
`vitals` prefetch key (fhir_mapping/blood_pressure.py).

"Uncontrolled" here: the last two readings both at or above policy.bp_uncontrolled_systolic
(160) or policy.bp_uncontrolled_diastolic (100), the latest of them within policy.bp_recent_days.
Why 160/100 and not ACC/AHA 2017 stage 2 (140/90): services/policy/safety_readings.py. A reading
with one half missing is judged on the half it has (the safer reading: a diastolic of 104 is high
whatever the systolic). Two readings on one day count as two: a repeat in clinic that is still high
is what "sustained" means at a visit.

A drug whose label asks for a reading before each dose (esketamine: "assess blood pressure prior
to dosing"; when raised, as a guide above 140/90, weigh the short-term rise against the benefit)
has its own line in the table (`pre_dose_systolic` / `pre_dose_diastolic`): one reading above it
is that label's decision point, so it is judged alone (`pre_dose_high`; review K35c finding 1: a
single 165/100 before a session gave no card). The two-reading rule stays for the other rows,
whose labels speak of a sustained rise.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import BloodPressure, DataDomain, PatientRecord
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class BpCaution:
    """One row of data/blood_pressure_cautions.csv."""

    ingredient: str
    says: str  # what the label says of blood pressure, as the card quotes it
    if_running: str  # what the label advises once the drug runs
    # What the order card advises, when the drug's label asks for other steps than the oral
    # antidepressants' "control it before starting" (esketamine: a reading before each dose,
    # review 18b W3); "" for the default sentence (order_checks/blood_pressure.py).
    at_order: str
    # What the chart-open card advises for a course given in clinic whose sessions stopped while
    # its order stays open (audit 19 finding 3: a caution for a restart, not a dose review);
    # "" for a drug that is not given as sessions (services/clinic_courses.py).
    if_resumed: str
    cite: str
    source: str
    status: str
    # The label's line for a reading before a dose (esketamine: above 140/90, SPRAVATO Dosage and
    # Administration); None for a drug whose label speaks only of a sustained rise.
    pre_dose_systolic: int | None = None
    pre_dose_diastolic: int | None = None

    @property
    def pre_dose_words(self) -> str:
        """ "140/90 mm Hg" """
        return f"{self.pre_dose_systolic}/{self.pre_dose_diastolic} mm Hg"

    @property
    def flag(self) -> str:
        return " (UNVERIFIED)" if self.status == "UNVERIFIED" else ""


@cache
def _rows() -> dict[str, BpCaution]:
    text = resources.files("services").joinpath("data/blood_pressure_cautions.csv")
    return {
        row["ingredient"].strip().lower(): BpCaution(
            ingredient=row["ingredient"].strip().lower(),
            says=row["says"],
            if_running=row["if_running"],
            at_order=(row.get("at_order") or "").strip(),
            if_resumed=(row.get("if_resumed") or "").strip(),
            cite=row["cite"],
            source=row["source"],
            status=row["status"],
            pre_dose_systolic=_number(row.get("pre_dose_systolic")),
            pre_dose_diastolic=_number(row.get("pre_dose_diastolic")),
        )
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    }


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text else None


def caution_for(ingredient: str) -> BpCaution | None:
    return _rows().get(ingredient.lower())


def _high(reading: BloodPressure, policy: Policy) -> bool:
    systolic, diastolic = reading.systolic, reading.diastolic
    return (systolic is not None and systolic >= policy.bp_uncontrolled_systolic) or (
        diastolic is not None and diastolic >= policy.bp_uncontrolled_diastolic
    )


def uncontrolled(
    record: PatientRecord, policy: Policy
) -> tuple[BloodPressure, BloodPressure] | None:
    """The last two readings (latest first) when both are at or above the policy's line and the
    latest is recent, else None."""
    readings = record.blood_pressures
    if len(readings) < 2:
        return None
    latest, before = readings[-1], readings[-2]
    if (record.as_of - latest.date).days > policy.bp_recent_days:
        return None
    if _high(latest, policy) and _high(before, policy):
        return latest, before
    return None


def pre_dose_high(
    record: PatientRecord, caution: BpCaution, policy: Policy
) -> BloodPressure | None:
    """The latest reading when the drug's row has a pre-dose line, the reading is above it (the
    label's "above 140/90": a reading of exactly 140/90 is not) and it is at most
    policy.bp_pre_dose_days old; else None. A reading with one half missing is judged on the half
    it has, as `_high`."""
    if caution.pre_dose_systolic is None or caution.pre_dose_diastolic is None:
        return None
    readings = record.blood_pressures
    if not readings:
        return None
    latest = readings[-1]
    if (record.as_of - latest.date).days > policy.bp_pre_dose_days:
        return None
    systolic, diastolic = latest.systolic, latest.diastolic
    if (systolic is not None and systolic > caution.pre_dose_systolic) or (
        diastolic is not None and diastolic > caution.pre_dose_diastolic
    ):
        return latest
    return None


def line_words(policy: Policy) -> str:
    """ "160/100 mm Hg (systolic or diastolic)" """
    return (
        f"{policy.bp_uncontrolled_systolic}/{policy.bp_uncontrolled_diastolic} mm Hg "
        "(systolic or diastolic)"
    )


def readings_text(pair: tuple[BloodPressure, BloodPressure]) -> str:
    """ "166/104 mm Hg on 2025-05-20 and 162/102 mm Hg on 2025-04-22": each reading by its day,
    never its resource id (session 21)."""
    return f"{pair[0].text()} and {pair[1].text()}"


def incomplete(record: PatientRecord) -> bool:
    """Whether a later reading may be missing (the `vitals` key partly read)."""
    return record.incomplete(DataDomain.VITALS)
