"""`make demo`: the service end to end, as an EHR meets it, on this machine only.

    .venv/bin/python -m scripts.demo [--hold] [--no-colour]     (make demo [HOLD=1])

1. starts a real FHIR R4 server (sekmet-fhir from `make fhir-server`) on 127.0.0.1, empty, with a
   bearer token made up for this run;
2. loads six of the project's scenario charts (tests/fixtures/scenarios.py) into it, one
   transaction each: a TRD patient who meets TMS criteria, an under-dosed trial, poor adherence,
   bipolar disorder, remission, a positive PHQ-9 item 9;
3. starts the service (`trd-cds serve`) on 127.0.0.1 with a configuration of its own: a temporary
   SQLite database, auth off, only that FHIR server allowed;
4. for each patient does what an EHR does on chart open: discovery, prefetch from its FHIR server,
   the patient-view call; then once more for the TRD patient with no prefetch at all, only
   fhirServer and the token, so the service fetches the chart itself;
5. prints each patient's cards, checks them against what the scenario's author expects, fetches
   each timeline link once, and stops everything it started.

The scenarios are written as of a fixed day (2025-06-02); the service judges against today. So
every date in the charts is moved forward by the same number of days before loading
(cds_hooks/date_shift.py): each interval the rules read stays exactly as written.

Exit status: 0 when every step worked and every patient got the cards expected, 1 otherwise,
130 on Ctrl-C. Nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import FrameType
from typing import Any, TypeVar

import requests

from cds_hooks.card_text import Style, colour_wanted, render_cards, topics
from cds_hooks.date_shift import days_between, shift_resources
from scripts import ehr
from scripts.cds_service import CdsService, CdsServiceError, start_cds_service
from scripts.fhir_server import (
    FhirLoadError,
    FhirServerError,
    LocalFhirServer,
    loopback_session,
    start_fhir_server,
)

DEMO_PATIENTS = (
    "trd_meets_tms",
    "underdosed_trial",
    "poor_adherence",
    "bipolar",
    "remission",
    "item9_positive",
)
SELF_FETCH_PATIENT = "trd_meets_tms"  # the one call with no prefetch: the service fetches
HOOK = "patient-view"
USER_ID = "Practitioner/trd-cds-demo-clinician"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DemoPatient:
    name: str
    description: str
    patient_id: str
    as_of: date  # the day the chart was written for
    resources: list[dict[str, Any]]  # dates already moved so that as_of is today
    expected: frozenset[str]  # card topics that must appear
    optional: frozenset[str]  # topics that may appear


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)


class Console:
    def __init__(self, style: Style) -> None:
        self.style = style

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def note(self, text: str) -> None:
        self.say(self.style.paint(text, "dim"))

    def problem(self, text: str) -> None:
        self.say(self.style.paint("  FAILED: ", "critical") + text)

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """`label ... 1.2 s` on one line: the label first (so a slow step shows what it waits
        for), the time when it is done."""
        print(f"{label} ...", end="", flush=True)
        started = time.perf_counter()
        try:
            yield
        except BaseException:
            print(" failed", flush=True)
            raise
        print(f" {time.perf_counter() - started:.1f} s", flush=True)

    def timed(self, label: str, action: Callable[[], T]) -> T:
        with self.step(label):
            return action()


def demo_patients(today: date) -> list[DemoPatient]:
    """The six scenario charts, each moved in time so that its as-of day is `today`."""
    from tests.fixtures import scenarios  # the project's own fixtures (run from the repo root)

    out = []
    for name in DEMO_PATIENTS:
        s = scenarios.scenario(name)
        out.append(
            DemoPatient(
                name=s.name,
                description=s.description,
                patient_id=s.patient_id,
                as_of=s.as_of,
                resources=shift_resources(s.resources, days_between(s.as_of, today)),
                expected=frozenset(s.expect["topics"]),
                optional=frozenset(s.expect["optional_topics"]),
            )
        )
    return out


def patient_line(patient: DemoPatient, today: date) -> str:
    """ "Dana Whitfield, female, 46" from the chart's Patient resource."""
    resource = next(r for r in patient.resources if r["resourceType"] == "Patient")
    name = resource.get("name", [{}])[0]
    full = " ".join([*name.get("given", []), name.get("family", "")]).strip()
    born = date.fromisoformat(resource["birthDate"])
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{full}, {resource.get('gender', 'unknown')}, {age}"


