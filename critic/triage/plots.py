"""Static plots for the HTML report, as inline SVG (the file stays self-contained; no network)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt

from critic.scale import LABELS

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})


def all_plots(report: dict[str, Any]) -> dict[str, str]:
    """{name: svg markup} for every plot the report has data for."""
    plots = {}
    if report["daily"]:
        plots["p_bad_by_day"] = _p_bad_by_day(report["daily"])
    if any(d["p50_ms"] is not None for d in report["daily"]):  # no latency logged: no flat line at 0 s
        plots["latency_by_day"] = _latency_by_day(report["daily"])
    if report["clusters"]:
        plots["cluster_sizes"] = _cluster_sizes(report["clusters"])
    if report["scores"]:
        plots["score_distribution"] = _scores(report["scores"])
    return plots


def _p_bad_by_day(daily: list[dict[str, Any]]) -> str:
    fig, ax = plt.subplots(figsize=(6, 2.4))
    days = [d["day"][5:] for d in daily]
    ax.bar(days, [100 * (d["share_bad"] or 0) for d in daily], color="#c0392b")
    ax.set_ylabel("% likely bad")
    ax.set_title("Share of interactions likely bad (P(bad) > 0.5), by day")
    return _svg(fig)


def _latency_by_day(daily: list[dict[str, Any]]) -> str:
    fig, ax = plt.subplots(figsize=(6, 2.4))
    days = [d["day"][5:] for d in daily]
    for key, style in (("p50_ms", "-"), ("p90_ms", "--"), ("p99_ms", ":")):
        ax.plot(days, [(d[key] or 0) / 1000 for d in daily], style, marker="o", label=key.split("_")[0])
    ax.set_ylabel("seconds")
    ax.set_title("Latency percentiles by day")
    ax.legend(frameon=False, ncols=3)
    return _svg(fig)


def _cluster_sizes(clusters: list[dict[str, Any]]) -> str:
    shown = clusters[:12][::-1]
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(shown) + 0.8))
    ax.barh([f"{c['key']} {c['name'][:28]}" for c in shown], [c["size"] for c in shown], color="#2c3e50")
    ax.set_xlabel("likely-bad interactions")
    ax.set_title("Problems by size")
    return _svg(fig)


def _scores(hist: dict[str, list[int]]) -> str:
    fig, ax = plt.subplots(figsize=(6, 2.4))
    width = 0.8 / max(len(hist), 1)
    for i, (rubric, counts) in enumerate(sorted(hist.items())):
        ax.bar([x + 1 - 0.4 + width * (i + 0.5) for x in range(len(LABELS))], counts, width=width, label=rubric)
    ax.set_xticks(LABELS)
    ax.set_xlabel("critic label (1 worst, 7 best)")
    ax.set_ylabel("interactions")
    ax.set_title("Critic score distribution")
    ax.legend(frameon=False, ncols=4)
    return _svg(fig)


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inlined in HTML
