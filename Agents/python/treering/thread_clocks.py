"""Did a thread run since the last sample? Its own CPU clock says (Linux).

Each Linux thread has a CPU-time clock; `time.pthread_getcpuclockid(ident)`
names it and `time.clock_gettime` reads it. A thread whose clock did not
move between two samples was off the CPU the whole time: waiting on I/O
(`select`, a socket read), a lock, a queue, a sleep, or the GIL. That is how
CPU profilers (Datadog's and Pyroscope's CPU profiles) tell working threads
from waiting ones, where a list of blocking functions never can be complete.

The clock id is made from the thread's kernel id (`Thread.native_id`) the
way glibc's `pthread_getcpuclockid` makes it, checked once against that
function on the calling thread: calling `pthread_getcpuclockid` on another
thread's ident would read that thread's memory, which a thread that just
ended may already have unmapped, while `clock_gettime` on a kernel id is
checked by the kernel (a thread gone answers EINVAL, one of another process
is refused).

The first time a thread is seen there is no earlier reading to compare
with, and `ran()` answers None (the sampler's first tick only reads every
thread's clock, so this is a thread that started since). Reading its state
in /proc instead would let go of the GIL, which a busy app may not give back
for several milliseconds per new thread.

Elsewhere (macOS, Windows, other Pythons without the functions), or for a
thread `threading` does not know, `ran()` answers None and the sampler falls
back to its list of blocking leaf functions."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable


def _clock_id(native_id: int) -> int:
    # Linux: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) = (~tid << 3) | PERTHREAD (4) | SCHED (2)
    return (~native_id << 3) | 6


def _check() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    getcpuclockid = getattr(time, "pthread_getcpuclockid", None)
    if getcpuclockid is None or not hasattr(time, "clock_gettime_ns"):
        return False
    try:
        expected: int = getcpuclockid(threading.get_ident())
        if expected != _clock_id(threading.get_native_id()):
            return False
        time.clock_gettime_ns(expected)
    except (OSError, OverflowError, ValueError):
        return False
    return True


AVAILABLE = _check()


class ThreadClocks:
    """The last CPU time seen per thread (kernel id -> ns)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and AVAILABLE
        self.last: dict[int, int] = {}  # kernel id -> ns (the sampler reads and writes it inline)

    def ran(self, native_id: int | None) -> bool | None:
        """Whether the thread used CPU since the previous call for it; None
        when that cannot be known (no clocks, the first look, a thread gone).
        Never lets go of the GIL."""
        if native_id is None or not self.enabled:
            return None
        try:
            now = time.clock_gettime_ns((~native_id << 3) | 6)  # _clock_id, inlined: once per thread per sample
        except (OSError, OverflowError):
            return None
        last = self.last.get(native_id)
        self.last[native_id] = now
        if last is None:
            return None
        return now != last

    def forget_except(self, alive: Iterable[int | None]) -> None:
        """Drops the clocks of threads that ended (their kernel ids get reused)."""
        keep = {tid for tid in alive if tid is not None}
        for tid in [t for t in self.last if t not in keep]:
            del self.last[tid]
