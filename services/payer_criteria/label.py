"""How every text names the payer rule set it judged: the TMS card, the referral note and the
referral packet (review s20 item 4: the card said "clinic default rule set, from Medicare LCD
L37086" while the note and the packet still said "Payer criteria (Medicare LCD L37086)").

The service reads no coverage: the set is the clinic's choice (policy payer_criteria /
payer_criteria_file), not the patient's payer, and "Medicare LCD L37086 criteria" on a
43-year-old with no payer data read as if it were (review 19 I8). The set's source stays named.
"""

from __future__ import annotations

from dataclasses import fields

from services.payer_criteria.model import RuleSet
from services.policy import Policy

# The rule set a clinic gets when it names none (Policy.payer_criteria's default).
_DEFAULT_RULE_SET = next(f.default for f in fields(Policy) if f.name == "payer_criteria")


def kind_words(policy: Policy) -> str:
    """ "clinic default rule set" when the clinic names none, else "clinic rule set"."""
    default = policy.payer_criteria_file is None and policy.payer_criteria == _DEFAULT_RULE_SET
    return "clinic default rule set" if default else "clinic rule set"


def rule_set_label(rule_set: RuleSet, policy: Policy) -> str:
    """ "clinic default rule set, from Medicare LCD L37086", "clinic rule set, from Aetna CPB
    0469": the one label of the set judged (PayerEvaluation.label carries it)."""
    return f"{kind_words(policy)}, from {rule_set.name}"
