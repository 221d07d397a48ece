"""Safety labs the cards act on (review 7 findings 1 and 4): the lithium level, QTc and sodium,
and the labs a running adjunct is monitored with (creatinine/eGFR for lithium; HbA1c, glucose
and lipids for an antipsychotic).

The thresholds are rows of data/lab_safety.csv (with sources); which result is recent enough to
act on is the clinic's (policy.lab_recent_days). A value is compared only in a unit the lab table
knows (fhir_mapping/data/lab_ranges.csv); otherwise the lab's own H/L interpretation decides, and
a value read in neither way is named with its date and "not compared". Every line prints the
result's date. When lab results could not be obtained (the Observation prefetch missing or only
partly read: record.incomplete(LABS)), the lines say the check was not done instead of "no level
on record" (issue 10, never silent). Which result a card reads and how a result prints are
lab_readings.py's, the table's rows lab_rules.py's (both re-exported here).
"""

from __future__ import annotations

import re
from datetime import date

from fhir_mapping.labs import LAB_NAMES
from fhir_mapping.record import FindingKind, LabResult, PatientRecord
from services import creatinine_high, level_monitoring, local_levels
from services.card_format import plural
from services.lab_readings import by_flag as by_flag
from services.lab_readings import deciding as deciding
from services.lab_readings import flag_short as flag_short
from services.lab_readings import flag_words as flag_words
from services.lab_readings import flagged as flagged
from services.lab_readings import inferred_note as inferred_note
from services.lab_readings import is_recent as is_recent
from services.lab_readings import labs_missing as labs_missing
from services.lab_readings import labs_si_missing as labs_si_missing
from services.lab_readings import labs_unread_words as labs_unread_words
from services.lab_readings import latest as latest
from services.lab_readings import latest_readable as latest_readable

# The readings moved to lab_readings.py; re-exported: the rules and cards read them here.
from services.lab_readings import newest_first as newest_first
from services.lab_readings import qtc_missing as qtc_missing
from services.lab_readings import readable as readable
from services.lab_readings import readable_before as readable_before
from services.lab_readings import shown_unit as shown_unit
from services.lab_readings import sideless_critical as sideless_critical
from services.lab_readings import text as text
from services.lab_readings import tsh_unread as tsh_unread
from services.lab_readings import unread_after as unread_after
from services.lab_readings import unread_words as unread_words
from services.lab_readings import value as value

# The rows of data/lab_safety.csv moved to lab_rules.py; re-exported: the rules read them here.
from services.lab_rules import LabRule as LabRule
from services.lab_rules import level_target as level_target
from services.lab_rules import rule_for as rule_for
from services.lab_rules import rules as rules
from services.policy import Policy

# How a test is named on a line: the mapping's names (fhir_mapping/labs.py), one table for both.
LABEL = LAB_NAMES


def above(rule: LabRule, lab: LabResult) -> bool | None:
    """Whether the result is above the rule's upper bound (at or above it for an `at_line` row):
    by its value in a known unit, else by the lab's own interpretation (H/HH) when the rule has
    an upper bound; None: not known."""
    if rule.high is None:
        return None
    number = value(lab)
    if number is not None:
        if rule.at_line and number == rule.high and lab.comparator in (None, ">", ">="):
            return True  # the line itself counts; "<=" or "<" at the line may be below it
        return _beyond(number, rule.high, lab.comparator, upper=True)
    if sideless_critical(lab):  # "Critical" alone (v3 AA): read as HH on the rows whose
        return True if rule.critical_call == "above" else None  # critical_call says so (labs38)
    return True if lab.flag == "high" and _flag_reaches(rule, lab) else None


# The rows whose card is critical (a toxic level, a QTc where the label says to stop). The lab's
# H / L flag is judged against the lab's own range, which says nothing of these lines: only its
# critical flag (HH / LL) reaches them (session 29 RL: a nortriptyline 160 flagged H, no unit,
# was a critical "above the 500 ng/mL toxic line"). The other rows keep the flag's reading:
# silence on a level the lab calls high is the less safe error.
_CRITICAL_LINES = frozenset({"lithium-toxic", "level-toxic", "qtc-stop", "qtc-high"})


def _flag_reaches(rule: LabRule, lab: LabResult) -> bool:
    return lab.critical or rule.check not in _CRITICAL_LINES


