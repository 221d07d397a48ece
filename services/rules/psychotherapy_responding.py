"""The psychotherapy card beside a course that responds now (session 22 F4 item 1).

The card's usual words lead with the count of failed trials ("1 adequate trial failed ... consider
a CBT or IPT referral") and give CANMAT's reason "when antidepressants have not worked". Beside a
course that responds now (the optimise card's one reading of it, optimize/courses.responding: a
>= 50 % PHQ-9 drop, or a failure before a supply gap whose restart responded) both say an old
state as the current one: the optimise card beside it reads "Duloxetine responding (PHQ-9 22 ->
9) ... no switch or adjunct" (review s21 RR2 charts R1, R2).

What the card does then (decided here, with why):
- a responding course in remission on its last score: no card. Nothing the failure said is the
  state now, and an extra referral card on a patient who is well is the noise that gets every
  card dismissed;
- responding, not in remission, and no psychotherapy on record: the card stays, worded from the
  current state (the response, the residual symptoms), with the earlier failures said as
  history. The safer choice for the patient: CBT and IPT reduce relapse (CPS Therapeutic
  Choices "Depression" 2023, mindfulness-based CBT particularly; ../shared/clinical/REFERENCE.md,
  its psychotherapy line), and CANMAT 2023 adds a psychological treatment early in
  difficult-to-treat depression (paras 185-186); a referral is no switch and no added drug, so it does not contradict the
  optimise card's "no switch or adjunct", and losing it would leave a patient after failed
  trials with no psychological treatment proposed for as long as the partial response lasts;
- psychotherapy already on record: no card, as before (rules/psychotherapy.py).
The payer's "psychotherapy before TMS" line is left out while a course responds: TMS is not in
view then (the TMS criteria hold a responding course: episode_trials._responding).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Trial
from services import cards
from services.rules.optimize.wording import drop_text


def in_remission(responding: Sequence[Trial]) -> bool:
    """A responding course in remission on its last score: no card (module docstring)."""
    return any(t.remission for t in responding)


def _names(responding: Sequence[Trial]) -> str:
    names = list(dict.fromkeys(t.ingredient for t in responding))
    return " and ".join(names)


def summary(responding: Sequence[Trial], absence: str, consider: tuple[str, str]) -> str:
    """ "No psychotherapy procedure, visit or referral on record while duloxetine responds short of
    remission (PHQ-9 9): consider a CBT or IPT referral" (shorter forms when it does not fit). It
    leads with the card's own subject, not with the response the optimise card leads with, so
    the two are not read as one card twice. `consider`: the card's words for what it proposes
    (psychotherapy.CONSIDER, which the inpatient hold rewords). The last form drops the absence
    rather than shorten it to a claim the record may not support ("history not available")."""
    name = _names(responding)
    head = absence[:1].upper() + absence[1:]
    score = responding[0].on_treatment
    now = f" ({score.instrument} {score.value})" if score is not None else ""
    return cards.fit_summary(
        f"{head} while {name} responds short of remission{now}: {consider[0]}",
        f"{head}; {name} responding, not in remission: {consider[1]}",
        f"{name[:1].upper() + name[1:]} responding, not in remission: {consider[1]}",
    )


def basis(responding: Sequence[Trial], seen: str, failed: str, remission_below: int) -> str:
    """What the card rests on when a course responds: what is on record about psychotherapy
    (`seen`), the response now, why a referral still helps, and the failures as history."""
    drops = "; ".join(f"{t.ingredient} {drop_text(t)}" for t in responding)
    return (
        f"{seen} Responding now, not in remission ({drops}; remission is PHQ-9 < "
        f"{remission_below}): CBT or IPT added to the antidepressant treats the residual "
        "symptoms and lowers the risk of relapse (CPS 2023, Depression). It is no switch and no "
        f"added drug: the current course continues. Earlier in this episode: {failed}."
    )


def request_reason() -> str:
    """The referral's reason text while a course responds (not "not responding")."""
    return "depression responding to an antidepressant, not in remission"
