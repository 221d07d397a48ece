"""The sections a card's detail shares with the other cards of its screen: the latest PHQ-9
scores, the Maudsley staging line, and the trials, scores and staging as Evidence
(services/recommendation.py) so services/screen.py can show each once.

Apart from cards.py because these are the record's facts as sections, whichever card holds them;
cards.py builds the card around them (its links, source and topic).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DataDomain, PatientRecord, Score, Trial, Verdict
from services import phq9_disagreements, preliminary_phq9, tables
from services.no_phq9_words import no_phq9_words
from services.recommendation import Evidence
from services.score_correction_words import corrected_words
from services.trial_table import trial_table

if TYPE_CHECKING:  # a type only: importing staging here closed a cycle (pathway -> data_gaps ->
    # cards -> card_evidence -> staging -> pathway) for any caller importing services.pathway first
    from services.staging import MaudsleyStage


def phq9_text(score: Score, day: str | None = None) -> str:
    """`day`: the score's date as ISO text, when the caller has it already."""
    if day is None:
        day = score.date.isoformat()
    if score.value is None:
        return f"PHQ-9 (no total) on {day}"
    band = tables.phq9_band(score.value)
    conflict = score.total_conflict
    if conflict is not None:
        # The higher of a total and its answers' sum (review s22 RS finding 1): both named.
        return (
            f"PHQ-9 {score.value} ({band.label}; total filed {conflict.filed}, "
            f"{phq9_disagreements.items_words(conflict)}: check the form) on {day}"
        )
    return f"PHQ-9 {score.value} ({band.label}) on {day}"


SCORES_SHOWN = 4  # the latest PHQ-9 totals a scores section lists


def scores_section(record: PatientRecord, limit: int = SCORES_SHOWN) -> str:
    shown = [s for s in record.phq9() if s.value is not None][-limit:]
    return _scores_text(
        record, shown, [s.date.isoformat() for s in shown], _newer_preliminary(record)
    )


def _newer_preliminary(record: PatientRecord) -> Score | None:
    """The preliminary PHQ-9 total newer than the latest reviewed one (services/preliminary_phq9
    .py), else None. Review 14 audit W3: a preliminary 24 two days old beside a failure card
    resting on a reviewed 17 was on no card; the clinician never saw the unreviewed worsening.
    Named only: no outcome, band or baseline rests on it until it is reviewed."""
    if not record.unfinished_scores:  # nearly every chart: nothing to look for
        return None
    return preliminary_phq9.newer_than_reviewed(record)


def _scores_text(
    record: PatientRecord,
    scores: Sequence[Score],
    days: Sequence[str],
    preliminary: Score | None = None,
) -> str:
    """The scores section for the latest PHQ-9 totals `scores` (oldest first), `days` their
    dates as ISO text (written once for the text and the evidence's keys), with a `preliminary`
    total newer than them named after them, never among them (it judges nothing)."""
    if not scores:
        if record.incomplete(DataDomain.SCORES):
            text = "**Scores:** no PHQ-9 in the data that could be read"
        else:
            text = f"**Scores:** {no_phq9_words(record)}"
        if preliminary is None:
            return f"{text}."
        # "no PHQ-9 on record" beside a filed total would read as a contradiction: no reviewed one.
        text = text.replace("no PHQ-9", "no reviewed PHQ-9", 1)
        return f"{text}; {preliminary_phq9.newer_text(preliminary)}."
    # A total a correction gave, named where it changes a conclusion (fix score54).
    lines = ", ".join(
        [
            phq9_text(s, day) + corrected_words(record, s)
            for s, day in zip(reversed(scores), reversed(days), strict=True)
        ]
    )
    text = f"**Scores (latest first):** {lines}. Bands: Kroenke 2001."
    if preliminary is None:
        return text
    return f"{text} Newer: {preliminary_phq9.newer_text(preliminary)}; not used to judge response."


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


def _other_scale_pairs(trials: Sequence[Trial]) -> list[tuple[Trial, str]]:
    """The trials (oldest first) whose outcome rests on a scale other than the PHQ-9, each with
    its pair as the table's outcome column writes it ("QIDS-SR16 18 → 12"; "–" for no
    baseline). A course that is not an antidepressant trial shows no pair (trial_table)."""
    pairs: list[tuple[Trial, str]] = []
    for t in sorted(trials, key=lambda t: t.start):
        if t.verdict is Verdict.NOT_A_TRIAL or t.outcome_scale == "PHQ-9":
            continue
        before, after = t.baseline, t.on_treatment
        if after is None or after.value is None:
            continue
        start = "–" if before is None or before.value is None else str(before.value)
        pairs.append((t, f"{t.outcome_scale} {start} → {after.value}"))
    return pairs


def deferred_mark(key: str) -> str:
    """What a section not built yet (`Evidence.build`) stands as in the detail, until the screen
    builds it or replaces it with a pointer line: no card text holds a NUL character."""
    return f"\x00{key} section\x00"


