"""A self-harm question answered on a form no reader reads as a validated scale: the safety net
(recheck K14 s28 finding 4).

A GAD-7 form carrying "Suicidal thoughts" = "Nearly every day" (K14 q03) or "Thoughts of harming
self" = "Yes, quite often" (q12), and a PHQ-A whose supplementary questions "serious thoughts
about ending your life" and "ever tried to kill yourself" are answered "Yes" (q04), raised
nothing: the PHQ-9 reader takes a short label only on a form worded as the PHQ-9
(phq9_form_item9.py), the EPDS reader only on an EPDS form (epds_forms.py), and no reader reads
the PHQ-A's own questions. Right: none of them is that scale's item and no score can be given.
Wrong: a patient said so, and nobody is asked to look.

So an item of a QuestionnaireResponse whose text holds the words of a self-harm question
(data/screen_item_terms.csv `kind` self-harm, any instrument and any `match`, anywhere in the
text, not negated, not a note) that no reader takes (not PHQ-9 item 9 of phq9_form_item9.py,
not EPDS item 10 of epds_forms.py, not an item questionnaires.py reads on a form it reads as a
PHQ-9, not on a C-SSRS form suicide_screen.py reads) is read here (form_self_harm_answers.py):
- answered positively (a yes or true; an answer of the PHQ-9's or the EPDS's own list above its
  lowest), it is a positive answer of INSTRUMENT, `Score.item9` its value (a yes: 1) and
  `Score.asked` the answer's and the question's words: the suicide-risk card quotes the question
  as asked, 'Self-harm question "Previous suicide attempt" = yes', and takes the answer as a PHQ-9
  item 9 of that value (its tier and its rules: a later item 9 = 0 closes nothing;
  services/risk_events.py). Before, a plain "Yes" was "could not be read", a false statement
  (review s29 K16 chart y01); a GAD-7 group's "Suicidal thoughts" = "Nearly every day" beside a
  PHQ-9 group was "PHQ-9 item 9 = 3" and on a GAD-7 form alone the unread warning (recheck K14
  s28 charts q14, q03: one question, one answer, two cards; session 29 fix forms30);
- answered with anything else but its lowest answer (a number above 0, a refusal, free text),
  it is an unread self-harm answer of INSTRUMENT: the card's warning asks to check it and
  assess suicide risk;
- the lowest answer (0 or false, "0", "Not at all", "Never", a no or a denial: "No SI", "pt
  denies", "Absent", "Denied") or no answer ("Not asked", "N/A"; an item that only records that
  it was asked or a task, education or the family's history, "Asked about suicidal thoughts",
  "C-SSRS screen completed", "has anyone in your family made a suicide attempt?": review s29
  RQ3): nothing. Asked and not answered: nothing.
A question worded as PAST or LIFETIME ("History of suicidal ideation", "Prior ...", "Wish to be
dead (lifetime)", "Have you ever had thoughts of suicide?", "Self-harm ever": the `past` words of
data/self_harm_form_words.csv, or a year) answered yes, beside the same form's current item of
ideation or self-harm answered no, records a past, not a current, finding: `Score.past` names it
and the card is a warning that asks about current thoughts (services/past_answers.py). Project
decision (session 29 fix net32, review s29 RQ4 probes f15, f24, f30, f26): with no current item,
or one answered yes or not read, the past yes stays a positive answer (nobody asked about now);
a question of a suicide ATTEMPT (`attempt` words) stays positive whenever asked, as the ASQ
toolkit counts a yes to "Have you ever tried to kill yourself?" a positive screen.
Session 29 fix k19a1 (review s29 recheck K19a): the past warning needs EVERY current item of the
form (ideation, self-harm, plan, intent, death wish; an item another reader of the same form
takes too, as "Thoughts of hurting yourself" read as PHQ-9 item 9) answered no; a current yes or
an answer not read keeps the past yes positive (chart f06). Plan and intent items, a note or
family item whose answer speaks of the patient's own risk, and "Denies others; endorses self":
form_self_harm_notes.py.
On a form read as a PHQ-9 (LOINC 44249-1), only the items that reader takes are left to it: an
extra suicide question on it was read by no one (review s29 K16 charts p02, p03).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from fhir_mapping import form_injury_intent as intent
from fhir_mapping import form_self_harm_answers
from fhir_mapping import form_self_harm_notes as notes
from fhir_mapping.epds_forms import _item10s
from fhir_mapping.fhir_fields import array, parse_date, string
from fhir_mapping.form_self_harm_answers import cut
from fhir_mapping.phq9_form_item9 import _item9s
from fhir_mapping.questionnaire_codes import QR
from fhir_mapping.questionnaire_items import _walk
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import RESPONSE, Reads, statuses, unfinished
from fhir_mapping.screen_wording import self_harm_words
from fhir_mapping.stated_plan_text import value_states_plan
from fhir_mapping.tms_safety import normalise_text

__all__ = [
    *("INSTRUMENT", "UNREAD_UNSCALED", "question", "read_responses", "row_answer"),
    *("row_asks", "row_now", "row_topic", "settle_rows", "wants_response"),
]

Resource = Mapping[str, Any]

# The name the card gives such an answer (services/data/self_harm_items.csv holds its positive
# answers): no scale's, since none read it.
INSTRUMENT = "Self-harm question"

UNREAD_UNSCALED = (
    "a self-harm question answered above its lowest answer on a form not read as a validated "
    "scale; its answer is not read as a score"
)

_FULL = statuses(RESPONSE, Reads.ALL)


# How long a question's words may be on record before they are cut (the card cuts its summary's
# shorter: services/risk_events.py).
_QUESTION_LIMIT = 200

# The items a reader of the form as a scale takes (questionnaires.phq9_form_items): none.
Taken = Callable[[Resource], Collection[int]]


def _nothing_taken(resource: Resource) -> Collection[int]:
    return ()


def _skipped(resource: Resource, taken: Taken) -> set[int]:
    """The ids of the items of a response another reader takes (module docstring)."""
    whole = set(taken(resource))
    # On a form a reader takes as the PHQ-9, its items are that reader's and a short label
    # ("Suicidal thoughts today?") is no item 9 of phq9_form_item9.py, which reads only other
    # forms: the net reads it (review s29 K16 chart p03).
    item9s = () if whole else _item9s(resource)
    return whole | {id(item) for item in (*item9s, *_item10s(resource))}


def _unread_items(resource: Resource, taken: Taken = _nothing_taken) -> Iterator[Mapping[str, Any]]:
    """The self-harm-worded items of a response that no reader takes (module docstring), a plan
    or intent item and a note item that may carry the patient's own answer among them
    (form_self_harm_notes.py); `taken`: the ids of the items a reader of the whole form takes."""
    skip = _skipped(resource, taken)
    for item in _walk(resource.get("item")):
        text = item.get("text")
        if id(item) in skip or not isinstance(text, str):
            continue
        if _asks(text) or any(
            isinstance(raw, Mapping) and notes.said_in_answer(raw, text) is not None
            for raw in array(item.get("answer"))
        ):
            yield item


def _asks(text: str) -> bool:
    """Whether an item's question names self-harm, a plan or intent (a note item: self-harm
    words beside its note words); else only a self-harm finding its answer states is read
    (form_self_harm_notes.said_in_answer)."""
    if form_self_harm_answers.is_note(text):
        return notes.names_self_harm(text)
    if intent.is_intent_question(text) or intent.is_screen_result(text):
        return True  # "Self-inflicted?", "Suicide risk screen" (form_injury_intent.py)
    if notes.is_injury(text):
        return False  # "Did you hurt yourself in the fall?" (fix forms33, K22 s30 hy_fall_hurt)
    return bool(self_harm_words(text)) or notes.is_plan(text)


def _others_live(resource: Resource, taken: Taken) -> bool:
    """Whether a self-harm item another reader takes on the same form is answered above its
    lowest or not read ("Thoughts of hurting yourself" = "Yes", read as PHQ-9 item 9 and not
    read there): a current item not answered no (review s29 recheck K19a chart f06)."""
    skip = _skipped(resource, taken)
    return any(
        not form_self_harm_answers.says_nothing(raw)
        for item in _walk(resource.get("item"))
        if id(item) in skip and isinstance(item.get("text"), str) and self_harm_words(item["text"])
        for raw in array(item.get("answer"))
        if isinstance(raw, Mapping)
    )


@lru_cache(maxsize=4096)
def _row_asks(text: str) -> bool:
    """`_asks` for a row's question, remembered: a chart's rows repeat their questions."""
    return _asks(text)


def row_asks(resource: Resource) -> bool:
    """Whether a row's question (its `code` alone) asks of self-harm as a form's item does: what
    `row_answer` asks first, remembered with the code by resource_routing.py (issue 14)."""
    text = notes.row_question(resource)
    return bool(text) and _row_asks(text)


def row_answer(resource: Resource) -> form_self_harm_answers.Answer | None:
    """What a flowsheet row no reader takes answers when its question asks of self-harm as a
    form's item does ("Suicidal thoughts", "Thoughts of harming self" under an Epic site's local
    code, no LOINC: ../shared/fhir/vendor/README.md trap 8), read as this net reads that item
    (`_answer`): a yes, a number or words not read, the lowest answer or none. None: the row asks
    no such question or holds no value. Session 32 fix heads43 (recheck K30a): such a row
    answered "Yes" gave no card and TMS was offered, "Intent: accidental" not even the warning
    that it could not be read, while the same item on a form was critical or that warning
    (screen_lookalike.read_named reads the row so now; chart_walk.py keeps it)."""
    text = notes.row_question(resource)
    # The remembered question first: most rows (vitals, labs) ask nothing of self-harm, and the
    # walk over a row's keys cost a vital sign more than its own reading (make bench, session 32).
    if not text or not _row_asks(text) or not any(k.startswith("value") for k in resource):
        return None
    return _answer(resource, text, form_self_harm_answers.is_note(text))


def row_topic(resource: Resource) -> str | None:
    """What a row's question worded as the past records ("History of suicidal ideation":
    "suicidal ideation"; form_self_harm_answers.past_topic), None for a question of now, a note,
    plan or intent question, or one of a suicide attempt (its yes stays positive: `_read`)."""
    text = notes.row_question(resource)
    if not text or form_self_harm_answers.is_note(text) or notes.is_plan(text):
        return None
    return form_self_harm_answers.past_topic(text)


def row_now(resource: Resource) -> bool:
    """Whether a row's question asks of now as `_read` counts a form's current item: not worded
    as the past and not of a suicide attempt."""
    text = notes.row_question(resource)
    return row_topic(resource) is None and not form_self_harm_answers.is_attempt(text or "")


def settle_rows(
    found: list[Score],
    unfinished: list[Score],
    pasts: Iterable[tuple[Score, str]],
    no_days: set[date],
) -> None:
    """Add the rows' yes answers to past questions (`row_topic`) to `found` (a finished row) or
    `unfinished`: a past yes on a day whose current rows are answered no (`no_days`) and none is
    positive or not read (any self-harm answer in `found` or `unfinished` that day) is the past
    answer a form's gets (`Score.past`: the warning that asks about current thoughts, no gap);
    else it stays a positive answer, as on a form (`_read`; session 32 fix forms44, recheck
    K32a finding 5: "History of suicidal ideation" = "Yes" beside "Suicidal thoughts" = "No"
    the same day was critical and withheld TMS)."""
    live = {
        s.date for s in (*found, *unfinished) if s.item9_unread is not None or (s.item9 or 0) > 0
    }
    for score, topic in pasts:
        if score.date in no_days and score.date not in live:
            ref = score.source or SourceRef("Observation", "")
            score = replace(score, item9=None, item9_unread=ref, past=topic)
        (found if score.status is None else unfinished).append(score)


def wants_response(resource: Resource) -> bool:
    """Cheap filter (resource_routing.py): a response with a self-harm-worded item no reader
    takes."""
    return resource.get("resourceType") == QR and next(_unread_items(resource), None) is not None


def question(text: str) -> str:
    """A question's words as a card quotes them (cut to _QUESTION_LIMIT)."""
    return cut(" ".join(text.split()), _QUESTION_LIMIT)


