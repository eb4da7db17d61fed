"""The agent: a sampler plus, when a server is set, an uploader thread that
every `upload_every_s` swaps the sampler's counts into one document, and the
session recorder. The agent wires its parts with plain callables: the
recorder sends through the uploader's `enqueue`, the uploader hands answers
to `_on_answer`, and no part holds another."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from typing import Any

from . import inflight, tagging, transactions
from .config import Config
from .recorder import SessionRecorder
from .sampler import Sampler
from .stacks import Document
from .uploader import Uploader

log = logging.getLogger("treering")


class Agent:
    def __init__(self, config: Config):
        self.config = config
        self._stop = threading.Event()
        self._wake = threading.Event()  # set on stop and when a session request is ready to send
        self._build()
        self.documents: list[Document] = []  # kept when there is no server (profile() and --output)
        self._thread: threading.Thread | None = None
        self.running = False

    def _build(self) -> None:
        config = self.config
        self.sampler = Sampler(config.interval_ms, config.granularity, config.clock, config.mode, config.max_depth)
        self.uploader: Uploader | None = None
        self.sessions: SessionRecorder | None = None
        if config.server:
            uploader = self.uploader = Uploader(
                config.server, config.key, config.upload_timeout_s, config.max_pending_bytes, on_answer=self._on_answer
            )
            if config.sessions:
                self.sessions = SessionRecorder(
                    config, uploader.enqueue, uploader.discard, self._wake.set, self.sampler.ignored_idents
                )

    def _on_answer(self, path: str, status: int, answer: Any) -> None:
        sessions = self.sessions
        if sessions is not None:
            sessions.on_answer(path, status, answer)

    def start(self) -> None:
        self.sampler.start()
        if self.uploader is not None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="treering-uploader", daemon=True)
            self._thread.start()
        if self.sessions is not None:
            self.sessions.start()
        self.running = True

    def _run(self) -> None:
        self.sampler.ignored_idents.add(threading.get_ident())
        next_upload = time.monotonic() + self.config.upload_every_s
        while not self._stop.is_set():
            self._wake.wait(min(1.0, max(0.0, next_upload - time.monotonic())))
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                if time.monotonic() >= next_upload:
                    next_upload = time.monotonic() + self.config.upload_every_s
                    self.collect()
                if self.sessions is not None:
                    self.sessions.drain()
                if self.uploader is not None:
                    self.uploader.flush()
            except Exception:
                log.debug("upload loop failed", exc_info=True)

    def collect(self) -> Document | None:
        """Swaps the sampler's counts into a document (queued for upload, or kept)."""
        window = self.sampler.swap()
        counter = window.counter
        if not counter.counts and not window.idle:
            return None  # nothing was sampled (an all-idle window is still sent: it says so)
        # treering.* tags are the agent's own measurements: the server keeps
        # them in the profile's metadata, not as series labels.
        extra = {
            "treering.overhead_ms": f"{window.overhead_s * 1000:.3f}",
            "treering.sampler_cpu_ms": f"{window.cpu_s * 1000:.3f}",
            "treering.samples": str(window.taken),
            "treering.idle_samples": str(window.idle),
            "treering.clock": self.config.clock,
            "treering.asked_interval_ms": f"{self.config.interval_ms:g}",
        }
        if self.uploader is not None:
            dropped = self.uploader.take_dropped()
            if dropped:
                extra["treering.dropped"] = str(dropped)
        # The interval achieved, not the one asked: a sampler starved of the
        # GIL takes fewer samples, and every time on the page is samples x interval.
        interval_ms = window.interval_ms or self.config.interval_ms
        doc = counter.document(
            self.config.app, interval_ms, self.config.tags, self.config.host, end=window.end, extra_tags=extra
        )
        if self.uploader is not None:
            self.uploader.enqueue(doc)
        else:
            self.documents.append(doc)
        return doc

    def stop(self, flush_timeout_s: float = 5.0) -> Document | None:
        """Stops sampling and makes one last bounded-time flush."""
        if not self.running:
            return None
        self.running = False
        self.sampler.stop()
        if self.sessions is not None:
            self.sessions.stop()
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=2)
        doc = self.collect()
        if self.sessions is not None:
            self.sessions.drain()
        if self.uploader is not None:
            self.uploader.flush(deadline=time.monotonic() + flush_timeout_s)
        return doc

    def after_fork_in_child(self) -> None:
        """The child of a fork has only the forking thread: start fresh threads and counts."""
        was_running = self.running
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._build()
        self._thread = None
        self.running = False
        if was_running:
            self.start()


_agent: Agent | None = None
_lock = threading.Lock()


def _after_fork_in_child() -> None:
    try:
        tagging.after_fork_in_child()
    except Exception:
        log.debug("clearing tags after fork failed", exc_info=True)
    if _agent is not None:
        try:
            _agent.after_fork_in_child()
            inflight.recorder = _agent.sessions
        except Exception:
            log.debug("restart after fork failed", exc_info=True)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def start(**kwargs: Any) -> Agent | None:
    """Starts the process-wide agent. Settings come from keyword arguments,
    then TREERING_* environment variables. Never raises into the app."""
    global _agent
    with _lock:
        if _agent is not None and _agent.running:
            return _agent
        try:
            agent = Agent(Config.resolve(**kwargs))
            transactions.configure(agent.config.max_transactions)
            agent.start()
        except Exception:
            log.warning("treering: could not start the profiler", exc_info=True)
            return None
        _agent = agent
        inflight.recorder = agent.sessions  # middleware finds the session recorder here
        atexit.register(_stop_at_exit)
        return agent


def stop() -> Document | None:
    """Stops the agent and flushes what it has (bounded in time)."""
    global _agent
    with _lock:
        agent, _agent = _agent, None
        inflight.recorder = None
    if agent is None:
        return None
    try:
        return agent.stop()
    except Exception:
        log.warning("treering: stopping the profiler failed", exc_info=True)
        return None


def _stop_at_exit() -> None:
    stop()
