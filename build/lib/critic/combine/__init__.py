"""Weak supervision: labeling sources vote on each interaction; Snorkel's LabelModel fuses them into P(bad)."""
