"""The palette, the PHQ-9 severity bands (data/timeline_style.toml) and the dose categories."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.record import ProcedureKind, Trial
from services.policy import Policy
from services.site_ceiling import DEFAULT_POLICY, site_ceiling
from services.timeline.svg import INK, el


@dataclass(frozen=True, slots=True)
class SeverityBand:
    lower: int
    upper: int
    label: str
    fill: str
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class TimelineStyle:
    below_minimum: str
    adequate: str
    above_maximum: str
    unknown: str
    phq9: str
    item9_positive: str
    tms: str
    ect: str
    psychotherapy: str
    phq9_maximum: int
    bands: tuple[SeverityBand, ...]

    def band_of(self, value: int) -> SeverityBand | None:
        return next((b for b in self.bands if b.lower <= value <= b.upper), None)

    def procedure_colour(self, kind: ProcedureKind) -> str:
        colours = {
            ProcedureKind.TMS: self.tms,
            ProcedureKind.ECT: self.ect,
            ProcedureKind.PSYCHOTHERAPY: self.psychotherapy,
        }
        return colours.get(kind, self.unknown)


@cache
def timeline_style() -> TimelineStyle:
    """The palette and the PHQ-9 severity bands, read once from data/timeline_style.toml."""
    text = resources.files("services").joinpath("data/timeline_style.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    palette: Mapping[str, Any] = data["palette"]
    bands = sorted(
        (
            SeverityBand(
                lower=int(b["lower"]),
                upper=int(b["upper"]),
                label=str(b["label"]),
                fill=str(b["fill"]),
                source=str(b["source"]),
                status=str(b["status"]),
            )
            for b in data["phq9_severity"]
        ),
        key=lambda b: b.lower,
    )
    colour = {k: str(palette[k]) for k in palette if k not in ("source", "status")}
    return TimelineStyle(
        below_minimum=colour["below_minimum"],
        adequate=colour["adequate"],
        above_maximum=colour["above_maximum"],
        unknown=colour["unknown"],
        phq9=colour["phq9"],
        item9_positive=colour["item9_positive"],
        tms=colour["tms"],
        ect=colour["ect"],
        psychotherapy=colour["psychotherapy"],
        phq9_maximum=int(data["phq9"]["maximum"]),
        bands=tuple(bands),
    )


class DoseCategory(StrEnum):
    BELOW = "below-minimum"
    ADEQUATE = "adequate"
    ABOVE = "above-maximum"
    UNKNOWN = "unknown"


CATEGORY_TEXT = {
    DoseCategory.BELOW: "below minimum adequate dose",
    DoseCategory.ADEQUATE: "adequate dose",
    DoseCategory.ABOVE: "above maximum dose",
    DoseCategory.UNKNOWN: "dose or range unknown",
}
# A dose on days the weeks at an adequate dose left out as steps down to a stop (a taper sig, or
# the step to the minimum at a course's end: Trial.tapered_throughout reads Trial.taper_cut): a
# step off the drug, whatever its place in the range (s25 FW item 3, s26 TT item 1).
TAPER_TEXT = "taper step, the drug being stopped"


def dose_category(mg: float | None, trial: Trial, policy: Policy = DEFAULT_POLICY) -> DoseCategory:
    """Where a daily dose sits against the trial's adequate range.

    Safer for the patient: a dose is drawn as adequate only against a verified minimum; an unknown
    dose, or a drug without a verified minimum, is never drawn as if it were adequate. The top is
    the top of the course's range at this site (site_ceiling), the one the optimise card states
    (bupropion SR 450 mg/day is above the SR label's 400 though within the drug's 450; at a US
    site mirtazapine 60 mg/day is above the US label's 45 though within CANMAT's 60).
    """
    if mg is None or trial.min_adequate_mg is None:
        return DoseCategory.UNKNOWN
    if mg < trial.min_adequate_mg:
        return DoseCategory.BELOW
    ceiling = site_ceiling(policy, trial)
    if ceiling is not None and mg > ceiling:
        return DoseCategory.ABOVE
    return DoseCategory.ADEQUATE


def category_fill(category: DoseCategory, style: TimelineStyle, id_prefix: str = "") -> str:
    if category is DoseCategory.ADEQUATE:
        return style.adequate  # solid: the one category without a pattern
    return f"url(#{id_prefix}pat-{category.value})"


def pattern_defs(style: TimelineStyle, id_prefix: str = "") -> str:
    """Fill patterns: each dose category differs by pattern as well as by colour."""
    below = el(
        "pattern",
        el("rect", width=8, height=8, fill=style.below_minimum),
        el("line", x1=0, y1=0, x2=0, y2=8, stroke=INK, stroke_width=2.5, stroke_opacity=0.55),
        id=f"{id_prefix}pat-below-minimum",
        width=8,
        height=8,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    above = el(
        "pattern",
        el("rect", width=7, height=7, fill=style.above_maximum),
        el("path", d="M0 0 L7 7 M7 0 L0 7", stroke=INK, stroke_width=1.4, stroke_opacity=0.7),
        id=f"{id_prefix}pat-above-maximum",
        width=7,
        height=7,
        patternUnits="userSpaceOnUse",
    )
    unknown = el(
        "pattern",
        el("rect", width=6, height=6, fill="#EEEEEE"),
        el("circle", cx=3, cy=3, r=1.3, fill="#666666"),
        id=f"{id_prefix}pat-unknown",
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
    )
    return el("defs", below, above, unknown)
