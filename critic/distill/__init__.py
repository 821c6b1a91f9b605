"""Student critics: a cheap model distilled from a judge's stored judgments or from human scores.

features.py turns an interaction into deterministic, explainable numbers; model.py fits and
applies the student (plain arrays and JSON, never pickle); train.py reads the training rows
from the store or a human-scores file, cross-validates, and stores the student.
"""
