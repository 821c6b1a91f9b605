"""Generate critic's sample production traffic: seeded, realistic, with planted failure modes.

    python datasets/generate_sample.py            # writes critic/data/sample/*.{jsonl,csv}
    python datasets/generate_sample.py --n 1000000 --out /tmp/big   # the 1M benchmark input

The planted truth (which interactions carry which failure mode) goes to truth.csv, never
into the interaction records, so nothing downstream can read it by accident.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 10, 26, tzinfo=UTC)  # Monday of ISO week 2026-W44
DAYS = 28
FEATURES = {"support_chat": 0.45, "summarizer": 0.30, "search_answer": 0.25}
MODELS = {"gpt-4.1-mini": (0.40, 1.60, 700.0), "llama-3.1-8b": (0.10, 0.10, 1100.0)}  # $/M in, $/M out, base ms
SPIKE_DAY = 23  # 2026-11-18: llama's provider has a bad day

PRODUCTS = [
    "wireless headphones",
    "standing desk",
    "coffee grinder",
    "running shoes",
    "air purifier",
    "mechanical keyboard",
    "baby monitor",
    "camping tent",
    "smart thermostat",
    "yoga mat",
]
SUPPORT_TOPICS = [
    (
        "where is my order of the {p}? It was supposed to arrive {d}.",
        "I'm sorry your {p} is late. Orders usually ship within 2 business days; I can see yours left our "
        "warehouse and the carrier now estimates delivery within 3 days. You can follow it from the tracking "
        "link in your confirmation email.",
    ),
    (
        "How do I return the {p}? It doesn't fit my needs.",
        "You can return the {p} within 30 days of delivery. Go to Orders, choose the item and select "
        "'Return', print the prepaid label and drop the parcel at any carrier point. The refund reaches "
        "your card 5 to 7 days after we receive it.",
    ),
    (
        "I forgot my password and the reset email never arrives.",
        "Please check your spam folder first. If the email is not there, use 'Forgot password' again and "
        "make sure you enter the address you signed up with; the link is valid for one hour. If it still "
        "does not arrive, reply here and I will reset it for you.",
    ),
    (
        "I was charged twice for the {p}.",
        "I'm sorry about the double charge. One of the two is a temporary authorization that your bank "
        "releases within 3 to 5 business days; only one payment is captured. If both remain after 5 days, "
        "send us the statement lines and we will refund the extra charge.",
    ),
    (
        "Can I change the delivery address for my {p} order?",
        "Yes, as long as the order has not shipped. Open the order, choose 'Edit address' and save. If the "
        "button is greyed out, the parcel has already left and you can redirect it from the carrier's page.",
    ),
    (
        "Does the {p} come with a warranty?",
        "Yes, the {p} has a two-year manufacturer warranty that covers defects in materials and workmanship. "
        "Keep your order number; you can open a warranty claim from the Orders page.",
    ),
    (
        "Please delete my account and all my data.",
        "I can help with that. Go to Settings, Privacy, 'Delete account' and confirm by email. Your data is "
        "erased within 30 days, except invoices we must keep by law.",
    ),
    (
        "I want a refund for the {p}, it broke after a week.",
        "I'm sorry the {p} broke so soon. Since it is within the 30-day window you can get a full refund or a "
        "replacement: open the order, choose 'Report a problem' and attach a photo of the damage.",
    ),
]
RUDE = [
    "As I already said, it's in the confirmation email. Read it before asking.",
    "Honestly, this is explained on the help page. It's not that complicated.",
    "Obviously you need to check the Orders page yourself. We can't do everything for you.",
    "You should have read the return policy before buying. Look it up.",
]
REFUSALS = [
    "I'm sorry, but I can't help with that request.",
    "I'm unable to assist with this. Please contact support through another channel.",
    "Sorry, I cannot help with account or payment matters.",
]
TOPICS = [
    "the city council's new budget",
    "a regional hospital's expansion",
    "the quarterly results of a retailer",
    "a drought affecting farmers",
    "a new rail line",
    "a university research grant",
    "a local school's exam results",
    "an electric car maker's factory",
    "a heat wave in the south",
    "a merger of two banks",
]
SENTENCES = [
    "Officials said the plan for {t} would cost {n1} million and take {n2} years.",
    "Critics argued that {t} had been rushed and that {n3} residents were not consulted.",
    "Supporters of {t} pointed to {n4} new jobs expected by the end of the decade.",
    "A spokesperson declined to comment on the timeline for {t}.",
    "The decision on {t} followed months of debate and a public hearing attended by {n3} people.",
    "Analysts said {t} could change how the region plans for the next {n2} years.",
    "Opponents plan to challenge {t} in court, according to a statement released on Tuesday.",
    "Funding for {t} comes partly from federal grants and partly from local taxes.",
]
QUESTIONS = [
    (
        "What is the capital of Australia?",
        "Canberra is the capital city of Australia; it was chosen as a compromise between Sydney and Melbourne.",
        "The capital of Australia is Canberra, chosen as a compromise between Sydney and Melbourne.",
    ),
    (
        "How many bones are in the adult human body?",
        "An adult human skeleton usually has 206 bones; babies are born with around 270.",
        "An adult human body has 206 bones; babies start with about 270 that fuse over time.",
    ),
    (
        "When was the Eiffel Tower completed?",
        "The Eiffel Tower was completed in March 1889 for the World's Fair in Paris.",
        "The Eiffel Tower was completed in 1889, for the World's Fair in Paris.",
    ),
    (
        "What is the boiling point of water at sea level?",
        "At sea level, water boils at 100 degrees Celsius (212 degrees Fahrenheit).",
        "Water boils at 100 °C (212 °F) at sea level.",
    ),
    (
        "Who wrote Pride and Prejudice?",
        "Pride and Prejudice is a novel by Jane Austen, published in 1813.",
        "Pride and Prejudice was written by Jane Austen and published in 1813.",
    ),
    (
        "How long does light from the Sun take to reach Earth?",
        "Sunlight takes about 8 minutes and 20 seconds to reach Earth.",
        "Light from the Sun reaches Earth in about 8 minutes and 20 seconds.",
    ),
    (
        "What is the largest ocean?",
        "The Pacific Ocean is the largest and deepest of Earth's oceans, covering about 63 million square miles.",
        "The Pacific is the largest ocean, covering about 63 million square miles.",
    ),
    (
        "What does HTTP stand for?",
        "HTTP stands for Hypertext Transfer Protocol, the foundation of data exchange on the web.",
        "HTTP stands for Hypertext Transfer Protocol.",
    ),
]
SPANISH = [
    "La respuesta es {a}. Espero que esta información le sea útil.",
    "Según los documentos, {a}. Si necesita más detalles, consulte la fuente.",
]
GERMAN = ["Die Antwort lautet: {a}. Ich hoffe, das hilft Ihnen weiter."]
PII = ["My email is {u}@example.com", "call me at +1 415 555 {n:04d}", "my card ends 4111 1111 1111 {n:04d}"]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _support(rng: random.Random, model: str, pv: str) -> tuple[str, str, str | None, str]:
    q, a = rng.choice(SUPPORT_TOPICS)
    p = rng.choice(PRODUCTS)
    question = q.format(p=p, d=rng.choice(["yesterday", "on Monday", "last week"]))
    if rng.random() < 0.06:
        question += " " + rng.choice(PII).format(u=f"user{rng.randint(1, 999)}", n=rng.randint(0, 9999))
    answer = a.format(p=p)
    mode = None
    if pv == "v2" and rng.random() < 0.13:
        answer, mode = rng.choice(RUDE), "rude_tone"
    elif model == "gpt-4.1-mini" and ("delete" in q or "refund" in q or "charged" in q) and rng.random() < 0.45:
        answer, mode = rng.choice(REFUSALS), "refusal"
    return question, answer, mode, "stop"


def _summarizer(rng: random.Random, model: str, pv: str) -> tuple[str, str, str | None, str]:
    t = rng.choice(TOPICS)
    nums = {"n1": rng.randint(2, 90), "n2": rng.randint(2, 15), "n3": rng.randint(40, 900), "n4": rng.randint(50, 5000)}
    length = int(rng.lognormvariate(2.3, 0.7)) + 3
    doc = " ".join(rng.choice(SENTENCES).format(t=t, **nums) for _ in range(length))
    summary = (
        f"The article reports on {t}: the plan would cost {nums['n1']} million over {nums['n2']} years, "
        f"with supporters citing {nums['n4']} new jobs and critics saying residents were not consulted."
    )
    mode, finish = None, "stop"
    if length > 25 and model == "llama-3.1-8b" and rng.random() < 0.8:
        cut = rng.randint(40, len(summary) - 30)
        summary, mode, finish = summary[:cut].rstrip(), "truncated", "length"
    elif pv == "v2" and rng.random() < 0.18:
        summary = (
            f"The article reports on {t}: the plan would cost {nums['n1'] * 7 + 13} million over "
            f"{nums['n2'] + 20} years and create {nums['n4'] * 3 + 1200} jobs, a 40% rise on last year."
        )
        mode = "invented_numbers"
    return f"Summarize this article:\n\n{doc}", summary, mode, finish


def _search(rng: random.Random, model: str, pv: str) -> tuple[str, str, str | None, str, str]:
    q, ctx, a = rng.choice(QUESTIONS)
    mode = None
    if model == "llama-3.1-8b" and rng.random() < 0.14:
        tmpl = rng.choice(SPANISH + GERMAN)
        a, mode = tmpl.format(a=a.rstrip(".").lower()), "wrong_language"
    return q, a, mode, "stop", ctx


def _events(rng: random.Random, iid: str, ts: datetime, feature: str, bad: bool) -> list[dict[str, object]]:
    p = {
        "thumb_down": (0.30, 0.012),
        "thumb_up": (0.015, 0.07),
        "regenerate": (0.30, 0.04),
        "abandon": (0.22, 0.05),
        "copy": (0.03, 0.20),
        "edit": (0.18 if feature == "summarizer" else 0.0, 0.03 if feature == "summarizer" else 0.0),
        "escalate": (0.12 if feature == "support_chat" else 0.0, 0.01 if feature == "support_chat" else 0.0),
    }
    out = []
    for kind, (p_bad, p_good) in p.items():
        if rng.random() < (p_bad if bad else p_good):
            delay = timedelta(seconds=rng.randint(2, 300))
            out.append({"interaction_id": iid, "kind": kind, "ts": (ts + delay).isoformat().replace("+00:00", "Z")})
    if any(e["kind"] == "thumb_up" for e in out) and any(e["kind"] == "thumb_down" for e in out):
        out = [e for e in out if e["kind"] != "thumb_up"]
    return out


def generate(n: int, seed: int) -> tuple[list[dict[str, object]], list[dict[str, object]], list[tuple[str, str]]]:
    """(interactions, events, truth rows) for N interactions over four weeks."""
    rng = random.Random(seed)
    interactions, events, truth = [], [], []
    for i in range(n):
        day = min(int(rng.random() * DAYS), DAYS - 1)
        ts = START + timedelta(days=day, seconds=rng.randint(6 * 3600, 23 * 3600))
        feature = _pick(rng, FEATURES)
        model = rng.choice(list(MODELS))
        pv = "v2" if day >= 14 and rng.random() < 0.5 else "v1"
        context = None
        if feature == "support_chat":
            inp, out, mode, finish = _support(rng, model, pv)
        elif feature == "summarizer":
            inp, out, mode, finish = _summarizer(rng, model, pv)
        else:
            inp, out, mode, finish, context = _search(rng, model, pv)
        in_tok, out_tok = math.ceil(len(inp.split()) * 1.3), math.ceil(len(out.split()) * 1.3)
        p_in, p_out, base = MODELS[model]
        latency = base + 2.0 * in_tok + 15.0 * out_tok
        latency *= rng.lognormvariate(0, 0.35)
        if rng.random() < 0.015 + min(in_tok / 40000, 0.05):
            latency *= rng.uniform(4, 12)  # the heavy tail: more likely on long inputs
        if day == SPIKE_DAY and model == "llama-3.1-8b":
            latency *= rng.uniform(2.5, 5)
        iid = f"s{seed}-{i:07d}"
        record: dict[str, object] = {
            "id": iid,
            "ts": ts.isoformat().replace("+00:00", "Z"),
            "session_id": f"sess-{rng.randint(1, max(n // 3, 1)):06d}",
            "user_id": f"user-{rng.randint(1, max(n // 5, 1)):05d}",
            "feature": feature,
            "model": model,
            "prompt_version": pv,
            "input": inp,
            "output": out,
            "latency_ms": round(latency, 1),
            "input_tokens": in_tok,
            "output_tokens": out_tok,
            "cost_usd": round((in_tok * p_in + out_tok * p_out) / 1e6, 8),
            "finish_reason": finish,
            "metadata": {"app_version": rng.choice(["3.2.0", "3.2.1", "3.3.0"]), "locale": "en-US"},
        }
        if context:
            record["context"] = context
        interactions.append(record)
        events.extend(_events(rng, iid, ts, feature, mode is not None))
        truth.append((iid, mode or ""))
    return interactions, events, truth


def write(out: Path, n: int, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    interactions, events, truth = generate(n, seed)
    with (out / "interactions.jsonl").open("w", encoding="utf-8") as f:
        for rec in interactions:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with (out / "events.jsonl").open("w", encoding="utf-8") as f:
        for ev in events:
            f.write(json.dumps(ev) + "\n")
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "failure_mode"])
        w.writerows(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "critic" / "data" / "sample")
    args = parser.parse_args()
    write(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
