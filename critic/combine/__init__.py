"""Weak supervision: labeling sources vote on each interaction; Snorkel's LabelModel fuses them into P(bad).

The constants the CLI needs live here, light to import, so `critic --help` loads no library.
"""

DIMENSIONS = ("model", "prompt_version", "feature")  # what variants compared by `critic compare` differ in