# The highest positive answer of a response: (value, answer words, question words).
_Best = tuple[int, str, str]


def _read(
    resource: Resource, taken: Taken
) -> tuple[_Best | None, bool, tuple[str, str, str] | None]:
    """(the highest positive answer: value, answer words, question words; whether an answer
    was not read; a past yes beside a current no: its topic, answer and question words) of a
    response's unread items (module docstring)."""
    best: _Best | None = None
    past: tuple[_Best, str] | None = None  # the highest yes to a past question, its topic
    unread = now_no = False
    for item in _unread_items(resource, taken):
        text = str(item.get("text"))
        note = form_self_harm_answers.is_note(text)
        asks = _asks(text)
        # A plan or intent item asks of now, whatever its words (form_self_harm_notes.py); an
        # answer that states a finding the question does not name is read as now (safer).
        now = note or notes.is_plan(text) or not asks
        topic = None if now else form_self_harm_answers.past_topic(text)
        for raw in array(item.get("answer")):
            if not isinstance(raw, Mapping):
                continue
            answer = _answer(raw, text, note) if asks else notes.said_in_answer(raw, text)
            if answer is None or answer.none:
                continue
            if answer.value == 0:
                # A current item of ideation, self-harm, plan or intent answered no: a past yes
                # beside it may ask about now (module docstring).
                now_no = now_no or (topic is None and not form_self_harm_answers.is_attempt(text))
            elif answer.value is None:
                unread = True
            elif topic is not None:
                if past is None or answer.value > past[0][0]:
                    past = ((answer.value, answer.word, question(text)), topic)
            elif best is None or answer.value > best[0]:
                best = (answer.value, answer.word, question(text))
    if past is None or best is not None:
        return best, unread, None
    if now_no and not unread and not _others_live(resource, taken):
        # Every current item read is answered no: the past yes asks about now.
        return None, unread, (past[1], past[0][1], past[0][2])
    # No current item, or one answered yes or not read (here or by another reader of the same
    # form): the past yes is read as a yes (the safer reading; project decision, module
    # docstring; review s29 recheck K19a chart f06).
    return past[0], unread, None


