"""A pure-Python checker of the treering/1 rules (upload-format.md), run
against the shared vectors in Tests/vectors/treering1 and on every document
the agent writes. Returns error strings that name the field, like the server."""

from __future__ import annotations

import re

APP = re.compile(r"^[\w./ -]{1,128}$")


def check(doc) -> list[str]:
    errors: list[str] = []
    if not isinstance(doc, dict):
        return ["document: expected an object"]
    for field in ("format", "app", "start", "end", "interval_ms", "frames", "samples"):
        if field not in doc:
            errors.append(f"{field}: required field is missing")
    if errors:
        return errors
    if doc["format"] != "treering/1":
        errors.append(f"format: unsupported format {doc['format']!r}")
    app = doc["app"]
    if not isinstance(app, str):
        errors.append("app: expected a string")
    elif not app:
        errors.append("app: must not be empty")
    elif len(app) > 128:
        errors.append("app: at most 128 characters")
    elif not APP.match(app) or "\n" in app:
        errors.append("app: only letters, digits, '.', '_', '-', '/' and space are allowed")
    for f in ("start", "end", "interval_ms"):
        if isinstance(doc[f], bool) or not isinstance(doc[f], (int, float)):
            errors.append(f"{f}: expected a number")
    if not errors:
        if doc["end"] < doc["start"]:
            errors.append("end: must be >= start")
        if doc["interval_ms"] <= 0:
            errors.append("interval_ms: must be > 0")
    errors += _tags(doc.get("tags"), "tags")
    frames = doc["frames"]
    if not isinstance(frames, list):
        return errors + ["frames: expected an array"]
    for i, f in enumerate(frames):
        if not isinstance(f, dict):
            errors.append(f"frames[{i}]: expected an object")
            continue
        if "name" not in f:
            errors.append(f"frames[{i}].name: required field is missing")
        for k in ("name", "file"):
            if k in f and not isinstance(f[k], str):
                errors.append(f"frames[{i}].{k}: expected a string")
            elif k in f and len(f[k].encode()) > 4096:
                errors.append(f"frames[{i}].{k}: longer than the limit of 4096 bytes")
        if "line" in f and (not isinstance(f["line"], int) or isinstance(f["line"], bool) or f["line"] < 0):
            errors.append(f"frames[{i}].line: must be an integer >= 0")
    samples = doc["samples"]
    if not isinstance(samples, list):
        return errors + ["samples: expected an array"]
    for i, s in enumerate(samples):
        p = f"samples[{i}]"
        if not isinstance(s, dict):
            errors.append(f"{p}: expected an object")
            continue
        if "stack" not in s:
            errors.append(f"{p}.stack: required field is missing")
        elif not isinstance(s["stack"], list):
            errors.append(f"{p}.stack: expected an array")
        elif not s["stack"]:
            errors.append(f"{p}.stack: must have at least 1 frame")
        elif len(s["stack"]) > 1024:
            errors.append(f"{p}.stack: deeper than the limit of 1024 frames")
        else:
            for j, x in enumerate(s["stack"]):
                if not isinstance(x, int) or isinstance(x, bool):
                    errors.append(f"{p}.stack[{j}]: expected a frame index")
                elif not 0 <= x < len(frames):
                    errors.append(f"{p}.stack[{j}]: frame index {x} out of range ({len(frames)} frames)")
        if "count" not in s:
            errors.append(f"{p}.count: required field is missing")
        elif not isinstance(s["count"], int) or isinstance(s["count"], bool):
            errors.append(f"{p}.count: expected an integer")
        elif s["count"] < 1:
            errors.append(f"{p}.count: must be an integer >= 1")
        if "thread" in s and s["thread"] is not None and not isinstance(s["thread"], str):
            errors.append(f"{p}.thread: expected a string")
        errors += _tags(s.get("tags"), f"{p}.tags")
    return errors


def _tags(tags, path) -> list[str]:
    if tags is None:
        return []
    if not isinstance(tags, dict):
        return [f"{path}: expected an object"]
    if len(tags) > 32:
        return [f"{path}: more than 32 tags"]
    return [f"{path}.{k}: expected a string" for k, v in tags.items() if not isinstance(v, str)]
