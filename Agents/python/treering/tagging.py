"""Which request each thread (or, on an event loop, each task) is serving:
middleware sets the transaction name here, the sampler reads it with a few
dict lookups per sampled thread.

An entry is a tuple of sorted (key, value) pairs, or an in-flight request
whose name is only known once the framework has routed it (it then answers
`sample_tags()`, resolving its name on first use)."""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager

try:  # CPython 3.7-3.13: loop -> the task running on it; a plain dict, readable from any thread
    from asyncio.tasks import _current_tasks as _running_task_by_loop
except ImportError:  # pragma: no cover - other versions keep it per thread
    _running_task_by_loop = None

# Plain dicts: reads and writes of one key are atomic under the GIL.
_tags_by_thread: dict = {}   # thread ident -> entry
_tags_by_task: dict = {}     # asyncio task -> entry
_loop_by_thread: dict = {}   # thread ident -> the event loop it runs requests on


def current_task_of(loop):
    """The task running on `loop` right now (None between tasks), from any thread."""
    if _running_task_by_loop is not None:
        return _running_task_by_loop.get(loop)
    try:  # pragma: no cover - slower, but safe where the dict is gone
        return asyncio.current_task(loop)
    except Exception:
        return None


def running_tasks() -> dict:
    """Loop thread ident -> the task running on its loop now (None between tasks)."""
    return {ident: current_task_of(loop) for ident, loop in list(_loop_by_thread.items())}


def tasks_around(capture):
    """Calls `capture()` (e.g. `sys._current_frames`) and returns its result with
    the task each loop thread was running while it was taken: a loop whose
    running task changed meanwhile maps to None, so its thread's sample is
    not given to either task."""
    if not _loop_by_thread:
        return capture(), {}
    before = running_tasks()
    result = capture()
    after = running_tasks()
    return result, {ident: task if after.get(ident) is task else None for ident, task in before.items()}


def current_tags(ident: int, tasks=None) -> tuple:
    """The tags of what thread `ident` is doing now (the sampler's lookup).
    `tasks` is `tasks_around()`'s map, taken with the stacks being tagged."""
    entry = None
    if tasks is None:
        loop = _loop_by_thread.get(ident)
        task = current_task_of(loop) if loop is not None else None
    else:
        task = tasks.get(ident)
    if task is not None:
        entry = _tags_by_task.get(task)
    if entry is None:
        entry = _tags_by_thread.get(ident)
        if entry is None:
            return ()
    if entry.__class__ is tuple:
        return entry
    return entry.sample_tags()


def as_tuple(entry) -> tuple:
    if entry is None:
        return ()
    return entry if entry.__class__ is tuple else entry.sample_tags()


def register_loop(ident: int, loop) -> None:
    """`loop` runs requests on thread `ident`: its samples go by running task,
    and tasks a request starts (a task group in a middleware, a streamed body)
    inherit the request's entry through a task factory."""
    if _loop_by_thread.get(ident) is not loop:
        _loop_by_thread[ident] = loop
        _follow_child_tasks(loop)


def _forget_task(task) -> None:
    _tags_by_task.pop(task, None)


def _follow_child_tasks(loop) -> None:
    """Wraps the loop's task factory (or the default one) so that a task created
    by a task serving a request serves it too. Installed once per loop."""
    previous = loop.get_task_factory()
    if getattr(previous, "_treering", False):
        return

    def factory(loop, coro, **kwargs):
        task = asyncio.Task(coro, loop=loop, **kwargs) if previous is None else previous(loop, coro, **kwargs)
        try:
            parent = current_task_of(loop)
            entry = _tags_by_task.get(parent) if parent is not None else None
            if entry is not None and not task.done():
                _tags_by_task[task] = entry
                task.add_done_callback(_forget_task)
        except Exception:   # never in the way of creating a task
            pass
        return task

    factory._treering = True
    loop.set_task_factory(factory)


def forget_threads(alive: set) -> None:
    """Drops loop registrations of threads that have ended (their idents may be reused)."""
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


def set_tags(**tags) -> None:
    """Labels the calling thread's samples until `clear_tags()`."""
    ident = threading.get_ident()
    merged = dict(as_tuple(_tags_by_thread.get(ident)))
    merged.update({str(k): str(v) for k, v in tags.items() if v is not None})
    _tags_by_thread[ident] = tuple(sorted(merged.items()))


def clear_tags() -> None:
    _tags_by_thread.pop(threading.get_ident(), None)


@contextmanager
def tagged(**tags):
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