def line_words(rule: LabRule, lab: LabResult, words: str, line: str | None = None) -> str:
    """`words` ("above 500 ng/mL") for a result compared in a known unit; for one judged by the
    lab's flag only, what the lab said and that the line was not compared ("flagged high by the
    lab; unit not stated, not compared with the 500 ng/mL line")."""
    if not by_flag(lab):
        return words
    return flag_words(lab, line or f"the {rule.bounds()} line")


def _beyond(number: float, line: float, comparator: str | None, *, upper: bool) -> bool | None:
    """Whether a value is above (`upper`) or below the line, a bound ("< 0.2", "> 60") read as
    what it says: "< 0.2" is below 0.5 for certain, "< 135" below 130 is not known (None)."""
    if not upper:  # below the line is above it, mirrored
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(comparator or "")
        return _beyond(-number, -line, flipped, upper=True)
    if comparator is None:
        return number > line
    if comparator in (">", ">="):  # the true value is at or above `number`
        return True if (number >= line if comparator == ">" else number > line) else None
    return False if number <= line else None  # "<", "<=": at or below `number`


def below(rule: LabRule, lab: LabResult) -> bool | None:
    if rule.low is None:
        return None
    number = value(lab)
    if number is not None:
        return _beyond(number, rule.low, lab.comparator, upper=False)
    if sideless_critical(lab):  # "Critical" alone (v3 AA): acted on by the rows whose
        return True if rule.critical_call == "below" else None  # critical_call says so (labs38)
    return True if lab.flag == "low" and _flag_reaches(rule, lab) else None


def called_critical(rule: LabRule, lab: LabResult) -> bool:
    """The lab called the result critical on the side the row's `critical_call` names (v3 AA, or
    HH above / LL below) while its value, read, is not beyond the row's line: the lab and the
    line disagree (the lab may judge by a range or an assay of its own), so the safer reading
    holds a raise and asks for a check, never silence (labs38 item 1: a nortriptyline 120 ng/mL
    or a QTc 440 ms flagged "Critical" did nothing). With no value read `above` / `below` judge
    the call instead."""
    if not lab.critical or value(lab) is None:
        return False
    # A "normal" the reference range gave (the lab sent AA, no side) is the range's, not the
    # lab's: the call stands (recheck K27b s31 finding 5: lithium 0.9 AA within 0.6-1.2).
    sideless = lab.flag is None or (lab.range_flagged and lab.flag == "normal")
    if rule.critical_call == "above":
        return (sideless or lab.flag == "high") and not above(rule, lab)
    if rule.critical_call == "below":
        return (sideless or lab.flag == "low") and not below(rule, lab)
    return False


def called_words(rule: LabRule, lab: LabResult) -> str:
    """How a card words a `called_critical` result: "flagged critical by the lab, though not
    above 50-150 ng/mL by its value" ("flagged critical high" for HH)."""
    # (a "normal" the reference range gave is no side the lab named: "critical")
    side = "critical" if lab.flag in (None, "normal") else f"critical {lab.flag}"
    beyond = "above" if rule.critical_call == "above" else "below"
    return f"flagged {side} by the lab, though not {beyond} {rule.bounds()} by its value"


def absent_text(
    record: PatientRecord, what: str, since: date | None = None, test: str | None = None
) -> str:
    """ "no lithium level on record" ("... on record since 2024-07-01"), or, while lab results
    could not all be obtained, "lithium level not checked: lab results not available" (or "could
    not be read": lab_readings.labs_unread_words). With `test`, a result of it named under a
    local code is said instead of "none": "no lithium level read: lithium level 1.6 mmol/L
    on 2026-11-25 under a local code: read it" (labs70, review K71a finding 2)."""
    if test is not None and (local := local_levels.local_level(record, test, since)) is not None:
        return f"no {what} read: {local_levels.local_words(local, what)}"
    if labs_missing(record):
        return f"{what} not checked: {labs_unread_words(record)}"
    return f"no {what} on record" + (f" since {since.isoformat()}" if since else "")


# --- lines of the optimise card ------------------------------------------------------------------


