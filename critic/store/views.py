# SPDX-License-Identifier: Apache-2.0
"""Which judgments a stage reads, and what "likely bad" means: written once, read by every stage.

- `latest_judgments(where)`: each judge's latest ok judgment per (interaction, rubric); a student's
  (`student:…`) only where no other judge scored that interaction on that rubric (after
  `critic eval --cascade` the judge's score wins where it exists). Label reads every judge as its
  own source; export lists them all.
- `shown_judgments(where)`: the same, one judge per rubric — the rubric's *primary* judge, the one
  with the most of those judgments (ties: the one that judged last). What a stage shows per rubric
  (the report's scores, histogram and "low score" signatures, the worst-score tie-break, compare's
  default) comes from it, so a store judged by two judges never mixes them in one figure.
- `LIKELY_BAD_ABOVE`: the P(bad) above which an interaction counts as likely bad, everywhere;
  `likely_bad()` the predicate, with people's verdicts first (`LATEST_VERDICTS`: each reviewed
  interaction's latest verdict): reviewed bad is bad, reviewed fine is not, whatever P(bad) says.
"""

from __future__ import annotations

LIKELY_BAD_ABOVE = 0.5  # P(bad) above which an interaction counts as likely bad
LATEST_VERDICTS = "(SELECT interaction_id, arg_max(verdict, created_at) AS verdict FROM verdicts GROUP BY 1)"
IN_PERIOD = "interaction_id IN (SELECT id FROM interactions WHERE ts >= ? AND ts < ?)"  # a WHERE; params: start, end

_LATEST = """
    SELECT * FROM judgments WHERE status = 'ok' AND ({where})
    QUALIFY row_number() OVER (PARTITION BY interaction_id, rubric, judge ORDER BY created_at DESC) = 1
        AND NOT (judge LIKE 'student:%' AND sum(CASE WHEN judge NOT LIKE 'student:%' THEN 1 ELSE 0 END)
                                            OVER (PARTITION BY interaction_id, rubric) > 0)"""


def likely_bad(p_bad: str = "l.p_bad", verdict: str = "v.verdict") -> str:
    """SQL: the interaction is likely bad; P_BAD and VERDICT name its P(bad) and latest verdict (NULL: none)."""
    return f"CASE {verdict} WHEN 'bad' THEN true WHEN 'ok' THEN false ELSE {p_bad} > {LIKELY_BAD_ABOVE} END"


def latest_judgments(where: str = "TRUE") -> str:
    """SQL (a subquery, parenthesised): the latest ok judgment per (interaction, rubric, judge) among the
    judgments WHERE selects (a condition on the judgments table's own columns)."""
    return f"({_LATEST.format(where=where)})"


def shown_judgments(where: str = "TRUE") -> str:
    """SQL (a subquery): latest_judgments of each rubric's primary judge; one judgment per (interaction, rubric)."""
    return f"""(
        WITH latest AS {latest_judgments(where)},
        primary_judge AS (
            SELECT rubric, arg_max(judge, (n, last)) AS judge
            FROM (SELECT rubric, judge, count(*) AS n, max(created_at) AS last FROM latest GROUP BY ALL)
            GROUP BY rubric)
        SELECT latest.* FROM latest JOIN primary_judge USING (rubric, judge))"""
