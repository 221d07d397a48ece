"""Who is calling a hook service, as authentication established it. Separate from the runner so
authentication (auth.py) can build one without loading the rules and the mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from cds_hooks.security.tenancy import LOCAL_ISSUER, Scope


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, as established by authentication (with auth off: the local issuer, the
    settings' FHIR allowlist). Its `scope` owns the clinical state of its calls (tenancy.py)."""

    issuer: str = LOCAL_ISSUER
    fhir_servers: tuple[str, ...] | None = None  # the issuer's allowlist; None = settings default
    tenant: str | None = None  # the JWT's `tenant` claim, when it has one

    @property
    def scope(self) -> Scope:
        return Scope(self.issuer, self.tenant)
