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

from . import tagging
from .transactions import names

TRANSACTION = "transaction"

# The running agent's session recorder (sessions.Sessions), or None. Set by
# treering.start(); read once per request.
sessions = None

_get_ident = threading.get_ident
_perf = time.perf_counter


class Request:
    """One request being served. `resolver(final)` asks the framework for the
    route name once it has routed the request (None until then; with
    final=True, at the end, it may fall back to a raw name)."""

    __slots__ = ("name", "tags", "resolver", "previous", "ident", "task", "t0", "recording")

    def __init__(self, name, resolver, previous, ident, task=None):
        self.name = None
        self.tags = None          # tuple once the name is known
        self.resolver = resolver
        self.previous = previous  # the entry this request's replaced (nested middleware, user tags)
        self.ident = ident        # the serving thread (for a task: the loop's thread)
        self.task = task
        self.t0 = _perf()
        self.recording = None     # a session_sampler.Recording while a session records it
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

    def resolve(self):
        """The name, asking the framework if it was not known yet (any thread)."""
        if self.name is None and self.resolver is not None:
            try:
                name = self.resolver(False)
            except Exception:
                name = None
            if name:
                self._named(name)
        return self.name

    def final_name(self):
        """The name at the end of the request, when routing is surely over."""
        if self.resolve() is None and self.resolver is not None:
            try:
                return self.resolver(True) or None
            except Exception:
                return None
        return self.name

    def sample_tags(self) -> tuple:
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
        return (_perf() - self.t0) * 1000.0


def begin(name=None, resolver=None) -> Request:
    """A request starts on this thread (WSGI, Django, a worker thread)."""
    ident = _get_ident()
    by_thread = tagging._tags_by_thread
    request = Request(name, resolver, by_thread.get(ident), ident)
    by_thread[ident] = request.tags if request.tags is not None else request
    recorder = sessions
    if recorder is not None and recorder.by_transaction:
        recorder.begin(request)
    return request


def begin_task(name=None, resolver=None) -> Request:
    """A request starts in the current asyncio task (ASGI): samples of the loop
    thread go to it only while this task is the one running."""
    task = asyncio.current_task()
    if task is None:
        return begin(name, resolver)
    ident = _get_ident()
    tagging.register_loop(ident, task.get_loop())
    by_task = tagging._tags_by_task
    request = Request(name, resolver, by_task.get(task), ident, task)
    by_task[task] = request   # the object itself: tasks it starts share it (tagging._follow_child_tasks)
    recorder = sessions
    if recorder is not None and recorder.by_transaction:
        recorder.begin(request)
    return request


def set_name(request: Request, name: str) -> None:
    """The name became known during the request (Django's process_view)."""
    request._named(name)
    if request.task is None:   # (a task's entry is the request itself, which now answers its tags)
        tagging._tags_by_thread[request.ident] = request.tags
    recorder = sessions
    if request.recording is None and recorder is not None and recorder.by_transaction:
        recorder.begin(request)


def end(request: Request) -> None:
    """The request is over: restore the tags, hand a recording to its session."""
    if request.task is not None:
        table, key = tagging._tags_by_task, request.task
    else:
        table, key = tagging._tags_by_thread, request.ident
    if request.previous is None:
        table.pop(key, None)
    else:
        table[key] = request.previous
    recording = request.recording
    if recording is not None:
        recording.owner.end(request)


def enter_worker(request: Request):
    """A worker thread starts work for `request` (a sync endpoint run in a
    thread pool by an async framework); returns what `leave_worker` restores."""
    ident = _get_ident()
    by_thread = tagging._tags_by_thread
    previous = by_thread.get(ident)
    by_thread[ident] = request.tags if request.tags is not None else request
    recording = request.recording
    if recording is not None:
        recording.add_thread(ident, threading.current_thread().name)
    return ident, previous


def leave_worker(request: Request, token) -> None:
    ident, previous = token
    if previous is None:
        tagging._tags_by_thread.pop(ident, None)
    else:
        tagging._tags_by_thread[ident] = previous
    recording = request.recording
    if recording is not None:
        recording.remove_thread(ident)
