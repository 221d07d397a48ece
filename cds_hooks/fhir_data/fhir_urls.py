"""Where a FHIR request may go: `url_allowed` (the configured allowlist of FHIR servers: scheme,
host, port and path prefix; "http://127.0.0.1:*" allows any loopback port) and `same_origin` (a
`next` link or a reference under the server the call was given: the access token goes nowhere
else).

Both ask one question of the path, `under_base`: the base path itself or a path below it at a
segment boundary. "https://ehr.example/fhir2/Patient/1" is not under "https://ehr.example/fhir"
(another FHIR server on the same host: the token must not go there; session 25 item 1), and a
path with a dot segment ("/fhir/../fhir2") is under nothing, since the HTTP client would resolve
it to a path outside the base (RFC 3986 5.2.4). Scheme and host compare case-insensitively and an
absent port is the scheme's default (RFC 3986 6.2.2.1 and 6.2.3: "HTTPS://EHR.example:443/fhir" is
"https://ehr.example/fhir"); the path compares as written (RFC 3986 6.2.2.1: case-sensitive).
A URL with userinfo ("https://user@ehr.example/fhir", or an empty user "https://:pw@...") has no
origin here, so neither check accepts it (review s25 RK2 finding 12: `same_origin` accepted one
that `url_allowed` refused; RFC 3986 3.2.1 deprecates a password in userinfo, and the HTTP
client would send those credentials as Basic auth in place of the bearer token).

Apart from fhir_source.py because they are pure URL checks, used before any request is built
(server_access.py, prefetch.py). Importable from fhir_source.py too.
"""

from __future__ import annotations

from urllib.parse import SplitResult, unquote, urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_DOT_SEGMENTS = frozenset({".", ".."})


def under_base(path: str, base_path: str) -> bool:
    """`path` is `base_path` or below it at a segment boundary, and holds no dot segment (module
    docstring). An empty base (or "/") holds every path of its origin."""
    if any(unquote(segment) in _DOT_SEGMENTS for segment in path.split("/")):
        return False
    base = base_path.rstrip("/")
    return not base or path == base or path.startswith(base + "/")


def _origin(parts: SplitResult) -> tuple[str, str | None, int | None] | None:
    """(scheme, host, port) with the scheme's default port filled in; None for a malformed port
    or any userinfo (module docstring). urlsplit lower-cases the scheme and `hostname` the host
    (RFC 3986 6.2.2.1)."""
    if "@" in parts.netloc:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.scheme, parts.hostname, port or _DEFAULT_PORTS.get(parts.scheme)


def same_origin(url: str, base: str) -> bool:
    """`url` is on the server `base` names: the same scheme, host and port, and a path under
    `base`'s path (`under_base`)."""
    a, b = urlsplit(url), urlsplit(base)
    origin = _origin(a)
    return origin is not None and origin == _origin(b) and under_base(a.path, b.path)


def url_allowed(url: str, prefixes: tuple[str, ...]) -> bool:
    """True when `url` is under one of the allowed prefixes (scheme, host, port and path prefix)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    origin = _origin(parts)
    if origin is None:
        return False
    for prefix in prefixes:
        # "http://127.0.0.1:*" allows any port on that host (the loopback default); otherwise the
        # port must match exactly (an absent port means the scheme's default).
        any_port = False
        p = urlsplit(prefix)
        if p.netloc.endswith(":*"):
            any_port = True
            p = urlsplit(prefix.replace(":*", "", 1))
        allowed = _origin(p)
        if allowed is None or origin[:2] != allowed[:2]:
            continue
        if not any_port and origin[2] != allowed[2]:
            continue
        if under_base(parts.path, p.path):
            return True
    return False
