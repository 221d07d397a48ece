"""Screen results named by their words only: a self-harm question answered under a code this
service does not know, and another depression screen (PHQ-8) the service cannot read.

A self-harm question (review s22 RS findings 2 and 3). An Epic flowsheet row "PHQ-9 Q9 Thoughts
that you would be better off dead or of hurting yourself" under a site's local code only
(../shared/fhir/vendor/README.md trap 8), valueString "1", was a PHQ-9 look-alike gap deep in a
card's details, with no suicide-risk card; an EPDS item 10 "The thought of harming myself has
occurred to me" = "Quite often" in a pregnant patient was not read nor named at all (no LOINC code
of the EPDS items could be confirmed, data/screen_item_terms.csv). Each such answer is now what an
unreadable PHQ-9 item 9 answer is (scores.py): a Score with `item9_unread` set, value and item9
None, of the screen it belongs to (instrument "PHQ-9" or "EPDS"), so the suicide-risk rule raises
its "answer could not be read: check it in the chart; if it is above 0, assess suicide risk today"
card (services/risk_evidence.py: one path for every unread self-harm answer, LOINC or local).
The value is not read: the code is not identified, so a number under it is never an answer the
service vouches for; the card sends the clinician to the chart. One exception (review s22 RR
finding 7): a PHQ-9 item 9 row answered with an answer of the PHQ-9's own list, LOINC LL358-3
("Not at all" ... "Nearly every day" as the exact text, or its LOINC answer code: data/
phq9_answer_codes.csv, codes.phq9_answer_texts), is read as that answer, 0-3, as scores.py reads
the same text under LOINC 44260-8 (review 17 M5): the answer says which scale it is on, and the
row's words are the item's question (screen_wording.py). "Not at all" raises nothing; "Several
days" is a positive item 9, the same card as a coded 1. Such a row is no "PHQ-9 not read" gap
either. A valueInteger 0-3 is read as the answer (item9_number.py); text ("1") stays unread. An EPDS item 10 answered in its own
list's words ("Yes, quite often" ... "Never") is read so, 0-3 (epds_item10.py; session 28 fix
fx-selfharm2), and raises what a PHQ-9 item 9 of that place on the scale raises; so is the
item asked in a QuestionnaireResponse or as an Observation's component (epds_forms.py, review s28
RI finding 1: `read_lookalikes` `forms`). A row that names no PHQ-9 (an EPDS item) and is not read is also a
DataGap (`UNREAD_SELF_HARM`), so "Data not read" lists it; a row named PHQ-9 is phq9_lookalike.py's
gap already.

A C-SSRS row (review s27 RF finding 2): an Epic flowsheet row "C-SSRS Risk Level" = "High Risk"
under a local code raised nothing. A row whose words name the C-SSRS (data/screen_item_terms.csv,
no item) is now an unread self-harm answer of instrument C-SSRS (a level or an answer under a code
not known is not read), with its own gap reason (`unread_result`); a valued 93373-9 panel whose
value names no level becomes the same (`unread_results`, suicide_screen.py). Unless its value
clearly says no risk (suicide_screen_answers.says_no_risk: "No", "Negative", "Low Risk", "No
risk", "Denies", false, LA32-8): Epic sites file every C-SSRS question and the risk level as local
rows (../shared/fhir/vendor/README.md trap 8), and a warning on each "No" would be on every
screened chart. Such a row is nothing here: no gap, and no assessment (it closes no earlier
item 9 signal). A yes, a moderate or high level, a number or other text stays an unread result:
any of them may be a positive screen.

Another depression screen (finding 5): an Observation named PHQ-8 (the PHQ-9 without item 9) that
no reader took is a Score of instrument "PHQ-8" with no value, dated, so the measurement card can
name it ("a PHQ-8 on 2026-11-16: not a PHQ-9, item 9 not asked") rather than leave a recent screen
unsaid. No rule judges a PHQ-8 (services/no_phq9_words.py names it, nothing else reads it).

A row whose question names no self-harm but whose answer text states it ("Safety plan
reviewed" = "pt reports SI with plan", "Patient educated on crisis line" = "Yes, pt endorses
SI") was silent: no reader took it and no words named it (session 30 fix forms31). Its
valueString is read as free text (form_self_harm_notes.said_in_row: suicidal ideation or
self-harm stated, not negated, not a relative's): a positive answer of instrument "Self-harm
question" (form_self_harm.INSTRUMENT), the row's question and answer quoted on the card, as the
forms safety net reads such a form item; a denial ("pt denies SI") is nothing.

A row whose question asks of self-harm as a form's item does but names no screen ("Suicidal
thoughts" under an Epic local code, no LOINC) gave no card when answered "Yes" and TMS was
offered, while the same item on a form was critical (session 32 fix heads43, recheck K30a): it
is read as the forms net reads that item (form_self_harm.row_answer): a yes is a positive
answer of instrument "Self-harm question", words not read ("Intent: accidental") an unread one
with its gap, the lowest answer nothing. A row worded as the PHQ-9's item stays
phq9_lookalike.py's ("item 9 not recognised").

"Named" is screen_wording.py's rule: the item's words as the row's question (at its start, or
with the item's number), never a note or task row about the screen (review s22 RR finding 7).
Statuses: a result
(final / amended / corrected) goes to `scores`; a preliminary or cancelled self-harm answer goes to
the unfinished scores with its status (data/result_statuses.csv: a patient's answer counts
whether or not the form was finished; so does an unknown, registered or unrecognised one: review
s27 RF 1); entered-in-error is ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from fhir_mapping import epds_forms, epds_item10, form_self_harm, result_statuses
from fhir_mapping.answer_concept import concept_answer
from fhir_mapping.codes import answer_words, phq9_answer_texts
from fhir_mapping.fhir_fields import effective_date
from fhir_mapping.form_self_harm import row_answer
from fhir_mapping.form_self_harm_answers import YES
from fhir_mapping.form_self_harm_answers import _word as _answer_words
from fhir_mapping.form_self_harm_notes import row_comment, said_in_row
from fhir_mapping.form_self_harm_notes import row_question as _row_question
from fhir_mapping.item9_number import item9_integer
from fhir_mapping.phq9_lookalike import observation_looks_like_phq9
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses
from fhir_mapping.screen_wording import SELF_HARM, named, self_harm_item
from fhir_mapping.stated_plan_text import value_states_plan
from fhir_mapping.suicide_screen_answers import says_no_risk

if TYPE_CHECKING:
    from fhir_mapping.questionnaires import SiteItems
    from fhir_mapping.suicide_screen import SuicideScreen

__all__ = ["FIRST_LOOK", "read_lookalikes", "read_named", "self_harm_item", "unread_results"]

Resource = Mapping[str, Any]

PHQ9 = "PHQ-9"
# The gap's reason (reasons go to the logs: no patient data). It ends with what is not known, as
# phq9_lookalike.py's do.
UNREAD_SELF_HARM = (
    "worded as a self-harm question of a depression screen but coded with codes this service "
    "does not know; a site code can be configured; its answer is not read"
)


def unread_result(instrument: str) -> str:
    """The gap's reason for a row that names a screen's result under a code not known ("named
    C-SSRS ..."): no item is named, so not "a self-harm question" (review s27 RF finding 2)."""
    return (
        f"named {instrument} but coded with codes this service does not know; a site code can "
        "be configured; its value is not read"
    )


# The cheap first look (resource_routing.py): every term of the table, lower-cased, holds one of
# these, so a text with none of them names nothing here (tests/services/test_screen_lookalike.py).
FIRST_LOOK = (
    "better off dead",
    "hurting yourself",
    "harming myself",
    "phq",
    "patient health",
    "epds",
    "ssrs",  # "C-SSRS", "CSSRS" (review s27 RF finding 2)
    "columbia",
)

_RESULT = statuses(OBSERVATION, Reads.ALL)


def words_name_screen_item(words: str) -> bool:
    """The first look on phq9_lookalike.code_words' output (lower-cased texts)."""
    for word in FIRST_LOOK:  # noqa: SIM110 (a generator in any() costs more per call)
        if word in words:
            return True
    return False


def read_named(
    observations: Iterable[Resource], *, as_of: date
) -> tuple[list[Score], list[Score], list[DataGap]]:
    """(scores, unfinished scores, gaps) of the Observations no reader took that name a
    self-harm question or another depression screen (module docstring). Undated ones and those
    dated after as-of are left to phq9_lookalike.py's gap (a PHQ-9 row) or skipped."""
    from fhir_mapping.suicide_screen import INSTRUMENT as cssrs  # no cycle at import

    found: list[Score] = []
    unfinished: list[Score] = []
    gaps: list[DataGap] = []
    seen_screens: set[tuple[str, date]] = set()
    pasts: list[tuple[Score, str]] = []  # rows' yes to a past question (form_self_harm.py)
    no_days: set[date] = set()  # the days a current row is answered no
    for resource in observations:
        status = resource.get("status")
        if not isinstance(status, str) or not (
            status in _RESULT or result_statuses.unfinished(OBSERVATION, status)
        ):
            continue
        term = named(resource)
        day = effective_date(resource)
        stated = term is None and said_in_row(resource)
        # A row worded as the PHQ-9's item is phq9_lookalike.py's ("item 9 not recognised").
        own = term is None and not stated and not observation_looks_like_phq9(resource)
        row = row_answer(resource) if own else None
        if (term is None and not stated and row is None) or day is None or day > as_of:
            continue
        rid = resource.get("id")
        ref = SourceRef("Observation", rid if isinstance(rid, str) else "")
        source = ref if ref.id else None
        final = status in _RESULT
        if row is not None:
            # A row asking of self-harm as a form's item does ("Suicidal thoughts" = "Yes"
            # under a local code), read as the forms net reads that item (fix heads43).
            if row.none or row.value == 0:
                if row.value == 0 and form_self_harm.row_now(resource):
                    no_days.add(day)  # a current row answered no: a past yes asks of now
                continue  # the lowest answer or none: nothing, as on a form
            quoted = (row.word, form_self_harm.question(_row_question(resource)))
            state = None if final else status
            if row.value is None:
                read = Score(
                    form_self_harm.INSTRUMENT,
                    None,
                    day,
                    source=source,
                    item9_unread=ref,
                    status=state,
                )
                gaps.append(
                    DataGap(DataDomain.SCORES, form_self_harm.UNREAD_UNSCALED, source, date=day)
                )
            else:
                read = Score(
                    form_self_harm.INSTRUMENT,
                    None,
                    day,
                    row.value,
                    source,
                    asked=quoted,
                    status=state,
                )
                if (topic := form_self_harm.row_topic(resource)) is not None:
                    pasts.append((read, topic))  # settled with the day (fix forms44)
                    continue
            (found if final else unfinished).append(read)
            continue
        if term is None or (term.kind == SELF_HARM and value_states_plan(resource)):
            # Its answer text states suicidal ideation or self-harm (module docstring): a yes
            # of the row's own question, as the forms safety net reads an item so answered;
            # so does a self-harm row's answer stating a plan by a risk heading ("C-SSRS screen"
            # = "Plan: hang self": stated_plan_text.py; fix heads42, an unread result before).
            comment = row_comment(resource)  # the valueString, a component's or a note's words
            words = _answer_words({"valueString": comment} if comment else resource)
            asked = (words, form_self_harm.question(_row_question(resource)))
            state = None if final else status
            said = Score(
                form_self_harm.INSTRUMENT, None, day, YES, source, asked=asked, status=state
            )
            (found if final else unfinished).append(said)
            continue
        if term.kind == SELF_HARM:
            if term.instrument == cssrs and says_no_risk(resource):
                # A C-SSRS row that clearly says no risk ("No", "Low Risk": module docstring) is
                # no signal and no gap; not an assessment either (its code is not known).
                continue
            if term.instrument == PHQ9:
                answer = listed_answer(resource)
            elif term.instrument == epds_item10.INSTRUMENT:
                # Its own list's words ("Yes, quite often": epds_item10.py; session 28 fix
                # fx-selfharm2), 0-3 as the PHQ-9's item 9; a number or other words stay unread.
                answer = epds_item10.answer(resource)
            else:
                answer = None
            score = Score(
                term.instrument,
                None,
                day,
                item9=answer,
                source=source,
                item9_unread=None if answer is not None else ref,
                status=None if final else status,
            )
            (found if final else unfinished).append(score)
            if answer is None and not observation_looks_like_phq9(resource):
                # A PHQ-9 row has its gap already (phq9_lookalike.py).
                # A screen's result as a whole (no item: a C-SSRS row) is named as such.
                reason = UNREAD_SELF_HARM if term.item else unread_result(term.instrument)
                gaps.append(DataGap(DataDomain.SCORES, reason, source, date=day))
        elif final and (term.instrument, day) not in seen_screens:
            # One per screen and day: its items and total filed as rows of their own.
            seen_screens.add((term.instrument, day))
            found.append(Score(term.instrument, None, day, source=source))
    form_self_harm.settle_rows(found, unfinished, pasts, no_days)
    return found, unfinished, gaps


def read_lookalikes(
    lookalikes: Iterable[Resource],
    *,
    as_of: date,
    forms: tuple[Iterable[Resource], Iterable[Resource]] = ((), ()),
    site_items: SiteItems | None = None,
) -> tuple[list[DataGap], list[Score], list[Score]]:
    """(gaps, scores, unfinished scores) of the Observations no reader took that a text names
    (build.py): a PHQ-9 not read (phq9_lookalike.py), another depression scale not read
    (scale_lookalike.py), a self-harm answer or another screen (`read_named`), and a lab the
    diagnosis review reads (lab_lookalike.py). `forms`: (QuestionnaireResponses, Observations
    read) in which an EPDS item 10 is an item or a component, read as such a row is
    (epds_forms.py; review s28 RI finding 1), and a self-harm question on a form no reader
    takes as a scale (form_self_harm.py: not an item of a PHQ-9 form by `site_items`, not a
    C-SSRS form; recheck K14 s28 finding 4, review s29 K16)."""
    # Imported here: scale_lookalike imports phq9_lookalike, as this module does; one place
    # for build.py to ask.
    from fhir_mapping.lab_lookalike import observation_gaps as lab_gaps
    from fhir_mapping.phq9_lookalike import observation_gaps as phq9_gaps
    from fhir_mapping.questionnaires import phq9_form_items
    from fhir_mapping.scale_lookalike import observation_gaps as scale_gaps
    from fhir_mapping.suicide_screen import wants_questionnaire_response as cssrs_form
    from fhir_mapping.unknown_surveys import unplaced_gaps

    rows = list(lookalikes)
    scores, unfinished, gaps = read_named(rows, as_of=as_of)
    responses, observations = forms
    responses = list(responses)
    # A PHQ-9 form's own items are its reader's; any other self-harm question on it is the
    # net's (review s29 K16 charts p02, p03: the whole form was left out).
    more_unscaled, unscaled_gaps = form_self_harm.read_responses(
        [r for r in responses if not cssrs_form(r)],
        as_of=as_of,
        taken=lambda r: phq9_form_items(r, site_items),
    )
    scores, gaps = [*scores, *more_unscaled], [*gaps, *unscaled_gaps]
    for more, later, missing in (
        epds_forms.read_responses(responses, as_of=as_of),
        epds_forms.read_components([*observations, *rows], as_of=as_of),
    ):
        scores, unfinished, gaps = [*scores, *more], [*unfinished, *later], [*gaps, *missing]
    # An item 9 read from its answer (`listed_answer`) is no PHQ-9 "not read".
    read = {s.source for s in (*scores, *unfinished) if s.item9 is not None and s.source}
    not_read = [g for g in phq9_gaps(rows, as_of=as_of) if g.source is None or g.source not in read]
    named = [
        *not_read,
        *scale_gaps(rows, as_of=as_of),
        *gaps,
        *lab_gaps(rows, as_of=as_of),  # a TSH under a local code (review s22 RX finding 10)
    ]
    # A row none of them named or read ('PHQ score': fix data69) may be an unknown survey.
    taken = {g.source for g in named} | {s.source for s in (*scores, *unfinished)}
    return [*named, *unplaced_gaps(rows, taken)], scores, unfinished


def unread_results(gaps: Iterable[DataGap], screens: Iterable[SuicideScreen] = ()) -> list[Score]:
    """The C-SSRS results the screen reader could not read (suicide_screen.UNREAD_RESULT: a
    valued panel whose value names no risk level; UNREAD_LEVEL, dated: a 93374-7 level that is
    none, "Not low risk", review s27 K3 finding 1), each as an unread self-harm answer of the
    C-SSRS, as a C-SSRS row under a local code is here (`read_named`): the suicide-risk card
    then names it and asks to check it in the chart (review s27 RF finding 2). So is a C-SSRS
    question's answer not read (suicide_screen_reader._UNREAD, dated with its day) on a day whose
    screen is not positive (`screens`; a positive one has its card): the plan question 93250-9
    = "Intent: accidental" or "see note" alone gave no card, not even the warning that it could
    not be read (session 32 fix heads43, recheck K30a)."""
    from fhir_mapping.suicide_screen import (  # no cycle at import
        INSTRUMENT,
        UNREAD_LEVEL,
        UNREAD_RESULT,
    )
    from fhir_mapping.suicide_screen_reader import _UNREAD

    # A positive day has its card; a day's answers not read are one screen's, named once.
    seen = {screen.date for screen in screens if screen.is_positive}
    answer = _UNREAD.split("{}", 1)[0]  # "C-SSRS answer to '"
    found: list[Score] = []
    for gap in gaps:
        if gap.date is None:
            continue
        if gap.reason.startswith(answer):
            if gap.date in seen:
                continue
            seen.add(gap.date)
        elif gap.reason not in (UNREAD_RESULT, UNREAD_LEVEL):
            continue
        ref = gap.source or SourceRef("Observation", "")
        found.append(Score(INSTRUMENT, None, gap.date, source=gap.source, item9_unread=ref))
    return found


def listed_answer(resource: Resource) -> int | None:
    """A PHQ-9 item's answer given as an answer of its own list, LOINC LL358-3 (module
    docstring): the exact text of one ("Several days": codes.answer_words compares them) as
    valueString, or a valueCodeableConcept whose LOINC answer codes, displays and text name one
    answer and no other (answer_concept.py); or a valueInteger 0-3 (item9_number.py: the row
    names item 9 and the number is on its scale; s43 K74a finding 3); else None. Any other
    number or text is not read: under a code not known, only an answer that names its scale
    says what it scores."""
    text = resource.get("valueString")
    if isinstance(text, str):
        return phq9_answer_texts().get(answer_words(text))
    if (whole := item9_integer(resource)) is not None:
        return whole  # on the item's own 0-3 scale: the safer reading (item9_number.py)
    # Every coding and the text, and unread when they disagree (answer_concept.py: review s22
    # RR2 finding 4), never the first part that names an answer.
    return concept_answer(resource.get("valueCodeableConcept"))


@cache
def other_depression_screens() -> frozenset[str]:
    """The depression screens that are not the PHQ-9 and ask no item 9 (PHQ-2, PHQ-8, EPDS:
    data/other_depression_screens.csv), which a card names when one is newer than the latest
    PHQ-9 (services/no_phq9_words.py)."""
    text = resources.files("fhir_mapping").joinpath("data/other_depression_screens.csv")
    return frozenset(
        row["instrument"] for row in csv.DictReader(text.read_text("utf-8").splitlines())
    )
