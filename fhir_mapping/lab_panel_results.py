"""The further results of a panel carrying more than one test as components: a thyroid panel
(LOINC 24348-5, data/lab_panels.csv) with its TSH and its free T4 (lab54 item 1).

labs.lab_result reads one result per Observation: of a panel, the first of its tests found among
the components (an ECG's QTc; a thyroid panel's TSH). A thyroid panel's free T4 is a result as
much as its TSH: left out, the card would ask for a free T4 drawn with the TSH that the panel
holds. So each other test of the panel found among its components is read here as a result of
its own, dated and sourced by the panel, with the panel's status, as the first one is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from fhir_mapping.labs import _PANELS, _from_components
from fhir_mapping.record import LabResult

Resource = Mapping[str, Any]


def panel_extras(resource: Resource, first: LabResult, panel: str | None) -> list[LabResult]:
    """The results of `panel`'s other tests among `resource`'s components, beside `first` (the
    one labs.lab_result read); [] for a resource that is not such a panel or carries no other."""
    tests = _PANELS.get(panel or "", ())
    if len(tests) < 2 or first.panel != panel:
        return []
    extras: list[LabResult] = []
    for test in tests:
        if test == first.test:
            continue
        found = _from_components(resource, (test,), first.date)
        if found is not None:
            extras.append(replace(found, status=first.status, panel=panel))
    return extras
