"""Where a FHIR request may go: `url_allowed` (the configured allowlist of FHIR servers: scheme,
host, port and path prefix; "http://127.0.0.1:*" allows any loopback port) and `same_origin` (a
`next` link or a reference under the server the call was given: the access token goes nowhere
else).

Apart from fhir_source.py because they are pure URL checks, used before any request is built
(server_access.py, prefetch.py). Importable from fhir_source.py too.
"""

from __future__ import annotations

from urllib.parse import urlsplit


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
