"""Reading JSON bytes (a request body, a saved file), with one wording for text that is not UTF-8.

JSON exchanged between systems is UTF-8 (RFC 8259 section 8.1). orjson reports other bytes as
"str is not valid UTF-8: surrogates not allowed at position 0", whatever the byte and wherever it
is (review s26 RX finding 1): the bytes are decoded first here, so the HTTP body and the command
line both name the first bad byte and its offset.
"""

from __future__ import annotations

from typing import Any

import orjson

# Byte-order marks of UTF-16 text (a file saved as "Unicode" by some Windows editors).
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


class JsonTextError(ValueError):
    """The bytes are not UTF-8 text, or not JSON."""


def utf8_problem(raw: bytes) -> str | None:
    """ "not valid UTF-8 at byte N (0xNN)" for the first byte that is not UTF-8, else None."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        said = f"not valid UTF-8 at byte {exc.start} (0x{raw[exc.start]:02x})"
        if raw.startswith(_UTF16_MARKS):
            said += ": it starts with a UTF-16 byte-order mark; save it as UTF-8"
        return said
    return None


def load_json(raw: bytes, name: str) -> Any:
    """The JSON value of `raw`; raises JsonTextError naming `name` (a file) and what is wrong."""
    problem = utf8_problem(raw)
    if problem is not None:
        raise JsonTextError(f"{name} is {problem}")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise JsonTextError(f"{name} is not valid JSON ({exc.msg} at position {exc.pos})") from exc
