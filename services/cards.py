"""Card text: the markdown a clinician reads to check a recommendation's basis.

Summaries stay under 140 characters (CDS Hooks 2.0 card.summary); details carry the trials table
(drug, mg/day, dates, weeks, adherence, PHQ-9 before/after, verdict), the scores used, the staging
and links to the guideline. Topic behaviour (indicator, snooze, timeline link, override reasons)
comes from data/topics.csv and data/override_reasons.csv.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from fhir_mapping.dose_basis import shown_dose
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    AdherenceStatus,
    DataDomain,
    DoseBasis,
    InadequacyReason,
    PatientRecord,
    Score,
    Trial,
    Verdict,
)
from services import data_gaps, tables, trial_dates
from services.recommendation import (
    INDICATOR_ORDER,
    Evidence,
    Indicator,
    Recommendation,
    Source,
    Suggestion,
)
from services.staging import MaudsleyStage

SUMMARY_MAX = 139  # CDS Hooks 2.0: summary "<140 characters"

# Enum members the trial-table rows compare per trial, as module constants: on Python 3.11
# reading a member off its Enum class costs about ten times reading a global (issue 14).
_DAILY = DoseBasis.DAILY
_UNVERIFIED = AdherenceStatus.UNVERIFIED
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_ONGOING = Verdict.ONGOING
_INADEQUATE = Verdict.INADEQUATE
_INTOLERANCE = InadequacyReason.INTOLERANCE
_TOO_SHORT = InadequacyReason.TOO_SHORT
# Each adherence status as a card says it (a dict: Enum.value is a Python-level property on
# 3.11, read per trial). Never "verified" (review 6 finding 6): refill data show possession, not
# ingestion, and a report is a report; VERIFIED reads "refills on time (PDC nn %)", or the report
# ("reported by patient (date): ...") when no refill data exist (adherence_text).
_ADHERENCE_WORDS = {
    AdherenceStatus.VERIFIED: "refills on time",
    AdherenceStatus.POOR: "poor",
    AdherenceStatus.UNVERIFIED: "unverified",
}
_VERIFIED = AdherenceStatus.VERIFIED


def fmt_mg(mg: float | None) -> str:
    """mg as a clinician writes it: 37.5, 0.025, and a weekly 90 mg as 12.86 a day, never the
    raw 12.8571 of the arithmetic (review finding 10)."""
    if mg is None:
        return "unknown"
    return f"{round(mg, 2 if abs(mg) >= 1 else 4):g}"


def fmt_weeks(weeks: float) -> str:
    return f"{weeks:.1f}".removesuffix(".0")


def fmt_pct(fraction: float) -> str:
    return f"{round(fraction * 100)} %"


def names(trials: Iterable[Trial]) -> str:
    return ", ".join(dict.fromkeys([t.ingredient for t in trials]))


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
    if "|" in text or "\n" in text:  # most cells hold neither: no copies made for them
        return text.replace("|", "\\|").replace("\n", " ")
    return text


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [_table_row(header), "|" + "---|" * len(header)]
    lines.extend(map(_table_row, rows))
    return "\n".join(lines)


def _table_row(cells: Sequence[str]) -> str:
    # Most rows hold no "|" and no line break: one look at the whole row, and each cell is
    # looked at only when the row has one (issue 14).
    joined = "".join(cells)
    if "|" in joined or "\n" in joined:
        cells = [_cell(c) for c in cells]
    return "| " + " | ".join(cells) + " |"


# How a dose that is not mg/day is written (issue 11 item 5b): never as an averaged mg/day.
PER_ADMINISTRATION = {DoseBasis.SESSION: "per session", DoseBasis.INTERVAL: "per injection"}


def dose_path(trial: Trial) -> str:
    """Consecutive distinct doses, e.g. "25 → 50 → 100"; "56 mg per session" for a drug dosed
    per session or injection (its segments hold a time average, not a dose)."""
    if trial.dose_basis is not _DAILY:
        unit = PER_ADMINISTRATION[trial.dose_basis]
        if trial.mg_per_administration is None:
            return f"dosed {unit} (not mg/day)"
        return f"{fmt_mg(trial.mg_per_administration)} mg {unit}"
    doses: list[str] = []
    equivalence = trial.dose_equivalence
    for segment in trial.segments:
        high = segment.mg_per_day_high
        # A ranged dose as its range, never one number that claims more than the record shows;
        # an equivalent-dose product (Aplenzin, Prozac Weekly) as written beside its equivalent.
        if equivalence is not None:
            text = shown_dose(equivalence, segment.mg_per_day, high) or fmt_mg(segment.mg_per_day)
        elif high is not None:
            low = segment.mg_per_day
            text = f"{fmt_mg(low)}-{fmt_mg(high)}" if low is not None else f"up to {fmt_mg(high)}"
        else:
            text = fmt_mg(segment.mg_per_day)
        if not doses or doses[-1] != text:
            doses.append(text)
    return " → ".join(doses) if doses else "unknown"


def adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    if trial.intolerance is not None and adherence.status is _UNVERIFIED:
        # Refill data of a course stopped for intolerance are not judged (issue 10): no PDC.
        return adherence.documented or "not judged: the course ended for intolerance"
    status, pdc = adherence.status, adherence.pdc
    # Supply gaps (>= policy supply_gap_days) not already named as refill gaps (review 6 f. 1).
    lapses = [g for g in adherence.supply_gaps if g not in adherence.refill_gaps]
    parts: list[str] = []
    if status is _VERIFIED and pdc is not None:
        parts.append(
            f"refills: PDC {fmt_pct(pdc)}" if lapses else f"refills on time (PDC {fmt_pct(pdc)})"
        )
    elif status is not _VERIFIED or adherence.documented is None:
        # VERIFIED without PDC rests on a report: the report alone says so (below).
        parts.append(_ADHERENCE_WORDS[status])
        if pdc is not None:
            parts.append(f"PDC {fmt_pct(pdc)}")
    if adherence.first_fill is not None:  # no refill to judge: the fill, not a PDC (adherence.py)
        parts.append(first_fill_text(trial))
    for gap in adherence.refill_gaps:
        parts.append(f"gap {fmt_weeks(gap.days / 7)} wk from {gap.start.isoformat()}")
    for gap in lapses:
        parts.append(f"no supply {gap.days} days from {gap.start.isoformat()}")
    outcome_gap = trial.outcome_gap if lapses or adherence.refill_gaps else None
    if outcome_gap is not None and trial.on_treatment is not None:
        parts.append(f"PHQ-9 of {trial.on_treatment.date.isoformat()} taken in a supply gap")
    if adherence.estimated:
        parts.append("days' supply estimated from quantity and the order's dose")
    if adherence.documented:  # US Core medication-adherence extension
        parts.append(adherence.documented)
    elif status is _UNVERIFIED and adherence.first_fill is None:
        fills = adherence.fills
        parts.append(
            f"{fills} fill{'' if fills == 1 else 's'} on record, days' supply not stated"
            if fills
            else "no dispensing data"
        )
    if trial.on_hold is not None:  # review 6 finding 3
        parts.append(f"on hold as of {trial.on_hold.isoformat()}: not taken now")
    if trial.unconfirmed_since is not None:  # review 6 finding 11
        parts.append(f"listed as active; not confirmed since {trial.unconfirmed_since.isoformat()}")
    return "; ".join(parts)


def first_fill_text(trial: Trial) -> str:
    """A course with no refill to judge (Adherence.first_fill, adherence.py): "one fill
    (2024-01-08, 30 days): too short to judge refills", or "first fill 2024-01-08 (90 days) of
    2" when a refill came before that supply ran out."""
    adherence = trial.adherence
    fill = adherence.first_fill
    if fill is None:
        return ""
    day, fills = fill.date.isoformat(), adherence.fills
    days = f"{fill.days} day{'' if fill.days == 1 else 's'}"
    what = f"one fill ({day}, {days})" if fills <= 1 else f"first fill {day} ({days}) of {fills}"
    return f"{what}: too short to judge refills"


