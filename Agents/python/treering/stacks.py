"""Frame interning, stack counting, and the treering/1 document.

The hot path (`StackCounter.stack_of`) does no string work in steady state:
a code object seen before maps to its frame index through one dict lookup.
It holds no frame after a sample: a frame kept until the next one made the
sampler the one to free the app's finished frames and their locals, which
cost more than the walk it saved (see the README's Overhead section)."""

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
FrameKey = Union[CodeType, tuple[CodeType, int]]  # a code object, or (code, line) by line
StackKey = tuple[str, Tags, tuple[int, ...]]  # (thread, tags, frame indexes root first)


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
        self.frames: list[dict[str, str | int]] = []
        self._code_index: dict[FrameKey, int] = {}  # code object (or (code, line)) -> frame index
        self._launchers: set[int] = set()  # frame indexes of LAUNCHER_FILES
        self.counts: dict[StackKey, int] = {}  # (thread, tags, stack tuple) -> count
        self.start = time.time()
        self.samples = 0

    def frame_index(self, frame: FrameType) -> int:
        code = frame.f_code
        key: FrameKey = (code, frame.f_lineno) if self.by_line else code
        index = self._code_index.get(key)
        if index is None:
            index = len(self.frames)
            line = frame.f_lineno if self.by_line else code.co_firstlineno
            name: str = getattr(code, "co_qualname", code.co_name)
            self.frames.append({"name": name, "file": code.co_filename, "line": line or 0})
            self._code_index[key] = index
            if code.co_filename in LAUNCHER_FILES:
                self._launchers.add(index)
        return index

    def add(self, frame: FrameType | None, thread: str, tags: Tags) -> None:
        """Adds one sample of the stack ending in `frame`."""
        self.count(thread, tags, self.stack_of(frame))

    def count(self, thread: str, tags: Tags, stack: tuple[int, ...]) -> None:
        """Adds one sample of `stack` (from `stack_of` of this counter)."""
        key = (thread, tags, stack)
        counts = self.counts
        counts[key] = counts.get(key, 0) + 1
        self.samples += 1

    def stack_of(self, frame: FrameType | None) -> tuple[int, ...]:
        """The frame indexes of the stack ending in `frame`, root first. Read
        it while the GIL is held since the stacks were taken: a generator's
        frame loses its caller once it finishes."""
        # The per-frame step is one dict lookup, inlined: a method call per
        # frame cost ~40% of the sample time when profiled.
        code_index = self._code_index
        by_line = self.by_line
        stack: list[int] = []
        append = stack.append
        depth = 0
        max_depth = self.max_depth
        while frame is not None and depth < max_depth:
            index = code_index.get((frame.f_code, frame.f_lineno) if by_line else frame.f_code)
            if index is None:
                index = self.frame_index(frame)
            append(index)
            frame = frame.f_back
            depth += 1
        stack.reverse()
        if len(stack) > 1 and stack[0] in self._launchers:
            skip = 1
            while skip < len(stack) - 1 and stack[skip] in self._launchers:
                skip += 1
            del stack[:skip]
        return tuple(stack)

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
        for (thread, sample_tags, stack), count in self.counts.items():
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
            "frames": self.frames,
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
