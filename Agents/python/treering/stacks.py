"""Stack counting, and the treering/1 document.

The hot path (`StackCounter.add`) walks a stack collecting its code objects
and counts it under the tuple of their ids, leaf first: no hashing of code
objects (each hash reads the code's names and constants), no string work, no
reversal; frames get their indexes when the document is made. The counter
keeps every code object whose id it counted, so an id stays that object's
for the counter's life. It holds no frame after a sample: a frame kept until
the next one made the sampler the one to free the app's finished frames and
their locals, which cost more than the walk it saved (see the README's
Overhead section)."""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
from types import CodeType, FrameType
from typing import Any, Union

from . import __version__
from .tagging import Tags

FORMAT = "treering/1"
AGENT = f"treering-python {__version__}"
RUNTIME = f"{sys.implementation.name.replace('cpython', 'CPython')} {sys.version.split()[0]}"

Document = dict[str, Any]  # a treering/1 document, as JSON
FrameKey = Union[int, tuple[int, int]]  # a code object's id, or (its id, line) by line
StackKey = tuple[str, Tags, tuple[Any, ...]]  # (thread, tags, FrameKeys leaf first)


# Files whose frames only launch the program: runpy (`python -m`, and
# `treering run`'s run_path/run_module) and treering's own command line. At
# the root of a stack they are left out, as pyinstrument hides its own frames:
# otherwise `treering run app.py` spends eight of the sunburst's rings on them.
_run_code: Any = getattr(runpy, "_run_code")  # noqa: B009 (private: its file is "<frozen runpy>" on 3.11+)
_RUNPY_CODE_FILE: str = _run_code.__code__.co_filename
LAUNCHER_FILES: frozenset[str] = frozenset(
    {
        str(runpy.__file__),
        _RUNPY_CODE_FILE,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "__main__.py"),
    }
)


