"""The headers of the pages a card links to (/timeline/{token}, /packet/{token}).

No caching (the page holds clinical data), no referrer (the URL holds the link's token), no
sniffing, and a CSP that loads nothing from anywhere. Framing: none by default (review s25 RP L6;
the pages have no actions, so framing risks little, but nothing needs it either); a site whose EHR
shows card links inside its own web page lists that page's origins in `[server] frame_ancestors`.
"""

from __future__ import annotations

from functools import cache

from cds_hooks.config.settings import Settings


@cache
def _headers(frame_ancestors: tuple[str, ...]) -> dict[str, str]:
    framing = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return {
        "Cache-Control": "no-store",
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors {framing}"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


def page_headers(settings: Settings) -> dict[str, str]:
    """The linked pages' headers under these settings (a new dict: responses may add to it)."""
    return dict(_headers(settings.server.frame_ancestors))
