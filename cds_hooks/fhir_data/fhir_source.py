"""Reading FHIR data for a hook call: a small protocol, a `requests` implementation, an in-memory one.

Exception tree (like httpx's, so callers catch what they can handle):

    FhirError
    ├── FhirTimeout        connect/read timeout or the call's total budget ran out
    ├── FhirAuthError      401/403 from the FHIR server
    ├── FhirNotFound       404
    ├── FhirUnavailable    connection refused, 429 or 5xx after retries, too many pages
    ├── FhirBadResponse    not JSON, not FHIR, larger than the cap
    └── FhirForbiddenUrl   the URL is not on the allowlist (no request was sent)

The access token travels only in the Authorization header, only to URLs under the allowed base,
and never appears in an exception message or a log line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import orjson
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from cds_hooks.config.settings import FhirSettings
from cds_hooks.fhir_data.outcome_issues import explained, withheld_codes


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


class FhirSource(Protocol):
    """Where absent prefetch data comes from."""

    def search(self, query: str, *, deadline: float) -> list[dict[str, Any]]:
        """Run a relative query ("Observation?patient=1&code=...") and return its resources,
        following `next` links. Raises FhirError."""
        ...


def same_origin(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port) and a.path.startswith(
        b.path.rstrip("/")
    )


_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_allowed(url: str, prefixes: tuple[str, ...]) -> bool:
    """True when `url` is under one of the allowed prefixes (scheme, host, port and path prefix)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        return False
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    for prefix in prefixes:
        # "http://127.0.0.1:*" allows any port on that host (the loopback default); otherwise the
        # port must match exactly (an absent port means the scheme's default).
        any_port = False
        p = urlsplit(prefix)
        if p.netloc.endswith(":*"):
            any_port = True
            p = urlsplit(prefix.replace(":*", "", 1))
        if (parts.scheme, parts.hostname) != (p.scheme, p.hostname):
            continue
        if not any_port and (parts.port or _DEFAULT_PORTS[parts.scheme]) != (
            p.port or _DEFAULT_PORTS[p.scheme]
        ):
            continue
        base_path = p.path.rstrip("/")
        if not base_path or parts.path == base_path or parts.path.startswith(base_path + "/"):
            return True
    return False


class RequestsFhirSource:
    """FHIR reads with one pooled `requests.Session` per service (not per call)."""

    def __init__(self, settings: FhirSettings, session: requests.Session | None = None) -> None:
        self._settings = settings
        self._session = session or self._new_session(settings)

    @staticmethod
    def _new_session(settings: FhirSettings) -> requests.Session:
        session = requests.Session()
        # Bounded retries on idempotent GETs only, for connection errors. Statuses worth a retry
        # (429, 502-504) are retried by BoundFhirSource._get, which honours Retry-After within the
        # call's time budget: urllib3 would sleep a Retry-After of 120 s past the EHR's wait, or,
        # told to ignore it, hammer a server that asked for a pause (review 16 W2).
        retry = Retry(
            total=settings.retries,
            connect=settings.retries,
            read=False,  # never retry a read (and keep a read timeout a Timeout, not a ConnectionError)
            status=0,
            backoff_factor=0.2,
            status_forcelist=(),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=8, pool_maxsize=32)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.trust_env = False  # no proxies or netrc credentials picked up from the environment
        return session

    def bind(self, base_url: str, access_token: str | None) -> BoundFhirSource:
        return BoundFhirSource(self._session, self._settings, base_url, access_token)

    def close(self) -> None:
        self._session.close()


