"""The rest of the pathway, named (issue 12): ECT, esketamine, ketamine, pharmacogenomic testing,
and the monitoring of the second-line adjuncts, as lines for the optimise card.

Facts are data (data/pathway_options.csv, data/augmentation_monitoring.csv, each row with its
source and status); this module only chooses which apply and words them:
- after two or more failed adequate trials (policy.trd_min_failed_trials: CANMAT 2023's TRD
  count), ECT, esketamine and ketamine are named as the options beyond medication, each with its
  line, level of evidence, label status and safety issue; ketamine is said to be off-label;
- for an older adult (policy.older_adult_age) ECT is named first: CANMAT 2023 para 215 finds it
  especially effective in older patients. Frailty coded on the chart (ICD-10-CM R54, SNOMED
  frailty findings: condition_codes.csv kind "frailty") is named beside it as part of the basis ("frailty
  coded (R54, 2024-03-01)"). By default age alone suffices (policy.older_adult_requires_frailty
  False, the safer reading: para 215 speaks of older patients, not frail ones, and a chart
  without a frailty code does not show that the patient is not frail); a clinic may require the
  code as well;
- the acute-risk, psychotic and catatonic cases keep their own gates (acute_risk.py, the
  psychotic-depression variant of the optimise card): there ECT comes first, and it is said there;
- ECT on record (review 6 finding 7, `ect_history`): a course in this episode is named with its
  dates, sessions and PHQ-9s ("discuss the next step with the ECT service") and ECT leaves the
  list, never offered again as if untried; an earlier course is one line, a response in it
  being a reason to prefer ECT (data/pathway_options.csv rows "ect-relapse",
  "ect-prior-response");
- esketamine and IV ketamine on record (review 7 finding 7, also `ect_history`): a course in this
  episode (the drug's orders, statements or dispenses: a Trial; esketamine sessions: HCPCS
  G2082/G2083, ProcedureKind.ESKETAMINE) is named with its dates, sessions and PHQ-9s and the
  option leaves the list, as for ECT; an earlier course is one line;
- pharmacogenomic testing is one info line after a poor response (CANMAT 2023 para 184), no more;
- lithium and liothyronine (T3) with their target level or dose and monitoring, and the
  metabolic and movement monitoring of an antipsychotic adjunct.

The table lives in pathway_option_table.py, the adjuncts' monitoring in adjunct_monitoring.py,
the lines on ECT courses on record in ect_course_lines.py and on esketamine and ketamine courses
in drug_course_lines.py; this module chooses the options and joins the course lines
(`ect_history`), and re-exports what its callers read from the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache

from fhir_mapping.record import Finding, PatientRecord, PgxResult, ProcedureKind
from services import ketamine_doses, pgx_doses
from services.adjunct_monitoring import (
    Monitoring,
    adjunct_line,
    antipsychotic_monitoring,
    group_monitoring,
    monitoring_for,
    monitoring_rows,
    second_line_target,
    target_for,
)
from services.drug_course_lines import _DRUG_COURSES, _drug_history
from services.ect_course_lines import EctHistory, _ect_history, ect_service_line
from services.pathway_option_table import PathwayOption, options, unverified_mark
from services.policy import Policy

# What other modules read from here, wherever it is defined.
__all__ = [
    "EctHistory",
    "Monitoring",
    "PathwayOption",
    "adjunct_line",
    "antipsychotic_monitoring",
    "beyond_medication",
    "ect_history",
    "ect_service_line",
    "group_monitoring",
    "latest_frailty",
    "mdd_only",
    "monitoring_for",
    "monitoring_rows",
    "older_adult",
    "options",
    "pgx_line",
    "second_line_target",
    "target_for",
    "unverified_mark",
]

# The procedure records of a drug course: esketamine sessions, ketamine doses on the MAR.
_DRUG_RECORDS = frozenset({ProcedureKind.ESKETAMINE, ProcedureKind.KETAMINE_DOSE})


def latest_frailty(frailty: tuple[Finding, ...]) -> Finding | None:
    """The most recently dated frailty entry (an undated one only when none is dated)."""
    return max(frailty, key=lambda f: f.onset or date.min, default=None)


def older_adult(age: int | None, frailty: tuple[Finding, ...], policy: Policy) -> bool:
    """The older adult for whom ECT comes first: policy.older_adult_age reached and, when
    policy.older_adult_requires_frailty, frailty coded (record.context.frailty)."""
    if age is None or age < policy.older_adult_age:
        return False
    return bool(frailty) or not policy.older_adult_requires_frailty


def _frailty_basis(frailty: tuple[Finding, ...]) -> str:
    """ "; frailty coded (R54, 2024-03-01)": the code and date of the latest entry, if any."""
    entry = latest_frailty(frailty)
    if entry is None:
        return ""
    when = entry.onset.isoformat() if entry.onset is not None else "undated"
    return f"; frailty coded ({entry.code}, {when})"


def mdd_only() -> frozenset[str]:
    """The options labelled for major depression only (pathway_options.csv `mdd_only`: esketamine),
    left out while another depressive disorder is the diagnosis (audit 16 W2)."""
    return frozenset(o.option for o in options().values() if o.mdd_only)


def beyond_medication(
    failed: int,
    age: int | None,
    policy: Policy,
    *,
    exclude: frozenset[str] = frozenset(),
    frailty: tuple[Finding, ...] = (),
    notes: Mapping[str, str] | None = None,
) -> str:
    """The options beyond medication once `failed` adequate trials have failed (CANMAT 2023's TRD
    count, policy.trd_min_failed_trials), ECT first for an older adult (`older_adult`), naming
    coded frailty (`frailty`: record.context.frailty) as part of that basis; "" before that.
    `exclude`: options the card already names. `notes`: option -> what the record says of it
    for this patient, first on its line ("ect": "declined, recorded 2025-02-03 ...: revisit";
    review 16 W6)."""
    if failed < policy.trd_min_failed_trials:
        return ""
    if not older_adult(age, frailty, policy):
        if not notes:
            text = _beyond_for_adults(exclude)
        else:
            text = _beyond(exclude, older=False, age=None, frailty=(), notes=notes)
        # An age not on record (review 18b M3: ECT first from 65 not applied) is said first on
        # the card, with the other age rules not checked (services/age_note.py; review 19 D3).
        return text
    return _beyond(exclude, older=True, age=age, frailty=frailty, notes=notes)


@lru_cache(maxsize=16)
def _beyond_for_adults(exclude: frozenset[str]) -> str:
    # Not an older adult, the lines are the data file's alone (no age, no frailty): built once
    # per set of options the card already names, a handful (issue 14).
    return _beyond(exclude, older=False, age=None, frailty=())


def _beyond(
    exclude: frozenset[str],
    *,
    older: bool,
    age: int | None,
    frailty: tuple[Finding, ...],
    notes: Mapping[str, str] | None = None,
) -> str:
    chosen = [o for o in options().values() if "trd" in o.when and o.option not in exclude]
    if older:
        chosen.sort(key=lambda o: "older-adult" not in o.when)
    if not chosen:
        return ""
    shared = {(o.line, o.level) for o in chosen}
    items = []
    for o in chosen:
        grade = "" if len(shared) == 1 else f"{o.line}, {o.level}; ".replace(", ;", ";")
        # Listed first for an older adult, saying why in the source's words (the table's
        # `older_adult`: "may be especially effective", never "first choice": s25 RA finding 4).
        first = (
            f"; at age {age}: {o.older_adult}{_frailty_basis(frailty)}"
            if older and "older-adult" in o.when and o.older_adult
            else ""
        )
        # No status mark: it is for the data table's status column, not the card (audit 15 M9:
        # "IV ketamine (off-label) (UNVERIFIED)" showed the clinician an internal flag).
        said = f"{notes[o.option]}; " if notes and o.option in notes else ""
        items.append(f"{o.label} ({said}{grade}{o.card}{first})")
    head = ""
    if len(shared) == 1:
        line, level = next(iter(shared))
        head = f" ({line}, {level})" if level else f" ({line})"
    return f"**Beyond medication**{head}: " + "; ".join(items) + "."


def ect_history(record: PatientRecord, policy: Policy, episode_start: date | None) -> EctHistory:
    """The lines on ECT, esketamine and IV ketamine courses on record beside the options beyond
    medication, and the options they take off the list (`_ect_history`, `_drug_history`;
    reviews 6 finding 7 and 7 finding 7): none of them is offered again as if untried after a
    course in this episode."""
    found = [_ect_history(record, policy, episode_start)]
    if any(t.ingredient in _DRUG_COURSES for t in record.trials) or any(
        p.kind in _DRUG_RECORDS for p in record.procedures
    ):
        found.extend(
            _drug_history(ingredient, record, policy, episode_start) for ingredient in _DRUG_COURSES
        )
        # Ketamine doses on the MAR with no course (review s21 RF finding 2: ketamine_doses.py).
        found.append(ketamine_doses.history(record, policy, episode_start))
    else:
        return found[0]  # most charts
    lines = [h.line for h in found if h.line]
    return EctHistory("\n\n".join(lines), frozenset().union(*(h.exclude for h in found)))


def pgx_line(failed: int, results: Sequence[PgxResult] = ()) -> str:
    """One info line on pharmacogenomic testing after a poor response (>= 1 adequate failure:
    CANMAT 2023 para 184 lists it among the steps of assessing poor response), no more. With a
    CYP2C19 or CYP2D6 result on record the test is not suggested again (review 13 M7): a result
    a dose limit speaks to (a poor metabolizer), or one not interpreted, names itself instead,
    whatever the failures (it bears on any dose or switch the card proposes); another (a normal
    metabolizer) names nothing."""
    if results:
        return pgx_doses.record_line(results)
    option = options()["pgx"]
    if failed < 1 or "poor-response" not in option.when:
        return ""
    return (
        f"{option.label} {option.card} after a poor response ({option.line})"
        f"{unverified_mark(option.status)}."
    )
