"""People's verdicts: a review queue, a local review page, and verdicts that every stage reads as gold."""

REASONS = ("worst", "informative", "audit")  # why the queue shows an interaction
DEFAULT_SHARES = {"worst": 0.4, "informative": 0.4, "audit": 0.2}
VERDICTS = ("bad", "ok")