class BoundFhirSource:
    """A FhirSource for one hook call: one server, one token."""

    def __init__(
        self,
        session: requests.Session,
        settings: FhirSettings,
        base_url: str,
        access_token: str | None,
    ) -> None:
        self._session = session
        self._settings = settings
        self._base = base_url.rstrip("/") + "/"
        self._token = access_token

    def __repr__(self) -> str:
        return "BoundFhirSource(<redacted>)"

    def search(self, query: str, *, deadline: float) -> list[dict[str, Any]]:
        resources = SearchResults()
        total: int | None = None
        matches = 0
        for page in self._pages(urljoin(self._base, query.lstrip("/")), deadline):
            resources.extend(_resources_of(page))
            said = search_incomplete(page)
            if said is not None and resources.incomplete is None:
                resources.incomplete = explained(said)  # plain words (audit 16 W6)
            # A searchset's total is the server's count of matches for the whole search (on the
            # first page at least); the pages together must hold that many.
            total = declared_total(page) if total is None else total
            matches += match_count(page)
        if total is not None and total > matches and resources.incomplete is None:
            resources.incomplete = (
                f"the FHIR server's answer holds {matches} of the {total} matches its total counts"
            )
        return resources

    def _pages(self, url: str, deadline: float) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        pages = 0
        next_url: str | None = url
        while next_url:
            if pages >= self._settings.max_pages:
                raise FhirUnavailable(f"more than {self._settings.max_pages} pages of results")
            if next_url in seen:
                raise FhirBadResponse("the server's next links loop")
            seen.add(next_url)
            page = self._get(next_url, deadline)
            pages += 1
            yield page
            next_url = next_link(page)
            if next_url is not None and not same_origin(next_url, self._base):
                # A next link to another host would carry the token elsewhere: stop here.
                raise FhirBadResponse("a next link points outside the FHIR server")

    def _get(self, url: str, deadline: float) -> dict[str, Any]:
        attempt = 0
        while True:
            response = self._send(url, deadline)
            status = response.status_code
            if status in RETRY_STATUSES:
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                response.close()  # not held open through the pause
                self._pause_before_retry(status, asked, attempt, deadline)
                attempt += 1
                continue
            try:
                return self._read(response, deadline, url)
            finally:
                response.close()

    def _pause_before_retry(
        self, status: int, asked: float | None, attempt: int, deadline: float
    ) -> None:
        """Sleep before retrying a 429 or 502-504, or raise FhirUnavailable when no retry is
        left or the wait does not fit the call's budget. The server's Retry-After (RFC 9110
        10.2.3) is honoured when it fits; otherwise the call fails at once, naming it, rather
        than retrying early or waiting past the EHR's patience."""
        what = f"the FHIR server answered HTTP {status}"
        if asked is not None:
            what += f" and asked to retry after {asked:.0f} s"
        if attempt >= self._settings.retries:
            raise FhirUnavailable(what)
        wait = asked if asked is not None else _BACKOFF_SECONDS * 2**attempt
        if time.monotonic() + wait >= deadline:
            raise FhirUnavailable(f"{what}, longer than this call's time budget has left")
        time.sleep(wait)

    def _send(self, url: str, deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FhirTimeout("the FHIR fetch budget ran out")
        headers = {"Accept": "application/fhir+json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        timeout = (
            min(self._settings.connect_timeout, remaining),
            min(self._settings.read_timeout, remaining),
        )
        try:
            return self._session.get(
                url, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            )
        except requests.Timeout as exc:
            raise FhirTimeout("the FHIR server did not answer in time") from exc
        except requests.RequestException as exc:
            raise FhirUnavailable(
                f"the FHIR server could not be reached ({type(exc).__name__})"
            ) from exc

    def _read(self, response: requests.Response, deadline: float, url: str) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            raise FhirAuthError(f"the FHIR server refused the access token (HTTP {status})")
        if status == 403:
            # The token was accepted but does not reach this data: usually a SMART scope the EHR
            # did not grant for this resource type (review 16 W2), not a bad token.
            raise FhirAuthError(
                f"the FHIR server refused access to {self._asked_type(url)} "
                f"(HTTP {status}: scope not granted?)"
            )
        if status == 404:
            raise FhirNotFound("the FHIR server answered 404")
        if 300 <= status < 400:
            raise FhirBadResponse(
                f"the FHIR server redirected (HTTP {status}); redirects are not followed"
            )
        if status >= 400:
            raise FhirUnavailable(f"the FHIR server answered HTTP {status}")
        cap = self._settings.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                # One network read at a time (not "until 64 KiB arrived"), so a server dripping a
                # byte at a time cannot hold the worker past the call's deadline.
                chunk = response.raw.read1(65536, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise FhirBadResponse(f"a FHIR response exceeded {cap} bytes")
                if time.monotonic() > deadline:
                    raise FhirTimeout("the FHIR fetch budget ran out while reading")
                chunks.append(chunk)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise FhirTimeout(f"reading the FHIR response failed ({type(exc).__name__})") from exc
        try:
            body = orjson.loads(b"".join(chunks))
        except orjson.JSONDecodeError as exc:
            raise FhirBadResponse("the FHIR server's answer is not JSON") from exc
        if not isinstance(body, dict) or "resourceType" not in body:
            raise FhirBadResponse("the FHIR server's answer is not a FHIR resource")
        if body["resourceType"] == "OperationOutcome":
            raise FhirUnavailable("the FHIR server answered with an OperationOutcome")
        return body

    def _asked_type(self, url: str) -> str:
        """The resource type a request to `url` asks for ("Observation"), or "this data" (a
        paging URL such as HAPI's `?_getpages=` names none)."""
        path = urlsplit(url).path
        base = urlsplit(self._base).path
        first = path[len(base) :].split("/", 1)[0] if path.startswith(base) else ""
        return first if _RESOURCE_TYPE.fullmatch(first) else "this data"


# Statuses a retry may fix: rate limited (429), and a gateway or server briefly unavailable.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# The pause before the first retry when the server gives no Retry-After; doubled each time.
_BACKOFF_SECONDS = 0.2
_RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]{1,63}")


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header's wait in seconds (RFC 9110 10.2.3: delay-seconds or an HTTP-date),
    or None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit() and len(value) <= 9:
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 HTTP-dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def next_link(page: Mapping[str, Any]) -> str | None:
    """The `next` link of a searchset Bundle page, or None."""
    if page.get("resourceType") != "Bundle":
        return None
    for link in page.get("link") or []:
        if (
            isinstance(link, dict)
            and link.get("relation") == "next"
            and isinstance(link.get("url"), str)
        ):
            return str(link["url"])
    return None


class SearchResults(list[dict[str, Any]]):
    """A search's resources; `incomplete` says why some may be missing (None: all of them)."""

    incomplete: str | None = None


# OperationOutcome issue severities that mean the search failed (FHIR R4 issue-severity). Warning
# and information outcomes ride along with good results: Epic adds one to many searches.
_FAILED_SEVERITIES = frozenset({"error", "fatal"})
# An issue code as FHIR's issue-type value set spells them ("exception", "too-costly").
_ISSUE_CODE = re.compile(r"[a-z][a-z0-9-]{0,39}")


def search_failure(bundle: Mapping[str, Any]) -> str | None:
    """The issue codes ("exception") of a search Bundle's OperationOutcome entries of severity
    error or fatal (whatever their search.mode), or None when the search did not fail.

    HAPI and Epic report a failed search as a Bundle holding such an outcome: read as an empty
    result it would pass for "no diagnoses on record". Only the codes come back, for the 412 body
    and the log: `diagnostics` and `details.text` are free text that may quote the patient."""
    if bundle.get("resourceType") != "Bundle":
        return None
    entries = bundle.get("entry")
    outcomes: list[Mapping[str, Any]] = []
    for entry in entries if isinstance(entries, list) else ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "OperationOutcome":
            outcomes.append(resource)
    return outcome_failure(outcomes)


def outcome_failure(outcomes: Iterable[Mapping[str, Any]]) -> str | None:
    """`search_failure` of a Bundle whose OperationOutcome entries are `outcomes` (in entry
    order): the codes of their issues of severity error or fatal, each once, or None."""
    codes: list[str] = []
    for outcome in outcomes:
        issues = outcome.get("issue")
        for issue in issues if isinstance(issues, list) else ():
            if isinstance(issue, dict) and issue.get("severity") in _FAILED_SEVERITIES:
                code = issue.get("code")
                good = isinstance(code, str) and _ISSUE_CODE.fullmatch(code) is not None
                codes.append(str(code) if good else "unknown")
    return ", ".join(dict.fromkeys(codes)) if codes else None


# Issue codes that say some results were not returned (cut short or withheld), each from the
# severity its row in fhir_mapping/data/outcome_issue_codes.csv names: outcome_issues.py. A
# server may send them as a warning beside the results it did return ("results truncated to the
# first 50", "some results are not shown"): read as all the data, that would pass for "criteria
# met" (review 15 M4) or "nothing to act on" (review 16 U1).
def outcome_incomplete(outcomes: Iterable[Mapping[str, Any]]) -> str | None:
    """The codes (outcome_issues.py) among the issues of a Bundle's OperationOutcome entries
    whose severity is not error or fatal (those fail the search: `outcome_failure`) that say
    results were withheld or cut short, each once, or None: the search answered, but not with
    everything."""
    return withheld_codes(outcomes, _FAILED_SEVERITIES)


def search_incomplete(bundle: Mapping[str, Any]) -> str | None:
    """`outcome_incomplete` of a search Bundle's OperationOutcome entries."""
    if bundle.get("resourceType") != "Bundle":
        return None
    entries = bundle.get("entry")
    outcomes = [
        resource
        for entry in (entries if isinstance(entries, list) else ())
        if isinstance(entry, dict)
        and isinstance(resource := entry.get("resource"), dict)
        and resource.get("resourceType") == "OperationOutcome"
    ]
    return outcome_incomplete(outcomes) if outcomes else None


def declared_total(bundle: Mapping[str, Any]) -> int | None:
    """A searchset's `total` (its server's count of matches), or None."""
    total = bundle.get("total")
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "searchset":
        return None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


def match_count(bundle: Mapping[str, Any]) -> int:
    """The entries `total` counts: search.mode "match", or no mode (FHIR: match is the default
    reading); not `include` entries (a Medication that came with an order) nor outcomes."""
    entries = bundle.get("entry")
    count = 0
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict):
            continue
        resource = entry.get("resource")
        if isinstance(resource, dict) and resource.get("resourceType") == "OperationOutcome":
            continue
        search = entry.get("search")
        mode = search.get("mode") if isinstance(search, dict) else None
        if mode in (None, "match"):
            count += 1
    return count


def _resources_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    if body.get("resourceType") == "Bundle":
        failed = search_failure(body)
        if failed is not None:
            # The type could not be obtained: not "none on record" (review 8).
            raise FhirUnavailable(
                f"the FHIR server's search failed (OperationOutcome in the Bundle: {failed})"
            )
        out = []
        for entry in body.get("entry") or []:
            if not isinstance(entry, dict):
                continue
            search = entry.get("search")
            if isinstance(search, dict) and search.get("mode") == "outcome":
                continue
            resource = entry.get("resource")
            if isinstance(resource, dict) and "resourceType" in resource:
                out.append(resource)
        return out
    return [body]


class InMemoryFhirSource:
    """A FhirSource over a fixed list of resources (tests, the offline CLI)."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        self._resources = resources
        self.queries: list[str] = []

    def search(self, query: str, *, deadline: float) -> list[dict[str, Any]]:
        self.queries.append(query)
        resource_type = query.split("?", 1)[0].split("/", 1)[0]
        return [r for r in self._resources if r.get("resourceType") == resource_type]