def intolerance_text(trial: Trial) -> str:
    """The documented intolerance, e.g. "not tolerated: Medication stopped - side effect
    (2024-03-15, MedicationRequest/abc)"."""
    intolerance = trial.intolerance
    if intolerance is None:
        return ""
    when = f"{intolerance.date.isoformat()}, " if intolerance.date else ""
    return f"not tolerated: {intolerance.reason} ({when}{intolerance.source})"


def _days(start: date, end: date) -> int:
    return (end - start).days


def below_minimum(trial: Trial) -> tuple[float, float] | None:
    """(highest dose below the minimum adequate dose, weeks spent below it), or None."""
    minimum = trial.min_adequate_mg
    if minimum is None:
        return None
    low = [s for s in trial.segments if s.mg_per_day is not None and s.mg_per_day < minimum]
    if not low:
        return None
    top = max(s.mg_per_day for s in low if s.mg_per_day is not None)
    return top, sum(_days(s.start, s.end) for s in low) / 7


def unknown_dose_weeks(trial: Trial) -> float:
    return sum(_days(s.start, s.end) for s in trial.segments if s.mg_per_day is None) / 7


def possibly_adequate(trial: Trial, policy: MappingPolicy) -> bool:
    """4 to < 6 weeks at an adequate dose (policy values): "possibly adequate - review"."""
    return (
        InadequacyReason.TOO_SHORT in trial.reasons
        and policy.possibly_adequate_weeks <= trial.weeks_at_adequate_dose
        and trial.weeks_at_adequate_dose < policy.min_adequate_weeks
    )


