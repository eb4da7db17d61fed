"""The sampler: every interval, read every other thread's stack with
`sys._current_frames()` (through `frames.current_frames`) and count it.
Thread mode (default) is a daemon thread and works under any server; signal
mode uses SIGPROF (Linux, main thread only) and exists for comparison.

Idle threads: in the `cpu` clock (default) a thread that did not run since
the previous sample (its CPU clock did not move, see `thread_clocks.py`), or
that is waiting in a known blocking call now, is left out and counted; in
the `wall` clock every sample is kept and those are tagged `state=idle`.
Where per-thread clocks are not available, the list of blocking calls alone
decides."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from types import CodeType, FrameType
from typing import Any, NamedTuple

from . import tagging
from .frames import current_frames
from .stacks import StackCounter
from .tagging import Tags
from .thread_clocks import ThreadClocks
from .thread_names import ThreadNames

log = logging.getLogger("treering")

# The fallback where a thread's CPU clock cannot be read (not Linux, a thread
# `threading` does not know, the first sample of a thread): leaf functions of
# threads that are only waiting. A thread blocked in C shows its last Python
# frame, so these are the functions that call the blocking C function. No
# such list is ever complete; the CPU clock needs none.
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
    # Found idle under real servers: concurrent.futures' workers wait in
    # SimpleQueue.get (C), gunicorn's arbiter in its signal queue, waitress's
    # main thread in select.select.
    ("thread.py", "_worker"),
    ("arbiter.py", "wait_for_signals"),
    ("arbiter.py", "sleep"),
    ("wasyncore.py", "poll"),
    ("wasyncore.py", "poll2"),
}

IDLE_TAG = ("state", "idle")
CLOCKS = ("cpu", "wall")


def _is_idle_code(code: CodeType) -> bool:
    name = code.co_name
    filename = code.co_filename
    base = filename[filename.rfind(os.sep) + 1 :]
    return (base, name) in IDLE_LEAVES


class Window(NamedTuple):
    """What the sampler counted between two swaps."""

    counter: StackCounter
    taken: int  # sampling ticks
    idle: int  # thread samples judged idle (left out under the cpu clock, tagged under wall)
    overhead_s: float  # wall time inside sample_once
    cpu_s: float  # the sampling thread's CPU time inside sample_once
    end: float  # time.time() of the swap

    @property
    def interval_ms(self) -> float | None:
        """The interval achieved: wall time over ticks (None with no tick)."""
        if self.taken <= 0:
            return None
        return max(1e-3, (self.end - self.counter.start) * 1000.0 / self.taken)


class Sampler:
    """Counts stacks into `self.counter`, which the uploader swaps out."""

    def __init__(
        self,
        interval_ms: float,
        granularity: str = "function",
        clock: str = "cpu",
        mode: str = "thread",
        max_depth: int = 1024,
        thread_clocks: bool = True,
    ):
        if clock not in CLOCKS:
            raise ValueError("clock must be 'cpu' or 'wall'")
        self.interval = interval_ms / 1000.0
        self.granularity = granularity
        self.clock = clock
        self.mode = mode
        self.max_depth = max_depth
        self.counter = StackCounter(granularity, max_depth)
        self.lock = threading.Lock()
        self.ignored_idents: set[int] = set()  # the sampler and uploader threads
        self.overhead_s = 0.0
        self.cpu_s = 0.0
        self.samples_taken = 0
        self.idle_samples = 0
        self.clocks = ThreadClocks(thread_clocks)
        self._idle_codes: dict[CodeType, bool] = {}
        self._idle_tags: dict[Tags, Tags] = {}  # tags -> the same with state=idle (wall clock)
        self._names = ThreadNames()
        self._threads_checked = 0.0
        self._primed = False
        self._run_id = 0  # the sampling thread runs while this is its own id (changed by stop)
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> None:
        if self.mode == "signal":
            self._start_signal()
            return
        self._run_id += 1
        self._thread = threading.Thread(target=self._run, args=(self._run_id,), name="treering-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stops sampling; the thread notices within one interval."""
        self._run_id += 1
        if self.mode == "signal":
            self._stop_signal()
        elif self._thread is not None:
            self._thread.join(timeout=2 + self.interval)
            self._thread = None

    def swap(self) -> Window:
        """Takes what was counted so far and starts a new counter."""
        fresh = StackCounter(self.granularity, self.max_depth)
        with self.lock:
            window = Window(
                self.counter, self.samples_taken, self.idle_samples, self.overhead_s, self.cpu_s, fresh.start
            )
            self.counter = fresh
            self.samples_taken = self.idle_samples = 0
            self.overhead_s = self.cpu_s = 0.0
        return window

    # -- the hot path ------------------------------------------------------
    def _run(self, run_id: int) -> None:
        self.ignored_idents.add(threading.get_ident())  # before the first sample, not after start() returns
        # A plain sleep and a flag read each tick: `Event.wait(delay)` builds a
        # lock and runs a Condition's Python code on every tick, which cost
        # more than the sample itself on a loaded server. So stop() takes
        # effect within one interval.
        interval = self.interval
        sample_once = self.sample_once
        monotonic = time.monotonic
        sleep = time.sleep
        next_time = monotonic()
        while self._run_id == run_id:
            next_time += interval
            try:
                sample_once()
            except Exception:  # never let a sampling error end profiling or reach the app
                log.debug("sampling failed", exc_info=True)
            now = monotonic()
            delay = next_time - now
            if delay <= 0:
                # Fell behind (starved of the GIL): skip to a whole interval
                # from now. Sampling again at once would see threads that
                # could not run since this sample (all idle, by their clocks);
                # the document's interval_ms says what was achieved.
                next_time = now
                delay = interval
            sleep(delay)

    def sample_once(self, blocking: bool = True) -> None:
        t0 = time.perf_counter()
        c0 = time.thread_time()
        frames, tasks, entries = tagging.captured_with_entries(current_frames)
        threads = self._names.current()
        if not self._primed and self.clocks.enabled:
            # The first tick only reads every thread's CPU clock: there is
            # nothing to compare with yet, so it counts nothing.
            self._primed = True
            for thread in list(threads.values()):
                self.clocks.ran(thread.native_id)
            return
        now = time.monotonic()
        if now - self._threads_checked > 1.0:
            self._threads_checked = now
            alive = list(threads.values())
            if tagging.has_loops():
                tagging.forget_threads(t.ident for t in alive if t.ident is not None)
            self.clocks.forget_except(t.native_id for t in alive)
            self._names.by_ident.clear()  # names the app changed are read again
        if not self.lock.acquire(blocking):
            return  # a signal arrived while this thread holds the lock: skip rather than deadlock
        try:
            self._count(frames, tasks, entries, threads)
            self.samples_taken += 1
            self.overhead_s += time.perf_counter() - t0
            self.cpu_s += time.thread_time() - c0
        finally:
            self.lock.release()
        del frames

    def _count(
        self,
        frames: dict[int, FrameType],
        tasks: dict[int, asyncio.Task[Any] | None],
        entries: dict[int, tagging.Entry],
        threads: dict[Any, threading.Thread],
    ) -> None:
        """Counts one sample of every thread but ours (the caller holds the lock),
        tagged with what it did while `frames` were taken (`entries`, `tasks`).

        Nothing here lets go of the GIL on purpose (dict lookups, a clock
        read): a generator's frame loses its caller once it finishes. Idle
        threads cost a dict lookup (a known blocking call) or a clock read,
        and under the cpu clock their stacks are not walked at all."""
        # Everything per thread but the walk is inlined: a Python-level call
        # (a method, a property) costs about as much as a dict lookup, and
        # after the sampler's sleep most of a sample's time is cache misses.
        add = self.counter.add
        ignored = self.ignored_idents
        current_tags = tagging.current_tags
        thread_entry = entries.get
        names = self._names
        described = names.by_ident.get
        describe = names.describe
        clocks_on = self.clocks.enabled
        last_cpu = self.clocks.last
        clock_gettime_ns = time.clock_gettime_ns
        wall = self.clock == "wall"
        idle_codes = self._idle_codes
        idle = 0
        for ident, frame in frames.items():
            if ident in ignored:
                continue
            info = described(ident)
            if info is None or info[0] is not threads.get(ident):
                info = describe(threads, ident)
            # Idle: waiting in a known blocking call, or its CPU clock did not
            # move since the previous sample (where there is a clock, and this
            # is not the thread's first sample).
            code = frame.f_code
            idle_leaf = idle_codes.get(code)
            if idle_leaf is None:
                idle_leaf = idle_codes[code] = _is_idle_code(code)
            native_id = info[2]
            if not idle_leaf and clocks_on and native_id is not None:
                # ThreadClocks.ran, inlined (clock_id(native_id) is (~tid << 3) | 6)
                try:
                    cpu = clock_gettime_ns((~native_id << 3) | 6)
                except (OSError, OverflowError):  # a thread that just ended: not known, kept
                    pass
                else:
                    idle_leaf = last_cpu.get(native_id) == cpu
                    last_cpu[native_id] = cpu
            if idle_leaf:
                idle += 1
                if not wall:
                    continue
            if tasks:
                tags = current_tags(ident, tasks, entries)
            else:
                entry = thread_entry(ident)
                tags = () if entry is None else entry if isinstance(entry, tuple) else entry.sample_tags()
            if idle_leaf:
                tags = self._with_idle_tag(tags)
            add(frame, info[1], tags)
        self.idle_samples += idle

    def _with_idle_tag(self, tags: Tags) -> Tags:
        tagged = self._idle_tags.get(tags)
        if tagged is None:
            if len(self._idle_tags) > 10_000:
                self._idle_tags.clear()
            merged = dict(tags)
            merged[IDLE_TAG[0]] = IDLE_TAG[1]
            tagged = self._idle_tags[tags] = tuple(sorted(merged.items()))
        return tagged

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
