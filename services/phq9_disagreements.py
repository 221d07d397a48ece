"""PHQ-9 totals that disagree, as the cards name them: a filed total against the sum of its nine
answers (review s22 RS finding 1), and two totals of one day (finding 6).

Finding 1: a total 4 filed with nine answers summing to 18 read as remission and the screen was
empty. fhir_mapping/phq9_item_sum.checked_total keeps the higher of the two on the Score (what
severity reads) and carries both numbers (`Score.total_conflict`); a course's response,
remission or failure rests on it only when both numbers give the same one
(fhir_mapping/phq9_conflict_readings.py, review s27 RB finding 1); here are the words
that name it ("total filed 4, items sum to 18 on 2026-11-16: check the form"), read by the
measurement card (it asks to check the form), the optimise card (its options wait for that), the
scores section and the payer severity line.

Finding 6: two final PHQ-9s of one day at different times (17 at 09:30, 4 at 15:00) are two
administrations (score_corrections.py leaves them as they are) and the higher is the one the
outcome and severity read (score_windows: the latest by score_order): the safer reading. It was
never said that another total of that day was set aside; `same_day_words` says it where the
score is named.

RR finding 4: fewer than nine answers that already sum to more than the filed total are the same
conflict (phq9_item_sum.py), worded "items filed sum to at least 18" (`items_words`).

s27 RF finding 3: a total of 25 filed beside item 9 = 0 (the other eight items score at most 24)
is the same conflict the other way round (fhir_mapping/item9_floor.checked_item9), worded
"item 9 = 0 allows at most 24"; the suicide-risk card asks for the form too.
"""

from __future__ import annotations

from fhir_mapping.phq9_conflict_readings import unsettled_words
from fhir_mapping.record import PatientRecord, Score, TotalConflict

# What a card asks of a form whose total and answers disagree: the total is the sum of its nine
# answers (Kroenke 2001; fhir_mapping/data/phq9_items.csv), so the form in the EHR settles it.
CHECK = "check the form"
# The measurement card's one click (a new PHQ-9): the fallback to the check, not the ask itself.
REPEAT_LABEL = "Repeat the PHQ-9 if that form cannot be checked"


def items_words(conflict: TotalConflict) -> str:
    """ "items sum to 18" (all nine read), "items filed sum to at least 18" (fewer), or
    "item 9 = 0 allows at most 24" (a total above what its item 9 allows: s27 RF finding 3)."""
    if conflict.item9 is not None:
        return f"item 9 = {conflict.item9} allows at most {conflict.items_sum}"
    if conflict.complete:
        return f"items sum to {conflict.items_sum}"
    return f"items filed sum to at least {conflict.items_sum}"


def conflict_words(score: Score, *, dated: bool = True) -> str:
    """ "total filed 4, items sum to 18 on 2026-11-16" (without the date when not `dated`: the
    line names it already), or "" for a score without a conflict."""
    conflict = score.total_conflict
    if conflict is None:
        return ""
    text = f"total filed {conflict.filed}, {items_words(conflict)}"
    return f"{text} on {score.date.isoformat()}" if dated else f"{text}: {CHECK}"


def pair_words(score: Score, unsettled: tuple[str, ...] = ()) -> str:
    """ "6 (total filed 6, items sum to 5: same outcome either way)": a disagreeing total in a
    course's before -> after pair, which judges it only when both readings agree on whether it
    failed (fhir_mapping/phq9_conflict_readings.py, review s27 RB finding 1); "5 (total filed
    4, items sum to 5: remission to confirm)" when the readings give a claim differently
    (Trial.unsettled, review s27 K3 finding 2); the value alone otherwise ("" for a score
    without one)."""
    if score.value is None:
        return ""
    if score.total_conflict is None:
        return str(score.value)
    conflict = score.total_conflict
    said = f"total filed {conflict.filed}, {items_words(conflict)}"
    outcome = unsettled_words(unsettled) or "same outcome either way"
    return f"{score.value} ({said}: {outcome})"


def latest_conflict(record: PatientRecord) -> Score | None:
    """The latest PHQ-9 total when its filed total and its items disagree, else None."""
    latest = record.latest_phq9()
    return latest if latest is not None and latest.total_conflict is not None else None


def latest_judged(record: PatientRecord) -> Score | None:
    """The latest PHQ-9 total an outcome may rest on (none whose total and items disagree)."""
    valued = [
        s
        for s in record.scores
        if s.instrument == "PHQ-9" and s.value is not None and s.total_conflict is None
    ]
    return max(reversed(valued), key=lambda s: s.date) if valued else None


def conflict_section(score: Score) -> str:
    """The detail section naming the conflict and what follows from it."""
    conflict = score.total_conflict
    if conflict is None:
        return ""
    higher = max(conflict.filed, conflict.items_sum)
    if conflict.item9 is not None:
        # s27 RF finding 3: the total claims an item 9 the form does not show.
        return (
            f"**PHQ-9 total and item 9 disagree:** the PHQ-9 of {score.date.isoformat()} was "
            f"filed with a total of {conflict.filed} and item 9 = {conflict.item9}, but the other "
            f"eight items score at most {conflict.items_sum - conflict.item9}, so that total "
            f"needs item 9 of at least {conflict.filed - conflict.items_sum + conflict.item9}. "
            "One of the two is wrong: no response, remission or failure is judged on it, and "
            f"severity ({higher}) is to confirm. Check the form in the chart and correct the "
            "total or item 9; if item 9 is above 0, assess suicide risk today."
        )
    answers = (
        f"its nine answers sum to {conflict.items_sum}"
        if conflict.complete
        else f"the answers filed, fewer than nine, already sum to {conflict.items_sum}"
    )
    # Said as the cards read it (review s27 K3 finding 5: "severity reads the higher (22)" beside
    # a payer row and a Maudsley stage on the lower): the band shown is the higher's (a severe
    # depression is never read as milder), a criterion needing a severity reads the lower.
    lower = min(conflict.filed, conflict.items_sum)
    return (
        f"**PHQ-9 total and answers disagree:** the PHQ-9 of {score.date.isoformat()} was filed "
        f"with a total of {conflict.filed}, but {answers} (the total is the sum of the nine "
        "answers, Kroenke 2001). Which is right is not known: a response, remission or failure "
        "is claimed on it only where both numbers give the same one, and its severity is to "
        f"check: the scores show the higher ({higher}) so a severe depression is not missed, "
        "while a criterion that needs a severity (payer criteria, the Maudsley stage) reads the "
        f"lower ({lower}). Check the form in the chart and correct the total or the answers."
    )


def same_day_words(record: PatientRecord, score: Score) -> str:
    """ "2 PHQ-9s that day (17, 4): the higher is used" when other PHQ-9 totals of the score's
    day differ from it, else ""."""
    if score.instrument != "PHQ-9" or score.value is None:
        return ""
    others = [
        s.value
        for s in record.scores
        if s.instrument == "PHQ-9"
        and s.date == score.date
        and s.value is not None
        and s is not score
    ]
    if not others or all(v == score.value for v in others):
        return ""
    values = sorted({score.value, *others}, reverse=True)
    shown = ", ".join(str(v) for v in values)
    used = "the higher is used" if score.value == values[0] else f"{score.value} is used"
    return f"{len(others) + 1} PHQ-9s that day ({shown}): {used}"
