"""FHIR R4 resources (plain JSON dicts) -> frozen domain records the decision rules read."""

from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord

__all__ = ["MappingPolicy", "PatientRecord", "build_record"]
