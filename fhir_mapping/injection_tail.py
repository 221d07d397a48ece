"""How long a long-acting injectable antipsychotic given on the MAR still acts after its cover
ran out (fix lai62, lai61's leftover).

lai61 read an injection as running for its interval plus a grace (injection_courses.py); past
that the course ended, and the optimise card offered brexpiprazole in one click beside Abilify
Maintena 400 mg given 52 days before as-of. Its elimination half-life is weeks (the label's
46.5 days at 400 mg): a second antipsychotic started then overlaps the first. The course carries
its last injection, the day its cover ended and the day its tail ends
(data/injection_intervals.csv `tail_days`: the label's half-life x 2), so the card can ask
whether the injections continue before another antipsychotic is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class InjectionTail:
    last_given: date  # the day of the course's last injection
    cover_end: date  # the last day its interval plus grace covers (the course's end)
    acting_until: date  # the last day the drug is read to act: cover_end + tail_days
    # How its product was read from its dose (injection_products.py, fix care67): "read as
    # Aristada by its dose", "dose not matched to a product: confirm", or "" (said in brackets).
    product_note: str = ""

    def acting_after_cover(self, as_of: date) -> bool:
        """Whether `as_of` falls after the cover ran out but within the tail."""
        return self.cover_end < as_of <= self.acting_until
