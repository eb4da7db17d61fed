"""The session sampler: a second, small sampler that reads only the stacks of
requests a targeted session is recording, each at its session's interval.

Its thread starts on the first recording and then sleeps on an event while
none is in flight, so it costs nothing when no session request is running.
A request on an event loop is sampled only while its task is the one
running; worker threads it uses (a sync endpoint in a thread pool) are
sampled like its own thread.

It knows nothing of where sessions come from: it is given `match(name)` (the
session that wants a route, for a request whose route was not known when it
started) and `is_active(session)`."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable

from . import tagging
from .frames import current_frames
from .stacks import StackCounter

if TYPE_CHECKING:
    from .inflight import Request
    from .sessions import Session

log = logging.getLogger("treering")

# Writers of a recording's thread map (worker threads of one request may start together).
_threads_lock = threading.Lock()


class Recording:
    """The stacks of one request, for one session (or, while `session` is
    None, a candidate whose route is not known yet)."""

    __slots__ = (
        "request",
        "session",
        "interval_s",
        "next_due",
        "counter",
        "threads",
        "loop_ident",
        "loop_name",
        "task",
        "dropped",
    )

    def __init__(self, request: Request, session: Session | None, interval_ms: float, granularity: str, max_depth: int):
        self.request = request
        self.session = session
        self.interval_s = interval_ms / 1000.0
        self.next_due = time.monotonic() + self.interval_s
        self.counter = StackCounter(granularity, max_depth)
        # The request's wall-clock start, for the document's `start`.
        self.counter.start = time.time() - (time.perf_counter() - request.t0)
        # ident -> thread name, sampled whatever they do. Replaced whole, never
        # mutated, so the sampler reads it without a lock.
        self.threads: dict[int, str] = {}
        self.loop_ident: int | None = None
        self.task: asyncio.Task[Any] | None = None
        self.dropped = False
        name = threading.current_thread().name  # created on the request's own thread
        self.loop_name = name
        if request.task is not None:
            self.loop_ident, self.task = request.ident, request.task
        else:
            self.threads = {request.ident: name}

    def add_thread(self, ident: int, name: str) -> None:
        """A worker thread works for the request: sample it too."""
        with _threads_lock:
            self.threads = {**self.threads, ident: name}

    def remove_thread(self, ident: int) -> None:
        """The worker thread is done with the request."""
        with _threads_lock:
            self.threads = {i: n for i, n in self.threads.items() if i != ident}


class SessionSampler:
    def __init__(
        self,
        ignored_idents: set[int],
        match: Callable[[str], Session | None],
        is_active: Callable[[Session], bool],
    ):
        self.ignored_idents = ignored_idents  # the main sampler's: it must not sample this thread
        self.match = match
        self.is_active = is_active
        self.lock = threading.Lock()
        self.recordings: dict[int, Recording] = {}  # id(recording) -> recording
        self._wake = threading.Event()
        self._wake_at = float("inf")  # when the thread wakes by itself (monotonic; inf: only when woken)
        self._stopping = False
        self._thread: threading.Thread | None = None

    def add(self, recording: Recording) -> None:
        with self.lock:
            if self._stopping:
                return
            self.recordings[id(recording)] = recording
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="treering-session-sampler", daemon=True)
                self._thread.start()
            # Wake the thread only if it would sleep past this recording's first
            # sample: under load most requests start while it is already ticking.
            wake = recording.next_due < self._wake_at
        if wake:
            self._wake.set()

    def remove(self, recording: Recording) -> None:
        """After this returns the sampler no longer touches the recording."""
        with self.lock:
            self.recordings.pop(id(recording), None)

    def _drop(self, recording: Recording) -> None:
        recording.dropped = True
        self.recordings.pop(id(recording), None)  # the caller holds the lock

    def stop(self) -> None:
        with self.lock:
            self._stopping = True
            for recording in self.recordings.values():
                recording.dropped = True
            self.recordings.clear()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        self.ignored_idents.add(threading.get_ident())
        while not self._stopping:
            try:
                delay = self._tick()
            except Exception:  # never let a sampling error end the thread
                log.debug("session sampling failed", exc_info=True)
                delay = 0.01
            self._wake.wait(delay)
            self._wake.clear()

    def _tick(self) -> float | None:
        """Samples the recordings that are due; returns how long to sleep (None: until woken)."""
        with self.lock:
            if not self.recordings:
                self._wake_at = float("inf")
                return None
            now = time.monotonic()
            due = [r for r in self.recordings.values() if r.next_due <= now]
        if due:
            frames, tasks, _ = tagging.captured_with_entries(current_frames)
            with self.lock:
                for recording in due:
                    if id(recording) in self.recordings:
                        self._sample(recording, frames, tasks, now)
            del frames
        with self.lock:
            if not self.recordings:
                self._wake_at = float("inf")
                return None
            self._wake_at = min(r.next_due for r in self.recordings.values())
            return max(0.0, self._wake_at - time.monotonic())

    @staticmethod
    def _serving(task: asyncio.Task[Any] | None, recording: Recording) -> bool:
        """Is `task` (running on the loop) the recording's request task or one it started?"""
        return task is not None and (task is recording.task or tagging.task_entry(task) is recording.request)

    def _sample(
        self,
        recording: Recording,
        frames: dict[int, FrameType],
        tasks: dict[int, asyncio.Task[Any] | None],
        now: float,
    ) -> None:
        session = recording.session
        if session is None:  # a candidate: is its route one a session wants?
            name = recording.request.resolve()
            if name is not None:
                session = self.match(name)
                if session is None:
                    self._drop(recording)
                    return
                recording.session = session
                recording.interval_s = session.interval_ms / 1000.0
        elif not self.is_active(session):
            self._drop(recording)
            return
        counter = recording.counter
        for ident, name in recording.threads.items():
            frame = frames.get(ident)
            if frame is not None:
                counter.add(frame, name, ())
        if recording.loop_ident is not None and self._serving(tasks.get(recording.loop_ident), recording):
            frame = frames.get(recording.loop_ident)
            if frame is not None:
                counter.add(frame, recording.loop_name, ())
        recording.next_due += recording.interval_s
        if recording.next_due <= now:  # fell behind: no burst to catch up
            recording.next_due = now + recording.interval_s
