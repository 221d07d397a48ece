"""The `severity` criterion: the latest score of each accepted scale in the window and episode,
against the policy's band or its own cut-off."""

from __future__ import annotations

from datetime import timedelta
from operator import attrgetter

from fhir_mapping.record import Score
from services import phq9_disagreements
from services.card_format import plural
from services.pathway import in_episode
from services.payer_criteria.bands import scale_band
from services.payer_criteria.inputs import Inputs, absent
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged
from services.score_correction_words import corrected_words

_DATE = attrgetter("date")  # C-level sort key: every score of the chart, every evaluation


def evaluate_severity(c: Criterion, x: Inputs) -> CriterionResult:
    record, facts = x.record, x.facts
    horizon = record.as_of - timedelta(days=x.policy.payer_score_max_age_days)
    current: dict[str, Score] = {}
    older: dict[str, Score] = {}
    instruments = c.instruments
    # The accepted scales' totals only, then oldest first (a stable sort: the same order as
    # sorting every score and skipping the others).
    for s in sorted(
        [s for s in record.scores if s.instrument in instruments and s.value is not None],
        key=_DATE,
    ):
        fresh = s.date >= horizon and in_episode(s.date, facts.episode_start)
        (current if fresh else older)[s.instrument] = s
    evidence: list[str] = []
    met = False
    met_by: list[str] = []
    confirm: list[str] = []  # totals their answers contradict, the met band on both readings
    lower_below: list[str] = []  # the same, met by the higher reading only
    for instrument in c.instruments:
        score = current.get(instrument)
        if score is None or score.value is None:
            continue
        band = scale_band(instrument, score.value)
        shown = f"{instrument} {score.value} on {score.date.isoformat()}"
        # A final total a correction replaced, where it changes a conclusion (fix score54).
        shown += corrected_words(record, score, x.policy.tms_min_phq9)
        # A total that disagrees with its answers, or the higher of two that day, says so
        # (review s22 RS findings 1 and 6: services/phq9_disagreements.py).
        doubt = phq9_disagreements.conflict_words(
            score, dated=False
        ) or phq9_disagreements.same_day_words(record, score)
        if band is not None:
            unverified = " (band UNVERIFIED)" if band.status == "UNVERIFIED" else ""
            doubt = f"; {doubt}" if doubt else ""
            shown += f" ({band.label}, {band.citation}{unverified}{doubt})"
        elif doubt:
            shown += f" ({doubt})"
        cut = c.cut_off(instrument)
        # A total its answers contradict (Score.total_conflict) is payer evidence on its LOWER
        # reading only (review s23 RP finding 4): the higher stays what the cards' safety
        # checks read, but a packet must not claim severity the form may not show.
        conflict = score.total_conflict
        lower = score.value if conflict is None else min(conflict.filed, conflict.items_sum)
        if cut is not None and lower >= cut[0]:
            met = True
            met_by.append(instrument)
            if conflict is not None:
                confirm.append(_conflict(score))
        elif cut is not None and score.value >= cut[0]:
            shown += f": the lower reading ({lower}) is below {cut[1]}"
            lower_below.append(_conflict(score))
        elif cut is not None:
            shown += f": below {cut[1]}"
        evidence.append(shown)
    stated = [name for name, _ in c.min_scores]
    if met and stated and not set(met_by) & set(stated):
        # The policy states its own cut-off for some scales only (Ambetter:
        # PHQ-9 >= 15) and only another scale's severe band (this project's reading) is met:
        # the payer's criterion cannot be judged from that scale, so "to confirm", never "met".
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            tuple(evidence),
            to_document=(
                f"{c.to_document} (the policy states a cut-off for {'/'.join(stated)} only: "
                f"confirm with the payer that {'/'.join(met_by)} is accepted)"
            ),
            shown_as="To confirm",
        )
    if met:
        # "Met, to confirm": the form whose total and answers disagree is checked first.
        return judged(
            c, CriterionStatus.MET, tuple(evidence), to_confirm="; ".join(confirm) or None
        )
    if evidence:
        to_document = (
            f"{c.to_document} (or check the form: {'; '.join(lower_below)})"
            if lower_below
            else None
        )
        return judged(c, CriterionStatus.NOT_MET, tuple(evidence), to_document=to_document)
    window = x.policy.payer_score_max_age_days
    if older:
        latest = max(older.values(), key=lambda s: s.date)
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (
                f"no {'/'.join(c.instruments)} in the last {plural(window, 'day')} of this episode "
                f"(latest: {latest.instrument} {latest.value} on {latest.date.isoformat()})",
            ),
        )
    return absent(
        c,
        x,
        "rating scale scores",
        f"no {'/'.join(c.instruments)} score on record",
    )


def _conflict(score: Score) -> str:
    """ "PHQ-9 on 2026-11-16: total filed 22, items sum to 12: check the form"."""
    words = phq9_disagreements.conflict_words(score, dated=False)
    return f"{score.instrument} on {score.date.isoformat()}: {words}"