def reason_text(trial: Trial, reason: InadequacyReason, policy: MappingPolicy) -> str:
    if reason is InadequacyReason.DOSE_BELOW_MINIMUM:
        low = below_minimum(trial)
        dose = "a dose" if low is None else f"{fmt_mg(low[0])} mg/day for {fmt_weeks(low[1])} weeks"
        return f"{dose}, below the minimum adequate {fmt_mg(trial.min_adequate_mg)} mg/day"
    if reason is InadequacyReason.TOO_SHORT:
        if trial_dates.start_unknown(trial):
            # No start, no length: "0 weeks" would read as measured (review 6 finding 8).
            return (
                "weeks at an adequate dose not known: start not recorded "
                f"(needs {fmt_weeks(policy.min_adequate_weeks)})"
            )
        weeks = (
            f"{fmt_weeks(trial.weeks_at_adequate_dose)} weeks at an adequate dose "
            f"(needs {fmt_weeks(policy.min_adequate_weeks)})"
        )
        if possibly_adequate(trial, policy):
            return f"possibly adequate - review: {weeks}; not counted as a failure"
        return weeks
    if reason is InadequacyReason.POOR_ADHERENCE:
        if trial.adherence.documented:  # US Core medication-adherence extension (issue 10)
            pdc = trial.adherence.pdc
            refills = f"; refill data PDC {fmt_pct(pdc)}" if pdc is not None else ""
            return f"non-adherence {trial.adherence.documented}{refills}"
        return f"adherence contradicted by refill data ({adherence_text(trial)})"
    if reason is InadequacyReason.INTOLERANCE:
        return intolerance_text(trial)
    if reason is InadequacyReason.DOSE_UNKNOWN:
        if trial.dose_basis is not DoseBasis.DAILY:
            return (
                f"{trial.ingredient} is dosed {PER_ADMINISTRATION[trial.dose_basis]}: no mg/day "
                "range applies, judge the course clinically"
            )
        if trial.min_adequate_mg is None:
            return (
                f"no verified minimum adequate dose for {trial.ingredient}: judge the dose "
                "clinically"
            )
        unknown = unknown_dose_weeks(trial)
        span = f" for {fmt_weeks(unknown)} weeks" if unknown > 0 else ""
        # A length the record does not state is not shown as weeks (review 6 finding 8).
        assumed = trial.assumed_days
        if assumed is not None:
            span = f"; duration not recorded (counted as {assumed} days)"
        return f"dose not recorded{span}: confirm the dose taken"
    return "low dose for another indication"


