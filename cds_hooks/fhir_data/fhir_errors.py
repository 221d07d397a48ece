"""The exceptions of a FHIR read (the tree in fhir_source.py's docstring): a FhirError names its
`reason`, the code a hook's log line and error body carry.

Apart from fhir_source.py so that what raises them without sending a request (search_bundles.py
reading a Bundle) need not import the HTTP client. Importable from fhir_source.py too.
"""

from __future__ import annotations


class FhirError(Exception):
    reason = "fhir-error"


class FhirTimeout(FhirError):
    reason = "timeout"


class FhirAuthError(FhirError):
    reason = "unauthorized"


class FhirNotFound(FhirError):
    reason = "not-found"


class FhirUnavailable(FhirError):
    reason = "unavailable"


class FhirBadResponse(FhirError):
    reason = "bad-response"


class FhirForbiddenUrl(FhirError):
    reason = "forbidden-url"
