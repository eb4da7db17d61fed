"""Targeted sessions: "profile the next N requests of transaction T".

The agent learns the active sessions by polling the server every `poll_s`
(a light thread of its own; a failed poll is silent and retried) and from
the answers to its ordinary uploads. A request whose transaction a session
wants is recorded by the session sampler; when it ends, its stacks and wall
time become one treering/1 document for `POST /api/v1/sessions/{id}/requests`,
built and sent from the uploader thread. A 409 (or 404) ends the session
here at once, with no retry. The server counts: it accepts exactly N."""
from __future__ import annotations

import collections
import logging
import threading
import time
import urllib.parse
import uuid

from . import http
from .session_sampler import Recording, SessionSampler
from .uploader import INGEST

log = logging.getLogger("treering")

SESSION_PATH = "/api/v1/sessions/"


class Session:
    __slots__ = ("id", "transaction", "interval_ms", "until")

    def __init__(self, id: int, transaction: str, interval_ms: float, until: float):
        self.id, self.transaction, self.interval_ms, self.until = id, transaction, interval_ms, until

    @classmethod
    def from_json(cls, item) -> "Session | None":
        try:
            interval = float(item.get("interval_ms", 5))
            until = float(item["until"]) if item.get("until") is not None else float("inf")
            transaction = item["transaction"]
            if not isinstance(transaction, str) or not transaction or not 0 < interval <= 1000:
                return None
            return cls(int(item["id"]), transaction, interval, until)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def __repr__(self) -> str:
        return f"Session({self.id}, {self.transaction!r}, {self.interval_ms} ms)"


class Sessions:
    def __init__(self, config, uploader, ignored_idents: set, wake_uploader=lambda: None):
        self.config = config
        self.uploader = uploader
        self.wake_uploader = wake_uploader
        self.ignored_idents = ignored_idents
        # transaction -> Session. Replaced whole (never mutated) so request
        # threads read it without a lock; empty means "cost nothing".
        self.by_transaction: dict = {}
        self.closed_ids: set = set()      # ended here (409/404/done): a stale list must not revive them
        self.poll_s = 2.0
        self.polls = self.poll_failures = 0
        self.sampler = SessionSampler(ignored_idents)
        self.finished: collections.deque = collections.deque(maxlen=10_000)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.url = (config.server.rstrip("/") + "/api/v1/apps/" + urllib.parse.quote(config.app, safe="")
                    + "/sessions/active")

    # -- learning which sessions are active --------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll_loop, name="treering-sessions", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self.sampler.stop()

    def _poll_loop(self) -> None:
        self.ignored_idents.add(threading.get_ident())
        failures = 0
        while not self._stop.is_set():
            failures = 0 if self.poll() else failures + 1
            # A server that is down (or too old to know sessions) is asked less
            # and less often, up to once a minute; ingest answers still carry sessions.
            self._stop.wait(self.poll_s if not failures else min(60.0, self.poll_s * 2 ** min(failures, 5)))

    def poll(self) -> bool:
        try:
            answer = http.get_json(self.url, self.config.key, min(5.0, self.config.upload_timeout_s))
            self.update(answer["sessions"])
            poll_s = answer.get("poll_s")
            if isinstance(poll_s, (int, float)) and not isinstance(poll_s, bool):
                self.poll_s = min(300.0, max(0.2, float(poll_s)))
            self.polls += 1
            return True
        except Exception as e:   # silent: the next poll tries again
            self.poll_failures += 1
            log.debug("treering: session poll failed: %s", e)
            return False

    def update(self, items) -> None:
        """The server's list of active sessions (from a poll or an upload answer)."""
        if not isinstance(items, list):
            return
        table: dict = {}
        with self._lock:
            for item in items:
                session = Session.from_json(item) if isinstance(item, dict) else None
                if session is None or session.id in self.closed_ids:
                    continue
                current = table.get(session.transaction)
                if current is None or session.id < current.id:   # one at a time per transaction: the oldest
                    table[session.transaction] = session
            self.by_transaction = table

    def close(self, session_id: int) -> None:
        """The session is over for this agent: stop recording it now."""
        with self._lock:
            self.closed_ids.add(session_id)
            self.by_transaction = {t: s for t, s in self.by_transaction.items() if s.id != session_id}
        if self.uploader is not None:   # its requests still queued are not sent
            self.uploader.discard(f"{SESSION_PATH}{session_id}/")

    def on_answer(self, path: str, status: int, answer) -> None:
        """Called by the uploader with each answer (on its thread)."""
        if path == INGEST:
            if status == 201 and isinstance(answer, dict) and "sessions" in answer:
                self.update(answer["sessions"])
            return
        if not path.startswith(SESSION_PATH):
            return
        try:
            session_id = int(path[len(SESSION_PATH):].split("/", 1)[0])
        except ValueError:
            return
        if status in (404, 409) or (status == 201 and isinstance(answer, dict) and answer.get("state") == "done"):
            self.close(session_id)

    # -- matching --------------------------------------------------------------
    def match(self, name: str):
        session = self.by_transaction.get(name)
        if session is not None and time.time() < session.until:
            return session
        return None

    def is_active(self, session: Session) -> bool:
        current = self.by_transaction.get(session.transaction)
        return current is not None and current.id == session.id and time.time() < current.until

    # -- requests (called through treering.inflight, on the request's thread) ---
    def begin(self, request) -> None:
        config = self.config
        if request.name is not None:
            session = self.match(request.name)
            if session is None:
                return
            recording = Recording(request, self, session, session.interval_ms, config.granularity, config.max_depth)
        elif request.resolver is not None:
            # The route is known only after the framework routed it: record
            # from the start and let the session sampler decide at its first tick.
            table = self.by_transaction
            if not table:
                return
            interval = min(s.interval_ms for s in table.values())
            recording = Recording(request, self, None, interval, config.granularity, config.max_depth)
        else:
            return   # the name comes later (Django's process_view), and begin is called again then
        request.recording = recording
        self.sampler.add(recording)

    def end(self, request) -> None:
        recording = request.recording
        self.sampler.remove(recording)
        if recording.dropped:
            return
        wall_ms = request.wall_ms
        name = request.final_name()
        session = recording.session
        if session is None and name is not None:
            session = self.match(name)
        if session is None or session.transaction != name or not self.is_active(session):
            return
        self.finished.append((recording, session, name, wall_ms, time.time()))
        self.wake_uploader()

    # -- documents (on the uploader thread) ------------------------------------
    def drain(self) -> int:
        """Turns finished session requests into documents in the upload queue."""
        n = 0
        while self.finished:
            try:
                recording, session, name, wall_ms, end = self.finished.popleft()
            except IndexError:
                break
            if session.id in self.closed_ids:
                continue
            config = self.config
            extra = {"treering.request": uuid.uuid4().hex, "treering.wall_ms": f"{wall_ms:.3f}", "transaction": name}
            doc = recording.counter.document(config.app, session.interval_ms, config.tags, config.host,
                                             end=end, extra_tags=extra)
            self.uploader.enqueue(doc, path=f"{SESSION_PATH}{session.id}/requests")
            n += 1
        return n
