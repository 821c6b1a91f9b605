"""pytest plugin (entry point `critic`): the `critic_quality` fixture, i.e. `assert_quality`.

def test_summaries_stay_accurate(critic_quality):
    critic_quality(my_pipeline(golden_inputs), rubric="accuracy", min_mean=5.5)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def critic_quality() -> Callable[..., Any]:
    """critic.check.quality.assert_quality: judge outputs (cached) and fail below a mean score."""
    from critic.check.quality import assert_quality

    return assert_quality
