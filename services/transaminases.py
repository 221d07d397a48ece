"""A raised ALT or AST as evidence for the two liver cautions whose labels speak of transaminases
(review 12 H10): data/transaminase_cautions.csv.

Nefazodone's boxed warning says not to start it with "elevated baseline serum transaminases" and
to withdraw it at 3x the upper limit of normal (ULN) or more; duloxetine's label (Cymbalta 5.2)
says not to prescribe it with "evidence of chronic liver disease", and its hepatic failures
presented with transaminase elevations. Both were read only from coded liver disease
(data/drug_cautions.csv kind liver-disease): a NASH chart with ALT 182 U/L and no code got no card.

How a result counts (`raised`): the latest ALT and the latest AST with a value, each of the last
policy.lab_recent_days (an older one is history, not the baseline now); either at or above
policy.transaminase_uln_multiple (3) times the ULN counts, the higher multiple named. The ULN is
the Observation's own referenceRange high (LabResult.range_high, in the value's unit) when sent,
else policy.transaminase_default_uln (40 U/L) for a value in a unit data/lab_ranges.csv knows
(U/L, IU/L); a value in another unit with no range is not compared. A value sent as an upper
bound ("< 10") is never read as raised; a lower bound ("> 500") counts as its number. A normal or
mildly raised result makes no card (noise).

Only these two drugs: a raised transaminase is not read as cirrhosis for the other drugs'
hepatic dose limits (services/hepatic_doses.py), whose labels speak of a severity of hepatic
impairment that a transaminase does not measure. When liver disease is coded, the coded finding
is what the card names (as before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.labs import LAB_NAMES, ULN_TESTS
from fhir_mapping.record import LabResult, PatientRecord
from services import tables
from services.card_format import fmt_mg
from services.last_answer import kept
from services.policy import Policy

# A value sent as "< x" or "<= x" says only that it is below x: never a raised result.
_UPPER_BOUND = frozenset({"<", "<="})


@dataclass(frozen=True, slots=True)
class TransaminaseCaution:
    """A drug whose label makes a raised transaminase count as its liver caution."""

    ingredient: str
    note: str  # what the label says, as the card line says it
    if_running: str  # what the running-drug card asks of a course already running
    cite: str  # "Serzone boxed warning"
    source: str
    status: str


@cache
def cautions() -> dict[str, TransaminaseCaution]:
    return {
        row["ingredient"].strip().lower(): TransaminaseCaution(
            ingredient=row["ingredient"].strip().lower(),
            note=row["note"].strip(),
            if_running=row["if_running"].strip(),
            cite=row["cite"].strip(),
            source=row["source"].strip(),
            status=row["status"].strip(),
        )
        for row in tables._rows("transaminase_cautions.csv")
    }


def caution_for(ingredient: str) -> TransaminaseCaution | None:
    return cautions().get(ingredient.lower())


@dataclass(frozen=True, slots=True)
class Raised:
    """An ALT or AST at or above the policy's multiple of its upper limit of normal."""

    lab: LabResult
    value: float
    uln: float
    lab_range: bool  # the ULN is the lab's own referenceRange high (else the policy default)
    multiple: float  # the policy's line (3)

    @property
    def times(self) -> float:
        return self.value / self.uln

    def _value(self) -> str:
        sign = f"{self.lab.comparator} " if self.lab.comparator else ""
        unit = f" {self.lab.unit}" if self.lab.unit else ""
        return f"{LAB_NAMES.get(self.lab.test, self.lab.test)} {sign}{fmt_mg(self.value)}{unit}"

    def short(self) -> str:
        """ "ALT 182 U/L on 2025-03-02 (4.6x ULN)", for a summary."""
        return f"{self._value()} on {self.lab.date.isoformat()} ({self.times:.1f}x ULN)"

    def listed_text(self) -> str:
        """ "ALT 182 U/L on 2025-05-12, 4.6x the upper limit of normal": why a list leaves a drug
        out (the switch and augment lists, services/pathway.py)."""
        return (
            f"{self._value()} on {self.lab.date.isoformat()}, {self.times:.1f}x the upper limit "
            "of normal"
        )

    def text(self) -> str:
        """The basis in full: value, date, the ULN and where it comes from, the line, the
        resource."""
        unit = f" {self.lab.unit}" if self.lab.unit else ""
        whose = (
            "the lab's reference range"
            if self.lab_range
            else "no reference range sent: the clinic's default (policy transaminase_default_uln)"
        )
        ref = f"; {self.lab.source}" if self.lab.source is not None else ""
        return (
            f"{self._value()} on {self.lab.date.isoformat()}, {self.times:.1f}x the upper limit "
            f"of normal of {fmt_mg(self.uln)}{unit} ({whose}; {fmt_mg(self.multiple)}x or more "
            f"counts){ref}"
        )

    def key(self) -> str:
        """What a snooze of a card resting on this result is tied to."""
        return f"transaminase|{self.lab.test}|{self.lab.date.isoformat()}"


def _judged(lab: LabResult, policy: Policy) -> Raised | None:
    if lab.value is None or lab.comparator in _UPPER_BOUND:
        return None
    if lab.range_high is not None:
        uln, own = lab.range_high, True
    elif lab.unit is not None and lab.unit.lower() in lab_ranges()[lab.test].units:
        uln, own = policy.transaminase_default_uln, False
    else:
        return None  # a unit the table does not know and no range: not compared
    multiple = policy.transaminase_uln_multiple
    if lab.value < multiple * uln:
        return None
    return Raised(lab, lab.value, uln, own, multiple)


@kept  # the pathway facts and the running-caution card both ask: services/last_answer.py
def raised(record: PatientRecord, policy: Policy) -> Raised | None:
    """The latest ALT and the latest AST with a value, each of the last policy.lab_recent_days,
    judged against its ULN; of those at or above the line, the higher multiple. None when neither
    is (nearly every chart: most have no ALT, and most ALTs are normal)."""
    since = record.as_of - timedelta(days=policy.lab_recent_days)
    latest: dict[str, LabResult] = {}
    for lab in record.context.labs:
        if lab.test not in ULN_TESTS or lab.value is None or lab.date < since:
            continue
        seen = latest.get(lab.test)
        # The latest decides (a repeat that came down is the baseline now); of one day's
        # results the higher, the safer reading.
        if (
            seen is None
            or lab.date > seen.date
            or (lab.date == seen.date and lab.value > (seen.value or 0.0))
        ):
            latest[lab.test] = lab
    found = [r for lab in latest.values() if (r := _judged(lab, policy)) is not None]
    return max(found, key=lambda r: r.times) if found else None
