"""The parts of the optimise / switch / augment card (services/rules/optimize_switch_augment.py,
which holds its rule): one module per section or variant of the card."""
