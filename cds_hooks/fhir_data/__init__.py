"""Getting the chart: prefetch, FHIR fetches, and the one-patient / hook-context checks."""
