# SPDX-License-Identifier: Apache-2.0
"""The one scale every rubric, judge and statistic uses: seven described levels, 1 (worst) to 7 (best)."""

from __future__ import annotations

LOW, HIGH = 1, 7
LABELS = tuple(range(LOW, HIGH + 1))  # 1..7, as a judge answers
LEVELS = tuple(reversed(LABELS))  # 7..1, as a rubric describes them