def lithium_level_text(record: PatientRecord, policy: Policy) -> str:
    """What the running-lithium line adds (review 7 finding 1): the last level and its date
    against the augmentation target ("last level 1.4 mmol/L on 2025-05-20: **above the 0.5-0.8
    mmol/L target**"), its creatinine and eGFR (CANMAT 2023 para 164), or that none is on
    record, or that the check was not done."""
    kidney = [
        f"{LABEL[test]} {text(found)}"
        for test in ("creatinine", "egfr")
        if (found := latest(record, test)) is not None
    ]
    renal = "; ".join(kidney) if kidney else absent_text(record, "creatinine or eGFR")
    # A creatinine above range with no eGFR asks for the renal check (labs71 finding 1).
    renal = creatinine_high.renal_words(record) or renal
    return f"{lithium_last_level_text(record, policy)}; {renal}"


def lithium_last_level_text(record: PatientRecord, policy: Policy) -> str:
    """The level part of `lithium_level_text` ("last level 0.6 mmol/L on 2025-10-01 (14 months
    ago: due; ...)"), also the lithium monitoring card's level line (rules/lithium_due.py)."""
    rule = level_target("lithium", record.patient.age, policy)
    lab = latest(record, "lithium")
    if lab is None:
        level = absent_text(record, "lithium level", test="lithium")
    else:
        level = f"last level {text(lab)}"
        if rule is not None:
            high, low = above(rule, lab), below(rule, lab)
            if by_flag(lab):  # the lab's flag, never this service's target (session 29 RL)
                level += f": {flag_words(lab, 'the ' + target_words(rule, policy))}"
            elif high:
                # Bold: the level that decides the next dose (toxicity tracks the serum level:
                # FDA boxed warning), even when it is older than lab_recent_days.
                level += f": **above the {rule.bounds()} target**{_whose(rule, policy)}"
            elif low:
                level += f": below the {rule.bounds()} target{_whose(rule, policy)}"
            elif high is None and low is None:
                # (a result with no value says so already: "with no value read, on ...")
                level += f" (not compared: {unread_words(lab)})" if lab.value is not None else ""
            elif rule.check.endswith("-older"):
                # The older-adult target differs from the one the card names elsewhere (0.5-0.8):
                # say the level is within it, and whose it is (review s21 RR2 finding 3).
                level += f": in the {rule.bounds()} target{_whose(rule, policy)}"
        # Due by the monitoring interval of the level (data/level_monitoring.csv: every 6-12
        # months, CANMAT 2023 para 164; review 13 W8), else by the clinic's lab window.
        interval = level_monitoring.interval_for("lithium")
        if interval is not None and interval.is_due(lab.date, record.as_of):
            level += f" ({interval.due_text(lab.date, record.as_of)})"
        elif interval is None and not is_recent(record, policy, lab):
            level += f" (over {plural(policy.lab_recent_days, 'day')} ago: due)"
    return level


def level_target_text(ingredient: str, age: int | None, policy: Policy) -> str | None:
    """ "serum 0.5-0.8 mmol/L", or at policy.older_adult_age and over "serum 0.4-0.6 mmol/L at 65
    and over (NICE NG222 ...)": the target of a drug dosed by its level as every card says it,
    from `level_target`'s age-aware row (session 22: the augment card's lithium line said
    0.5-0.8 at 79 beside "in the 0.4-0.6 mmol/L target at 65 and over"); None: no target row."""
    rule = level_target(ingredient, age, policy)
    return None if rule is None else f"serum {rule.bounds()}{_whose(rule, policy)}"


def target_words(rule: LabRule, policy: Policy) -> str:
    """ "0.5-0.8 mmol/L target", or "0.4-0.6 mmol/L target at 65 and over (NICE NG222 ...)"."""
    return f"{rule.bounds()} target{_whose(rule, policy)}"


def _whose(rule: LabRule, policy: Policy) -> str:
    """ " at 65 and over (NICE NG222 ...)" for the older-adult target row, else nothing."""
    if not rule.check.endswith("-older"):
        return ""
    return f" at {policy.older_adult_age} and over ({rule.cite})"