def _answer(raw: Mapping[str, Any], text: str, note: bool) -> form_self_harm_answers.Answer | None:
    """One answer of an item the net reads: a note item's only when it speaks of the patient's
    own risk (None: nothing); on a question of harm to others too, a yes of the self, or a yes
    of others alone to check (form_self_harm_notes.of_others). An answer that states a plan
    by a risk heading ("Plan: hang self", "Intent: high") is a yes, whatever the item
    (stated_plan_text.py; fix heads42: it read neither yes nor no, or nothing on a note item)."""
    if value_states_plan(raw):
        return form_self_harm_answers.Answer(form_self_harm_answers.YES, str(raw["valueString"]))
    if note:
        return notes.note_answer(raw)
    month = form_self_harm_answers.window_no(raw, text)
    if month is not None:
        return month  # "Not in the past month" to a question of now or the past month (forms38)
    if intent.is_screen_result(text):
        return intent.screen_answer(raw)
    if intent.is_intent_question(text):
        found = form_self_harm_answers.read(raw)
        words = raw.get("valueString")
        if found.value and isinstance(words, str) and intent.by_other(normalise_text(words)):
            return None  # "Yes - husband hit her": an assault, no self-harm
        return found
    said = notes.of_others(raw) if form_self_harm_answers.asks_of_others(text) else None
    return said or form_self_harm_answers.read(raw)


