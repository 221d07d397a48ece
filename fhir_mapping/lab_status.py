"""A drug-safety lab result with a value whose status is missing, malformed or a code no row of
data/result_statuses.csv names: read as a result, the status said beside its date (session 30
status32, the lead's decision).

Status31 named such a result under "Data not read" and read nothing of it: a lithium 1.6 with
no status gave a data-quality warning only, not the toxicity card a final 1.6 raises, and the
interaction card said "no lithium level since" beside it. The safer reading for the patient is
to read it: a result withdrawn carries `entered-in-error` and one not done `cancelled` (both
still dropped, as their rows say), a pending one has no value (left out: nothing a check reads
is there), so a value with no status to say otherwise is most likely the final result. The card
line names it ("1.6 mmol/L on 2026-11-18 (status missing)"), so nobody reads it as verified.

Only the drug-safety labs (`STATUSLESS_READ`): the levels and results a safety card acts on at
once. The other tests (TSH, the metabolic labs, ALT / AST) keep status31's gap: no card acts on
one of them alone, and a gap holds the conclusions resting on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.result_statuses import OBSERVATION, given, named, unrecognised

Resource = Mapping[str, Any]

# The drug-safety labs (lab_tests.py keys): lithium and tricyclic levels, sodium, the QTc (and
# the ECG carrying it), eGFR / creatinine, hCG. Which tests this service's safety checks read,
# not a clinical fact (the checks' own rows carry their sources).
STATUSLESS_READ = frozenset(
    {
        "lithium",
        "nortriptyline",
        "amitriptyline-nortriptyline",
        "imipramine-desipramine",
        "sodium",
        "qtc",
        "ecg",
        "egfr",
        "creatinine",
        "hcg",
    }
)


def statusless_words(resource: Resource, test: str) -> str | None:
    """How the card names the status of a drug-safety result read whatever its status ("status
    missing", "status not readable", "status 'final-ish' not recognised"), or None: not read so
    (another test, a status a row names, no value)."""
    if test not in STATUSLESS_READ:
        return None
    status = given(resource.get("status"))
    if not unrecognised(OBSERVATION, status) or not valued(resource):
        return None
    return named(OBSERVATION, status)


def valued(resource: Resource) -> bool:
    """A value of its own, or components (an ECG's QTc): a pending result has neither."""
    return any(k.startswith("value") for k in resource) or bool(resource.get("component"))
