"""Regression checks: a baseline and a candidate judged on the same golden items, compared with statistics."""