def metabolic_text(record: PatientRecord, started: date) -> str:
    """What the running-antipsychotic line adds (review 7 finding 4): the latest glucose or
    HbA1c and the latest lipid since the adjunct started, with dates, or "no glucose, HbA1c or
    lipids on record since <start>", or that the check was not done."""
    sugar = latest(record, "hba1c", "glucose", since=started)
    lipid = latest(record, "ldl", "triglycerides", since=started)
    if sugar is None and lipid is None:
        found = absent_text(record, "glucose, HbA1c or lipids", started)
    else:
        parts = [
            f"{LABEL[lab.test]} {text(lab)}" if lab is not None else absent_text(record, what)
            for lab, what in ((sugar, "glucose or HbA1c"), (lipid, "lipids"))
        ]
        found = f"since it started ({started.isoformat()}): " + "; ".join(parts)
    return found + _diabetes_text(record, sugar)


def _diabetes_text(record: PatientRecord, sugar: LabResult | None) -> str:
    """ "; **type 2 diabetes on record** (ICD-10-CM E11.9): last HbA1c 8.9 % on 2024-06-01" when
    diabetes is coded (review 13 W7 recheck): an antipsychotic worsens glycaemic control (ADA/APA
    consensus 2004), so a coded diabetes and its last HbA1c, however old, belong beside the
    adjunct; an HbA1c already named since the start is not repeated."""
    found = record.context.of(FindingKind.DIABETES)
    if not found:
        return ""
    finding = max(found, key=lambda f: f.onset or date.min)
    code = f" ({finding.coding})" if finding.coding else ""
    a1c = latest(record, "hba1c")
    if a1c is not None and sugar is not None and a1c == sugar:
        last = ""
    elif a1c is not None:
        last = f": last HbA1c {text(a1c)}"
    else:
        last = f": {absent_text(record, 'HbA1c')}"
    return f"; **{finding.display or 'diabetes'} on record**{code}{last}"


def switch_lines(record: PatientRecord, policy: Policy, options: list[str]) -> list[str]:
    """One line each when the switch list offers drugs a recent result argues against (review 7
    finding 4): SSRIs/SNRIs with a low sodium, citalopram/escitalopram with a long QTc. `options`:
    the switch list's entries ("SNRI: venlafaxine, duloxetine")."""
    lines: list[str] = []
    # Whole drug names, not a substring of the text: "citalopram" is in "escitalopram".
    offered = set(re.findall(r"[a-z][a-z-]*", " ".join(options).lower()))
    sodium = latest(record, "sodium")
    rule = next((r for r in rules() if r.check == "sodium-low"), None)
    classes = list(rule.classes) if rule is not None else []
    if (
        rule is not None
        and sodium is not None
        and is_recent(record, policy, sodium)
        and below(rule, sodium)
        and any(option.startswith(tuple(classes)) for option in options)
    ):
        age = record.patient.age
        older = (
            f" (greater risk at {age})" if age is not None and age >= policy.older_adult_age else ""
        )
        lines.append(
            f"Sodium {text(sodium)}, below {rule.bounds()}: "
            f"{' and '.join(c + 's' for c in classes)} can lower it further{older}."
        )
    # The latest QTc that can be compared: a later ECG without one (review 9 finding 2) must not
    # hide a long QTc from the switch list (the order check names that ECG).
    qtc = latest_readable(record, "qtc")
    if qtc is not None and is_recent(record, policy, qtc):
        named = [
            r
            for r in rules()
            if r.check in ("qtc-stop", "qtc-caution")
            and any(drug in offered for drug in r.drugs)
            and above(r, qtc)
        ]
        if named:
            worst = max(named, key=lambda r: r.high or 0.0)
            drugs = sorted({d for r in named for d in r.drugs if d in offered})
            # "citalopram, escitalopram and mirtazapine": three once mirtazapine has its own
            # caution line.
            listed = ", ".join(drugs[:-1]) + f" and {drugs[-1]}" if len(drugs) > 1 else drugs[0]
            # One drug "prolongs" it, two or more "prolong" it (review s25 RA finding 9).
            verb = "prolong" if len(drugs) > 1 else "prolongs"
            # Said as the switch option it is (session 29 RL: "mirtazapine prolongs it" read as
            # a drug running or drafted, beside a QTc card about citalopram).
            option = "as switch options" if len(drugs) > 1 else "as a switch option"
            lines.append(f"QTc {text(qtc)}, above {worst.bounds()}: {option}, {listed} {verb} it.")
    return lines
