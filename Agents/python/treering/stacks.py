"""Frame interning, stack counting, and the treering/1 document.

The hot path (`StackCounter.add_frame`) does no string work in steady state:
a code object seen before maps to its frame index through one dict lookup."""
from __future__ import annotations

import os
import runpy
import sys
import threading
import time

from . import __version__

FORMAT = "treering/1"
AGENT = f"treering-python {__version__}"
RUNTIME = f"{sys.implementation.name.replace('cpython', 'CPython')} {sys.version.split()[0]}"


# Files whose frames only launch the program: runpy (`python -m`, and
# `treering run`'s run_path/run_module) and treering's own command line. At
# the root of a stack they are left out, as pyinstrument hides its own frames:
# otherwise `treering run app.py` spends eight of the sunburst's rings on them.
LAUNCHER_FILES = frozenset({
    runpy.__file__, runpy._run_code.__code__.co_filename,   # "<frozen runpy>" on 3.11+
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "__main__.py"),
})


class StackCounter:
    """Counts identical stacks per (thread name, tags)."""

    def __init__(self, granularity: str = "function", max_depth: int = 1024):
        self.by_line = granularity == "line"
        self.max_depth = max_depth
        self.frames: list[dict] = []
        self._code_index: dict = {}      # code object (or (code, line)) -> frame index
        self._launchers: set = set()     # frame indexes of LAUNCHER_FILES
        self.counts: dict = {}           # (thread, tags, stack tuple) -> count
        self.start = time.time()
        self.samples = 0

    def frame_index(self, frame) -> int:
        code = frame.f_code
        key = (code, frame.f_lineno) if self.by_line else code
        index = self._code_index.get(key)
        if index is None:
            index = len(self.frames)
            line = frame.f_lineno if self.by_line else code.co_firstlineno
            name = getattr(code, "co_qualname", code.co_name)
            self.frames.append({"name": name, "file": code.co_filename, "line": line or 0})
            self._code_index[key] = index
            if code.co_filename in LAUNCHER_FILES:
                self._launchers.add(index)
        return index

    def add(self, frame, thread: str, tags: tuple) -> None:
        """Adds one sample of the stack ending in `frame`."""
        # The per-frame step is one dict lookup, inlined: a method call per
        # frame cost ~40% of the sample time when profiled.
        code_index = self._code_index
        by_line = self.by_line
        stack = []
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
        key = (thread, tags, tuple(stack))
        counts = self.counts
        counts[key] = counts.get(key, 0) + 1
        self.samples += 1

    def document(self, app: str, interval_ms: float, tags: dict, host: str | None, end: float | None = None,
                 extra_tags: dict | None = None) -> dict:
        """The treering/1 document of everything counted so far."""
        samples = []
        for (thread, sample_tags, stack), count in self.counts.items():
            sample = {"stack": list(stack), "count": count, "thread": thread}
            if sample_tags:
                sample["tags"] = dict(sample_tags)
            samples.append(sample)
        all_tags = dict(tags)
        if extra_tags:
            all_tags.update(extra_tags)
        end = end if end is not None else time.time()
        doc = {
            "format": FORMAT, "app": app, "pid": _pid(), "runtime": RUNTIME, "agent": AGENT,
            "start": self.start, "end": max(end, self.start), "interval_ms": interval_ms,
            "tags": {str(k): str(v) for k, v in all_tags.items()},
            "frames": self.frames, "samples": samples,
        }
        if host:
            doc["host"] = host
        return doc


def _pid() -> int:
    import os
    return os.getpid()


def thread_names() -> dict:
    """Thread ident -> name, for the threads `threading` knows."""
    return {t.ident: t.name for t in threading.enumerate()}


def merge_documents(documents: list) -> dict:
    """Several documents of one run as one (frames re-indexed, counts added)."""
    if len(documents) == 1:
        return documents[0]
    frames, index, counts = [], {}, {}
    for doc in documents:
        remap = []
        for f in doc["frames"]:
            key = (f["name"], f["file"], f["line"])
            if key not in index:
                index[key] = len(frames)
                frames.append(f)
            remap.append(index[key])
        for s in doc["samples"]:
            key = (tuple(remap[i] for i in s["stack"]), s.get("thread"), tuple(sorted((s.get("tags") or {}).items())))
            counts[key] = counts.get(key, 0) + s["count"]
    merged = dict(documents[-1])
    merged["start"] = documents[0]["start"]
    merged["frames"] = frames
    merged["samples"] = [dict({"stack": list(k[0]), "count": c, "thread": k[1]}, **({"tags": dict(k[2])} if k[2] else {}))
                         for k, c in counts.items()]
    return merged
