"""A visit's discharge disposition as a card names it (fhir_mapping/discharge_disposition.py reads
it from Encounter.hospitalization.dischargeDisposition; data/discharge_dispositions.csv). Apart
from the reader so the record types (Admission, Finding) can hold it without importing the
readers."""

from __future__ import annotations

from dataclasses import dataclass

# `Disposition.kind` values (data/discharge_dispositions.csv, column kind).
AGAINST_ADVICE = "against-advice"
PSYCHIATRIC_TRANSFER = "psychiatric-transfer"


@dataclass(frozen=True, slots=True)
class Disposition:
    """A row of data/discharge_dispositions.csv: what the disposition means for the card."""

    kind: str  # AGAINST_ADVICE | PSYCHIATRIC_TRANSFER
    words: str  # "left against medical advice"
    note: str  # the card's sentence on it, with its source
