"""An ED visit for suicidal ideation or self-harm in the past year, beyond the recent window: one
line of history on the optimise card (review 16 second recheck W4).

Such a visit dated within policy.suicide_condition_recent_days raises the suicide-risk card
(acute_risk.py). Older, it is no current signal, and a card of its own on every chart open for a
year would be noise. But suicide risk stays raised through the year after the visit
(Goldman-Mellor et al., JAMA Netw Open 2019: 31.4 times the matched population's suicide rate
after suicidal ideation, 56.8 after self-harm; Olfson et al., J Clin Psychiatry 2021: SMR 10.6
and 18.2), and it weighs on the next treatment choice, so the card that speaks names it:
- the suicide-risk card, when it fires, among its risk factors (risk_evidence.py);
- otherwise the optimise card, in one line at its top (`history_line`), as information.
Within policy.suicide_ed_visit_history_days (365) of the visit; older, nothing is said.
"""

from __future__ import annotations

from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services.policy import Policy
from services.risk_evidence import in_ed_history_year

_WHAT = {
    FindingKind.SUICIDAL_IDEATION: "suicidal ideation",
    FindingKind.SELF_HARM: "self-harm",
}


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
        source = f" [{f.source}]" if f.source is not None else ""
        visits.append(
            f"ED visit for {_WHAT[f.kind]} on {f.onset.isoformat()} ({ago} days ago; "
            f"{f.coding}){source}"
        )
    return (
        "**Suicide risk history:** "
        + "; ".join(visits)
        + ". Not a current signal, but suicide risk stays raised through the year after such a "
        "visit (Goldman-Mellor 2019; Olfson 2021): ask about suicidal thoughts and the safety "
        "plan when choosing the next treatment."
    )
