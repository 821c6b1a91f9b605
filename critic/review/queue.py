# SPDX-License-Identifier: Apache-2.0
"""What a person should look at next, and why: the worst, the most informative, and a uniform audit sample.

- worst: the highest P(bad) — the cases the weekly report leads with;
- informative: where the label model is least sure (P(bad) near 0.5), its sources disagree (some vote bad,
  some good), or the end model and the votes part ways — the verdicts that move the model most; spread over
  the most informative eight times as many, so that no two picks are near-copies of each other;
- audit: a uniform sample of the period's interactions, drawn as a prefix of a permutation seeded by the
  period, so the share of bad traffic it finds is an unbiased estimate with an honest interval.

Nothing already reviewed is queued again. The queue is kept in the store, so the review page and
`critic review queue` show the same items, and a verdict remembers why its interaction was shown.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from critic.combine.endmodel import features, standardized
from critic.errors import ConfigError
from critic.review import DEFAULT_SHARES, REASONS
from critic.store import Store, Window
from critic.store.labels import choose_for_label
from critic.store.review import audit_verdicts, exchanges, period_ids, queue_candidates, reviewed, write_queue

Z95 = 1.959964


@dataclass(frozen=True)
class QueueItem:
    """One interaction to review, and why."""

    interaction_id: str
    reason: str
    p_bad: float | None


def parse_shares(text: str | None) -> dict[str, float]:
    """Shares from 'worst=0.5,informative=0.3,audit=0.2' (missing reasons 0; normalized), or the defaults."""
    if not text:
        return dict(DEFAULT_SHARES)
    shares = dict.fromkeys(REASONS, 0.0)
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            shares[name.strip()] = float(value)
        except ValueError:
            raise ConfigError(
                f"--shares {text!r}: write REASON=SHARE, e.g. worst=0.2,informative=0.6,audit=0.2"
            ) from None
    unknown = set(shares) - set(REASONS)
    total = sum(shares.values())
    if unknown or total <= 0 or min(shares.values()) < 0:
        raise ConfigError(f"--shares {text!r}: reasons are {', '.join(REASONS)}, shares ≥ 0 and not all 0")
    return {k: v / total for k, v in shares.items()}


def build_queue(
    store: Store, start: datetime, end: datetime, period: str, n: int = 50, shares: dict[str, float] | None = None
) -> list[QueueItem]:
    """Queue N unreviewed interactions logged in [START, END) by SHARES of reasons, keep the queue, return it."""
    shares = shares or DEFAULT_SHARES
    counts = _counts(n, shares)
    done = reviewed(store)
    audit, drawn_reviewed = _audit(store, start, end, period, counts["audit"], done)
    labelled = {i: (p, v, b, g) for i, p, v, b, g in queue_candidates(store, start, end)}
    candidates = {i: c for i, c in labelled.items() if i not in audit}
    worst = sorted(candidates, key=lambda i: (-candidates[i][0], i))[: counts["worst"]]
    rest = [i for i in candidates if i not in set(worst)]
    ranked = sorted(rest, key=lambda i: (-_information(*candidates[i]), i))
    wanted = POOL_PER_ITEM * counts["informative"]
    pool = _distinct(store, ranked[: 3 * wanted])[:wanted]  # an exchange logged twice is reviewed once
    informative = _spread(store, Window(start.isoformat(), end.isoformat()), pool, counts["informative"])
    p_bad = {i: c[0] for i, c in labelled.items()}
    picked = {
        "worst": [QueueItem(i, "worst", p_bad[i]) for i in worst],
        "informative": [QueueItem(i, "informative", p_bad[i]) for i in informative],
        "audit": [QueueItem(i, "audit", p_bad.get(i)) for i in audit],
    }
    items = _interleave([picked[r] for r in REASONS])
    kept = [(q.interaction_id, q.reason, q.p_bad) for q in items] + [(i, "audit", None) for i in drawn_reviewed]
    write_queue(store, kept, period, datetime.now(UTC))
    return items


def _counts(n: int, shares: dict[str, float]) -> dict[str, int]:
    """N split by SHARES, largest remainders first, so the counts add up to N."""
    raw = {r: n * shares.get(r, 0.0) for r in REASONS}
    counts = {r: int(v) for r, v in raw.items()}
    for r in sorted(REASONS, key=lambda r: -(raw[r] - counts[r]))[: n - sum(counts.values())]:
        counts[r] += 1
    return counts


def _audit(
    store: Store, start: datetime, end: datetime, period: str, k: int, done: set[str]
) -> tuple[list[str], list[str]]:
    """(K unreviewed interactions of the period's seeded permutation, the reviewed ones drawn before them).

    The sample is the permutation's prefix up to the last one queued: every member is either reviewed
    already (and counts) or queued now; the prefix of a uniform permutation is a uniform sample."""
    ids = period_ids(store, start, end)
    seed = int(hashlib.sha256(period.encode()).hexdigest()[:16], 16)
    random.Random(seed).shuffle(ids)
    queued: list[str] = []
    before: list[str] = []
    for i in ids:
        if len(queued) >= k:
            break
        (before if i in done else queued).append(i)
    return queued, before


def _information(p_bad: float, p_votes: float, n_bad: int, n_good: int) -> float:
    """How much a verdict would teach: uncertainty of P(bad), sources that disagree, models that part ways."""
    unsure = 1 - abs(2 * p_bad - 1)
    disagree = 2 * min(n_bad, n_good) / max(n_bad + n_good, 1)
    return unsure + disagree + abs(p_bad - p_votes)


def _distinct(store: Store, ids: list[str]) -> list[str]:
    """IDS without the same exchange (input and output) twice: the first of each, in order."""
    digest = exchanges(store, ids)
    seen: set[str] = set()
    out = []
    for i in ids:
        if digest.get(i, i) not in seen:
            seen.add(digest.get(i, i))
            out.append(i)
    return out


POOL_PER_ITEM = 8  # spread over the 8×k most informative (bench/RESULTS.md, *People's verdicts as gold*)


def _spread(store: Store, window: Window, pool: list[str], k: int) -> list[str]:
    """K of POOL (most informative first), each next one the farthest from those already chosen in the space of the
    end model's features (every one the label run computes, standardized over WINDOW's interactions): ten verdicts
    on near-copies teach what one does. Once only copies of chosen ones are left, the rest by information.

    Recomputes the window's text signals (critic.store.labels.choose_for_label replaces the connection's label
    tables: `critic label` builds its own again)."""
    if len(pool) <= k:
        return pool
    choose_for_label(store, window)
    z = standardized(features(store)).reindex(pool).fillna(0.0).to_numpy(float)
    chosen = [0]
    distance = np.linalg.norm(z - z[0], axis=1)
    distance[0] = -np.inf
    while len(chosen) < k and distance.max() > 0:
        far = int(np.argmax(distance))
        chosen.append(far)
        distance = np.minimum(distance, np.linalg.norm(z - z[far], axis=1))
        distance[chosen] = -np.inf
    picked = [pool[j] for j in chosen]
    taken = set(chosen)
    left = [i for j, i in enumerate(pool) if j not in taken]  # copies of those picked: by information
    return picked + left[: k - len(picked)]


def _interleave(lists: list[list[QueueItem]]) -> list[QueueItem]:
    """Round-robin over LISTS, so a reviewer who stops early has seen every reason."""
    out: list[QueueItem] = []
    for row in range(max((len(x) for x in lists), default=0)):
        out += [x[row] for x in lists if row < len(x)]
    return out


@dataclass(frozen=True)
class BadRate:
    """The share of the period's traffic that went badly, estimated from the audit sample (Wilson 95%)."""

    audited: int
    bad: int
    pending: int
    rate: float | None
    low: float | None
    high: float | None


def bad_rate(store: Store, start: datetime | None = None, end: datetime | None = None) -> BadRate:
    """The audit sample's bad share in [START, END), with its Wilson 95% interval; None when nothing is audited."""
    found = audit_verdicts(store, start, end)
    judged = [v for v in found if v is not None]
    bad, n = sum(v == "bad" for v in judged), len(judged)
    if not n:
        return BadRate(0, 0, len(found), None, None, None)
    low, high = wilson(bad, n)
    return BadRate(n, bad, len(found) - n, bad / n, low, high)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for K successes in N trials."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