def check_topics(patient: DemoPatient, cards: list[dict[str, Any]]) -> str | None:
    """None when the cards are what the scenario's author expects; else what differs."""
    got = topics(cards)
    missing = patient.expected - got
    extra = got - patient.expected - patient.optional
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"missing {sorted(missing)}")
    if extra:
        parts.append(f"unexpected {sorted(extra)}")
    return ", ".join(parts)


def check_timeline_links(
    session: requests.Session, service: CdsService, cards: list[dict[str, Any]]
) -> tuple[int, str | None]:
    """GET each distinct timeline link once (only links to the service itself): (pages, problem)."""
    urls = {
        str(link.get("url"))
        for card in cards
        for link in card.get("links", []) or []
        if isinstance(link, Mapping)
    }
    # The TMS card's referral summary opens with the timeline's token (/packet/{token}): inside
    # the service, and not a timeline page (tests/browser/test_packet_route.py reads it).
    timelines = {u for u in urls if not u.startswith(service.base_url + "/packet/")}
    for url in sorted(timelines):
        if not url.startswith(service.base_url + "/timeline/"):
            return 0, f"a link points outside the service: {url}"
        response = session.get(url, timeout=30)
        if response.status_code != 200 or "<svg" not in response.text:
            return 0, f"timeline page answered {response.status_code}"
    return len(timelines), None


def run_patient(
    console: Console,
    session: requests.Session,
    service: CdsService,
    fhir: LocalFhirServer,
    description: Mapping[str, Any],
    patient: DemoPatient,
    *,
    heading: str,
    today: date,
    self_fetch: bool,
    outcome: Outcome,
) -> list[dict[str, Any]]:
    style = console.style
    console.say()
    console.say(
        style.paint(f"{heading} {patient.name}", "bold") + f" - {patient_line(patient, today)}"
    )
    console.note(f"  {patient.description}")
    context = {"userId": USER_ID, "patientId": patient.patient_id}
    if self_fetch:
        body = ehr.hook_request(HOOK, context, fhir_server=fhir.base_url, access_token=fhir.token)
        how = "no prefetch: fhirServer + bearer token, the service fetches the chart itself"
    else:
        templates = {str(k): str(v) for k, v in description.get("prefetch", {}).items()}
        filled = ehr.prefetch(fhir, templates, context)
        body = ehr.hook_request(HOOK, context, prefetch=filled.data)
        how = (
            f"prefetch: {filled.queries} queries, {filled.resources} resources from the FHIR "
            f"server in {filled.seconds:.1f} s"
        )
        if filled.left_out:
            how += f" (left out: {', '.join(filled.left_out)})"
    answer = ehr.call_hook(session, service.base_url, str(description["id"]), body)
    console.note(f"  {how}; {HOOK} answered {answer.status} in {answer.seconds:.2f} s")
    if answer.status != 200:
        outcome.fail(f"{patient.name}: {HOOK} answered {answer.status}: {answer.body!s:.300}")
        console.problem(f"{HOOK} answered {answer.status}: {answer.body!s:.300}")
        return []
    cards = answer.cards
    for line in render_cards(cards, style):
        console.say(line)
    difference = check_topics(patient, cards)
    if difference:
        outcome.fail(f"{patient.name}: cards not as the scenario expects ({difference})")
        console.problem(f"cards not as the scenario expects: {difference}")
    pages, problem = check_timeline_links(session, service, cards)
    if problem:
        outcome.fail(f"{patient.name}: {problem}")
        console.problem(problem)
    elif pages:
        console.note(f"  timeline link followed: 200, the page has its SVG ({pages} link)")
    return cards


