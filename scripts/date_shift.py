"""Moved to the package (`trd-cds request --shift-dates-to-today` needs it): cds_hooks/date_shift.py.
Re-exported here for the demo and the tests that import it from scripts."""

from cds_hooks.date_shift import days_between, shift_json, shift_resources, shift_value

__all__ = ["days_between", "shift_json", "shift_resources", "shift_value"]
