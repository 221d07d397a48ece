"""One module per card topic; each exposes `rule(ctx: RuleContext) -> Recommendation | None`."""

from services.rules.context import RuleContext, build_context

__all__ = ["RuleContext", "build_context"]
