"""What a course's stated indication (Trial.stated_reasons: fhir_mapping/indications.py) leaves a
card to say: why a course ordered for something else is not counted, and what is left to confirm
of a counted one ordered for another psychiatric disorder, for a reason in no table, or whose
stated reason could not be read.

Said only where it could change a conclusion: on a course the pathway counts (a failed trial
toward TRD and the TMS trials criterion), never on a course with a depression reason or none.
"""

from __future__ import annotations

from fhir_mapping.record import InadequacyReason, IndicationCategory, Role, Trial, Verdict

_DEPRESSION = IndicationCategory.DEPRESSION
_NOT_READ = IndicationCategory.NOT_READ
_NON_PSYCHIATRIC = IndicationCategory.NON_PSYCHIATRIC
_OTHER_USES = (_NON_PSYCHIATRIC, IndicationCategory.PSYCHIATRIC_OTHER)
_OTHER_INDICATION = InadequacyReason.OTHER_INDICATION
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


def _other_use(trial: Trial) -> tuple[str, bool] | None:
    """(the non-psychiatric uses named, whether they were read from conditions on record rather
    than stated by the orders) of a course judged another indication's, else None."""
    if _OTHER_INDICATION not in trial.reasons:
        return None
    # An adjunct's own psychiatric use counts as another use too (buspirone for anxiety:
    # fhir_mapping/indications.course_indication, fix meds50).
    reasons = [r for r in trial.stated_reasons if r.category in _OTHER_USES]
    named = "; ".join(dict.fromkeys(r.text for r in reasons))
    return named, bool(reasons) and all(r.from_condition for r in reasons)


def other_use_reason(trial: Trial) -> str | None:
    """Why a course is read as treatment of something else: "ordered for smoking cessation
    (Z72.0)" when every reason its orders state is non-psychiatric, "taken with fibromyalgia
    (M79.7) on record" when it states none and a condition it treats is on record with no
    depression diagnosis (fhir_mapping/condition_indications.py: never "ordered for", which the
    orders do not say); None for any other course."""
    found = _other_use(trial)
    if found is None:
        return None
    named, on_record = found
    return f"taken with {named} on record" if on_record else f"ordered for {named}"


def other_use_text(trial: Trial) -> str | None:
    """ "ordered for smoking cessation (Z72.0): not counted as a depression trial", or "taken
    with fibromyalgia (M79.7) on record, no depression diagnosis: not counted as a depression
    trial" (`other_use_reason`: the basis said where the reading rests on it), else None."""
    found = _other_use(trial)
    if found is None:
        return None
    basis = ", no depression diagnosis" if found[1] else ""
    counted = "augmentation" if trial.role is Role.AUGMENTATION else "a depression trial"
    return f"{other_use_reason(trial)}{basis}: not counted as {counted}"


def to_confirm_text(trial: Trial) -> str | None:
    """ "ordered for PTSD (F43.10): confirm it was a trial for the depression" for a counted course
    whose stated reasons name no depression ("ordered for smoking cessation (Z72.0) on some of
    its orders, with no reason stated on others: ..." when only its unstated orders keep it
    counted); None for a course with a depression reason, with none, or not counted. A
    psychiatric reason is counted (the dose usually treats a co-occurring depression too) but is
    not met outright: the payer asks for trials for the depression."""
    reasons = trial.stated_reasons
    if not reasons or trial.verdict is _NOT_A_TRIAL:
        return None
    for r in reasons:  # a loop, not any() over a generator left suspended (issue 14, s31)
        if r.category is _DEPRESSION:
            return None
    parts: list[str] = []
    stated = [r.text for r in reasons if r.category is not _NOT_READ]
    if stated:
        parts.append("ordered for " + "; ".join(dict.fromkeys(stated)))
    if all(r.category is _NON_PSYCHIATRIC for r in reasons):
        # Counted although every reason stated is non-psychiatric: only a course some of whose
        # orders or statements state no reason is (indications.course_indication, READ12
        # finding 1). Said so, for the clinician to confirm which the course was.
        parts[0] += " on some of its orders, with no reason stated on others"
    unread = [r.text for r in reasons if r.category is _NOT_READ]
    if unread:
        parts.append("its stated reason could not be read (" + "; ".join(unread) + ")")
    return f"{' and '.join(parts)}: confirm it was a trial for the depression"
