"""The optimise card's headline when the psychotic features on record are only a question (fix
psy64, session 41 leftover finding 1).

"r/o psychosis", "eval for psychosis" or "rule out psychotic features" (a visit's reason or a
text-only Condition, marked `differential` by fhir_mapping.psychotic_current.to_rule_out), and a
coded entry whose verificationStatus is differential, provisional or unconfirmed, held TMS under
the headline "Psychotic features: antidepressant plus antipsychotic ..., or ECT": the record shows
a psychosis being worked up, not one found. TMS stays held (a current psychotic feature excludes
TMS, LCD L37086, and one not yet ruled out is the safer to hold), but the headline says it is
possible and asks for the assessment first.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Finding
from services import cards
from services.recommendation import Suggestion

# FHIR R4 condition-ver-status codes of a diagnosis not (yet) confirmed.
_SUSPECTED = frozenset({"differential", "provisional", "unconfirmed"})


def possible_summary(psychotic: Sequence[Finding]) -> str | None:
    """The headline when every psychotic finding is suspected only (module docstring), else None."""
    if not psychotic or any(f.verification not in _SUSPECTED for f in psychotic):
        return None
    return cards.fit_summary(
        f"Possible psychotic features ({psychotic[0].display}): assess before TMS / "
        "antipsychotic augmentation",
        "Possible psychotic features: assess before TMS / antipsychotic augmentation",
    )


def held_until_assessed(
    psychotic: Sequence[Finding], found: list[Suggestion], sections: list[str]
) -> None:
    """With a suspected psychosis only, drop the antipsychotic-range regimen and ECT proposed so far
    (psy64 leftover: "r/o psychosis" kept them one click beside "assess before ... antipsychotic
    augmentation"). A psychotic-depression regimen treats a psychosis found, not one asked about;
    the card still describes it, and the dose raises proposed after this point stay."""
    if possible_summary(psychotic) is None or not found:
        return
    found.clear()
    sections.append(
        "**Not proposed as orders yet:** the antipsychotic-range regimen and ECT above are for "
        "psychotic features found; the record shows them only as a question: assess first."
    )
