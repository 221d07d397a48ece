"""How a card says that no PHQ-9 total was read, and which unread results it names instead.

Separate from data_gaps.py so that card_evidence.py (imported by cards.py) can say it without
importing data_gaps, which imports cards: importing card_evidence first used to fail on that cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.phq9_lookalike import UNRECOGNISED_PHQ9_RESPONSES, is_unrecognised_phq9
from fhir_mapping.record import DataDomain, DataGap, PatientRecord, Score
from fhir_mapping.scale_lookalike import unread_scale
from fhir_mapping.screen_lookalike import other_depression_screens
from fhir_mapping.unknown_surveys import UNKNOWN_DEPRESSION_SCORE, UNKNOWN_SURVEY
from services.card_format import plural


def unrecognised_phq9(record: PatientRecord) -> tuple[DataGap, ...]:
    """The resources named PHQ-9 that could not be read as one (fhir_mapping/phq9_lookalike.py):
    an Epic flowsheet row under a local code only, a site's own PHQ-9 form. While any is on the
    chart, "no PHQ-9 on record" is not what the record shows, and item 9 is not known."""
    if not record.gaps:  # most charts: nothing to look for
        return ()
    return tuple([g for g in record.gaps_in(DataDomain.SCORES) if is_unrecognised_phq9(g)])


def unread_phq9_words(gaps: Sequence[DataGap]) -> str:
    """ "3 PHQ-9 results under an unmapped site code": what the record shows of `gaps`
    (`unrecognised_phq9`), in the words a summary says it with (review 19 I6: "no PHQ-9 total
    could be read: repeat the PHQ-9" beside one filed 22 days ago asked for what was done).
    "PHQ-9 forms of an unmapped site questionnaire" for responses, both for a mix."""
    responses = sum(1 for g in gaps if g.reason in UNRECOGNISED_PHQ9_RESPONSES)
    observations = len(gaps) - responses
    if not responses:
        return f"{plural(observations, 'PHQ-9 result')} under an unmapped site code"
    if not observations:
        return f"{plural(responses, 'PHQ-9 form')} of an unmapped site questionnaire"
    return f"{plural(len(gaps), 'PHQ-9 result')} under unmapped site codes or forms"


def latest_unread(gaps: Sequence[DataGap]) -> date | None:
    """The date of the latest of `gaps` that states one (None: none does)."""
    days = [g.date for g in gaps if g.date is not None]
    return max(days) if days else None


def unread_since(record: PatientRecord, day: date) -> tuple[DataGap, ...]:
    """The PHQ-9s not read (`unrecognised_phq9`) dated on or after `day`, or undated (its date
    unknown, one may be): the results that may be a course's outcome when it started `day`."""
    return tuple([g for g in unrecognised_phq9(record) if g.date is None or g.date >= day])


def no_phq9_words(record: PatientRecord) -> str:
    """How a card says that no PHQ-9 total was read: "no PHQ-9 on record", or, while resources
    named PHQ-9 could not be read (`unrecognised_phq9`), "no PHQ-9 that could be read", since
    the first would claim more than the record shows. Results named another depression scale
    that could not be read follow in brackets ("no PHQ-9 on record (2 MADRS-like scores under a
    local code not read)"): without a PHQ-9 such a score is what would document the severity
    (services/tms_severity.py), so the card names it rather than leave it to the gap list."""
    surveys = unknown_surveys(record)
    unread_phq9 = unrecognised_phq9(record) or surveys or depression_scores(record)
    words = "no PHQ-9 that could be read" if unread_phq9 else "no PHQ-9 on record"
    unread = unread_scales_text(record)
    if surveys:  # fix data68: a survey under an unknown code may be the PHQ-9
        said = f"{plural(len(surveys), 'survey result')} under an unknown code not read"
        unread = f"{unread}; {said}" if unread else said
    if scores := depression_scores(record):  # fix data69: named by its words, not read
        said = f"{plural(len(scores), 'depression score')} under an unknown code not read"
        unread = f"{unread}; {said}" if unread else said
    return f"{words} ({unread})" if unread else words


def unknown_surveys(record: PatientRecord) -> tuple[DataGap, ...]:
    """The survey results under a code nothing recognises (fhir_mapping/unknown_surveys.py,
    fix data68): each may be a PHQ-9 total, so "no PHQ-9 on record" is not what the record
    shows while one is on the chart."""
    if not record.gaps:
        return ()
    return tuple([g for g in record.gaps_in(DataDomain.SCORES) if g.reason == UNKNOWN_SURVEY])


def depression_scores(record: PatientRecord) -> tuple[DataGap, ...]:
    """The results named a depression score under a code nothing recognises (fix data69 item
    1: fhir_mapping/unknown_surveys.py): the instrument is not known, so never a PHQ-9, but
    "no PHQ-9 on record" would claim more than the chart shows."""
    if not record.gaps:
        return ()
    return tuple(
        [g for g in record.gaps_in(DataDomain.SCORES) if g.reason == UNKNOWN_DEPRESSION_SCORE]
    )


def unread_scales_text(record: PatientRecord) -> str:
    """ "2 MADRS-like scores and 1 HAM-D-like score under a local code not read": the results
    named another depression scale that could not be read (fhir_mapping/scale_lookalike.py),
    counted by scale in the order first met; "" when there are none."""
    if not record.gaps:  # most charts: nothing to look for
        return ""
    counts: dict[str, int] = {}
    for gap in record.gaps_in(DataDomain.SCORES):
        if (name := unread_scale(gap)) is not None:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return ""
    counted = " and ".join(plural(n, f"{name}-like score") for name, n in counts.items())
    return f"{counted} under a local code not read"


def newest_other_screen(record: PatientRecord, after: date | None) -> Score | None:
    """The newest PHQ-2, PHQ-8 or EPDS (fhir_mapping/screen_lookalike.py) dated after `after`
    (the latest PHQ-9 total's day; None: any), else None (review s22 RS finding 5: a PHQ-8 of 8
    and a PHQ-2 of 6 two weeks old were left unsaid beside "no PHQ-9 total in 183 days"). A
    self-harm answer alone (an EPDS item 10 not read) is the suicide-risk card's, not a screen."""
    screens = other_depression_screens()
    found = [
        s
        for s in record.scores
        if s.instrument in screens
        and s.item9_unread is None
        and s.item9 is None  # a self-harm answer alone (an EPDS item 10 read) is no screen
        and (after is None or s.date > after)
    ]
    # The newest; of one day, one with a value.
    return max(found, key=lambda s: (s.date, s.value is not None)) if found else None


def other_screen_words(score: Score) -> str:
    """ "PHQ-2 6 on 2026-11-16: not a PHQ-9, item 9 not asked"; a screen named by its words only
    says its value was not read."""
    value = f" {score.value}" if score.value is not None else " (value not read)"
    return f"{score.instrument}{value} on {score.date.isoformat()}: not a PHQ-9, item 9 not asked"
