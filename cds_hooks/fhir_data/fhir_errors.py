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


class FhirRedirected(FhirBadResponse):
    """A 3xx answer: redirects are never followed (the token would go with them). Its own class
    so that a redirected Patient read, Epic's answer for a merged patient, is named as such
    (prefetch_fetch.fetch: review K51b finding 4)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class FhirForbiddenUrl(FhirError):
    reason = "forbidden-url"
