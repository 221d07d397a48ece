"""SVG writing: elements with escaped attributes, text, tooltips, word wrap.

Every text that comes from data (drug names) is XML-escaped here, so the picture stays
well-formed and inert inside an EHR iframe.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

SVG_NS = "http://www.w3.org/2000/svg"

# System fonts only: nothing is downloaded (the page must render offline inside an EHR iframe).
FONT_STACK = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
    "'Liberation Sans', 'DejaVu Sans', sans-serif"
)
INK = "#1A1A1A"
MUTED = "#555555"
GRID = "#D4D4D4"
# A white outline painted under text keeps labels legible over bars, bands and lines.
HALO: dict[str, str | float | int | None] = {
    "stroke": "#FFFFFF",
    "stroke_width": 3,
    "paint_order": "stroke",
}

Attr = str | float | int | None


def num(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def el(tag: str, *children: str, **attrs: Attr) -> str:
    """An element. Keyword names become SVG names (stroke_width -> stroke-width, cls -> class);
    None drops the attribute; every value is escaped. Children are markup, already escaped."""
    parts = [tag]
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(text, {chr(34): "&quot;"})}"')
    opening = " ".join(parts)
    if not children:
        return f"<{opening}/>"
    return f"<{opening}>{''.join(children)}</{tag}>"


def svg_text(x: float, y: float, content: str, **attrs: Attr) -> str:
    """A <text> element; `content` is raw data and escaped here."""
    return el("text", escape(content), x=x, y=y, **attrs)


def tooltip(content: str) -> str:
    """A <title> child: the browser's hover text and the element's accessible name."""
    return f"<title>{escape(content)}</title>"


def text_width(text: str, size: float) -> float:
    """A generous width estimate: wide sans fonts (DejaVu) average about 0.58 em a character."""
    return len(text) * size * 0.58


def wrap(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap to `width` px; a last line that is still too long ends with an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if not current or text_width(candidate, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + "…", size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept


def svg_document(
    width: float, height: float, *children: str, id_prefix: str = "", layout: str = "wide"
) -> str:
    return el(
        "svg",
        el("rect", width=width, height=height, fill="#FFFFFF"),
        *children,
        xmlns=SVG_NS,
        viewBox=f"0 0 {num(width)} {num(height)}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{id_prefix}timeline-title {id_prefix}timeline-desc",
        font_family=FONT_STACK,
        cls="treatment-timeline",
        data_layout=layout,
    )