def verdict_text(trial: Trial, policy: MappingPolicy) -> str:
    if trial.verdict is _NOT_A_TRIAL:
        return "not an antidepressant trial"
    if _INTOLERANCE in trial.reasons:
        # Neither a failure of efficacy nor poor adherence: the drug was not tolerated.
        running = "ongoing; " if trial.verdict is _ONGOING else ""
        return f"{running}intolerant ({intolerance_text(trial)})"
    if trial.verdict is _ONGOING:
        why = "; ".join(reason_text(trial, r, policy) for r in trial.reasons if r is not _TOO_SHORT)
        return f"ongoing; {why}" if why else "ongoing"
    if trial.verdict is _INADEQUATE:
        why = "; ".join(reason_text(trial, r, policy) for r in trial.reasons)
        return f"not adequate: {why}" if why else "not adequate"
    outcome = _adequate_text(trial)
    if trial.intolerance is not None:  # adequate, and documented as not tolerated
        return f"{outcome}; {intolerance_text(trial)}"
    return outcome


def _adequate_text(trial: Trial) -> str:
    if trial.remission:
        return "adequate: remission"
    response = trial.response  # computed from the scores on each read: read once
    if response:
        return "adequate: response"
    if trial.outcome_unmeasured:
        if trial.ongoing:
            return f"adequate; outcome not measured yet ({trial.unmeasured_text})"
        return f"failed (adequate; {trial.unmeasured_text}: outcome inferred from stopping it)"
    if not trial.failed:
        # Scored with no drug on hand, after a hold or in a supply gap (review 6 findings 1 and
        # 3): not a failure of the drug (Trial.failed); the packet's outcome cell says more.
        on_treatment = trial.on_treatment
        when = f" of {on_treatment.date.isoformat()}" if on_treatment is not None else ""
        off = "after it was put on hold" if trial.on_hold is not None else "in a supply gap"
        return f"adequate; to confirm: the PHQ-9{when} was taken {off}"
    if response is None:
        return "failed (adequate; no baseline PHQ-9, not in remission on treatment)"
    return "failed (adequate; < 50 % PHQ-9 drop)"


def _score_value(score: Score | None) -> str:
    if score is None or score.value is None:
        return "–"
    return str(score.value)


def _phq9_pair(trial: Trial) -> str:
    return f"{_score_value(trial.baseline)} → {_score_value(trial.on_treatment)}"


_START = operator.attrgetter("start")  # oldest first: a C-level sort key


