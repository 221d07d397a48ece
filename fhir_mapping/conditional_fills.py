"""Which fills of a drug read only with another are deferred alike, for one chart's walk.

A drug read only with another (lisinopril with lithium: DrugInfo.read_only_with) is deferred by
medications.py until the drugs of the chart are known, and most charts never read it. Before it is
deferred, each fill of it is still checked as any fill is: its drug read (read_drug), its code
against its name (product_conflict.drug_conflict) and its product against its order's
(fill_order_mismatch): ~43 k instructions a fill, 126 lisinopril fills of a 10-year chart, about
6 % of its first sight (issue 14, perf16). For a fill that codes its drug inline (no
medicationReference) of a product that needs no stated form (stated_form.read_without_form),
those three answers depend on the concept's content and the one order it fills alone:
read_drug's components are the concept's look itself, drug_conflict reads the concept with that
look, and the mismatch compares the look's ingredients with the order's reading, remembered by
order id for the walk (order_readings.py). So a fill whose (concept, order) an earlier fill of the
same walk was deferred for, with no gap, is deferred the same way without the checks
(`conditional_key`). The set lives in one medication_events call: never across charts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.authorising_order import the_order
from fhir_mapping.drug_concept import ConceptLook
from fhir_mapping.stated_form import read_without_form

# (the concept's memo key: its content, drug_concept.concept_look; the order it fills or None)
ConditionalKey = tuple[bytes, str | None]


def conditional_key(resource: Mapping[str, Any], look: ConceptLook | None) -> ConditionalKey | None:
    """The key of a fill (medication_drug.read_only_with_another(look) already true) whose
    checks before deferral depend on its concept and order alone (module docstring), or None
    when they may depend on more (a medicationReference, a product read by its stated form, a
    concept with no content key) and the fill is read in full."""
    if look is None or look[0] is None or read_without_form(look[1]):
        return None
    if resource.get("medicationReference") is not None:
        return None
    return look[0], the_order(resource)
