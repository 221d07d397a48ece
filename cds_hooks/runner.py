"""One hook call from envelope to cards: gather data, evaluate, filter, render, remember, log.

The routes stay a few lines; this is where the protocol's steps live, in order.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cds_hooks import logs
from cds_hooks.cards import to_cards
from cds_hooks.errors import BadRequest, PreconditionFailed, UnknownService
from cds_hooks.fhir_source import FhirSource, RequestsFhirSource, url_allowed
from cds_hooks.models.card import CdsResponse
from cds_hooks.models.request import HookRequest
from cds_hooks.prefetch import draft_order_resources, gather
from cds_hooks.settings import Settings
from cds_hooks.store import IssuedCard, Store, utcnow
from cds_hooks.timeline_cache import TimelineCache
from fhir_mapping.record import PatientRecord
from services import catalog
from services.evaluation import HookInput, evaluate
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, as established by authentication (None fields when auth is off)."""

    issuer: str | None = None
    fhir_servers: tuple[str, ...] | None = None  # the issuer's allowlist; None = settings default


class HookRunner:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        fhir: RequestsFhirSource,
        timelines: TimelineCache[PatientRecord],
    ) -> None:
        self.settings = settings
        self.policy: Policy = settings.clinical_policy()
        self.store = store
        self.fhir = fhir
        self.timelines = timelines
        self.executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="fhir-fetch")

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    def run(
        self,
        service_id: str,
        request: HookRequest,
        *,
        caller: Caller,
        base_url: str,
        as_of: date | None = None,
    ) -> CdsResponse:
        started = time.perf_counter()
        definition = catalog.by_id(service_id)
        if definition is None:
            raise UnknownService(f"no CDS service with id {service_id!r}")
        if request.hook != definition.hook:
            raise BadRequest(
                f"hook {request.hook!r} does not match service {service_id!r}, which handles {definition.hook!r}"
            )
        source, problem = self._source_for(request, caller)
        gathered = gather(
            definition.prefetch,
            request,
            source=source,
            source_problem=problem,
            executor=self.executor,
            budget_seconds=self.settings.fhir.total_timeout,
        )
        missing_required = sorted(set(gathered.missing) & definition.required)
        fields: dict[str, Any] = {
            "service": service_id,
            "hook": request.hook,
            "hookInstance": request.hookInstance,
            "prefetchKeys": sorted((request.prefetch or {}).keys()),
            "fetchedKeys": gathered.fetched,
            "missingKeys": sorted(gathered.missing),
        }
        if missing_required:
            logs.event(
                "hook.precondition_failed",
                logging.WARNING,
                status=412,
                **fields,
                durationMs=round((time.perf_counter() - started) * 1000, 2),
            )
            raise PreconditionFailed(
                "required FHIR data could not be obtained from prefetch or the FHIR server",
                details={"missing": {k: gathered.missing[k] for k in missing_required}},
            )

        now = utcnow()
        patient_id = request.context.patientId
        hook_input = HookInput(
            service_id=service_id,
            hook=request.hook,
            hook_instance=request.hookInstance,
            patient_id=patient_id,
            resources=gathered.resources,
            as_of=as_of or now.date(),
            draft_orders=draft_order_resources(request),
            selections=tuple(request.context.selections or ()),
            user_id=request.context.userId,
            encounter_id=request.context.encounterId,
        )
        evaluation = evaluate(hook_input, self.policy)

        patient_key = self.store.patient_key(patient_id)
        snoozed: set[str] = set()
        shown: set[str] = set()
        if evaluation.recommendations:  # nothing to filter: no database round trip
            snoozed = self.store.snoozed_topics(patient_key, now)
            if any(r.dedupe_key for r in evaluation.recommendations):
                shown = self.store.recent_dedupe_keys(
                    patient_key,
                    since=now - timedelta(hours=self.policy.order_dedupe_hours),
                    exclude_hook_instance=request.hookInstance,
                )
        recs = [
            r
            for r in evaluation.recommendations
            if not (r.snoozable and r.topic in snoozed)
            and not (r.dedupe_key and r.dedupe_key in shown)
        ]
        timeline_url = None
        if any(r.wants_timeline for r in recs):
            token, _expires = self.timelines.put(evaluation.record)
            base = self.settings.server.public_url or base_url.rstrip("/")
            timeline_url = f"{base}/timeline/{token}"
        cards = to_cards(recs, timeline_url=timeline_url)
        self.store.record_issued(
            (
                IssuedCard(
                    card_uuid=card.uuid,
                    service_id=service_id,
                    hook_instance=request.hookInstance,
                    topic=rec.topic,
                    patient_key=patient_key,
                    dedupe_key=rec.dedupe_key,
                    snoozable=rec.snoozable,
                )
                for card, rec in zip(cards, recs, strict=True)
            ),
            now,
        )
        logs.event(
            "hook.answered",
            status=200,
            **fields,
            cards=[r.topic for r in recs],
            suppressed=len(evaluation.recommendations) - len(recs),
            resourcesRead=evaluation.record.resources_read,
            resourcesSkipped=evaluation.record.resources_skipped + gathered.skipped,
            durationMs=round((time.perf_counter() - started) * 1000, 2),
        )
        return CdsResponse(cards=cards)

    def _source_for(
        self, request: HookRequest, caller: Caller
    ) -> tuple[FhirSource | None, str | None]:
        server = request.fhirServer
        if not server:
            return None, "the request has no fhirServer"
        allowed = (
            caller.fhir_servers
            if caller.fhir_servers is not None
            else self.settings.fhir.allowed_servers
        )
        if not url_allowed(server, allowed):
            # SSRF guard: never call a server the configuration does not name.
            return None, "fhirServer is not on this service's allowlist"
        token = request.fhirAuthorization.access_token if request.fhirAuthorization else None
        return self.fhir.bind(server, token), None
