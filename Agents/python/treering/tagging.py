"""Which request each thread (or, on an event loop, each task) is serving:
middleware sets the transaction name here, the sampler reads it with a few
dict lookups per sampled thread.

An entry is a tuple of sorted (key, value) pairs, or an in-flight request
whose name is only known once the framework has routed it (a `TagSource`: it
answers `sample_tags()`, resolving its name on first use). This module is the
only one that touches the tables; the rest of the agent uses the functions
below."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Generator, Iterable
from contextlib import contextmanager
from typing import Any, Callable, Protocol, TypeVar, Union

Tags = tuple[tuple[str, str], ...]


class TagSource(Protocol):
    def sample_tags(self) -> Tags: ...


Entry = Union[Tags, TagSource]
T = TypeVar("T")

_running_task_by_loop: dict[asyncio.AbstractEventLoop, asyncio.Task[Any]] | None
try:  # CPython 3.7-3.13: loop -> the task running on it; a plain dict, readable from any thread
    from asyncio.tasks import _current_tasks as _running_task_by_loop  # type: ignore[attr-defined, no-redef]
except ImportError:  # pragma: no cover - other versions keep it per thread
    _running_task_by_loop = None

# Plain dicts: reads and writes of one key are atomic under the GIL.
_tags_by_thread: dict[int, Entry] = {}  # thread ident -> entry
_tags_by_task: dict[asyncio.Task[Any], Entry] = {}  # asyncio task -> entry
_loop_by_thread: dict[int, asyncio.AbstractEventLoop] = {}  # thread ident -> the loop it runs requests on


# -- the tables -------------------------------------------------------------
def thread_entry(ident: int) -> Entry | None:
    """What thread `ident` is tagged with (None: nothing)."""
    return _tags_by_thread.get(ident)


def set_thread_entry(ident: int, entry: Entry | None) -> None:
    """Tags thread `ident` with `entry` (None: removes its tags)."""
    if entry is None:
        _tags_by_thread.pop(ident, None)
    else:
        _tags_by_thread[ident] = entry


def task_entry(task: asyncio.Task[Any]) -> Entry | None:
    """What `task` is tagged with (None: nothing)."""
    return _tags_by_task.get(task)


def set_task_entry(task: asyncio.Task[Any], entry: Entry | None) -> None:
    """Tags `task` (and the tasks it starts from now on) with `entry` (None: removes it)."""
    if entry is None:
        _tags_by_task.pop(task, None)
    else:
        _tags_by_task[task] = entry


def thread_entries() -> dict[int, Entry]:
    """A copy of every thread's entry (for tests and diagnostics)."""
    return dict(_tags_by_thread)


def task_entries() -> dict[asyncio.Task[Any], Entry]:
    """A copy of every task's entry (for tests and diagnostics)."""
    return dict(_tags_by_task)


def has_loops() -> bool:
    """Whether any thread runs requests on an event loop."""
    return bool(_loop_by_thread)


def as_tuple(entry: Entry | None) -> Tags:
    """The tags an entry gives a sample taken now."""
    if entry is None:
        return ()
    if isinstance(entry, tuple):
        return entry
    return entry.sample_tags()


# -- the sampler's side -------------------------------------------------------
def current_task_of(loop: asyncio.AbstractEventLoop) -> asyncio.Task[Any] | None:
    """The task running on `loop` right now (None between tasks), from any thread."""
    if _running_task_by_loop is not None:
        return _running_task_by_loop.get(loop)
    try:  # pragma: no cover - slower, but safe where the dict is gone
        return asyncio.current_task(loop)
    except Exception:
        return None


def running_tasks() -> dict[int, asyncio.Task[Any] | None]:
    """Loop thread ident -> the task running on its loop now (None between tasks)."""
    return {ident: current_task_of(loop) for ident, loop in list(_loop_by_thread.items())}


def captured_with_entries(
    capture: Callable[[], T],
) -> tuple[T, dict[int, asyncio.Task[Any] | None], dict[int, Entry]]:
    """Calls `capture()` (e.g. `sys._current_frames`) and returns its result
    with what each thread was doing while it ran: the task each loop thread
    was running, and every thread's entry, read just before and just after
    `capture()`, not looked up later while the sample is counted (by then a
    request may have ended, and its last stacks would go untagged, or begun,
    and another request's stack would take its name). A loop whose running
    task changed, or a thread whose entry changed, during the capture maps
    to None or is left out: its sample is given to neither."""
    tasks_before = running_tasks() if _loop_by_thread else {}
    before = _tags_by_thread.copy()
    result = capture()
    after = _tags_by_thread.copy()
    entries = after if after == before else {k: e for k, e in after.items() if before.get(k) == e}
    if not tasks_before:
        return result, {}, entries
    tasks_after = running_tasks()
    return result, {i: t if tasks_after.get(i) is t else None for i, t in tasks_before.items()}, entries


