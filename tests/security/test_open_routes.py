"""With auth required, which routes answer without a JWT, and the README says exactly those (s24 review
RZ, finding 3: it named only discovery and /health). Each route is taken from the app itself, so a
route added later is either refused without a token or has to be listed in the README."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from starlette.routing import Mount

ROOT = Path(__file__).resolve().parents[2]
# Pages whose link token is their credential: an unknown token is answered 404, never the page.
TOKEN_PAGES = {"/timeline/{token}", "/packet/{token}"}


def _routes(routes: Iterable[Any]) -> Iterator[tuple[str, frozenset[str]]]:
    """(path, methods) of every route, through included routers (none has a prefix here)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        elif isinstance(route, Mount):
            yield route.path, frozenset({"GET", "MOUNT"})
        else:
            yield route.path, frozenset(route.methods or ())


def _readme_paragraph() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("With `[auth] required = true`, every `POST /cds-services/{id}`")
    return text[start : text.index("| check | refused when |", start)]


def test_every_route_either_needs_a_token_or_is_listed_open_in_the_readme(
    auth_client: Callable[..., TestClient],
) -> None:
    client = auth_client()
    routes = set(_routes(client.app.routes))  # type: ignore[attr-defined]
    paragraph = _readme_paragraph()
    listed = set(re.findall(r"`(?:GET )?(/[^`\s]*)`", paragraph))
    open_routes = set()
    for path, methods in sorted(routes, key=lambda r: r[0]):
        if "POST" in methods:
            url = path.replace("{service_id}", "trd-tms-referral")
            response = client.post(url, json={})
            assert response.status_code == 401, (path, response.status_code)
            continue
        assert "GET" in methods, (path, methods)
        url = path.replace("{token}", "x" * 43) + ("/swagger-ui.css" if "MOUNT" in methods else "")
        response = client.get(url)
        if path in TOKEN_PAGES:
            assert response.status_code == 404, (path, response.status_code)
        else:
            assert response.status_code == 200, (path, response.status_code)
        open_routes.add(path.rstrip("/"))
    expected = {
        "/cds-services",
        "/livez",
        "/readyz",
        "/health",
        "/metrics",
        "/docs",
        "/docs/assets",
        "/openapi.json",
        *TOKEN_PAGES,
    }
    assert open_routes == expected
    listed_open = {p.rstrip("/") for p in listed}
    assert expected <= listed_open, expected - listed_open
