"""One hook call from envelope to cards: gather data, evaluate, filter, render, remember, log.

The routes stay a few lines; this is where the protocol's steps live, in order. There are three
ways through: `answer` does everything and may wait (FHIR fetches, a networked database, mapping a
large chart), so the route runs it in the thread pool; `answer_on_loop` answers a chart evaluated
moments ago, with nothing to fetch, on the event loop, because a thread hop would cost more than
the whole answer (issue 6); and `answer_first_sight_on_loop` maps a chart of typical size not seen
before on the loop too, from what `answer_on_loop` read of it (issue 14). All read snoozes and
de-duplication fresh, and all leave the issued cards to `record`, which the route awaits after the
answer is sent.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from cds_hooks.cards import (
    CardTemplate,
    IssuedCards,
    card_template,
    new_uuids,
    packet_link,
    timeline_link,
)
from cds_hooks.config.settings import Settings
from cds_hooks.errors import BadRequest, PreconditionFailed, UnknownService
from cds_hooks.fhir_data.fhir_source import FhirSource, RequestsFhirSource, url_allowed
from cds_hooks.fhir_data.hook_context import require_context, require_one_patient
from cds_hooks.fhir_data.prefetch import Gathered, gather, hook_input, unresolved_medications
from cds_hooks.models.request import HookRequest
from cds_hooks.observability import logs
from cds_hooks.performance.evaluation_cache import UNSET, EvaluationCache, Unset
from cds_hooks.security.tenancy import LOCAL_ISSUER, Scope
from cds_hooks.storage.issued_recorder import IssuedRecorder
from cds_hooks.storage.loop_sqlite import LoopBusy
from cds_hooks.storage.store import IssuedCard, Store, snooze_key, utcnow
from cds_hooks.storage.timeline_cache import TimelineCache, TimelineStore
from fhir_mapping.gaps import reason_counts
from fhir_mapping.record import PatientRecord
from services import catalog
from services.catalog import ServiceDefinition
from services.evaluation import Evaluation, HookInput, evaluate, screen_without
from services.policy import Policy
from services.recommendation import Recommendation


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


class _MayWait(Exception):
    """This answer needs something that may wait: it cannot be given on the event loop."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """An evaluation and what every answer from it shares, computed once: its cards rendered
    (templates[i] is recommendations[i]'s card), the patient's id (keyed in the store per caller:
    two EHRs may send the same chart), and the timeline token handed out for its record (reused
    while it has more than half its life)."""

    evaluation: Evaluation
    templates: tuple[CardTemplate, ...]
    patient_id: str | None
    timeline: list[tuple[str, float]] = field(default_factory=list)  # [(token, expires_at)]
    # The screen without some topics (snoozed, answered), by those topics: `_screen_without`.
    without: dict[frozenset[str], tuple[tuple[Recommendation, CardTemplate], ...]] = field(
        default_factory=dict
    )


# How many hidden-topic sets a Prepared keeps composed screens for: one patient rarely has more
# than one or two (a snooze, an answered order card), and each screen is a few KB.
_WITHOUT_KEPT = 4


# A chart not seen yet with at most this many resources is mapped on the event loop (issue 14):
# the thread-pool hop costs about 0.5 ms of a ~8 ms first sight, and mapping is pure CPU, which
# under the GIL holds the loop in 5 ms slices anyway. 300 resources map in about 10 ms at most
# (~20 µs per relevant resource, ~4 µs per other one, plus ~2 ms of rules and cards); larger
# charts (a 10-year chart takes tens of ms) go to the thread pool, so the loop is never held
# longer than that.
LOOP_MAX_RESOURCES = 300


@dataclass(frozen=True, slots=True)
class LoopMiss:
    """What `answer_on_loop` read of a request before finding no cached evaluation: its complete
    prefetch (nothing to fetch, no page to follow, no Medication to read), the hook input and its
    cache key, for `answer` in the thread pool."""

    gathered: Gathered
    call: HookInput
    key: bytes | None
    started: float  # perf_counter() when the call reached the runner (durationMs)
    snoozed: frozenset[str] | None  # the patient's snoozes, read on the loop (None: not read)


@dataclass(frozen=True, slots=True)
class Answer:
    """A hook call's cards, and the issued-card rows to store once they are sent."""

    cards: IssuedCards
    issued: tuple[IssuedCard, ...]
    issued_at: datetime
    hook_instance: str

    def to_json(self) -> dict[str, Any]:
        return self.cards.to_json()


class HookRunner:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        fhir: RequestsFhirSource,
        timelines: TimelineStore[PatientRecord],
    ) -> None:
        self.settings = settings
        self.policy: Policy = settings.clinical_policy()
        self.store = store
        self.fhir = fhir
        self.timelines = timelines
        self._timeline_ttl = settings.timeline.ttl_minutes * 60
        self.executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="fhir-fetch")
        # The same chart again (chart re-opened, order-select then order-sign) is not re-mapped.
        self.evaluations: EvaluationCache[Prepared] = EvaluationCache()
        # Issued cards are stored from the event loop, in batches (used on the loop only).
        self.recorder = IssuedRecorder(store)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    def flush(self) -> None:
        """Store the issued cards still waiting for their batch (on the event loop)."""
        self.recorder.flush()

    def run(
        self,
        service_id: str,
        request: HookRequest,
        *,
        caller: Caller,
        base_url: str,
        as_of: date | None = None,
    ) -> IssuedCards:
        """One hook call; returns once the issued cards are stored."""
        answer = self.answer(service_id, request, caller=caller, base_url=base_url, as_of=as_of)
        self.store.record_issued(answer.issued, answer.issued_at)
        return answer.cards

    def answer(
        self,
        service_id: str,
        request: HookRequest,
        *,
        caller: Caller,
        base_url: str,
        as_of: date | None = None,
        seen: LoopMiss | None = None,
    ) -> Answer:
        """One hook call, fetching and evaluating as needed (blocking: run it in a thread). The
        issued cards are not stored yet: see `record`. `seen`: what `answer_on_loop` already
        read of this request (complete prefetch, its cache key), not read again."""
        if seen is not None and as_of is None and seen.call.as_of == utcnow().date():
            # The service, context, patient and prefetch were checked on the loop already.
            return self._answer_seen(request, caller, base_url, seen, on_loop=False)
        started = time.perf_counter()
        definition = _definition(service_id, request, self.policy)
        source, problem = self._source_for(request, caller)
        gathered = gather(
            definition.prefetch,
            request,
            source=source,
            source_problem=problem,
            executor=self.executor,
            budget_seconds=self.settings.fhir.total_timeout,
        )
        fields = _log_fields(service_id, request, gathered)
        require_one_patient(request, gathered.resources)
        missing_required = sorted(set(gathered.missing) & definition.required)
        if missing_required:
            logs.event(
                "hook.precondition_failed",
                logging.WARNING,
                status=412,
                **fields,
                # Why each required key could not be had (the service's own texts, no PHI).
                reasons={k: gathered.missing[k] for k in missing_required},
                durationMs=round((time.perf_counter() - started) * 1000, 2),
            )
            raise PreconditionFailed(
                "required FHIR data could not be obtained from prefetch or the FHIR server",
                details={"missing": {k: gathered.missing[k] for k in missing_required}},
            )
        call = hook_input(service_id, request, gathered, as_of or utcnow().date())
        return self._evaluate_and_finish(request, caller, base_url, gathered, call, started)

    def _evaluate_and_finish(
        self,
        request: HookRequest,
        caller: Caller,
        base_url: str,
        gathered: Gathered,
        call: HookInput,
        started: float,
        *,
        key: bytes | None | Unset = UNSET,
        snoozed: frozenset[str] | None = None,
        on_loop: bool = False,
    ) -> Answer:
        prepared, cached = self.evaluations.evaluate(call, self._prepare, key=key)
        return self._finish(
            prepared,
            request,
            caller,
            utcnow(),
            base_url,
            _log_fields(call.service_id, request, gathered),
            gathered,
            started,
            cached,
            on_loop=on_loop,
            snoozed=snoozed,
        )

    def _answer_seen(
        self, request: HookRequest, caller: Caller, base_url: str, seen: LoopMiss, *, on_loop: bool
    ) -> Answer:
        """The answer to a chart `answer_on_loop` has read (no gathering or digest again)."""
        return self._evaluate_and_finish(
            request,
            caller,
            base_url,
            seen.gathered,
            seen.call,
            seen.started,
            key=seen.key,
            snoozed=seen.snoozed,
            on_loop=on_loop,
        )

    def answer_first_sight_on_loop(
        self, request: HookRequest, *, caller: Caller, base_url: str, seen: LoopMiss
    ) -> Answer | None:
        """A chart not seen yet, mapped and answered on the event loop when nothing in it can
        wait: a complete prefetch (`seen`), snoozes already read, a chart of at most
        LOOP_MAX_RESOURCES resources, the same day as `seen` was read. None: run `answer` in the
        thread pool with `seen` (the evaluation is cached by then if it was made here)."""
        if (
            seen.snoozed is None
            or len(seen.call.resources) > LOOP_MAX_RESOURCES
            or seen.call.as_of != utcnow().date()
        ):
            return None
        try:
            return self._answer_seen(request, caller, base_url, seen, on_loop=True)
        except (LoopBusy, _MayWait):
            return None  # a database write (a timeline token) or a locked file: the thread pool

    def answer_from_cache(
        self, service_id: str, request: HookRequest, *, caller: Caller, base_url: str
    ) -> Answer | None:
        """`answer_on_loop`'s answer, or None."""
        first = self.answer_on_loop(service_id, request, caller=caller, base_url=base_url)
        return first if isinstance(first, Answer) else None

    def answer_on_loop(
        self, service_id: str, request: HookRequest, *, caller: Caller, base_url: str
    ) -> Answer | LoopMiss | None:
        """The same answer as `answer`, when it can be had without waiting on anything: every
        prefetch key present (no FHIR fetch), the evaluation cached (no mapping), and a store whose
        reads never wait (SQLite). Then it runs on the event loop, with no thread hop: a hop costs
        more than this whole path (issue 6). Otherwise run `answer` in the thread pool, handing it
        the `LoopMiss` when the prefetch was complete (a chart not seen yet: issue 14's first
        sight: `answer_first_sight_on_loop` may map it here), so it is not gathered and digested
        twice; None when there is something to fetch."""
        if not self.store.reads_never_wait:
            return None
        started = time.perf_counter()
        definition = _definition(service_id, request, self.policy)
        gathered = gather(
            definition.prefetch,
            request,
            source=None,
            source_problem="not fetched on the event loop",
            executor=self.executor,
            budget_seconds=0.0,
        )
        if gathered.missing or gathered.pages:
            return None  # something to fetch, or a 412 to explain: the full path does both
        now = utcnow()
        call = hook_input(service_id, request, gathered, now.date())
        key, prepared = self.evaluations.lookup(call)
        if prepared is None:
            if unresolved_medications(gathered.resources):
                return None  # Medications to read by id: the full path gathers with the server
            # Exactly what `answer` would gather: nothing to fetch, no page, no Medication to read.
            require_one_patient(request, gathered.resources)
            try:  # read here, where SQLite reads cost tens of µs, not in the thread pool
                snoozed: frozenset[str] | None = frozenset(
                    self.store.snoozed_topics(
                        self.store.patient_key(call.patient_id, caller.scope), now, on_loop=True
                    )
                )
            except LoopBusy:
                snoozed = None  # the file is locked: the thread pool reads them
            return LoopMiss(gathered, call, key, started, snoozed)
        fields = _log_fields(service_id, request, gathered)
        try:
            return self._finish(
                prepared,
                request,
                caller,
                now,
                base_url,
                fields,
                gathered,
                started,
                True,
                on_loop=True,
            )
        except (LoopBusy, _MayWait):
            return None  # the SQLite file was locked (rare), or a database write is needed

    async def record(self, answer: Answer) -> None:
        """Store the answer's issued cards (awaited after the answer is sent). Never raises: a
        failure is logged, and only feedback and de-duplication for those cards are lost."""
        try:
            await self.recorder.record(answer.issued, answer.issued_at)
        except Exception as exc:  # noqa: BLE001 - the answer is already on its way
            logs.event(
                "hook.record_failed",
                logging.ERROR,
                hookInstance=answer.hook_instance,
                cards=len(answer.issued),
                exception=type(exc).__name__,
            )

    def _prepare(self, hook_input: HookInput) -> Prepared:
        # `evaluate` is looked up here, at call time: tests replace it with a fake.
        evaluation = evaluate(hook_input, self.policy)
        return Prepared(
            evaluation,
            tuple(card_template(r) for r in evaluation.recommendations),
            hook_input.patient_id,
        )

    def _screen_without(
        self, prepared: Prepared, hidden: frozenset[str]
    ) -> list[tuple[Recommendation, CardTemplate]]:
        """The cards shown when `hidden` topics are left out: the screen composed again without
        them (services.evaluation.screen_without), so no card points to one not shown. Kept on
        the evaluation for the next call with the same cards hidden (a snooze lasts days)."""
        found = prepared.without.get(hidden)
        if found is None:
            recs = screen_without(prepared.evaluation, self.policy, hidden)
            found = tuple((r, card_template(r)) for r in recs)
            if len(prepared.without) >= _WITHOUT_KEPT:
                prepared.without.clear()
            prepared.without[hidden] = found
        return list(found)

    def _timeline_token(self, prepared: Prepared, *, on_loop: bool) -> str:
        """A token for the record's timeline page: the answers of one cached evaluation show one
        record, so they share its token while it has more than half its life left. On the event
        loop a new token can only come from the in-process store (the database store writes):
        otherwise _MayWait sends the call to the thread pool."""
        in_memory = isinstance(self.timelines, TimelineCache)
        if prepared.timeline:
            token, expires_at = prepared.timeline[0]
            # The in-process store may have evicted it (bounded); database rows live until
            # they expire.
            fresh = expires_at - time.time() > self._timeline_ttl / 2
            if fresh and (not in_memory or self.timelines.get(token) is not None):
                return token
        if on_loop and not in_memory:
            raise _MayWait("a new timeline token is a database write")
        token, expires_at = self.timelines.put(prepared.evaluation.record)
        prepared.timeline[:] = [(token, expires_at)]
        return token

    def _finish(
        self,
        prepared: Prepared,
        request: HookRequest,
        caller: Caller,
        now: datetime,
        base_url: str,
        fields: dict[str, Any],
        gathered: Gathered,
        started: float,
        cached: bool,
        *,
        on_loop: bool,
        snoozed: frozenset[str] | None = None,
    ) -> Answer:
        """Snoozes and de-duplication (always read fresh, even for a cached evaluation: `snoozed`
        when this call read them already), cards."""
        evaluation = prepared.evaluation
        # This caller's patient: snoozes and answered cards of another EHR never apply here.
        patient_key = self.store.patient_key(prepared.patient_id, caller.scope)
        # Order cards are left out only once answered (accepted or overridden) for the same
        # draft, topic and dose; merely sent is not enough (issue 11 item 15, store.py).
        answered: set[str] = set()
        if not evaluation.recommendations:  # nothing to filter: no database round trip
            snoozed = frozenset()
        else:
            if snoozed is None:
                snoozed = frozenset(self.store.snoozed_topics(patient_key, now, on_loop=on_loop))
            if any(r.dedupe_key for r in evaluation.recommendations):
                answered = self.store.acknowledged_dedupe_keys(
                    patient_key,
                    since=now - timedelta(hours=self.policy.order_dedupe_hours),
                    exclude_hook_instance=request.hookInstance,
                    on_loop=on_loop,
                )
        hidden = frozenset(
            r.topic
            for r in evaluation.recommendations
            # A snooze holds while the card rests on the same evidence (store.snooze_key).
            if (r.snoozable and snooze_key(r.topic, r.evidence_key) in snoozed)
            or (r.dedupe_key and r.dedupe_key in answered)
        )
        kept = (
            list(zip(evaluation.recommendations, prepared.templates, strict=True))
            if not hidden
            else self._screen_without(prepared, hidden)
        )
        link = packet = None
        if any(r.wants_timeline or template.wants_packet for r, template in kept):
            base = self.settings.server.public_url or base_url.rstrip("/")
            token = self._timeline_token(prepared, on_loop=on_loop)
            link = timeline_link(f"{base}/timeline/{token}")
            # The referral summary (cards.py) opens with the same token: one record, two pages.
            packet = packet_link(f"{base}/packet/{token}")
        uuids = iter(new_uuids(sum(template.uuid_count for _r, template in kept)))
        cards = [
            template.issue(uuids, timeline_link=link, packet_link=packet) for _r, template in kept
        ]
        issued = tuple(
            IssuedCard(
                card_uuid=card["uuid"],
                service_id=fields["service"],
                hook_instance=request.hookInstance,
                topic=snooze_key(r.topic, r.evidence_key),
                patient_key=patient_key,
                dedupe_key=r.dedupe_key,
                snoozable=r.snoozable,
                issuer=caller.issuer,
                tenant=caller.tenant,
            )
            for card, (r, _template) in zip(cards, kept, strict=True)
        )
        logs.event(
            "hook.answered",
            status=200,
            **fields,
            cards=[r.topic for r, _template in kept],
            suppressed=len(evaluation.recommendations) - len(kept),
            resourcesRead=evaluation.record.resources_read,
            resourcesSkipped=evaluation.record.resources_skipped + gathered.skipped,
            leftOut=reason_counts(evaluation.record.gaps),
            dataUnavailable=sorted(gathered.unavailable),
            dataIncomplete=sorted(gathered.incomplete),
            cachedEvaluation=cached,
            durationMs=round((time.perf_counter() - started) * 1000, 2),
        )
        return Answer(IssuedCards(cards), issued, now, request.hookInstance)

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
        if token is None and not self.settings.fhir.fetch_without_authorization:
            # CDS Hooks 2.0 "FHIR Resource Access": the FHIR server may be used only when the
            # request carries both fhirServer and fhirAuthorization. An open test server is an
            # opt-in ([fhir] fetch_without_authorization), never the default.
            return None, (
                "the request has fhirServer but no fhirAuthorization: the service fetches only "
                "with the EHR's access token ([fhir] fetch_without_authorization = true allows "
                "open test servers)"
            )
        return self.fhir.bind(server, token), None


def _definition(service_id: str, request: HookRequest, policy: Policy) -> ServiceDefinition:
    # With the site's local codes ([codes]) in its templates: absent keys are fetched with them.
    definition = catalog.by_id(service_id, policy.mapping.site_codes)
    if definition is None:
        raise UnknownService(f"no CDS service with id {service_id!r}")
    if request.hook != definition.hook:
        raise BadRequest(
            f"hook {request.hook!r} does not match service {service_id!r}, which handles {definition.hook!r}"
        )
    require_context(request)
    return definition


def _log_fields(service_id: str, request: HookRequest, gathered: Gathered) -> dict[str, Any]:
    return {
        "service": service_id,
        "hook": request.hook,
        "hookInstance": request.hookInstance,
        "prefetchKeys": sorted((request.prefetch or {}).keys()),
        "fetchedKeys": gathered.fetched,
        "missingKeys": sorted(gathered.missing),
    }
