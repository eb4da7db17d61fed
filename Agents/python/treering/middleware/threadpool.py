"""Tags the worker threads that run sync endpoints for async frameworks.

Starlette and FastAPI run a sync endpoint with `anyio.to_thread.run_sync`,
which copies the caller's context into the worker thread. The ASGI
middleware puts the request in a context variable; this wrapper around
`anyio.to_thread.run_sync` reads it and tags the worker thread for the
duration of the call (and lets a session record it). Outside a request the
wrapper only reads the variable and calls through."""

from __future__ import annotations

import contextvars
import functools
import logging
import sys
from typing import Any, Callable

from .. import inflight

log = logging.getLogger("treering")

current_request: contextvars.ContextVar[inflight.Request | None] = contextvars.ContextVar(
    "treering_request", default=None
)

_installed = False


def install() -> bool:
    """Wraps anyio.to_thread.run_sync once, if anyio is imported (Starlette imports it)."""
    global _installed
    if _installed:
        return True
    to_thread = sys.modules.get("anyio.to_thread")
    if to_thread is None:
        try:
            import anyio.to_thread as to_thread
        except ImportError:
            return False
    original: Any = getattr(to_thread, "run_sync", None)
    if original is None or getattr(original, "_treering", False):
        return False

    @functools.wraps(original)
    async def run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        request = current_request.get()
        if request is None:
            return await original(func, *args, **kwargs)
        return await original(_tagged(request, func), *args, **kwargs)

    run_sync._treering = True  # type: ignore[attr-defined]
    to_thread.run_sync = run_sync  # type: ignore[attr-defined, assignment]
    _installed = True
    return True


def _tagged(request: inflight.Request, func: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            token: inflight.WorkerToken | None = inflight.enter_worker(request)
        except Exception:
            token = None
        try:
            return func(*args)
        finally:
            if token is not None:
                try:
                    inflight.leave_worker(request, token)
                except Exception:
                    log.debug("treering: worker untagging failed", exc_info=True)

    return call
