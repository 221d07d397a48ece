"""One hook call from envelope to cards: gather data, evaluate, filter, render, remember, log.

The routes stay a few lines; this is where the protocol's steps live, in order. There are three
ways through: `answer` does everything and may wait (FHIR fetches, a networked database, mapping a
large chart), so the route runs it in the thread pool; `answer_on_loop` answers a chart evaluated
moments ago, with nothing to fetch, on the event loop, because a thread hop would cost more than
the whole answer (issue 6); and `answer_first_sight_on_loop` maps a chart of typical size not seen
before on the loop too, from what `answer_on_loop` read of it (issue 14). All read snoozes and
de-duplication fresh, and all leave the issued cards to `record`, which the route awaits before the
answer is sent (for `[database] issued_wait_seconds` at most). The last step of each (what the
caller is shown) is card_issuer.py; what they read of the call itself (its service definition,
cache origin, log fields) is call_parts.py (split out at the 400-line limit, session 37 hooks47).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from cds_hooks import call_parts
from cds_hooks.card_issuer import CardIssuer
from cds_hooks.cards import IssuedCards, card_template
from cds_hooks.config.settings import Settings
from cds_hooks.errors import PreconditionFailed
from cds_hooks.fhir_data.fhir_source import RequestsFhirSource
from cds_hooks.fhir_data.hook_context import require_one_patient
from cds_hooks.fhir_data.prefetch import Gathered, gather, hook_input, unresolved_medications
from cds_hooks.fhir_data.server_access import source_for
from cds_hooks.hook_answer import UNSET_KEY, Answer, LoopMiss, MayWait, Prepared, UnsetKey
from cds_hooks.models.request import HookRequest
from cds_hooks.observability import logs
from cds_hooks.order_drafts import checked_drafts
from cds_hooks.performance.evaluation_cache import UNSET, EvaluationCache, Unset
from cds_hooks.security.caller import Caller
from cds_hooks.storage.bounded_wait import BoundedWait, failed
from cds_hooks.storage.issued_recorder import IssuedRecorder
from cds_hooks.storage.loop_sqlite import LoopBusy
from cds_hooks.storage.store import Store
from cds_hooks.storage.timeline_cache import TimelineStore
from cds_hooks.storage.timestamps import utcnow
from fhir_mapping.record import PatientRecord
from services.evaluation import HookInput, evaluate
from services.policy import Policy
from services.required_gap import may_hold_signal, safety_only

# A chart not seen yet with at most this many resources is mapped on the event loop (issue 14):
# the thread-pool hop costs about 0.5 ms of a ~8 ms first sight, and mapping is pure CPU, which
# under the GIL holds the loop in 5 ms slices anyway. 300 resources map in about 10 ms at most
# (~20 µs per relevant resource, ~4 µs per other one, plus ~2 ms of rules and cards); larger
# charts (a 10-year chart takes tens of ms) go to the thread pool, so the loop is never held
# longer than that.
LOOP_MAX_RESOURCES = 300


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
        # "Today" is the site's date ([server] timezone; review 8 finding 9), not UTC's: chart
        # dates are the clinic's calendar dates.
        self.zone = settings.server.zone
        self.store = store
        self.fhir = fhir
        self.timelines = timelines
        # At least one hook call's prefetch keys (18 with `encounters`, review 14 M2) must fit at once:
        # a key queued behind the others starts only after a slow server has used the budget,
        # and then reads on after the answer (tests/faults: drip). Room for a second call too.
        self.executor = ThreadPoolExecutor(max_workers=24, thread_name_prefix="fhir-fetch")
        # The same chart again (chart re-opened, order-select then order-sign) is not re-mapped.
        self.evaluations: EvaluationCache[Prepared] = EvaluationCache()
        # Issued cards are stored from the event loop, in batches (used on the loop only).
        self.recorder = IssuedRecorder(store)
        # How long an answer waits for that commit before it leaves anyway (review s22 RR 6).
        self.commit_wait = BoundedWait(settings.database.issued_wait_seconds)
        # The last step of every answer: snoozes, de-duplication, links, issued rows (card_issuer.py).
        self.issuer = CardIssuer(settings, self.policy, store, timelines)

    def today(self) -> date:
        """The as-of date of a hook call: today in the site's time zone."""
        return utcnow().astimezone(self.zone).date()

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
        if seen is not None and as_of is None and seen.call.as_of == self.today():
            # The service, context, patient and prefetch were checked on the loop already.
            return self._answer_seen(request, caller, base_url, seen, on_loop=False)
        started = time.perf_counter()
        definition = call_parts.definition(service_id, request, self.policy)
        source, problem = source_for(request, caller, self.settings, self.fhir)
        gathered = gather(
            definition.prefetch,
            request,
            source=source,
            source_problem=problem,
            executor=self.executor,
            budget_seconds=self.settings.fhir.total_timeout,
        )
        fields = call_parts.log_fields(service_id, request, gathered)
        require_one_patient(request, gathered.resources, gathered.served)
        # The required keys; else a key `gather` found fatal (the FHIR server does not know the
        # patient: review 16 W1).
        missing_required = gathered.required_missing(definition.required)
        if missing_required:
            # A critical card in the data in hand that the missing keys cannot overturn (a
            # suicide-risk, lithium-toxicity, MAOI card...) is answered alone, not lost to
            # the 412 (services/required_gap.py; review K51b finding 2).
            answered = self._safety_only(
                service_id, request, caller, base_url, gathered, started, missing_required, as_of
            )
            if answered is not None:
                return answered
            logs.event(
                "hook.precondition_failed",
                logging.WARNING,
                status=412,
                **fields,
                # Why each required key could not be had (the service's own texts, no PHI).
                reasons=missing_required,
                durationMs=round((time.perf_counter() - started) * 1000, 2),
            )
            raise PreconditionFailed(
                "required FHIR data could not be obtained from prefetch or the FHIR server",
                details={"missing": missing_required},
            )
        call = checked_drafts(hook_input(service_id, request, gathered, as_of or self.today()))
        return self._evaluate_and_finish(request, caller, base_url, gathered, call, started)

    def _safety_only(
        self,
        service_id: str,
        request: HookRequest,
        caller: Caller,
        base_url: str,
        gathered: Gathered,
        started: float,
        missing: dict[str, str],
        as_of: date | None,
    ) -> Answer | None:
        """The critical cards the missing keys cannot overturn, alone, or None (412).
        Not through the evaluation cache: a partial chart's screen is never another call's."""
        call = checked_drafts(hook_input(service_id, request, gathered, as_of or self.today()))
        if not may_hold_signal(call):
            return None
        evaluation = safety_only(evaluate(call, self.policy), self.policy, missing)
        if evaluation is None:
            return None
        fields = call_parts.log_fields(service_id, request, gathered)
        logs.event("hook.required_missing_safety_card", logging.WARNING, **fields, reasons=missing)
        prepared = Prepared(
            evaluation,
            tuple(card_template(r) for r in evaluation.recommendations),
            call.patient_id,
        )
        return self.issuer.finish(
            prepared,
            request,
            caller,
            utcnow(),
            base_url,
            fields,
            gathered,
            started,
            False,
            on_loop=False,
        )

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
        patient_key: str | None | UnsetKey = UNSET_KEY,
        on_loop: bool = False,
    ) -> Answer:
        prepared, cached = self.evaluations.evaluate(
            call, self._prepare, key=key, origin=call_parts.origin(request, caller)
        )
        return self.issuer.finish(
            prepared,
            request,
            caller,
            utcnow(),
            base_url,
            call_parts.log_fields(call.service_id, request, gathered),
            gathered,
            started,
            cached,
            on_loop=on_loop,
            snoozed=snoozed,
            patient_key=patient_key,
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
            patient_key=seen.patient_key,
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
            or seen.call.as_of != self.today()
        ):
            return None
        try:
            return self._answer_seen(request, caller, base_url, seen, on_loop=True)
        except (LoopBusy, MayWait):
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
        definition = call_parts.definition(service_id, request, self.policy)
        gathered = gather(
            definition.prefetch,
            request,
            source=None,
            source_problem="not fetched on the event loop",
            executor=self.executor,
            budget_seconds=0.0,
            # A chart with Medications to read goes to the full path below, which reads them.
            name_unread=False,
        )
        if gathered.missing or gathered.pages:
            return None  # something to fetch, or a 412 to explain: the full path does both
        now = utcnow()
        call = checked_drafts(
            hook_input(service_id, request, gathered, now.astimezone(self.zone).date())
        )
        key, prepared = self.evaluations.lookup(call, call_parts.origin(request, caller))
        if prepared is None:
            # The draft orders' references too: the full path reads them (review 15 U2).
            if unresolved_medications(
                [*gathered.resources, *call.draft_orders], request.fhirServer
            ):
                return None  # Medications to read by id: the full path gathers with the server
            # Exactly what `answer` would gather: nothing to fetch, no page, no Medication to read.
            require_one_patient(request, gathered.resources)
            # The answer reuses the key (an HMAC per call: card_issuer.py).
            patient_key = self.store.patient_key(call.patient_id, caller.scope)
            try:  # read here, where SQLite reads cost tens of µs, not in the thread pool
                snoozed: frozenset[str] | None = frozenset(
                    self.store.snoozed_topics(patient_key, now, on_loop=True)
                )
            except LoopBusy:
                snoozed = None  # the file is locked: the thread pool reads them
            return LoopMiss(gathered, call, key, started, snoozed, patient_key)
        fields = call_parts.log_fields(service_id, request, gathered)
        try:
            return self.issuer.finish(
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
        except (LoopBusy, MayWait):
            return None  # the SQLite file was locked (rare), or a database write is needed

    async def record(self, answer: Answer) -> None:
        """Store the answer's issued cards (awaited before the answer is sent), waiting at most
        `[database] issued_wait_seconds` for the commit (bounded_wait.py). Never raises: a
        failure is logged (`hook.record_failed`), and only feedback and de-duplication for those
        cards are lost."""
        try:
            batch = self.recorder.submit(answer.issued, answer.issued_at)
        except Exception as exc:  # noqa: BLE001 - the answer leaves anyway
            failed(answer.hook_instance, len(answer.issued), exc)
            return
        if batch is not None:
            await self.commit_wait.wait(
                batch, hook_instance=answer.hook_instance, cards=len(answer.issued)
            )

    def _prepare(self, hook_input: HookInput) -> Prepared:
        # `evaluate` is looked up here, at call time: tests replace it with a fake.
        evaluation = evaluate(hook_input, self.policy)
        return Prepared(
            evaluation,
            tuple(card_template(r) for r in evaluation.recommendations),
            hook_input.patient_id,
        )
