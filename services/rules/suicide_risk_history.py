"""An ED visit for suicidal ideation or self-harm in the past year, beyond the recent window: one
line of history on the optimise card (review 16 second recheck W4).

Such a visit dated within policy.suicide_condition_recent_days raises the suicide-risk card
(acute_risk.py). Older, it is no current signal, and a card of its own on every chart open for a
year would be noise. But suicide risk stays raised through the year after the visit
(Goldman-Mellor et al., JAMA Netw Open 2019: 31.4 times the matched population's suicide rate
after suicidal ideation, 56.8 after self-harm; Olfson et al., J Clin Psychiatry 2021: SMR 10.6
and 18.2), and it weighs on the next treatment choice, so the card that speaks names it:
- the suicide-risk card, when it fires, among its risk factors (risk_evidence.py);
- otherwise the optimise card, in one line at its top (`history_line`), as information;
- when neither is on the screen but another card speaks (the TMS card, the diagnosis review, an
  order card: review 16 second recheck, "ED-visit history line absent when no optimise card"),
  the first card shown, in the same line (`on_first_card`). Never a card of its own.
Within policy.suicide_ed_visit_history_days (365) of the visit; older, nothing is said.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services.card_format import plural
from services.policy import Policy
from services.recommendation import Recommendation
from services.risk_evidence import in_ed_history_year
from services.risk_wording import harm_words

HEAD = "**Suicide risk history:**"
# The suicide-risk card names the visit among its risk factors (risk_evidence._ED_YEAR).
_SUICIDE_TOPIC = "suicide-risk"
# The chart's data report: the line goes there only when no other card speaks.
_REPORT_TOPIC = "data-quality"
_GAPS_HEAD = "**Data not read**"
_GUIDELINE_HEAD = "**Guideline:**"

_WHAT = {
    FindingKind.SUICIDAL_IDEATION: "suicidal ideation",
    FindingKind.SELF_HARM: "self-harm",
}


def _what(finding: Finding) -> str:
    # An overdose of undetermined intent is not called self-harm (review s26 UD finding 1).
    return harm_words(finding) if finding.kind is FindingKind.SELF_HARM else _WHAT[finding.kind]


def ed_visit_history(record: PatientRecord, policy: Policy) -> tuple[Finding, ...]:
    """The suicidal-ideation and self-harm findings of ED visits in the history year, oldest
    first (module docstring)."""
    found = [
        f
        for kind in _WHAT
        for f in record.context.of(kind)
        if in_ed_history_year(f, record.as_of, policy)
    ]
    return tuple(sorted(found, key=lambda f: f.onset or record.as_of))


def history_line(record: PatientRecord, policy: Policy) -> str:
    """ "**Suicide risk history:** ED visit for suicidal ideation on 2025-02-22 (100 days ago;
    ICD-10-CM R45.851) ...", or "" when there is none."""
    found = ed_visit_history(record, policy)
    if not found:
        return ""
    visits = []
    for f in found:
        assert f.onset is not None  # in_ed_history_year reads dated findings only
        ago = (record.as_of - f.onset).days
        # Named by its day and code: no resource id (cards.record_cite, session 20).
        visits.append(
            f"ED visit for {_what(f)} on {f.onset.isoformat()} ({plural(ago, 'day')} ago; {f.coding})"
        )
    return (
        f"{HEAD} "
        + "; ".join(visits)
        + ". Not a current signal, but suicide risk stays raised through the year after such a "
        "visit (Goldman-Mellor 2019; Olfson 2021): ask about suicidal thoughts and the safety "
        "plan when choosing the next treatment."
    )


def on_first_card(
    recommendations: Sequence[Recommendation], record: PatientRecord, policy: Policy
) -> tuple[Recommendation, ...]:
    """The screen with the history line on its first card when no card shown says it yet: no
    suicide-risk card (its risk factors name the visit) and no optimise card carrying it (a
    snoozed optimise card, a pathway held for the diagnosis, an order hook). The first card that
    speaks, as the clinician reads the screen top down; the data report only when it is the one
    card. Placed before the card's guideline line and its "Data not read" block, which close
    every card. No card on
    the screen, no line: a card of its own for a visit that raises no current signal, on every
    chart open for a year, would be noise (module docstring)."""
    if not recommendations:
        return tuple(recommendations)
    if any(r.topic == _SUICIDE_TOPIC or HEAD in r.detail for r in recommendations):
        return tuple(recommendations)
    line = history_line(record, policy)
    if not line:
        return tuple(recommendations)
    at = next((i for i, r in enumerate(recommendations) if r.topic != _REPORT_TOPIC), 0)
    rec = recommendations[at]
    body, gaps_sep, gaps = rec.detail.partition(f"\n\n{_GAPS_HEAD}")
    if not gaps_sep and rec.detail.startswith(_GAPS_HEAD):
        body, gaps = "", rec.detail
    else:
        gaps = f"{_GAPS_HEAD}{gaps}" if gaps_sep else ""
    # Above the card's guideline line, which closes its own text (audit 17 M11: after
    # "**Guideline:**" the history read as part of the citation).
    body, cite_sep, cite = body.partition(f"\n\n{_GUIDELINE_HEAD}")
    if not cite_sep and body.startswith(_GUIDELINE_HEAD):
        body, cite = "", body
    else:
        cite = f"{_GUIDELINE_HEAD}{cite}" if cite_sep else ""
    detail = "\n\n".join(s for s in (body, line, cite, gaps) if s)
    out = list(recommendations)
    out[at] = dataclasses.replace(rec, detail=detail)
    return tuple(out)
