"""The checks of a draft order, one module per family (services/order_hooks.py runs them).

Each check takes one draft and returns an `OrderCheck` (model.py) or None; the hook merges the
checks of one topic into one card. Split out of order_hooks.py so each family of checks reads on
its own, with the clinical sources it cites beside it."""
