"""A Condition that names nothing this service can read: a gap of the condition list (fix bip67,
review K61a finding 4).

A problem-list entry under a local code no table knows, with no display and no text (or an
empty `code`), was passed over in silence, and the TMS packet said "Bipolar disorder: none on
record." beside it: the entry may be the bipolar disorder the packet rules out. Such an entry is
a DataGap of the condition domain (a resource left out), so the packet says "none in the
conditions that could be read", as it does when the list is incomplete, and the cards that
count gaps name it. An entry refuted or entered in error states no diagnosis and is not a gap;
nor is one with a display or text (it was read, and names something else), nor one whose code a
condition table knows, nor one coded in a system whose codes the tables cover (SNOMED CT,
ICD-10-CM, ICD-9-CM: their rows come from whole value sets, so a code of theirs no row holds was
read and names none of the diagnoses read; the C-CDA conversions in ../shared/fhir/vendor send
SNOMED CT problems with no display, e.g. 233604007 pneumonia, and they are not gaps). WHO ICD-10
is only partly covered, and a local code not at all: those stay gaps.
"""

from __future__ import annotations

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import ICD9CM, ICD10CM, SNOMED, canonical_system
from fhir_mapping.conditions import DROPPED_VERIFICATION
from fhir_mapping.data_absent import absent_reason
from fhir_mapping.fhir_fields import codings, source_ref, status_code
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.request_resources import Resource
from fhir_mapping.tms_safety import concept_label

UNNAMED_CONDITION = "no code this service knows, no display and no text"

# The systems the condition tables cover whole (module docstring).
COVERED_SYSTEMS = frozenset({SNOMED, ICD10CM, ICD9CM})


def unnamed_condition_gap(resource: Resource) -> DataGap | None:
    """The gap of a Condition nothing of whose code can be read (module docstring), else None.
    Asked only of the Conditions no reader kept (chart_walk.py): nearly none."""
    if status_code(resource.get("verificationStatus")) in DROPPED_VERIFICATION:
        return None
    concept = resource.get("code")
    if absent_reason(concept):
        return None  # withheld by a data-absent-reason: masked_codes.py's gap already
    coded = codings(concept)
    if concept_label(concept, coded):
        return None
    if any(
        canonical_system(system) in COVERED_SYSTEMS or condition_matches(system, code)
        for system, code, _ in coded
        if code
    ):
        return None
    return DataGap(DataDomain.CONDITIONS, UNNAMED_CONDITION, source_ref(resource))