def trial_table(trials: Sequence[Trial], policy: MappingPolicy) -> str:
    """The trials as a markdown table, oldest first.

    A course that is not an antidepressant trial (e.g. trazodone 50 mg at night for sleep) shows
    no adherence or PHQ-9 columns: an as-needed hypnotic's refill rate and the depression scores
    around it say nothing about it, and "poor adherence" on it would mislead.
    """
    rows = []
    for t in sorted(trials, key=_START):
        end = "ongoing" if t.ongoing else t.end.isoformat()
        not_a_trial = t.verdict is _NOT_A_TRIAL
        rows.append(
            (
                f"{t.ingredient} ({t.drug_class})",
                dose_path(t),
                f"{t.start.isoformat()} – {end}",
                fmt_weeks(t.weeks_at_adequate_dose),
                "–" if not_a_trial else adherence_text(t),
                "–" if not_a_trial else _phq9_pair(t),
                verdict_text(t, policy),
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


def phq9_text(score: Score, day: str | None = None) -> str:
    """`day`: the score's date as ISO text, when the caller has it already."""
    if day is None:
        day = score.date.isoformat()
    if score.value is None:
        return f"PHQ-9 (no total) on {day}"
    band = tables.phq9_band(score.value)
    return f"PHQ-9 {score.value} ({band.label}) on {day}"


SCORES_SHOWN = 4  # the latest PHQ-9 totals a scores section lists


def scores_section(record: PatientRecord, limit: int = SCORES_SHOWN) -> str:
    shown = [s for s in record.phq9() if s.value is not None][-limit:]
    return _scores_text(record, shown, [s.date.isoformat() for s in shown])


def _scores_text(record: PatientRecord, scores: Sequence[Score], days: Sequence[str]) -> str:
    """The scores section for the latest PHQ-9 totals `scores` (oldest first), `days` their
    dates as ISO text (written once for the text and the evidence's keys)."""
    if not scores:
        if record.incomplete(DataDomain.SCORES):
            return "**Scores:** no PHQ-9 in the data that could be read."
        return f"**Scores:** {data_gaps.no_phq9_words(record)}."
    lines = ", ".join(
        [phq9_text(s, day) for s, day in zip(reversed(scores), reversed(days), strict=True)]
    )
    return f"**Scores (latest first):** {lines}. Bands: Kroenke 2001."


@lru_cache(maxsize=1)
def _staging_head() -> str:
    """The staging line's opening, with its link to the Maudsley paper (a guideline row)."""
    g = tables.guideline("maudsley2018")
    return f"**Maudsley staging** ([{g.short}]({g.url})): "


def staging_section(stage: MaudsleyStage) -> str:
    """The Maudsley stage in one line: the total, its band and every dimension with its points
    and category (issue 12: a five-row table on each card was most of a screen). What each
    dimension was read from is on the screen already or one click away: the episode start in the
    referral summary and on the timeline, the PHQ-9 and the failed trials on the cards."""
    parts = "; ".join(
        [
            f"{d.name} {d.points} ({d.category}; {d.assumed})"
            if d.assumed
            else f"{d.name} {d.points} ({d.category})"
            for d in stage.dimensions
        ]
    )
    return f"{_staging_head()}{stage.total} of 15, {stage.band}. {parts}."


# --- evidence shared between the cards of one screen (services/screen.py) -----------------------


def trial_key(trial: Trial) -> str:
    return f"trial:{trial.ingredient}:{trial.start.isoformat()}"


def trials_evidence(trials: Sequence[Trial], policy: MappingPolicy) -> Evidence:
    """The trials table as evidence another card of the screen may point to instead."""
    return Evidence(
        key="trials",
        text=trial_table(trials, policy),
        covers=frozenset([trial_key(t) for t in trials]),
    )


def scores_evidence(record: PatientRecord) -> Evidence:
    shown = [s for s in record.phq9() if s.value is not None][-SCORES_SHOWN:]
    days = [s.date.isoformat() for s in shown]
    return Evidence(
        key="scores",
        text=_scores_text(record, shown, days),
        covers=frozenset([f"phq9:{day}:{s.value}" for s, day in zip(shown, days, strict=True)]),
    )


def linked_evidence(record: PatientRecord, *, pointer: str) -> tuple[Evidence, Evidence]:
    """Trials and scores kept behind the card's links, not in its text (the treatment timeline
    shows every trial and PHQ-9 on record; the TMS referral summary every trial of the episode
    and the severity history). Other cards of the screen say `pointer` instead of their own
    table (services/screen.py)."""
    trials = frozenset([trial_key(t) for t in record.trials])
    scores = frozenset(
        [f"phq9:{s.date.isoformat()}:{s.value}" for s in record.phq9() if s.value is not None]
    )
    return (
        Evidence(key="trials", text="", covers=trials, pointer=pointer),
        Evidence(key="scores", text="", covers=scores, pointer=pointer),
    )


_STAGING_COVERS = frozenset({"staging"})


def staging_evidence(stage: MaudsleyStage) -> Evidence:
    return Evidence(key="staging", text=staging_section(stage), covers=_STAGING_COVERS)


def evidence_sections(*evidence: Evidence) -> tuple[str, ...]:
    """The sections' texts for a detail, each once (two may share a pointer line)."""
    return tuple(dict.fromkeys([e.text for e in evidence if e.text]))


def guideline_links(*keys: str, linked: str = "") -> str:
    """The guidelines' links, each once; a guideline whose link `linked` (the detail above)
    already holds is not repeated."""
    items = []
    for key in dict.fromkeys(keys):
        g = tables.guideline(key)
        if f"]({g.url})" in linked:
            continue
        # The short name (issue 12: a screen a clinician can read); the card's `source` carries
        # the full label of its own guideline.
        items.append(f"[{g.short or g.label}]({g.url})")
    return "**Guideline:** " + "; ".join(items) + "." if items else ""


def join_sections(*sections: str) -> str:
    return "\n\n".join([s for s in sections if s])


@lru_cache(maxsize=64)
def source_for(topic_code: str) -> Source:
    """The topic's guideline as a card's source: the same (immutable) Source for every card of
    the topic, built once per topic (a handful in topics.csv)."""
    topic = tables.topic(topic_code)
    g = tables.guideline(topic.guideline)
    return Source(label=g.label, url=g.url, topic_code=topic.code, topic_display=topic.display)


def _without_source_link(detail: str, source: tables.Guideline) -> str:
    """The detail without its guideline line's link to the card's own source: the card's
    `source` (label and URL, shown by the EHR with every card) already names it."""
    if f"]({source.url})" not in detail:
        return detail  # no link to it at all (one scan, not one per form below)
    link = f"[{source.short or source.label}]({source.url})"
    for old, new in (
        (f"**Guideline:** {link}.", ""),
        (f"**Guideline:** {link}; ", "**Guideline:** "),
        (f"; {link}", ""),
    ):
        if old in detail:
            return detail.replace(old, new, 1).rstrip()
    return detail


@lru_cache(maxsize=32)
def _link_pattern(url: str) -> re.Pattern[str]:
    """A markdown link to `url`, its label as group 1: compiled once per source URL (a
    guideline's or a payer rule set's, a handful in all)."""
    return re.compile(r"\[([^\]]*)\]\(" + re.escape(url) + r"\)")


# A link's label, the replacement of each link: r"\1" as a C-level callable (issue 14: a template
# is expanded per match in Python on 3.11).
_LABEL = operator.methodcaller("group", 1)


def _source_links_as_names(text: str, url: str | None) -> str:
    """Every link in `text` to the card's own source URL as its label alone: the card's `source`
    (shown by the EHR with every card) is that link, and a URL in the detail is characters the EHR
    receives and the clinician does not read (issue 12: a screen a clinician can read)."""
    if not url or f"]({url})" not in text:
        return text  # nothing to replace: a link to the URL holds "](url)"
    return _link_pattern(url).sub(_LABEL, text)


def make(
    topic_code: str,
    *,
    summary: str,
    detail: str,
    suggestions: Sequence[Suggestion] = (),
    indicator: Indicator | None = None,
    dedupe_key: str | None = None,
    evidence: Sequence[Evidence] = (),
    source: Source | None = None,
) -> Recommendation:
    """A Recommendation with the topic's indicator, flags, source and override reasons.
    `evidence`: the shared sections the detail holds (trials, scores, staging), so one screen can
    show each once (services/screen.py). `source`: instead of the topic's guideline, when the
    card rests on something the clinic chose (the TMS card: the payer rule set it evaluates).
    Links to the source's URL are left as their labels, in the detail and its evidence alike."""
    topic = tables.topic(topic_code)
    if source is None:
        source = source_for(topic_code)
        detail = _without_source_link(detail, tables.guideline(topic.guideline))
    url = source.url
    detail = _source_links_as_names(detail, url)
    link = f"]({url})"  # what a link to the source holds (_source_links_as_names' test)
    kept = []
    for e in evidence:
        if url and link in e.text:
            text = _source_links_as_names(e.text, url)
            if text != e.text:
                e = dataclasses.replace(e, text=text)
        # A section the detail does not hold is no evidence of it; one with no text is kept
        # behind the card's links (linked_evidence).
        if not e.text or e.text in detail:
            kept.append(e)
    return Recommendation(
        topic=topic.code,
        indicator=indicator or topic.indicator,
        summary=fit_summary(summary),
        detail=detail,
        source=source,
        suggestions=tuple(suggestions),
        override_reasons=tables.override_reasons(topic.code),
        snoozable=topic.snoozable,
        wants_timeline=topic.wants_timeline,
        dedupe_key=dedupe_key,
        evidence=tuple(kept),
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
