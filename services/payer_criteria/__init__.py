"""Payer criteria as data: the rule sets a TMS referral is judged against, and their evaluation.

Issue 12. A TMS card is worth something to the clinic only if the referral it starts will be
approved, so the card lists each criterion of the clinic's chosen payer rule set as met / not met /
not on record / not available, with the evidence it rests on, and says "Criteria met" only when
every one is met.

Rule sets are data (services/data/payer_criteria/*.toml; README.md there): Medicare LCDs L34998,
L37086 and L33398, Ambetter CP.BH.200 and Aetna CPB 0469, each criterion with its wording, source
and status (confirmed / corroborated / UNVERIFIED). The clinic picks one (`[policy]
payer_criteria`, default L37086) or names its own file (`payer_criteria_file`), loaded and
validated at start (`PolicyConfig`), so a typo fails the start with the file and the problem named.
Severity bands of the scales other than the PHQ-9 are data too (scale_bands.csv; the PHQ-9's are
services/data/phq9_bands.csv, Kroenke 2001).

Criterion kinds (what each reads; parameters in README.md):
- `age`: Patient age; `diagnosis`: an active MDD (or TRD) code, never one that is "in remission"
  or a bipolar-depression code, and not one coded with a refused severity ("moderate" where the
  payer asks for severe MDD); `exclusions`: diagnoses the policy excludes (bipolar, psychotic,
  substance use);
- `severity`: the latest score of each accepted scale within `policy.payer_score_max_age_days`
  and the current episode, against the policy's band ("severe": PHQ-9 >= 20, HAM-D17 >= 24, ...)
  or its own cut-off (Ambetter: PHQ-9 >= 15);
- `trials`: the episode's adequate failed trials (pathway facts), plus the ones ended for
  documented intolerance where the payer counts "failure or intolerance", and their distinct
  classes; `augmentation`: adjunct trials of the episode;
- `psychotherapy`: psychotherapy Procedures (type, dates, sessions); a referral alone is not a
  trial; `contraindications`: the TMS safety screen (fhir_mapping/tms_safety.py): a finding the
  payer names is "not met", an item the TMS service must screen (pacemaker, stroke, ...) is "not
  on record" until its clearance is documented; `concurrent`: drugs that must not run alongside
  (ketamine, esketamine); `retreatment`: an earlier TMS course must show its response (PHQ-9
  before and after, >= 50 %).

"Not on record" vs "not available" (issue 10): a criterion that would rest on an absence says
"not available", never "not on record", when the data it reads could not all be seen
(`record.incomplete`). `evaluate_payer_criteria` is pure, so the referral packet renders the same
evaluation the card shows.

Modules, one idea each: `model` (criterion kinds and statuses, Criterion, RuleSet), `loading`
(TOML files validated at the edge, the shipped sets, the clinic's choice), `bands` (scale severity
bands), `results` (CriterionResult: what an evaluator returns; PayerEvaluation), `inputs` (what
an evaluator reads), `findings` (how a card names findings), one module per group of criterion kinds
(`eligibility`, `severity`, `trials`, `psychotherapy`, `safety`, `retreatment`), and `evaluate`
(the rule set on a chart). Import from this package, not from its modules.
"""

from services.payer_criteria.bands import (
    BAND_RANKS,
    PHQ9,
    ScaleBand,
    bands_by_instrument,
    scale_band,
    scale_bands,
)
from services.payer_criteria.errors import PayerCriteriaError
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.payer_criteria.loading import (
    builtin_rule_sets,
    load_rule_set_file,
    parse_rule_set,
    resolve_rule_set,
    rule_set_for,
)
from services.payer_criteria.model import Criterion, CriterionKind, CriterionStatus, RuleSet
from services.payer_criteria.results import CriterionResult, PayerEvaluation
from services.payer_criteria.trials import trial_line

__all__ = [
    "BAND_RANKS",
    "PHQ9",
    "Criterion",
    "CriterionKind",
    "CriterionResult",
    "CriterionStatus",
    "PayerCriteriaError",
    "PayerEvaluation",
    "RuleSet",
    "ScaleBand",
    "bands_by_instrument",
    "builtin_rule_sets",
    "evaluate_payer_criteria",
    "load_rule_set_file",
    "parse_rule_set",
    "resolve_rule_set",
    "rule_set_for",
    "scale_band",
    "scale_bands",
    "trial_line",
]
