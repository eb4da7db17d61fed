"""Which request each thread is serving: middleware sets the transaction
name here, the sampler reads it with one dict lookup per sampled thread."""
from __future__ import annotations

import threading
from contextlib import contextmanager

# thread ident -> tuple of (key, value) pairs, sorted. A plain dict: reads
# and writes of one key are atomic under the GIL.
_tags_by_thread: dict = {}


def current_tags(ident: int) -> tuple:
    return _tags_by_thread.get(ident, ())


def set_tags(**tags) -> None:
    """Labels the calling thread's samples until `clear_tags()`."""
    ident = threading.get_ident()
    merged = dict(_tags_by_thread.get(ident, ()))
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
