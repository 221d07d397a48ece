"""Clinic policy: the thresholds a clinic may set differently, with documented defaults.

Loaded from the `[policy]` table of the TOML configuration (pydantic at the edge, a frozen dataclass
inside). Every default cites its source; README "Policy" lists them.

The settings live by topic in this package (each topic's defaults beside their `[policy]` bounds);
`Policy` (core.py) holds them all, and `PolicyConfig` (config.py) reads the table.
"""

from services.policy.config import PolicyConfig, load_policy
from services.policy.core import Policy
from services.policy.treatment import DrugMarket

__all__ = ["DrugMarket", "Policy", "PolicyConfig", "load_policy"]
