"""The sampler: every interval, read every other thread's stack with
`sys._current_frames()` (through `frames.current_frames`) and count it. Thread mode (default) is a daemon
thread and works under any server; signal mode uses SIGPROF (Linux, main
thread only) and exists for comparison."""

from __future__ import annotations

import logging
import os
import threading
import time
from types import CodeType, FrameType

from . import tagging
from .frames import current_frames
from .stacks import StackCounter
from .thread_names import ThreadNames

log = logging.getLogger("treering")

# Leaf functions of threads that are only waiting. A thread blocked in C shows
# its last Python frame, so these are the stdlib functions that block.
# Left out by default (as py-spy leaves out idle threads): a worker pool's
# waiting threads would otherwise bury the threads doing work.
IDLE_LEAVES: set[tuple[str, str]] = {
    ("threading.py", "wait"),
    ("threading.py", "_wait_for_tstate_lock"),
    ("threading.py", "join"),
    ("selectors.py", "select"),
    ("socket.py", "accept"),
    ("socket.py", "readinto"),
    ("socketserver.py", "serve_forever"),
    ("queue.py", "get"),
    ("subprocess.py", "wait"),
    ("subprocess.py", "_wait"),
    ("subprocess.py", "_try_wait"),
    ("ssl.py", "read"),
    ("connection.py", "_recv"),
    ("base_events.py", "_run_once"),
    ("selector_events.py", "_read_ready"),
    ("popen_fork.py", "poll"),
}


def _is_idle_code(code: CodeType) -> bool:
    name = code.co_name
    filename = code.co_filename
    base = filename[filename.rfind(os.sep) + 1 :]
    return (base, name) in IDLE_LEAVES


class Sampler:
    """Counts stacks into `self.counter`, which the uploader swaps out."""

    def __init__(
        self,
        interval_ms: float,
        granularity: str = "function",
        include_idle: bool = False,
        mode: str = "thread",
        max_depth: int = 1024,
    ):
        self.interval = interval_ms / 1000.0
        self.granularity = granularity
        self.include_idle = include_idle
        self.mode = mode
        self.max_depth = max_depth
        self.counter = StackCounter(granularity, max_depth)
        self.lock = threading.Lock()
        self.ignored_idents: set[int] = set()  # the sampler and uploader threads
        self.overhead_s = 0.0
        self.samples_taken = 0
        self._idle_codes: dict[CodeType, bool] = {}
        self._names = ThreadNames()
        self._threads_checked = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        if self.mode == "signal":
            self._start_signal()
            return
        self._thread = threading.Thread(target=self._run, name="treering-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self.mode == "signal":
            self._stop_signal()
        elif self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def swap(self) -> tuple[StackCounter, float, int]:
        """Takes what was counted so far and starts a new counter."""
        with self.lock:
            counter, self.counter = self.counter, StackCounter(self.granularity, self.max_depth)
            overhead, self.overhead_s = self.overhead_s, 0.0
            taken, self.samples_taken = self.samples_taken, 0
        return counter, overhead, taken

    # -- the hot path ------------------------------------------------------
    def _run(self) -> None:
        self.ignored_idents.add(threading.get_ident())  # before the first sample, not after start() returns
        interval = self.interval
        next_time = time.monotonic()
        while not self._stop.is_set():
            next_time += interval
            try:
                self.sample_once()
            except Exception:  # never let a sampling error end profiling or reach the app
                log.debug("sampling failed", exc_info=True)
            delay = next_time - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                next_time = time.monotonic()  # fell behind: don't try to catch up in a burst

    def sample_once(self, blocking: bool = True) -> None:
        t0 = time.perf_counter()
        frames, tasks = tagging.tasks_around(current_frames)
        now = time.monotonic()
        if now - self._threads_checked > 1.0:
            self._threads_checked = now
            if tagging.has_loops():
                tagging.forget_threads(t.ident for t in threading.enumerate() if t.ident is not None)
        threads = self._names.current()
        name_of = self._names.name
        ignored = self.ignored_idents
        include_idle = self.include_idle
        idle_codes = self._idle_codes
        current_tags = tagging.current_tags
        if not self.lock.acquire(blocking):
            return  # a signal arrived while this thread holds the lock: skip rather than deadlock
        try:
            add = self.counter.add
            for ident, frame in frames.items():
                if ident in ignored:
                    continue
                if not include_idle:
                    code = frame.f_code
                    idle = idle_codes.get(code)
                    if idle is None:
                        idle = idle_codes[code] = _is_idle_code(code)
                    if idle:
                        continue
                add(frame, name_of(threads, ident), current_tags(ident, tasks))
            self.samples_taken += 1
            self.overhead_s += time.perf_counter() - t0
        finally:
            self.lock.release()
        del frames

    # -- signal mode -------------------------------------------------------
    def _start_signal(self) -> None:
        import signal

        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("signal mode must be started from the main thread")
        self._previous_handler = signal.signal(signal.SIGPROF, self._on_signal)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)

    def _stop_signal(self) -> None:
        import signal

        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        previous = getattr(self, "_previous_handler", None)
        # A SIGPROF already in flight would kill the process under SIG_DFL: ignore it instead.
        signal.signal(signal.SIGPROF, previous if previous not in (None, signal.SIG_DFL) else signal.SIG_IGN)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        try:
            self.sample_once(blocking=False)
        except Exception:
            log.debug("sampling failed", exc_info=True)
