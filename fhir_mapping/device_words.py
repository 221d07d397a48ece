"""A Device's words and kinds: its type's text and names (`device_text`), what the chart calls
it (`device_label`) and its kinds (`device_kinds`: by code, data/device_codes rows of
clinical_codes.device_codes, else by words: data/procedure_terms.csv rows applying to `device`,
and a PAP in any mode by the sleep-apnea treatment words, data/sleep_apnea_treatment_terms.csv).

Apart from procedures_devices.py (which turns a Device into findings), which is at the module
size limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping import sleep_apnea_text, tms_safety
from fhir_mapping.clinical_codes import any_code_in, device_codes, term_kinds
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings, concept_text

Resource = Mapping[str, Any]

# The kind procedures_devices.py reads as SLEEP_APNEA_TREATED (data/procedure_terms.csv "cpap").
_CPAP = "cpap"


def device_text(resource: Resource) -> str:
    parts = [concept_text(resource.get("type"))]
    for name in array(resource.get("deviceName")):
        if isinstance(name, JSON_OBJECT) and isinstance(name.get("name"), str):
            parts.append(name["name"].lower())
    return " ".join(parts)


def device_kinds(resource: Resource) -> tuple[str, ...]:
    row = any_code_in(codings(resource.get("type")), device_codes())
    if row is not None:
        return (row.kind,)
    text = device_text(resource)
    kinds = term_kinds(text, "device")
    # A PAP in any of its modes ("BiPAP", "AutoPAP", "APAP") is the CPAP kind: the sleep-apnea
    # treatment words a problem's text is read by (data/sleep_apnea_treatment_terms.csv role
    # `treatment`), one table (review K61a s39 finding 7: a Device "BiPAP" beside G47.33 left
    # "untreated sleep apnea"); the procedure_terms.csv cpap rows no longer apply to devices.
    return kinds if kinds or not sleep_apnea_text.says_treated(text) else (_CPAP,)


def device_label(resource: Resource) -> str:
    """What the chart calls the device: its type text or display, else its name."""
    label = tms_safety.concept_label(resource.get("type"))
    if label:
        return label
    for name in array(resource.get("deviceName")):
        if isinstance(name, JSON_OBJECT) and isinstance(name.get("name"), str) and name["name"]:
            return str(name["name"])
    return ""
