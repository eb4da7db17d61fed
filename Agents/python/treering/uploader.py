"""The uploader: sends documents to the server without ever harming the app.

A bounded queue of gzip'd documents, each with its target path (ordinary
profiles go to /api/v1/ingest, session requests to their session); the
oldest are dropped (and counted) when the server cannot keep up; 5xx and
connection errors are retried with exponential backoff and jitter; 4xx
answers are logged and dropped. Every answer is handed to `on_answer`."""

from __future__ import annotations

import collections
import gzip
import json
import logging
import random
import threading
import time
from typing import Any, Callable

from . import http
from .stacks import Document

log = logging.getLogger("treering")

INGEST = "/api/v1/ingest"

# (path, HTTP status, the answer's JSON or None)
AnswerHandler = Callable[[str, int, Any], None]


class RateLimitedLog:
    """At most one warning per `every_s` seconds per kind, counting the rest."""

    def __init__(self, every_s: float = 60.0):
        self.every_s = every_s
        self.last: dict[str, float] = {}
        self.suppressed: dict[str, int] = {}

    def warning(self, kind: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self.last.get(kind, -1e9) >= self.every_s:
            n = self.suppressed.pop(kind, 0)
            suffix = f" ({n} similar messages suppressed)" if n else ""
            log.warning("treering: " + message + suffix, *args)  # noqa: G003 (message is the caller's template)
            self.last[kind] = now
        else:
            self.suppressed[kind] = self.suppressed.get(kind, 0) + 1


class Uploader:
    def __init__(
        self,
        server: str,
        key: str | None = None,
        timeout_s: float = 5.0,
        max_pending_bytes: int = 4 * 1024 * 1024,
        base_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        on_answer: AnswerHandler | None = None,
    ):
        self.server = server.rstrip("/")
        self.url = self.server + INGEST
        # on_answer(path, status, parsed JSON or None): the session recorder
        # learns sessions from ingest answers and 409s from session uploads.
        self.on_answer = on_answer
        self.key = key
        self.timeout_s = timeout_s
        self.max_pending_bytes = max_pending_bytes
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s
        self.pending: collections.deque[tuple[str, bytes]] = collections.deque()  # (path, gzip'd body), oldest first
        self.pending_bytes = 0
        self.dropped_documents = 0
        self.sent = 0
        self.failures = 0
        self.lock = threading.Lock()
        self.log = RateLimitedLog()
        self._retry_at = 0.0
        self._told_key = False

    def enqueue(self, document: Document, path: str = INGEST) -> None:
        body = gzip.compress(json.dumps(document, separators=(",", ":")).encode(), compresslevel=6)
        with self.lock:
            self.pending.append((path, body))
            self.pending_bytes += len(body)
            while self.pending_bytes > self.max_pending_bytes and len(self.pending) > 1:
                _, oldest = self.pending.popleft()
                self.pending_bytes -= len(oldest)
                self.dropped_documents += 1
            if self.pending_bytes > self.max_pending_bytes:  # a single document over the bound
                self.pending_bytes -= len(self.pending.popleft()[1])
                self.dropped_documents += 1

    def discard(self, prefix: str) -> int:
        """Drops the pending documents whose path starts with `prefix` (a closed session's)."""
        with self.lock:
            kept = collections.deque(item for item in self.pending if not item[0].startswith(prefix))
            n = len(self.pending) - len(kept)
            if n:
                self.pending = kept
                self.pending_bytes = sum(len(item[1]) for item in kept)
            return n

    def take_dropped(self) -> int:
        with self.lock:
            n, self.dropped_documents = self.dropped_documents, 0
            return n

    def flush(self, deadline: float | None = None) -> None:
        """Sends what is pending, oldest first, until done, a retryable failure
        (then backs off) or the deadline (monotonic seconds)."""
        if time.monotonic() < self._retry_at and deadline is None:
            return
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                return
            with self.lock:
                if not self.pending:
                    return
                item = self.pending[0]
            outcome = self._send(item[0], item[1], deadline)
            if outcome == "retry":
                self.failures += 1
                backoff = min(self.max_backoff_s, self.base_backoff_s * (2 ** min(self.failures - 1, 10)))
                self._retry_at = time.monotonic() + backoff * (0.5 + random.random() / 2)
                return
            with self.lock:
                if self.pending and self.pending[0] is item:
                    self.pending.popleft()
                    self.pending_bytes -= len(item[1])
            if outcome == "sent":
                self.sent += 1
                self.failures = 0
                self._retry_at = 0.0

    def _send(self, path: str, body: bytes, deadline: float | None) -> str:
        timeout = self.timeout_s
        if deadline is not None:
            timeout = max(0.1, min(timeout, deadline - time.monotonic()))
        try:
            status, raw = http.post(self.server + path, body, self.key, timeout)
        except Exception as e:  # connection refused, timeout, DNS...
            self.log.warning("unreachable", "cannot reach %s, will retry: %s", self.server, e)
            return "retry"
        self._answer(path, status, raw)
        if status < 400:
            return "sent"
        detail = raw[:500].decode(errors="replace")
        if status in (404, 409) and path != INGEST:  # a session that is over (or gone): expected
            log.debug("treering: session upload refused (%s): %s", status, detail)
            return "refused"
        if status in (401, 403):
            # A missing or wrong key stays wrong until the app is restarted with
            # another: say so once, not every upload period.
            if not self._told_key:
                self._told_key = True
                what = "refused the key" if self.key else "needs an API key (set TREERING_KEY)"
                log.warning(
                    "treering: the server %s (%s); uploads are dropped until it is fixed: %s",
                    what,
                    status,
                    detail,
                )
            return "refused"
        if 400 <= status < 500:
            self.log.warning("refused", "the server refused an upload to %s (%s): %s", path, status, detail)
            return "refused"
        self.log.warning("server-error", "upload failed with %s, will retry: %s", status, detail)
        return "retry"

    def _answer(self, path: str, status: int, raw: bytes) -> None:
        if self.on_answer is None:
            return
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            answer = None
        try:
            self.on_answer(path, status, answer)
        except Exception:
            log.debug("treering: answer handler failed", exc_info=True)
