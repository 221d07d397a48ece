"""What each issue of a card adds to its template (cards.CardTemplate.issue): fresh uuids and
the links to the treatment timeline and the referral summary (cards.py says which card wants
which). Apart from cards.py, which builds a card's content once per evaluation.
"""

from __future__ import annotations

import os
from typing import Any

from cds_hooks.models.card import Link

TIMELINE_LINK_LABEL = "View treatment timeline"
PACKET_LINK_LABEL = "TMS referral summary"


def new_uuids(count: int) -> list[str]:
    """`count` random (version 4, RFC 4122) UUIDs from one read of the OS's random source: an
    answer needs one per card and per suggestion, and `uuid.uuid4()` costs 2.5 µs each."""
    raw = bytearray(os.urandom(16 * count))
    out = []
    for start in range(0, 16 * count, 16):
        raw[start + 6] = (raw[start + 6] & 0x0F) | 0x40  # version 4
        raw[start + 8] = (raw[start + 8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw[start : start + 16].hex()
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def timeline_link(url: str) -> dict[str, Any]:
    """The card link to the treatment-timeline page: the wire model's JSON with this url (its
    shape is validated once, below; only the url changes per call and it is never empty)."""
    if not url:
        raise ValueError("a timeline link needs a url")
    return {**_TIMELINE_LINK, "url": url}


def packet_link(url: str) -> dict[str, Any]:
    """The card link to the referral-summary page, like `timeline_link`."""
    if not url:
        raise ValueError("a referral-summary link needs a url")
    return {**_PACKET_LINK, "url": url}


# Validated through the wire model once: absolute links (appContext is for smart links only).
_TIMELINE_LINK: dict[str, Any] = Link(
    label=TIMELINE_LINK_LABEL, url="https://placeholder.invalid/", type="absolute"
).model_dump(mode="json", exclude_none=True)
_PACKET_LINK: dict[str, Any] = Link(
    label=PACKET_LINK_LABEL, url="https://placeholder.invalid/", type="absolute"
).model_dump(mode="json", exclude_none=True)
