"""The bytes one hook call may read from the FHIR server, all searches and pages together.

`[fhir] max_response_bytes` caps one response, but a call runs ~19 searches at once, each up to
`max_pages` pages: only the time budget bounded the total, at whatever the link carried in 5 s
(review s25 RP M1). `[fhir] max_call_bytes` bounds it: the read that passes it fails as an
oversized response does (FhirBadResponse: that key is not had, a 412 or a gap names it), and so
does every read of the call after it. Shared by the threads that fetch for one call.
"""

from __future__ import annotations

import threading

from cds_hooks.fhir_data.fhir_errors import FhirBadResponse


class ByteBudget:
    """Bytes left for one hook call's FHIR reads (thread-safe)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._used = 0
        self._lock = threading.Lock()

    def charge(self, size: int) -> None:
        """Count `size` more bytes read; raise FhirBadResponse once the call has read more than
        its limit."""
        with self._lock:
            self._used += size
            over = self._used > self.limit
        if over:
            raise FhirBadResponse(
                f"the FHIR responses of this hook call exceeded {self.limit} bytes together "
                "([fhir] max_call_bytes)"
            )