class StackCounter:
    """Counts identical stacks per (thread name, tags)."""

    def __init__(self, granularity: str = "function", max_depth: int = 1024):
        self.by_line = granularity == "line"
        self.max_depth = max_depth
        self._depths = range(max_depth)
        # (thread, tags, stack key) -> count; a stack key is the ids of its
        # code objects, leaf first (by line: (code id, line) pairs).
        self.counts: dict[StackKey, int] = {}
        self._codes: dict[int, CodeType] = {}  # id -> the code object, for every id counted
        self._frame_index: dict[FrameKey, int] = {}  # code id or (code id, line) -> frame index
        self._frames: list[dict[str, str | int]] = []
        self._launchers: set[int] = set()  # frame indexes of LAUNCHER_FILES
        self.start = time.time()
        self.samples = 0

    def add(self, frame: FrameType | None, thread: str, tags: Tags) -> None:
        """Adds one sample of the stack ending in `frame`. Call it while the
        GIL is held since the stacks were taken: a generator's frame loses its
        caller once it finishes."""
        # One attribute read and one append per frame, inlined: a method call
        # or a dict lookup per frame was most of the sample's cost.
        codes: list[CodeType] = []
        append = codes.append
        if self.by_line:
            lines: list[int] = []
            append_line = lines.append
            for _ in self._depths:
                if frame is None:
                    break
                append(frame.f_code)
                append_line(frame.f_lineno)
                frame = frame.f_back
            stack: tuple[Any, ...] = tuple(zip(map(id, codes), lines))
        else:
            for _ in self._depths:
                if frame is None:
                    break
                append(frame.f_code)
                frame = frame.f_back
            stack = tuple(map(id, codes))
        key = (thread, tags, stack)
        counts = self.counts
        count = counts.get(key)
        if count is None:
            counts[key] = 1
            self._codes.update(zip(map(id, codes), codes))  # a new stack: keep its code objects
        else:
            counts[key] = count + 1
        self.samples += 1

    def _index(self, element: FrameKey) -> int:
        """The frame index of one element of a stack key."""
        index = self._frame_index.get(element)
        if index is None:
            if isinstance(element, tuple):
                code, line = self._codes[element[0]], element[1]
            else:
                code = self._codes[element]
                line = code.co_firstlineno
            index = len(self._frames)
            name: str = getattr(code, "co_qualname", code.co_name)
            self._frames.append({"name": name, "file": code.co_filename, "line": line or 0})
            self._frame_index[element] = index
            if code.co_filename in LAUNCHER_FILES:
                self._launchers.add(index)
        return index

    def stacks(self) -> dict[tuple[str, Tags, tuple[int, ...]], int]:
        """(thread, tags, frame indexes root first) -> count, launcher frames
        at the root left out (stacks that differed only there are merged)."""
        index = self._index
        launchers = self._launchers
        merged: dict[tuple[str, Tags, tuple[int, ...]], int] = {}
        for (thread, tags, key), count in self.counts.items():
            stack = [index(element) for element in reversed(key)]
            if len(stack) > 1 and stack[0] in launchers:
                skip = 1
                while skip < len(stack) - 1 and stack[skip] in launchers:
                    skip += 1
                del stack[:skip]
            stack_key = (thread, tags, tuple(stack))
            merged[stack_key] = merged.get(stack_key, 0) + count
        return merged

    def document(
        self,
        app: str,
        interval_ms: float,
        tags: dict[str, str],
        host: str | None,
        end: float | None = None,
        extra_tags: dict[str, str] | None = None,
    ) -> Document:
        """The treering/1 document of everything counted so far."""
        samples: list[dict[str, Any]] = []
        for (thread, sample_tags, stack), count in self.stacks().items():
            sample: dict[str, Any] = {"stack": list(stack), "count": count, "thread": thread}
            if sample_tags:
                sample["tags"] = dict(sample_tags)
            samples.append(sample)
        all_tags = dict(tags)
        if extra_tags:
            all_tags.update(extra_tags)
        end = end if end is not None else time.time()
        doc: Document = {
            "format": FORMAT,
            "app": app,
            "pid": os.getpid(),
            "runtime": RUNTIME,
            "agent": AGENT,
            "start": self.start,
            "end": max(end, self.start),
            "interval_ms": interval_ms,
            "tags": {str(k): str(v) for k, v in all_tags.items()},
            "frames": self._frames,
            "samples": samples,
        }
        if host:
            doc["host"] = host
        return doc


def thread_names() -> dict[int | None, str]:
    """Thread ident -> name, for the threads `threading` knows."""
    return {t.ident: t.name for t in threading.enumerate()}


def merge_documents(documents: list[Document]) -> Document:
    """Several documents of one run as one (frames re-indexed, counts added)."""
    if len(documents) == 1:
        return documents[0]
    frames: list[dict[str, Any]] = []
    index: dict[tuple[Any, Any, Any], int] = {}
    counts: dict[tuple[tuple[int, ...], str | None, tuple[tuple[str, str], ...]], int] = {}
    for doc in documents:
        remap: list[int] = []
        for f in doc["frames"]:
            key = (f["name"], f["file"], f["line"])
            if key not in index:
                index[key] = len(frames)
                frames.append(f)
            remap.append(index[key])
        for s in doc["samples"]:
            sample_tags: dict[str, str] = s.get("tags") or {}
            indexes: list[int] = s["stack"]
            stack = tuple([remap[i] for i in indexes])
            skey = (stack, s.get("thread"), tuple(sorted(sample_tags.items())))
            counts[skey] = counts.get(skey, 0) + s["count"]
    merged = dict(documents[-1])
    merged["start"] = documents[0]["start"]
    merged["frames"] = frames
    samples: list[dict[str, Any]] = []
    for (stack, thread, pairs), count in counts.items():
        sample: dict[str, Any] = {"stack": list(stack), "count": count, "thread": thread}
        if pairs:
            sample["tags"] = dict(pairs)
        samples.append(sample)
    merged["samples"] = samples
    return merged
