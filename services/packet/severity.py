"""The severity history: every rating-scale result with its date, band and source."""

from __future__ import annotations

from fhir_mapping.record import DataDomain, PatientRecord, Score
from services.packet.html import Cell, el, table, text
from services.packet.wording import day_text
from services.payer_criteria import scale_band


def band_text(score: Score) -> str:
    """The score's severity band: PHQ-9 from data/phq9_bands.csv (Kroenke 2001), the other
    scales from data/payer_criteria/scale_bands.csv (each band with its citation); "–" for a
    scale without bands (PHQ-2, a screen) or a score outside them."""
    if score.value is None:
        return "–"
    band = scale_band(score.instrument, score.value)
    return band.label if band is not None else "–"


def _citations(scores: list[Score]) -> str:
    """ "PHQ-9: Kroenke 2001; GAD-7: Spitzer 2006" for the scales shown."""
    cited: dict[str, str] = {}
    for score in scores:
        if score.value is not None and score.instrument not in cited:
            band = scale_band(score.instrument, score.value)
            if band is not None:
                cited[score.instrument] = band.citation
    return "; ".join(f"{name}: {citation}" for name, citation in cited.items())


def _value(score: Score) -> str:
    if score.value is None:
        return "no total"
    if score.total_computed:
        return f"{score.value} (sum of the answered items)"
    return str(score.value)


def _item9(score: Score) -> Cell:
    if score.instrument != "PHQ-9" or score.item9 is None:
        return "–"
    value = f"at least {score.item9} (from the total)" if score.item9_inferred else str(score.item9)
    # Any answer above "not at all" is a positive screen for thoughts of self-harm.
    return (value, "positive") if score.item9 >= 1 else value


def _row(score: Score) -> tuple[Cell, ...]:
    return (
        day_text(score.date),
        score.instrument,
        _value(score),
        band_text(score),
        _item9(score),
        (str(score.source), "ref") if score.source else "–",
    )


def latest_phq9_text(record: PatientRecord) -> str:
    latest = record.latest_phq9()
    if latest is None or latest.value is None:
        return "no PHQ-9 on record"
    return f"PHQ-9 {latest.value} ({band_text(latest)}) on {day_text(latest.date)}"


def severity_section(record: PatientRecord) -> str:
    parts = [text("h2", "Severity history")]
    scores = sorted(record.scores, key=lambda s: (s.date, s.instrument))
    if scores:
        parts.append(text("p", f"Latest: {latest_phq9_text(record)}.", cls="lede"))
        parts.append(
            table(
                ("Date", "Scale", "Score", "Severity", "PHQ-9 item 9", "Source"),
                [_row(s) for s in scores],
                caption="Rating-scale results, oldest first",
                cls="scores",
            )
        )
        cited = _citations(scores)
        parts.append(
            text(
                "p",
                (f"Severity bands: {cited}. " if cited else "")
                + "PHQ-9 item 9 asks about thoughts of death or self-harm (0 = not at all).",
                cls="note",
            )
        )
    elif record.incomplete(DataDomain.SCORES):
        parts.append(
            text("p", "No rating-scale results in the data that could be read.", cls="empty")
        )
    else:
        parts.append(text("p", "No rating-scale results on record.", cls="empty"))
    return el("section", *parts, id="severity")