def current_tags(
    ident: int, tasks: dict[int, asyncio.Task[Any] | None] | None = None, entries: dict[int, Entry] | None = None
) -> Tags:
    """The tags of what thread `ident` is doing now (the sampler's lookup).
    `tasks` and `entries` are `captured_with_entries()`'s maps, taken with
    the stacks being tagged."""
    entry: Entry | None = None
    if tasks is None:
        loop = _loop_by_thread.get(ident)
        task = current_task_of(loop) if loop is not None else None
    else:
        task = tasks.get(ident)
    if task is not None:
        entry = _tags_by_task.get(task)
    if entry is None:
        entry = (_tags_by_thread if entries is None else entries).get(ident)
        if entry is None:
            return ()
    if entry.__class__ is tuple:
        return entry  # type: ignore[return-value]  # (the class test is the hot path's isinstance)
    return entry.sample_tags()  # type: ignore[union-attr]


# -- event loops ----------------------------------------------------------------
def register_loop(ident: int, loop: asyncio.AbstractEventLoop) -> None:
    """`loop` runs requests on thread `ident`: its samples go by running task,
    and tasks a request starts (a task group in a middleware, a streamed body)
    inherit the request's entry through a task factory."""
    if _loop_by_thread.get(ident) is not loop:
        _loop_by_thread[ident] = loop
        _follow_child_tasks(loop)


def _forget_task(task: asyncio.Task[Any]) -> None:
    _tags_by_task.pop(task, None)


def _follow_child_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Wraps the loop's task factory (or the default one) so that a task created
    by a task serving a request serves it too. Installed once per loop."""
    previous: Any = loop.get_task_factory()
    if getattr(previous, "_treering", False):
        return

    def factory(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = (
            asyncio.Task(coro, loop=loop, **kwargs) if previous is None else previous(loop, coro, **kwargs)
        )
        try:
            parent = current_task_of(loop)
            entry = _tags_by_task.get(parent) if parent is not None else None
            if entry is not None and not task.done():
                _tags_by_task[task] = entry
                task.add_done_callback(_forget_task)
        except Exception:  # never in the way of creating a task
            pass
        return task

    factory._treering = True  # type: ignore[attr-defined]
    loop.set_task_factory(factory)  # type: ignore[arg-type]


def forget_threads(alive: Iterable[int]) -> None:
    """Drops loop registrations of threads that have ended (their idents may be reused)."""
    alive = set(alive)
    for ident in [i for i in _loop_by_thread if i not in alive]:
        _loop_by_thread.pop(ident, None)


def after_fork_in_child() -> None:
    """Only the forking thread lives on in a child: drop the others' entries
    (a new thread may get an old ident) and the loops of the parent."""
    ident = threading.get_ident()
    for key in [k for k in _tags_by_thread if k != ident]:
        _tags_by_thread.pop(key, None)
    _tags_by_task.clear()
    _loop_by_thread.clear()


# -- the application's API ---------------------------------------------------------
def set_tags(**tags: object) -> None:
    """Labels the calling thread's samples until `clear_tags()`."""
    ident = threading.get_ident()
    merged = dict(as_tuple(_tags_by_thread.get(ident)))
    merged.update({str(k): str(v) for k, v in tags.items() if v is not None})
    _tags_by_thread[ident] = tuple(sorted(merged.items()))


def clear_tags() -> None:
    """Removes the calling thread's labels."""
    _tags_by_thread.pop(threading.get_ident(), None)


@contextmanager
def tagged(**tags: object) -> Generator[None, None, None]:
    """`with tagged(transaction="GET /orders/"):` labels the block's samples."""
    previous = _tags_by_thread.get(threading.get_ident())
    set_tags(**tags)
    try:
        yield
    finally:
        if previous is None:
            clear_tags()
        else:
            _tags_by_thread[threading.get_ident()] = previous