def read_responses(
    responses: Iterable[Resource], *, as_of: date, taken: Taken = _nothing_taken
) -> tuple[list[Score], list[DataGap]]:
    """The self-harm answers of responses on items no reader takes (module docstring); the
    caller leaves out the C-SSRS forms and names the items a PHQ-9 form's reader takes
    (`taken`)."""
    scores: list[Score] = []
    gaps: list[DataGap] = []
    for resource in responses:
        status = string(resource.get("status")) or "unknown"
        if status not in _FULL and not unfinished(RESPONSE, status):
            continue  # entered-in-error: not a result
        day = parse_date(resource.get("authored"))
        if day is None or day > as_of:
            continue
        positive, unread, past = _read(resource, taken)
        if positive is None and not unread and past is None:
            continue
        ref = SourceRef(QR, string(resource.get("id")) or "")
        source = ref if ref.id else None
        if past is not None and not unread:
            # A past yes beside a current no: a warning to ask about current thoughts, read as
            # an answer to look at (item9_unread: its windows and closing rules), no data gap.
            topic, word, question = past
            asked = (word, question)
            scores.append(
                Score(
                    INSTRUMENT, None, day, source=source, item9_unread=ref, asked=asked, past=topic
                )
            )
            continue
        if positive is not None:
            # Read: no gap. An unread answer beside it asks no less than the positive one.
            value, word, question = positive
            scores.append(Score(INSTRUMENT, None, day, value, source, asked=(word, question)))
            continue
        scores.append(Score(INSTRUMENT, None, day, source=source, item9_unread=ref))
        gaps.append(DataGap(DataDomain.SCORES, UNREAD_UNSCALED, source, date=day))
    return scores, gaps