def trials_evidence(
    trials: Sequence[Trial],
    policy: MappingPolicy,
    record: PatientRecord | None = None,
    *,
    named: Sequence[Trial] = (),
    deferred: bool = False,
) -> Evidence:
    """The trials table as evidence another card of the screen may point to instead (with the
    `record`, a trial beside an inducer says so: services/inducers.py). A trial judged on
    another scale than the PHQ-9 is named in `Evidence.basis`, so the line replacing the table
    still says what the verdict rests on, unless the trial is one of `named`, whose pair the
    card's own text names already (the measurement-based-care outcome line).

    `deferred`: the table built only if the screen shows it (`Evidence.build`), for a card whose
    screen composition puts it behind the timeline (the caller's RuleContext.composed)."""
    pairs = _other_scale_pairs(trials)
    basis = "; ".join([f"{t.ingredient} judged on {pair}" for t, pair in pairs if t not in named])
    covers = frozenset([trial_key(t) for t in trials])
    scales = tuple(dict.fromkeys([t.outcome_scale for t, _ in pairs]))
    if deferred:
        build = partial(trial_table, trials, policy, record)
        return Evidence("trials", deferred_mark("trials"), covers, "", basis, scales, build)
    return Evidence("trials", trial_table(trials, policy, record), covers, "", basis, scales)


# A PHQ-9 total's identity in `Evidence.covers`: "phq9:<day as an ordinal>:<total>", written
# inline by `scores_evidence` and `linked_evidence` alike (the one must match the other's). The
# day's ordinal, not its ISO text: `date.isoformat` costs several times as much, and
# `linked_evidence` writes one for every PHQ-9 of the chart (issue 14).


def scores_evidence(
    record: PatientRecord, *, name_preliminary: bool = True, deferred: bool = False
) -> Evidence:
    """The scores section as evidence. A preliminary PHQ-9 newer than the latest reviewed one is
    named in the text and in `Evidence.basis`, so the line that replaces the section when the
    scores go behind the timeline (services/screen.py) still names it: the timeline shows
    reviewed totals only. `name_preliminary` False: the card names it in its own words (the
    measurement card's "Latest PHQ-9 not yet reviewed" section), not twice. `deferred`: built
    only if the screen shows it, as `trials_evidence`."""
    shown = [s for s in record.phq9() if s.value is not None][-SCORES_SHOWN:]
    preliminary = _newer_preliminary(record) if name_preliminary else None
    covers = frozenset([f"phq9:{s.date.toordinal()}:{s.value}" for s in shown])
    basis = preliminary_phq9.newer_text(preliminary) if preliminary is not None else ""
    if deferred:
        build = partial(_shown_scores_text, record, shown, preliminary)
        return Evidence("scores", deferred_mark("scores"), covers, "", basis, (), build)
    return Evidence("scores", _shown_scores_text(record, shown, preliminary), covers, "", basis)


def _shown_scores_text(
    record: PatientRecord, shown: Sequence[Score], preliminary: Score | None
) -> str:
    return _scores_text(record, shown, [s.date.isoformat() for s in shown], preliminary)


def linked_evidence(record: PatientRecord, *, pointer: str) -> tuple[Evidence, Evidence]:
    """Trials and scores kept behind the card's links, not in its text (the treatment timeline
    shows every trial and PHQ-9 on record; the TMS referral summary every trial of the episode
    and the severity history). Other cards of the screen say `pointer` instead of their own
    table (services/screen.py)."""
    trials = frozenset([trial_key(t) for t in record.trials])
    # record.phq9()'s totals, as a set: read from the scores as they are (no sort).
    scores = frozenset(
        [
            f"phq9:{s.date.toordinal()}:{s.value}"
            for s in record.scores
            if s.instrument == "PHQ-9" and s.value is not None
        ]
    )
    return (
        Evidence(key="trials", text="", covers=trials, pointer=pointer),
        Evidence(key="scores", text="", covers=scores, pointer=pointer),
    )


_STAGING_COVERS = frozenset({"staging"})

# No creatinine and no eGFR on record (the labs read in full): what a card saying so covers.
_NO_KIDNEY_LABS = frozenset({"creatinine:none", "egfr:none"})
# What the other cards of the screen say instead, when the renal dose card says it.
KIDNEY_POINTER = "Kidney function: see the renal dose card."


def no_kidney_labs_evidence(text: str, *, pointer: str = "") -> Evidence:
    """The sentence saying that no creatinine and no eGFR is on record, as evidence (key
    "kidney"): the lithium level card and the renal dose card of one lithium order both said it
    (review 14 audit, k04); services/screen.py keeps it on the card whose topic ranks first in
    DECIDES (the renal dose card), and the other says `pointer` instead."""
    return Evidence(key="kidney", text=text, covers=_NO_KIDNEY_LABS, pointer=pointer)


def staging_evidence(stage: MaudsleyStage) -> Evidence:
    return Evidence(key="staging", text=staging_section(stage), covers=_STAGING_COVERS)


def evidence_sections(*evidence: Evidence) -> tuple[str, ...]:
    """The sections' texts for a detail, each once (two may share a pointer line)."""
    return tuple(dict.fromkeys([e.text for e in evidence if e.text]))
