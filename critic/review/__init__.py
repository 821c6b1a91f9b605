"""People's verdicts: a review queue, a local review page, and verdicts that every stage reads as gold."""

REASONS = ("worst", "informative", "audit")  # why the queue shows an interaction
DEFAULT_SHARES = {"worst": 0.2, "informative": 0.6, "audit": 0.2}  # measured: bench/bench_review.py
VERDICTS = ("bad", "ok")
