"""The thread name a sample carries.

A thread-per-request server ends and starts threads all the time, and a new
thread may reuse the ident of one that ended, so the name kept for an ident
is used only while that ident still belongs to the same `Thread` object (an
identity check per sample); the kept names are dropped every second, so a
thread the application renames carries its new name within a second.

Python's own numbered names (`Thread-12`, `Thread-12 (process_request_thread)`,
`Dummy-3`) become `Thread-*`, `Thread-* (process_request_thread)`, `Dummy-*`:
the number only counts threads started so far, and every thread name is a
label on the server, so a thread-per-request server would otherwise add a new
series (and a new entry in the dashboard's thread filter) per request. Names
the application chose are kept as they are."""

from __future__ import annotations

import re
import threading
from typing import Any, Optional

ThreadInfo = tuple[Optional[threading.Thread], str, Optional[int]]  # (thread, name sent, kernel id)

_NUMBERED = re.compile(r"^(Thread|Dummy)-\d+(?= \(|$)")
_MAX_CACHED = 10_000


def collapse(name: str) -> str:
    """A name with Python's default thread number replaced by `*`."""
    return _NUMBERED.sub(r"\1-*", name)


class ThreadNames:
    """Ident -> the name its samples carry, for the threads alive now."""

    def __init__(self) -> None:
        self.collapsed: dict[str, str] = {}  # raw name -> the name sent
        # ident -> (its Thread, the name sent, its kernel id), valid while the
        # ident belongs to that Thread; the sampler reads it inline and clears
        # it every second. Reading `Thread.name` and `Thread.native_id` (two
        # Python-level properties) per thread per sample cost more.
        self.by_ident: dict[int, ThreadInfo] = {}

    def describe(self, threads: dict[Any, threading.Thread], ident: int) -> ThreadInfo:
        """The thread at `ident` now, its name and kernel id (kept in `by_ident`)."""
        thread = threads.get(ident)
        if len(self.by_ident) >= _MAX_CACHED:
            self.by_ident.clear()
        info = self.by_ident[ident] = (thread, self.name(threads, ident), thread.native_id if thread else None)
        return info

    def current(self) -> dict[Any, threading.Thread]:
        """Ident -> Thread for every thread `threading` knows, read now: a
        copy (one C call, under the GIL), so a thread that ends before its
        stack is counted still has its name."""
        active = getattr(threading, "_active", None)  # CPython's own registry: copied without its lock
        if isinstance(active, dict):
            return active.copy()  # pyright: ignore[reportUnknownVariableType]
        return {t.ident: t for t in threading.enumerate()}

    def name(self, threads: dict[Any, threading.Thread], ident: int) -> str:
        thread = threads.get(ident)
        raw = thread.name if thread is not None else f"Thread-{ident}"
        name = self.collapsed.get(raw)
        if name is None:
            if len(self.collapsed) >= _MAX_CACHED:
                self.collapsed.clear()
            name = self.collapsed[raw] = collapse(raw) if thread is not None else "Thread-*"
        return name
