# SPDX-License-Identifier: Apache-2.0
"""`critic review serve`: a small local page that shows one queued interaction at a time and records verdicts.

Bound to 127.0.0.1 by default. Every request carries a token made at start (the page has it; a write
without it is refused), so another site open in the same browser cannot post verdicts; on any other
host the token is printed in the URL and every request needs it. No external assets: it works air-gapped.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from critic.data import resource
from critic.errors import CriticError
from critic.review.verdicts import mark
from critic.signals import SIGNALS
from critic.store import Store
from critic.store.review import pending, review_item, verdict_modes

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 64 * 1024


class ReviewServer(HTTPServer):
    """The HTTP server, holding the store (one writer: requests are served one at a time) and the token."""

    def __init__(self, store: Store, reviewer: str, host: str = "127.0.0.1", port: int = 8765) -> None:
        self.store = store
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(16)
        self.page = resource("templates", "review.html").read_text(encoding="utf-8").replace("__TOKEN__", self.token)
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://{host}:{port}/?token={self.token}"


def next_item(store: Store, skip: set[str]) -> dict[str, Any]:
    """The first queued, unreviewed interaction not in SKIP, as the page shows it; the count left; the known modes."""
    queue = [(i, reason) for i, reason, _ in pending(store) if i not in skip]
    modes = sorted({s.title for s in SIGNALS} | set(verdict_modes(store)))
    if not queue:
        return {"item": None, "remaining": 0, "modes": modes}
    interaction_id, reason = queue[0]
    item = review_item(store, interaction_id) or {"id": interaction_id}
    return {"item": shown(item, reason), "remaining": len(queue), "modes": modes}


def shown(item: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """An interaction for the page: earlier turns folded, the last user turn, the reply, why it was flagged."""
    turns = _turns(item.get("messages"))
    label = item.get("label")
    why = []
    if label:
        why += [
            f"P(bad) {label['p_bad']:.2f}, pushed up by: {', '.join(json.loads(label['drivers'] or '[]')) or 'nothing'}"
        ]
        why += [f"voted bad: {', '.join(json.loads(label['sources_bad'] or '[]')) or 'none'}"]
    if item.get("finish_reason") in ("error", "length"):
        why.append(f"finish_reason: {item['finish_reason']}")
    return {
        "id": item["id"],
        "reason": reason,
        "ts": str(item["ts"]) if item.get("ts") else None,
        "feature": item.get("feature"),
        "model": item.get("model"),
        "turns": turns[:-1] if turns and turns[-1]["role"] == "user" else turns,
        "input": item.get("input"),
        "output": item.get("output"),
        "context": item.get("context"),
        "label": {"p_bad": label["p_bad"]} if label else None,
        "why": why or ["not labelled yet (run critic label)"],
        "scores": [{k: v for k, v in s.items()} for s in item.get("scores", [])],
        "events": [{"kind": e["kind"]} for e in item.get("events", [])],
    }


def _turns(messages: str | None) -> list[dict[str, str]]:
    """The logged conversation as (role, text) turns; content parts joined."""
    try:
        found = json.loads(messages) if messages else []
    except ValueError:
        return []
    turns = []
    for m in found if isinstance(found, list) else []:
        if isinstance(m, dict):
            content = m.get("content")
            if isinstance(content, list):
                content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            turns.append({"role": str(m.get("role", "")), "content": "" if content is None else str(content)})
    return turns


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the terminal shows the URL, not every request."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if not self._allowed(query.get("token", [""])[0], write=False):
            return
        if url.path == "/":
            self._send(HTTPStatus.OK, self.server.page.encode(), "text/html; charset=utf-8")
        elif url.path == "/api/next":
            skip = {s for s in query.get("skip", [""])[0].split(",") if s}
            self._json(HTTPStatus.OK, next_item(self.server.store, skip))
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        if urlparse(self.path).path != "/api/verdict" or length > MAX_BODY:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "the body is not JSON"})
            return
        if not isinstance(body, dict) or not self._allowed(str(body.get("token", "")), write=True):
            return
        self._write(
            body,
            lambda: mark(
                self.server.store,
                str(body.get("interaction_id", "")),
                str(body.get("verdict", "")),
                reviewer=self.server.reviewer,
                mode=body.get("mode") or None,
                note=body.get("note") or None,
                source="page",
            ),
        )

    def _write(self, body: dict[str, Any], action: Callable[[], dict[str, Any]]) -> None:
        try:
            row = action()
        except CriticError as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        self._json(HTTPStatus.OK, {"saved": row["interaction_id"], "verdict": row["verdict"]})

    def _allowed(self, token: str, *, write: bool) -> bool:
        """Writes always need the token; reads too unless the server listens on loopback only."""
        needed = write or self.server.server_address[0] not in LOOPBACK
        if needed and not secrets.compare_digest(token, self.server.token):
            self._json(
                HTTPStatus.FORBIDDEN, {"error": "missing or wrong token; open the URL critic review serve printed"}
            )
            return False
        return True

    def _json(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload, default=str).encode(), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
        )
        self.end_headers()
        self.wfile.write(body)
