"""Which FHIR server a hook call may fetch from, and with which token: the configured allowlist
(an SSRF guard) and CDS Hooks 2.0 "FHIR Resource Access". Separate from the runner: it is the
service's one decision about calling out.
"""

from __future__ import annotations

from cds_hooks.config.settings import Settings
from cds_hooks.fhir_data.fhir_source import FhirSource, RequestsFhirSource, url_allowed
from cds_hooks.models.request import HookRequest
from cds_hooks.security.caller import Caller


def source_for(
    request: HookRequest, caller: Caller, settings: Settings, fhir: RequestsFhirSource
) -> tuple[FhirSource | None, str | None]:
    server = request.fhirServer
    if not server:
        return None, "the request has no fhirServer"
    allowed = (
        caller.fhir_servers if caller.fhir_servers is not None else settings.fhir.allowed_servers
    )
    if not url_allowed(server, allowed):
        # SSRF guard: never call a server the configuration does not name.
        return None, "fhirServer is not on this service's allowlist"
    token = request.fhirAuthorization.access_token if request.fhirAuthorization else None
    if token is None and not settings.fhir.fetch_without_authorization:
        # CDS Hooks 2.0 "FHIR Resource Access": the FHIR server may be used only when the
        # request carries both fhirServer and fhirAuthorization. An open test server is an
        # opt-in ([fhir] fetch_without_authorization), never the default.
        return None, (
            "the request has fhirServer but no fhirAuthorization: the service fetches only "
            "with the EHR's access token ([fhir] fetch_without_authorization = true allows "
            "open test servers)"
        )
    return fhir.bind(server, token), None