def run(console: Console, *, hold: bool) -> int:
    outcome = Outcome()
    today = datetime.now(UTC).date()  # the service's "today" (cds_hooks.runner uses UTC)
    patients = demo_patients(today)
    for as_of in sorted({p.as_of for p in patients}):
        console.note(
            f"The scenario charts are written as of {as_of}; every date in them is moved "
            f"{days_between(as_of, today)} days forward so that day is today ({today}), the day "
            "the service judges against."
        )
    token = "demo-" + secrets.token_urlsafe(18)  # made up for this run; the FHIR server wants it
    fhir: LocalFhirServer | None = None
    service: CdsService | None = None
    session = loopback_session()
    try:
        fhir = console.timed(
            "starting the FHIR server (sekmet-fhir) on 127.0.0.1",
            lambda: start_fhir_server(token=token),
        )
        fhir_url = fhir.base_url
        console.note(f"  FHIR server: {fhir_url}")
        for n, patient in enumerate(patients, 1):
            with console.step(
                f"loading {n}/{len(patients)} {patient.name} ({len(patient.resources)} resources)"
            ):
                fhir.put_resources(patient.resources)
        service = console.timed(
            "starting the service (trd-cds serve) on 127.0.0.1",
            lambda: start_cds_service(allowed_fhir_servers=(fhir_url,)),
        )
        console.note(f"  service: {service.base_url}")
        description = ehr.discover(session, service.base_url, HOOK)
        console.say(
            f"discovery: service {description['id']!r} for {HOOK}, "
            f"{len(description.get('prefetch', {}))} prefetch templates"
        )
        calls = [(p, False) for p in patients]
        calls += [(p, True) for p in patients if p.name == SELF_FETCH_PATIENT]
        by_call: list[tuple[DemoPatient, bool, list[dict[str, Any]]]] = []
        for n, (patient, self_fetch) in enumerate(calls, 1):
            cards = run_patient(
                console,
                session,
                service,
                fhir,
                description,
                patient,
                heading=f"[{n}/{len(calls)}]",
                today=today,
                self_fetch=self_fetch,
                outcome=outcome,
            )
            by_call.append((patient, self_fetch, cards))
        _compare_fetch_paths(by_call, outcome, console)
        if hold:
            _hold(console, service)
    except (FhirServerError, FhirLoadError, CdsServiceError, ehr.EhrError) as exc:
        outcome.fail(str(exc))
        console.problem(str(exc))
    except requests.RequestException as exc:
        outcome.fail(f"HTTP request failed: {type(exc).__name__}")
        console.problem(f"an HTTP request failed: {exc}")
    finally:
        session.close()
        _stop_all(console, service, fhir)
    console.say()
    if outcome.failures:
        console.say(console.style.paint(f"demo FAILED ({len(outcome.failures)}):", "critical"))
        for failure in outcome.failures:
            console.say(f"  - {failure}")
        return 1
    console.say(
        console.style.paint("demo OK", "bold")
        + f": {len(patients)} patients, every call answered as expected"
    )
    return 0


def _stop_all(console: Console, service: CdsService | None, fhir: LocalFhirServer | None) -> None:
    """Stop the service, then the FHIR server. A second Ctrl-C (or a SIGTERM) meanwhile is held
    back until both are stopped, so an impatient user cannot leave a child running."""
    if service is None and fhir is None:
        return
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in held}
    started = time.perf_counter()
    try:
        if service is not None:
            service.stop()
        if fhir is not None:
            fhir.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    stopped = " and ".join(
        what for what, it in (("the service", service), ("the FHIR server", fhir)) if it is not None
    )
    console.say(f"stopped {stopped} ({time.perf_counter() - started:.1f} s)")


def _compare_fetch_paths(
    calls: list[tuple[DemoPatient, bool, list[dict[str, Any]]]], outcome: Outcome, console: Console
) -> None:
    """The self-fetching call must reach the same cards as the prefetch call for that patient:
    the service's own queries are the templates the EHR ran."""
    for patient, self_fetch, cards in calls:
        if not self_fetch:
            continue
        prefetched = next(c for p, s, c in calls if p.name == patient.name and not s)
        if topics(cards) != topics(prefetched):
            outcome.fail(
                f"{patient.name}: prefetch gave {sorted(topics(prefetched))}, "
                f"the service's own fetch {sorted(topics(cards))}"
            )
        else:
            console.note(
                f"\n{patient.name}: the service's own fetch and the EHR's prefetch gave the same cards"
            )


def _hold(console: Console, service: CdsService) -> None:
    console.say()
    console.say(
        f"The service is still running at {service.base_url} (timeline links work until they "
        "expire). Press Enter to stop."
    )
    with suppress(EOFError):  # stdin closed: nothing to wait for
        input()


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # SIGTERM (e.g. a test's timeout) unwinds like Ctrl-C, so the finally blocks stop the children.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--hold", action="store_true", help="keep the service running until Enter is pressed"
    )
    parser.add_argument("--no-colour", "--no-color", dest="no_colour", action="store_true")
    args = parser.parse_args(argv)
    console = Console(Style(colour=colour_wanted() and not args.no_colour))
    # A shell starts a background job (`make test &`, CI runners) with SIGINT ignored, and Python
    # then leaves it ignored: Ctrl-C (or a test's SIGINT) would not stop the demo. Take it back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(console, hold=args.hold)
    except KeyboardInterrupt:
        print("\ninterrupted: everything the demo started has been stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
