"""PHQ-9 scores from QuestionnaireResponses (issue 10 item 4).

Many EHRs and SMART forms store a PHQ-9 as a QuestionnaireResponse, not as Observations. This
module reads them into the same `Score` records as scores.py: instrument "PHQ-9", value = the
total, item9, date = `authored`, source = QuestionnaireResponse/<id>.

Statuses (data/result_statuses.csv, fhir_mapping/result_statuses.py): `completed` and `amended`
are read in full. `in-progress` and `stopped` (abandoned)
forms are read for item 9 only, and only when it is answered: a positive item 9 is the patient's
statement whether or not the rest was finished (the safer reading: the suicide-safety card must
see it), while a part-filled total is not a PHQ-9 total. A status no row names is read as these
are (review s27 RF 1: never dropped in silence). An in-progress or stopped form whose item 9 is
read is also named by a gap with its total so far (unfinished_form.py, review K39a finding 4).
`entered-in-error` is ignored; so are responses authored after as-of.

The total: the recorded 44261-6 answer; when it is missing, unanswered or unreadable, the sum of
the nine items if all nine are answered (`Score.total_computed`); with fewer than nine no total,
but item 9 still counts. A total of 25-27 without an item-9 answer proves item 9 >= 1
(`scores.infer_item9`).

A response that is clearly a PHQ-9 but cannot be used (no `authored` date, no status, no readable
total or item 9) is returned as a `DataGap` in DataDomain.SCORES, never dropped in silence; so is
an item-9 answer that is present but unreadable (the total, if any, still counts). The item 9 of
one without `authored` is also read apart for the suicide-risk signal (item9_undated.py; review
s34 K39a finding 1: `meta.lastUpdated` bounds the answer's date, never stands in as it).

An item-9 answer that is present but unreadable (an unknown answer code or system, text that is
no answer, a number out of range, a value type no PHQ-9 answer has) is also carried on the Score
as `item9_unread` (the response), exactly as scores.py does for an Observation: it may be
positive, so the suicide-risk rule raises its "could not be read: check it in the chart" card and
the TMS card says so (review patient-view finding 3). The Score is built even when nothing else of
the response is readable (value and item9 None), and for an unfinished form. The precedence is
scores.py's (item9_unread.kept_unread): a second, unreadable answer beside a readable one is a
DataGap, and stays on the Score too unless the readable one is positive (review s23 RR finding 2:
a readable 0 does not settle an answer that may be "yes, daily"). An item 9 that was asked and not answered (no `answer`) is not
unread: it is simply not recorded (`item9` None, as on any PHQ-9 filed without item 9). A
completed form with items answered but no total and no item 9 is the incomplete PHQ-9 of an
Observation panel (scores.INCOMPLETE_PHQ9, dated; review s27 RF finding 5): the unanswered-item-9
card asks item 9, and its reason gives the range the answers allow the total.

A response that is no PHQ-9 this module can read but looks like one (its Questionnaire named
PHQ-9 or "Patient Health Questionnaire": phq9_lookalike.py) is a DataGap of its own, with
phq9_lookalike.UNRECOGNISED_PHQ9 as its reason: never a score, never dropped in silence.

Where each part lives: which item an answer belongs to (first match wins), questionnaire_items.py;
the score of an answer, questionnaire_answers.py; the tables both read (PHQ-9 item codes, known
questionnaires, answer codes and texts, item-weight extensions), questionnaire_codes.py; one
administration filed both as Observations and as a response counted once (`merge_scores`),
questionnaire_duplicates.py. Here: the statuses, the date, the total and item 9 of one response,
and its gaps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import parse_date, parse_instant
from fhir_mapping.gaps import future_gap
from fhir_mapping.item9_floor import PHQ9, infer_item9
from fhir_mapping.item9_unread import kept_unread
from fhir_mapping.phq9_form_item9 import read_worded_item9, wants_worded_item9
from fhir_mapping.phq9_item_sum import ItemSum, checked_total
from fhir_mapping.phq9_lookalike import lookalike_gap
from fhir_mapping.phq9_named_form import response_names_phq9
from fhir_mapping.questionnaire_answers import _answers
from fhir_mapping.questionnaire_codes import QR, _item9_code, _total_code, phq9_items

# The `name as name` imports are re-exports, so no importer changed with the split: build.py and
# the tests import these from here.
from fhir_mapping.questionnaire_duplicates import merge_read as merge_read
from fhir_mapping.questionnaire_duplicates import merge_scores as merge_scores
from fhir_mapping.questionnaire_items import SiteItems as SiteItems
from fhir_mapping.questionnaire_items import _form, _is_phq9, _item_code, _site_lookup, _walk
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import RESPONSE, Reads, given, statuses, unfinished, unrecognised
from fhir_mapping.score_totals import score_order
from fhir_mapping.scores import INCOMPLETE_PHQ9
from fhir_mapping.unfinished_form import unfinished_form_gap

Resource = Mapping[str, Any]
# completed / amended, and in-progress / stopped (data/result_statuses.csv, shared with
# scores.py and suicide_screen.py: one table of which statuses count for what).
_FULL = statuses(RESPONSE, Reads.ALL)
NO_STATUS = "PHQ-9 questionnaire response without a status"


# --- public surface ------------------------------------------------------------------------------
def wants_questionnaire_response(resource: Resource, site_items: SiteItems | None = None) -> bool:
    """Cheap filter: a QuestionnaireResponse that is a PHQ-9 (known or site questionnaire, a
    contained PHQ-9 Questionnaire, or an item recognised as a PHQ-9 item)."""
    if resource.get("resourceType") != QR:
        return False
    site = _site_lookup(site_items)
    # A response that only looks like a PHQ-9 is kept too: read_questionnaire_scores reports it.
    return (
        _is_phq9(_form(resource, site), resource.get("item"), site)
        or response_names_phq9(resource)  # named or worded as one (phq9_named_form.py)
        or wants_worded_item9(resource)  # item 9 on any form (phq9_form_item9.py)
    )


def phq9_form_items(resource: Resource, site_items: SiteItems | None = None) -> frozenset[int]:
    """The ids of the items this module reads as PHQ-9 items on a response it reads as a PHQ-9
    form (known, site or contained); none on any other. form_self_harm.py leaves these to it and
    reads the form's other self-harm questions: a LOINC 44249-1 form with an extra "Suicidal
    thoughts today?" was left to this module whole, which reads only the PHQ-9's items (review
    s29 K16 charts p02, p03)."""
    site = _site_lookup(site_items)
    form = _form(resource, site)
    if not _is_phq9(form, resource.get("item"), site):
        return frozenset()
    return frozenset(
        id(item) for item in _walk(resource.get("item")) if _item_code(item, form, site) is not None
    )


def _source(resource: Resource) -> SourceRef | None:
    rid = resource.get("id")
    return SourceRef(QR, rid) if isinstance(rid, str) and rid else None


def _read_one(
    resource: Resource, as_of: date, site: Mapping[tuple[str, str], str]
) -> tuple[Score | None, list[DataGap]]:
    form = _form(resource, site)
    if not _is_phq9(form, resource.get("item"), site):
        # Item 9 on a form not known, by its words (review s28 K10 finding 1).
        worded, unread_gaps = read_worded_item9(resource, as_of)
        read = worded is not None and worded.item9 is not None and worded.item9_unread is None
        return worded, [*_lookalike(resource, as_of, item9_read=read), *unread_gaps]
    source = _source(resource)

    def gap(reason: str) -> DataGap:
        return DataGap(DataDomain.SCORES, reason, source)

    sent = resource.get("status")
    # A missing or malformed status is named (a gap, dated) and read as an unfinished form's:
    # its item-9 answer counts, its total does not (result_statuses.given; s30 status31: an
    # item 9 = 3 with no status was only "without a status", no suicide-risk card).
    status = given(sent)
    if status == sent and status not in _FULL and not unfinished(RESPONSE, status):
        return None, []  # entered-in-error: not a result (an unrecognised status: unfinished)
    answers = _answers(resource, form, site)
    item9_code = _item9_code()
    item9 = answers.scores.get(item9_code)
    gaps: list[DataGap] = []
    if status != sent:
        recorded = parse_date(resource.get("authored"))
        gaps.append(dataclasses.replace(gap(NO_STATUS), recorded=recorded))
    # An item-9 answer on record that could not be read (module docstring): the Score carries it
    # so the suicide-risk rule sees it, beside a readable 0 too (item9_unread.kept_unread).
    unread: SourceRef | None = None
    if item9_code in answers.unreadable:
        gaps.append(gap("PHQ-9 item 9 answer could not be read"))
        unread = SourceRef(QR, source.id if source is not None else "")
    elif item9_code in answers.partly_unreadable:
        gaps.append(gap("PHQ-9 item 9 has an answer that could not be read beside a readable one"))
        unread = kept_unread(item9, SourceRef(QR, source.id if source is not None else ""))
    if status not in _FULL and item9 is None and unread is None:
        return None, gaps  # an unfinished form without an item-9 answer says nothing yet
    day = parse_date(resource.get("authored"))
    if day is None:
        # No score without `authored`, but its item 9 is read apart for the suicide-risk signal
        # (item9_undated.py, review s34 K39a 1): meta.lastUpdated is when the record was last
        # written, not when the patient answered, so it never stands in as this date.
        return None, [*gaps, gap("PHQ-9 questionnaire response without a date (authored)")]
    if day > as_of:  # a typo to correct (review 15 M3): not read, never the latest, but named
        return None, future_gap(resource, day, DataDomain.SCORES)
    value: int | None = None
    computed = False
    conflict = None
    if status in _FULL:
        filed = answers.scores.get(_total_code())
        numbered = [i.loinc for i in phq9_items().values() if i.number is not None]
        answered = [answers.scores[code] for code in numbered if code in answers.scores]
        items_sum = ItemSum(sum(answered), len(answered) == len(numbered)) if answered else None
        # The filed total checked against its answers, or their sum when none was filed and all
        # nine are: the one rule of phq9_item_sum.checked_total (review s22 RS 1, RR 4).
        value, conflict = checked_total(filed, items_sum)
        computed = filed is None and value is not None
    if value is None and item9 is None:
        if status in _FULL and unread is None and answers.scores:
            # A completed form with items answered, no total and item 9 unanswered (review s27
            # RF finding 5): the incomplete PHQ-9 an Observation panel gives (scores.py, review
            # 13 W11), so the unanswered-item-9 card asks it and says the form is newer than
            # the last total.
            gaps.append(dataclasses.replace(gap(_incomplete(answers.scores)), date=day))
            return None, gaps
        if answers.scores or answers.unreadable:
            reason = "PHQ-9 questionnaire response without a total, all nine items or item 9"
        else:
            reason = "PHQ-9 questionnaire response without a readable answer"
        gaps.append(gap(reason))
        if unread is None:
            return None, gaps
    if status == sent and status not in _FULL and not unrecognised(RESPONSE, status):
        gaps.append(unfinished_form_gap(resource, answers.scores, source, day))
    score = Score(
        PHQ9,
        value,
        day,
        item9,
        source,
        total_computed=computed,
        item9_unread=unread,
        instant=parse_instant(resource.get("authored")),
        total_conflict=conflict,
    )
    return infer_item9(score), gaps


def _incomplete(scores: Mapping[str, int]) -> str:
    """The reason of a completed response with items answered, no total and item 9 unanswered:
    scores.INCOMPLETE_PHQ9's, so the measurement card reads it as it reads an incomplete panel,
    with the range the answers filed allow the total ("a PHQ-9 incomplete (item 9 unanswered;
    total 1-4 by the answers filed): item 9 unknown"): a last total of 18 is out of date when
    the newest form allows 4 at most (review s27 RF finding 5)."""
    numbered = [i for i in phq9_items().values() if i.number is not None]
    missing = sorted(i.number for i in numbered if i.loinc not in scores and i.number)
    low = sum(scores.get(i.loinc, 0) for i in numbered)
    high = low + sum(i.max_score for i in numbered if i.loinc not in scores)
    if missing == list(range(missing[0], missing[-1] + 1)) and len(missing) > 1:
        which = f"items {missing[0]}-{missing[-1]}"
    else:
        which = ("item " if len(missing) == 1 else "items ") + ", ".join(map(str, missing))
    return f"{INCOMPLETE_PHQ9} ({which} unanswered; total {low}-{high} by the answers filed): item 9 unknown"


def _lookalike(resource: Resource, as_of: date, *, item9_read: bool = False) -> list[DataGap]:
    """A response this module cannot read as a PHQ-9 that looks like one (phq9_lookalike.py):
    one DataGap, unless it is no result (entered in error, no status R4 defines) or is dated
    after as-of. `item9_read`: its item 9 was read by its words (phq9_form_item9.py), so the gap
    says only that its total is not known."""
    if not response_names_phq9(resource):  # its name, words or total item (s43 K74a 1)
        return []
    status = resource.get("status")
    if (
        isinstance(status, str)
        and status
        and status not in _FULL
        and not unfinished(RESPONSE, status)
    ):
        return []
    day = parse_date(resource.get("authored"))
    if day is not None and day > as_of:
        return []
    return [lookalike_gap(resource, day, item9_read=item9_read)]


def read_after_today(
    resources: Iterable[Resource], *, as_of: date, site_items: SiteItems | None = None
) -> list[Score]:
    """The PHQ-9 responses authored after `as_of` whose item 9 is positive (or implied by the
    total) or could not be read, oldest first: read apart for the suicide-risk signal alone,
    as scores.read_after_today reads Observations (review 15 recheck U-a). Their gaps ("dated
    after today") come from `read_questionnaire_scores`."""
    found, _ = read_questionnaire_scores(resources, as_of=date.max, site_items=site_items)
    return [
        s for s in found if s.date > as_of and ((s.item9 or 0) > 0 or s.item9_unread is not None)
    ]


def read_questionnaire_scores(
    resources: Iterable[Resource], *, as_of: date, site_items: SiteItems | None = None
) -> tuple[list[Score], list[DataGap]]:
    """PHQ-9 scores from QuestionnaireResponses (oldest first), and the PHQ-9 responses that
    could not be used. Responses that are not a PHQ-9 are ignored."""
    site = _site_lookup(site_items)
    found: list[Score] = []
    gaps: list[DataGap] = []
    for resource in resources:
        if not isinstance(resource, Mapping) or resource.get("resourceType") != QR:
            continue
        score, problems = _read_one(resource, as_of, site)
        if score is not None:
            found.append(score)
        gaps.extend(problems)
    return sorted(found, key=score_order), gaps
