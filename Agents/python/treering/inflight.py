"""In-flight requests: what every middleware does when a request starts, when
its name becomes known, and when it ends.

It tags the serving thread (or, on an event loop, the serving task) with the
request's transaction name, and hands the request to the session recorder
when a targeted session wants this transaction. With no session active the
cost is a few dict operations. Callers wrap these calls: nothing may reach
the app."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Optional

from . import tagging
from .transactions import names

if TYPE_CHECKING:
    from .recorder import SessionRecorder
    from .session_sampler import Recording

# resolver(final) -> the route name once the framework has routed (None until then)
Resolver = Callable[[bool], Optional[str]]
# What leave_worker restores: (thread ident, its previous entry)
WorkerToken = tuple[int, Optional[tagging.Entry]]

TRANSACTION = "transaction"

# The running agent's session recorder, or None. Set by treering.start();
# read once per request. Data flows one way: a request goes to the recorder,
# which gives it a recording (and the callable that ends it).
recorder: SessionRecorder | None = None

_get_ident = threading.get_ident
_perf = time.perf_counter


class Request:
    """One request being served. `resolver(final)` asks the framework for the
    route name once it has routed the request (None until then; with
    final=True, at the end, it may fall back to a raw name)."""

    __slots__ = ("name", "tags", "resolver", "previous", "ident", "task", "t0", "recording", "on_end")

    def __init__(
        self,
        name: str | None,
        resolver: Resolver | None,
        previous: tagging.Entry | None,
        ident: int,
        task: asyncio.Task[Any] | None = None,
    ) -> None:
        self.name: str | None = None
        self.tags: tagging.Tags | None = None  # tuple once the name is known
        self.resolver = resolver
        self.previous = previous  # the entry this request's replaced (nested middleware, user tags)
        self.ident = ident  # the serving thread (for a task: the loop's thread)
        self.task = task
        self.t0 = _perf()
        self.recording: Recording | None = None  # while a session records it
        self.on_end: Callable[[Request], None] | None = None  # the recorder's, with the recording
        if name is not None:
            self._named(name)

    def _named(self, name: str) -> None:
        base = tagging.as_tuple(self.previous)
        pair = (TRANSACTION, names.name(name))
        if base:
            merged = dict(base)
            merged[TRANSACTION] = pair[1]
            tags = tuple(sorted(merged.items()))
        else:
            tags = (pair,)
        self.name = name
        self.tags = tags

    def resolve(self) -> str | None:
        """The name, asking the framework if it was not known yet (any thread)."""
        if self.name is None and self.resolver is not None:
            try:
                name = self.resolver(False)
            except Exception:
                name = None
            if name:
                self._named(name)
        return self.name

    def final_name(self) -> str | None:
        """The name at the end of the request, when routing is surely over."""
        if self.resolve() is None and self.resolver is not None:
            try:
                return self.resolver(True) or None
            except Exception:
                return None
        return self.name

    def sample_tags(self) -> tagging.Tags:
        """The tags of a sample taken now (called by the sampler threads)."""
        tags = self.tags
        if tags is None:
            self.resolve()
            tags = self.tags
            if tags is None:
                return tagging.as_tuple(self.previous)
        return tags

    @property
    def wall_ms(self) -> float:
        """Milliseconds since the request started."""
        return (_perf() - self.t0) * 1000.0


def begin(name: str | None = None, resolver: Resolver | None = None) -> Request:
    """A request starts on this thread (WSGI, Django, a worker thread)."""
    ident = _get_ident()
    request = Request(name, resolver, tagging.thread_entry(ident), ident)
    tagging.set_thread_entry(ident, request.tags if request.tags is not None else request)
    _offer(request)
    return request


def begin_task(name: str | None = None, resolver: Resolver | None = None) -> Request:
    """A request starts in the current asyncio task (ASGI): samples of the loop
    thread go to it only while this task is the one running."""
    task = asyncio.current_task()
    if task is None:
        return begin(name, resolver)
    ident = _get_ident()
    tagging.register_loop(ident, task.get_loop())
    request = Request(name, resolver, tagging.task_entry(task), ident, task)
    # The request object itself: tasks it starts share it (tagging's task factory).
    tagging.set_task_entry(task, request)
    _offer(request)
    return request


def set_name(request: Request, name: str) -> None:
    """The name became known during the request (Django's process_view)."""
    request._named(name)
    if request.task is None:  # (a task's entry is the request itself, which now answers its tags)
        tagging.set_thread_entry(request.ident, request.tags)
    if request.recording is None:
        _offer(request)


def end(request: Request) -> None:
    """The request is over: restore the tags, hand a recording to its session."""
    if request.task is not None:
        tagging.set_task_entry(request.task, request.previous)
    else:
        tagging.set_thread_entry(request.ident, request.previous)
    on_end = request.on_end
    if on_end is not None:
        on_end(request)


def enter_worker(request: Request) -> WorkerToken:
    """A worker thread starts work for `request` (a sync endpoint run in a
    thread pool by an async framework); returns what `leave_worker` restores."""
    ident = _get_ident()
    previous = tagging.thread_entry(ident)
    tagging.set_thread_entry(ident, request.tags if request.tags is not None else request)
    recording = request.recording
    if recording is not None:
        recording.add_thread(ident, threading.current_thread().name)
    return ident, previous


def leave_worker(request: Request, token: WorkerToken) -> None:
    """The worker thread is done with `request`: its tags are what they were."""
    ident, previous = token
    tagging.set_thread_entry(ident, previous)
    recording = request.recording
    if recording is not None:
        recording.remove_thread(ident)


def _offer(request: Request) -> None:
    """Lets the session recorder take the request (with no session active: one dict check)."""
    current = recorder
    if current is not None and current.wants_requests():
        current.begin(request)
