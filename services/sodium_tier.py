"""The profound tier of a low sodium (session 29 sodium31), read by the low-sodium cards.

A sodium "< 110 mmol/L" with venlafaxine running at 80 got the warning card a sodium of 129 gets:
the sodium-low rows (data/lab_safety.csv) draw one line, 130 mmol/L. Their own source, the
European hyponatraemia guideline (Spasovski 2014), grades below 125 as profound. The
sodium-profound row holds that line and the card's indicator (critical) and what to do; which
drugs it applies to stays with the sodium-low rows, so the patient-view card
(rules/running_sodium.py: an SSRI or SNRI running) and the order check (order_checks/labs.py: an
SSRI, SNRI, mirtazapine or tricyclic drafted) cover the drugs they did.

Only a value compared in a known unit places a sodium in the tier, a bound read as what it says
("< 110" is below 125; "< 130" is not known to be). The lab's flag does not: an L is the lab's
own range, which says nothing of 125; an LL keeps the patient-view card critical as the lab's
call (labsw30), in the words of the flag, never "profound".
"""

from __future__ import annotations

from fhir_mapping.record import LabResult
from services import lab_safety
from services.lab_safety import LabRule
from services.recommendation import Indicator

CHECK = "sodium-profound"


def profound(lab: LabResult) -> LabRule | None:
    """The sodium-profound row when `lab`'s compared value is below its line, else None."""
    row = next((r for r in lab_safety.rules() if r.check == CHECK), None)
    if row is None or lab_safety.value(lab) is None:
        return None
    return row if lab_safety.below(row, lab) else None


def indicator(row: LabRule) -> Indicator | None:
    """The row's card indicator ("critical"), or None: the topic's own."""
    return Indicator(row.indicator) if row.indicator else None
