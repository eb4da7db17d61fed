"""The thread name a sample carries.

Names are read live on every tick: a thread-per-request server ends and
starts threads all the time, and a new thread may reuse the ident of one that
ended, so a cached ident -> name map mislabels samples until it is refreshed.

Python's own numbered names (`Thread-12`, `Thread-12 (process_request_thread)`,
`Dummy-3`) become `Thread-*`, `Thread-* (process_request_thread)`, `Dummy-*`:
the number only counts threads started so far, and every thread name is a
label on the server, so a thread-per-request server would otherwise add a new
series (and a new entry in the dashboard's thread filter) per request. Names
the application chose are kept as they are."""

from __future__ import annotations

import re
import threading
from typing import Any

_NUMBERED = re.compile(r"^(Thread|Dummy)-\d+(?= \(|$)")
_MAX_CACHED = 10_000


def collapse(name: str) -> str:
    """A name with Python's default thread number replaced by `*`."""
    return _NUMBERED.sub(r"\1-*", name)


class ThreadNames:
    """Ident -> the name its samples carry, for the threads alive now."""

    def __init__(self) -> None:
        self.collapsed: dict[str, str] = {}  # raw name -> the name sent (the sampler reads it inline)

    def current(self) -> dict[Any, threading.Thread]:
        """Ident -> Thread for every thread `threading` knows, read now."""
        active = getattr(threading, "_active", None)  # CPython's own registry: no copy, no lock
        if isinstance(active, dict):
            return active  # pyright: ignore[reportUnknownVariableType]
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
