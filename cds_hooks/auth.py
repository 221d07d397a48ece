"""Authentication of the calling EHR (CDS Hooks 2.0.1 #trusting-cds-clients).

With `auth.required = false` (local demos only) every caller is anonymous and the FHIR allowlist is
the settings' default. The JWT verification itself lives in `jwt_verifier.py`.
"""

from __future__ import annotations

from cds_hooks.errors import Unauthorized
from cds_hooks.runner import Caller
from cds_hooks.settings import Settings


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def authenticate(self, authorization: str | None, *, audience: str) -> Caller:
        if not self._settings.auth.required:
            return Caller()
        raise Unauthorized("JWT verification is not configured")
