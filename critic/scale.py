# SPDX-License-Identifier: Apache-2.0
"""The one scale every rubric, judge and statistic uses: seven described levels, 1 (worst) to 7 (best)."""

from __future__ import annotations

LOW, HIGH = 1, 7
LABELS = tuple(range(LOW, HIGH + 1))  # 1..7, as a judge answers
LEVELS = tuple(reversed(LABELS))  # 7..1, as a rubric describes them
# A score at or below this is a bad one: a calibrated judge's default bad vote, a "low score" triage signature,
# the end model's P(label ≤ 2) feature.
BAD_AT_OR_BELOW = 2
