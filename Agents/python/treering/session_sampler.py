"""The session sampler: a second, small sampler that reads only the stacks of
requests a targeted session is recording, each at its session's interval.

Its thread starts on the first recording and then sleeps on an event while
none is in flight, so it costs nothing when no session request is running.
A request on an event loop is sampled only while its task is the one
running; worker threads it uses (a sync endpoint in a thread pool) are
sampled like its own thread."""
from __future__ import annotations

import logging
import threading
import time

from . import tagging
from .frames import current_frames
from .stacks import StackCounter

log = logging.getLogger("treering")


class Recording:
    """The stacks of one request, for one session (or, while `session` is
    None, a candidate whose route is not known yet)."""

    __slots__ = ("request", "owner", "session", "interval_s", "next_due", "counter", "threads",
                 "loop_ident", "loop_name", "task", "dropped")

    def __init__(self, request, owner, session, interval_ms: float, granularity: str, max_depth: int):
        self.request = request
        self.owner = owner              # the sessions.Sessions that decides and uploads
        self.session = session
        self.interval_s = interval_ms / 1000.0
        self.next_due = time.monotonic() + self.interval_s
        self.counter = StackCounter(granularity, max_depth)
        # The request's wall-clock start, for the document's `start`.
        self.counter.start = time.time() - (time.perf_counter() - request.t0)
        self.threads: dict = {}         # ident -> thread name, sampled whatever they do
        self.loop_ident = self.task = None
        self.dropped = False
        name = threading.current_thread().name   # created on the request's own thread
        if request.task is not None:
            self.loop_ident, self.task = request.ident, request.task
            self.loop_name = name
        else:
            self.threads[request.ident] = name
            self.loop_name = None

    def add_thread(self, ident: int, name: str) -> None:
        with self.owner.sampler.lock:
            self.threads[ident] = name

    def remove_thread(self, ident: int) -> None:
        with self.owner.sampler.lock:
            self.threads.pop(ident, None)


class SessionSampler:
    def __init__(self, ignored_idents: set):
        self.ignored_idents = ignored_idents   # the main sampler's: it must not sample this thread
        self.lock = threading.Lock()
        self.recordings: dict = {}             # id(recording) -> recording
        self._wake = threading.Event()
        self._wake_at = float("inf")           # when the thread wakes by itself (monotonic; inf: only when woken)
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

    def drop(self, recording: Recording) -> None:
        recording.dropped = True
        self.recordings.pop(id(recording), None)   # the caller holds the lock

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
            frames, tasks = tagging.tasks_around(current_frames)
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
    def _serving(task, recording) -> bool:
        """Is `task` (running on the loop) the recording's request task or one it started?"""
        return task is not None and (task is recording.task or tagging._tags_by_task.get(task) is recording.request)

    def _sample(self, recording: Recording, frames: dict, tasks: dict, now: float) -> None:
        owner = recording.owner
        session = recording.session
        if session is None:   # a candidate: is its route one a session wants?
            name = recording.request.resolve()
            if name is not None:
                session = owner.match(name)
                if session is None:
                    self.drop(recording)
                    return
                recording.session = session
                recording.interval_s = session.interval_ms / 1000.0
        elif not owner.is_active(session):
            self.drop(recording)
            return
        counter = recording.counter
        for ident, name in recording.threads.items():
            frame = frames.get(ident)
            if frame is not None:
                counter.add(frame, name, ())
        if recording.task is not None and self._serving(tasks.get(recording.loop_ident), recording):
            frame = frames.get(recording.loop_ident)
            if frame is not None:
                counter.add(frame, recording.loop_name, ())
        recording.next_due += recording.interval_s
        if recording.next_due <= now:   # fell behind: no burst to catch up
            recording.next_due = now + recording.interval_s
