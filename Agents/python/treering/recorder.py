"""The session recorder: records the requests targeted sessions ask for.

It learns the active sessions by polling the server every `poll_s` (a light
thread of its own; a failed poll is silent and retried) and from the answers
to the agent's uploads (`on_answer`). A request whose transaction a session
wants is recorded by its own session sampler; when it ends, its stacks and
wall time become one treering/1 document for
`POST /api/v1/sessions/{id}/requests`, built on the uploader's thread
(`drain`) and handed to `send(document, path)`. A 409 (or 404) ends the
session here at once, with no retry, and `discard(prefix)` drops its queued
requests. The server counts: it accepts exactly N.

Data flows one way: request -> recording -> document -> `send`. The recorder
is given plain callables, never the uploader or the agent."""

from __future__ import annotations

import collections
import logging
import threading
import time
import urllib.parse
import uuid
from typing import Any, Callable, NamedTuple

from . import http
from .config import Config
from .inflight import Request
from .session_sampler import Recording, SessionSampler
from .sessions import Session, SessionTable
from .stacks import Document
from .uploader import INGEST

log = logging.getLogger("treering")

SESSION_PATH = "/api/v1/sessions/"


class Finished(NamedTuple):
    """A recorded request that ended, waiting to become a document."""

    recording: Recording
    session: Session
    name: str
    wall_ms: float
    end: float


class SessionRecorder:
    def __init__(
        self,
        config: Config,
        send: Callable[[Document, str], None],
        discard: Callable[[str], int],
        wake_sender: Callable[[], None],
        ignored_idents: set[int],
    ):
        self.config = config
        self.send = send  # queues a document for `path`
        self.discard = discard  # drops queued documents whose path starts with a prefix
        self.wake_sender = wake_sender  # a request is ready: wake the thread that calls drain()
        self.ignored_idents = ignored_idents
        self.table = SessionTable()
        self.sampler = SessionSampler(ignored_idents, self.table.match, self.table.is_active)
        self.poll_s = 2.0
        self.polls = self.poll_failures = 0
        self.finished: collections.deque[Finished] = collections.deque(maxlen=10_000)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.url = (
            (config.server or "").rstrip("/")
            + "/api/v1/apps/"
            + urllib.parse.quote(config.app, safe="")
            + "/sessions/active"
        )

    @property
    def by_transaction(self) -> dict[str, Session]:
        """transaction -> the active session that records it."""
        return self.table.by_transaction

    def wants_requests(self) -> bool:
        """Whether any session is active (the middleware's one check per request)."""
        return bool(self.table.by_transaction)

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
        """Asks the server for the active sessions; False when that failed."""
        try:
            answer = http.get_json(self.url, self.config.key, min(5.0, self.config.upload_timeout_s))
            self.table.update(answer["sessions"])
            poll_s = answer.get("poll_s")
            if isinstance(poll_s, (int, float)) and not isinstance(poll_s, bool):
                self.poll_s = min(300.0, max(0.2, float(poll_s)))
            self.polls += 1
            return True
        except Exception as e:  # silent: the next poll tries again
            self.poll_failures += 1
            log.debug("treering: session poll failed: %s", e)
            return False

    def update(self, items: Any) -> None:
        """The server's list of active sessions (from a poll or an upload answer)."""
        self.table.update(items)

    def match(self, name: str) -> Session | None:
        return self.table.match(name)

    def close(self, session_id: int) -> None:
        """The session is over for this agent: stop recording it now, and send none of its queued requests."""
        self.table.close(session_id)
        self.discard(f"{SESSION_PATH}{session_id}/")

    def on_answer(self, path: str, status: int, answer: Any) -> None:
        """Each answer of the server to an upload (called on the uploader's thread)."""
        if path == INGEST:
            if status == 201 and isinstance(answer, dict) and "sessions" in answer:
                self.table.update(answer["sessions"])
            return
        if not path.startswith(SESSION_PATH):
            return
        try:
            session_id = int(path[len(SESSION_PATH) :].split("/", 1)[0])
        except ValueError:
            return
        if status in (404, 409) or (
            status == 201 and isinstance(answer, dict) and answer.get("state") == "done"  # pyright: ignore[reportUnknownMemberType]
        ):
            self.close(session_id)

    # -- requests (called through treering.inflight, on the request's thread) ---
    def begin(self, request: Request) -> None:
        config = self.config
        if request.name is not None:
            session = self.table.match(request.name)
            if session is None:
                return
            recording = Recording(request, session, session.interval_ms, config.granularity, config.max_depth)
        elif request.resolver is not None:
            # The route is known only after the framework routed it: record
            # from the start and let the session sampler decide at its first tick.
            table = self.table.by_transaction
            if not table:
                return
            interval = min(s.interval_ms for s in table.values())
            recording = Recording(request, None, interval, config.granularity, config.max_depth)
        else:
            return  # the name comes later (Django's process_view), and begin is called again then
        request.recording = recording
        request.on_end = self.end
        self.sampler.add(recording)

    def end(self, request: Request) -> None:
        recording = request.recording
        if recording is None:
            return
        self.sampler.remove(recording)
        if recording.dropped:
            return
        wall_ms = request.wall_ms
        name = request.final_name()
        session = recording.session
        if session is None and name is not None:
            session = self.table.match(name)
        if session is None or name is None or session.transaction != name or not self.table.is_active(session):
            return
        self.finished.append(Finished(recording, session, name, wall_ms, time.time()))
        self.wake_sender()

    # -- documents (on the uploader thread) ------------------------------------
    def drain(self) -> int:
        """Turns finished session requests into documents, handed to `send`."""
        n = 0
        while self.finished:
            try:
                item = self.finished.popleft()
            except IndexError:
                break
            if item.session.id in self.table.closed_ids:
                continue
            config = self.config
            extra = {
                "treering.request": uuid.uuid4().hex,
                "treering.wall_ms": f"{item.wall_ms:.3f}",
                "transaction": item.name,
            }
            doc = item.recording.counter.document(
                config.app, item.session.interval_ms, config.tags, config.host, end=item.end, extra_tags=extra
            )
            self.send(doc, f"{SESSION_PATH}{item.session.id}/requests")
            n += 1
        return n
