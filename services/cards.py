"""Card text: the markdown a clinician reads to check a recommendation's basis.

Summaries stay under 140 characters (CDS Hooks 2.0 card.summary); details carry the trials table
(drug, mg/day, dates, weeks, adherence, PHQ-9 before/after, verdict), the scores used, the staging
and links to the guideline. Topic behaviour (indicator, snooze, timeline link, override reasons)
comes from data/topics.csv and data/override_reasons.csv.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fhir_mapping.record import (
    AdherenceStatus,
    InadequacyReason,
    PatientRecord,
    Score,
    Trial,
    Verdict,
)
from services import tables
from services.recommendation import (
    INDICATOR_ORDER,
    Indicator,
    Recommendation,
    Source,
    Suggestion,
)
from services.staging import MaudsleyStage

SUMMARY_MAX = 139  # CDS Hooks 2.0: summary "<140 characters"


def fmt_mg(mg: float | None) -> str:
    if mg is None:
        return "unknown"
    return f"{mg:g}"


def fmt_weeks(weeks: float) -> str:
    return f"{weeks:.1f}".removesuffix(".0")


def fmt_pct(fraction: float) -> str:
    return f"{round(fraction * 100)} %"


def names(trials: Iterable[Trial]) -> str:
    return ", ".join(dict.fromkeys(t.ingredient for t in trials))


def or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def fit_summary(*candidates: str) -> str:
    """The first candidate that fits; the last one shortened with an ellipsis otherwise."""
    for text in candidates:
        if len(text) <= SUMMARY_MAX:
            return text
    return candidates[-1][: SUMMARY_MAX - 1].rstrip() + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "---|" * len(header),
    ]
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def dose_path(trial: Trial) -> str:
    """Consecutive distinct doses, e.g. "25 → 50 → 100"."""
    doses: list[str] = []
    for segment in trial.segments:
        text = fmt_mg(segment.mg_per_day)
        if not doses or doses[-1] != text:
            doses.append(text)
    return " → ".join(doses) if doses else "unknown"


def adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    parts = [adherence.status.value]
    if adherence.pdc is not None:
        parts.append(f"PDC {fmt_pct(adherence.pdc)}")
    for gap in adherence.refill_gaps:
        parts.append(f"gap {fmt_weeks(gap.days / 7)} wk from {gap.start.isoformat()}")
    if adherence.status is AdherenceStatus.UNVERIFIED:
        parts.append("no dispensing data")
    return "; ".join(parts)


def reason_text(trial: Trial, reason: InadequacyReason, min_weeks: float) -> str:
    if reason is InadequacyReason.DOSE_BELOW_MINIMUM:
        return (
            f"dose {fmt_mg(trial.max_mg_per_day)} mg/day below the minimum adequate "
            f"{fmt_mg(trial.min_adequate_mg)} mg/day"
        )
    if reason is InadequacyReason.TOO_SHORT:
        return (
            f"{fmt_weeks(trial.weeks_at_adequate_dose)} weeks at an adequate dose "
            f"(needs {fmt_weeks(min_weeks)})"
        )
    if reason is InadequacyReason.POOR_ADHERENCE:
        return f"adherence contradicted by refill data ({adherence_text(trial)})"
    if reason is InadequacyReason.DOSE_UNKNOWN:
        return "dose unknown"
    return "low dose for another indication"


def verdict_text(trial: Trial, min_weeks: float) -> str:
    if trial.verdict is Verdict.NOT_A_TRIAL:
        return "not an antidepressant trial"
    if trial.verdict is Verdict.ONGOING:
        return "ongoing"
    if trial.verdict is Verdict.INADEQUATE:
        why = "; ".join(reason_text(trial, r, min_weeks) for r in trial.reasons)
        return f"not adequate: {why}" if why else "not adequate"
    if trial.remission:
        return "adequate: remission"
    if trial.response:
        return "adequate: response"
    if trial.response is None:
        return "failed (adequate; no on-treatment PHQ-9, inferred from the switch)"
    return "failed (adequate; < 50 % PHQ-9 drop)"


def _phq9_pair(trial: Trial) -> str:
    def value(score: Score | None) -> str:
        if score is None or score.value is None:
            return "–"
        return str(score.value)

    return f"{value(trial.baseline)} → {value(trial.on_treatment)}"


def trial_table(trials: Sequence[Trial], min_weeks: float) -> str:
    """The trials as a markdown table, oldest first."""
    rows = []
    for t in sorted(trials, key=lambda t: t.start):
        end = "ongoing" if t.ongoing else t.end.isoformat()
        rows.append(
            (
                f"{t.ingredient} ({t.drug_class})",
                dose_path(t),
                f"{t.start.isoformat()} – {end}",
                fmt_weeks(t.weeks_at_adequate_dose),
                adherence_text(t),
                _phq9_pair(t),
                verdict_text(t, min_weeks),
            )
        )
    return table(
        (
            "Drug",
            "mg/day",
            "Dates",
            "Weeks at adequate dose",
            "Adherence",
            "PHQ-9 before → after",
            "Verdict",
        ),
        rows,
    )


def phq9_text(score: Score) -> str:
    if score.value is None:
        return f"PHQ-9 (no total) on {score.date.isoformat()}"
    band = tables.phq9_band(score.value)
    return f"PHQ-9 {score.value} ({band.label}) on {score.date.isoformat()}"


def scores_section(record: PatientRecord, limit: int = 4) -> str:
    scores = [s for s in record.phq9() if s.value is not None][-limit:]
    if not scores:
        return "**Scores:** no PHQ-9 on record."
    lines = ", ".join(phq9_text(s) for s in reversed(scores))
    return f"**Scores (latest first):** {lines}. Bands: Kroenke 2001."


def staging_section(stage: MaudsleyStage) -> str:
    rows = [(d.name, d.basis, d.category, str(d.points)) for d in stage.dimensions]
    rows.append(("Total", "", stage.band, str(stage.total)))
    return "**Maudsley Staging Method** (3-15):\n\n" + table(
        ("Dimension", "Basis", "Category", "Points"), rows
    )


def guideline_links(*keys: str) -> str:
    items = []
    for key in dict.fromkeys(keys):
        g = tables.guideline(key)
        items.append(f"[{g.label}]({g.url})")
    return "**Guideline:** " + "; ".join(items) + "."


def join_sections(*sections: str) -> str:
    return "\n\n".join(s for s in sections if s)


def source_for(topic_code: str) -> Source:
    topic = tables.topic(topic_code)
    g = tables.guideline(topic.guideline)
    return Source(label=g.label, url=g.url, topic_code=topic.code, topic_display=topic.display)


def make(
    topic_code: str,
    *,
    summary: str,
    detail: str,
    suggestions: Sequence[Suggestion] = (),
    indicator: Indicator | None = None,
    dedupe_key: str | None = None,
) -> Recommendation:
    """A Recommendation with the topic's indicator, flags, source and override reasons."""
    topic = tables.topic(topic_code)
    return Recommendation(
        topic=topic.code,
        indicator=indicator or topic.indicator,
        summary=fit_summary(summary),
        detail=detail,
        source=source_for(topic_code),
        suggestions=tuple(suggestions),
        override_reasons=tables.override_reasons(topic.code),
        snoozable=topic.snoozable,
        wants_timeline=topic.wants_timeline,
        dedupe_key=dedupe_key,
    )


def ordered(recommendations: Iterable[Recommendation | None]) -> tuple[Recommendation, ...]:
    """One per topic (the first wins), ordered critical, warning, info, then by topic rank."""
    seen: dict[str, Recommendation] = {}
    for rec in recommendations:
        if rec is not None and rec.topic not in seen:
            seen[rec.topic] = rec
    return tuple(
        sorted(
            seen.values(),
            key=lambda r: (INDICATOR_ORDER[r.indicator], tables.topic(r.topic).rank),
        )
    )
