"""A trial's dose path, adherence and verdict texts, worded once per chart (issue 14).

The optimise card's trials table (trial_table.py) and the referral summary's table
(packet/trials.py) write the same three texts for every trial of one record in one evaluation:
the second asks here and gets the first's words, not a second walk of the trial's segments,
fills and scores.

Safe because each text is a pure function of the frozen trial (and, for the verdict, the frozen
mapping policy) and of tables read once per process. The answers live with the last record asked
about, that very object (`is`, as services/last_answer.py compares), so another chart always
starts afresh and no patient's words can reach another's card. An entry holds its trial: the id
it is kept under cannot pass to another object while it lives, and `is` rejects anything else.
Two threads on one record at most word a text twice.
"""

from __future__ import annotations

from collections.abc import Callable

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Trial
from services.trial_adherence_text import adherence_text
from services.trial_dose_text import dose_path, sig_unclear_text
from services.trial_verdict_text import verdict_text

_DOSE, _ADHERENCE, _VERDICT = 0, 1, 2

_Memo = dict[tuple[int, int], tuple[Trial, str]]
# (record, mapping policy, answers): replaced whole, never changed but by adding an answer.
_last: tuple[PatientRecord, MappingPolicy, _Memo] | None = None


def _memo(record: PatientRecord, policy: MappingPolicy) -> _Memo:
    global _last
    last = _last  # read once: another thread may replace it
    if last is None or last[0] is not record or last[1] is not policy:
        last = _last = (record, policy, {})
    return last[2]


def _worded(
    kind: int,
    trial: Trial,
    record: PatientRecord,
    policy: MappingPolicy,
    word: Callable[[], str],
) -> str:
    """The text of `kind` for `trial`, from the memo of `record` and `policy`, else `word()`."""
    memo = _memo(record, policy)
    entry = memo.get((id(trial), kind))
    if entry is not None and entry[0] is trial:
        return entry[1]
    text = word()
    memo[(id(trial), kind)] = (trial, text)
    return text


def dose(trial: Trial, record: PatientRecord, policy: MappingPolicy) -> str:
    """dose_path(trial) and the running dose's unclear sig, as the optimise card's dose line
    says it ("15-30 (sig unclear: 'twice daily at bedtime')": review s23 RP finding 8, the
    packet lost the note), worded once for `record`."""
    return _worded(_DOSE, trial, record, policy, lambda: dose_path(trial) + sig_unclear_text(trial))


def adherence(trial: Trial, record: PatientRecord, policy: MappingPolicy) -> str:
    """adherence_text(trial), worded once for `record`."""
    return _worded(_ADHERENCE, trial, record, policy, lambda: adherence_text(trial))


def verdict(trial: Trial, record: PatientRecord, policy: MappingPolicy) -> str:
    """verdict_text(trial, policy), worded once for `record` and `policy`."""
    return _worded(_VERDICT, trial, record, policy, lambda: verdict_text(trial, policy))
