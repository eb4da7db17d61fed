"""`sys._current_frames()`, safe to call from the agent's sampler threads.

On CPython before 3.12 the call can deadlock the whole process
(python/cpython#106883): it holds the runtime's thread-list lock while it
allocates frame objects; an allocation may start a garbage collection whose
finalizers let go of the GIL; another thread then takes the GIL and waits for
the thread-list lock (a thread ending, a `threading.local` freed), while the
sampler waits for the GIL. So there the call runs with the collector off (and
only if it was on), one sampler at a time, so that one sampler cannot turn
it back on while another is inside."""

from __future__ import annotations

import gc
import sys
import threading
from types import FrameType

_GUARDED = sys.implementation.name == "cpython" and sys.version_info < (3, 12)
_lock = threading.Lock()


def current_frames() -> dict[int, FrameType]:
    """Thread ident -> its innermost frame, for every thread."""
    if not _GUARDED:
        return sys._current_frames()  # pyright: ignore[reportPrivateUsage]
    with _lock:
        if not gc.isenabled():  # the app turned it off: leave it so
            return sys._current_frames()  # pyright: ignore[reportPrivateUsage]
        gc.disable()
        try:
            return sys._current_frames()  # pyright: ignore[reportPrivateUsage]
        finally:
            gc.enable()
