"""Suicidal ideation and self-harm dated after today (after as-of): read as today's, with the date
named as suspect (fix fut63, review K59b finding 1).

Every other record dated after as-of is not yet on record (an as-of replay of an old chart must
not see what came later), and before this fix a suicide-risk visit or Condition was dropped the
same way, in silence: an ED visit for "Suicidal ideation with plan" started 2026-12-02 (or sent
in UTC at 02:00Z, 21:00 the evening before in New York, with no site zone to read it in), or an
R45.851 entry with onset 2027-03-01, gave no card and the TMS referral was offered. A PHQ-9 item
9 dated after today is already read as a signal of today (review 15 recheck U-a;
services/risk_events.py): a typing error in a date, or an instant read in another zone, does not
make the risk less real. The same reading here: the finding is dated as-of, so an assessment
recorded today closes it, and `Finding.after_today` keeps the date the record gives, which the
card names ("dated 2027-03-01, after today: check the date"). The safer error: a false critical
card asks for an assessment; a quiet one lets a TMS referral go out beside a current plan.

A Condition dated after as-of by its onset but recorded on or before as-of was on record today,
whatever its onset says: it is read the same way (its `recorded_before` names the entry date).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping.finding_kinds import FindingKind
from fhir_mapping.findings import Finding

Resource = Mapping[str, Any]

# The kinds read after today: the suicide-risk signals of a visit or a Condition.
RISK_KINDS = frozenset({FindingKind.SUICIDAL_IDEATION, FindingKind.SELF_HARM})


def as_today(finding: Finding, dated: date, as_of: date) -> Finding:
    """`finding` (recorded `dated`, after `as_of`) as a finding of today. An onset its own words
    date on or before as-of ("History of suicide attempt 2019") keeps it: a history stays one;
    the day it was stated or noted is today at the latest."""
    keep = finding.onset is not None and finding.onset <= as_of
    return replace(
        finding,
        onset=finding.onset if keep else as_of,
        onset_written=finding.onset_written if keep else None,
        onset_recorded=finding.onset_recorded if keep else False,
        stated_on=min(finding.stated_on, as_of) if finding.stated_on is not None else None,
        noted_on=min(finding.noted_on, as_of) if finding.noted_on is not None else None,
        after_today=dated,
    )


def condition_risk(
    resource: Resource,
    dated: date,
    as_of: date,
    read: Callable[[Resource, date], Iterable[Finding]],
) -> tuple[Finding, ...]:
    """The suicidal-ideation and self-harm findings of a Condition dated `dated` (after `as_of`):
    read as of its own date (`read`: conditions.condition_findings), then as today's. Its other
    findings stay not yet on record (replay semantics)."""
    return tuple(as_today(f, dated, as_of) for f in read(resource, dated) if f.kind in RISK_KINDS)
