"""The oracle for the importer golden files: turns each real tool output in
this folder into the folded text Treering must export for it, written beside
it as `<file>.folded`, without Treering's code (ImporterGoldenTests.swift
compares the Swift parsers against these files).

    python Tests/vectors/importers/expected.py          # writes the .folded files
    python Tests/vectors/importers/expected.py --check  # fails if one differs

What the folded text holds, per format (as docs/upload-format.md says):
one line per distinct stack, frames root first as `name (file:line)` (the
bare name when a frame has no file) joined by `;`, a space, then the summed
count; threads are not call-tree nodes, so stacks of all threads merge.

- folded (py-spy `-f raw`): py-spy's root frames (`thread (...)`,
  `process N:...`) name the thread and are dropped; a line with no frames
  counts under `(no stack)`.
- speedscope: weights in a unit of time become microseconds, summed per stack
  within each profile then rounded half away from zero; evented profiles give
  each open stack the time until the next event.
- pprof: the default sample type's values (else the first) divided by the
  period when the period has the value's unit; stacks leaf first in the file,
  each location's lines inlined-first, so both are reversed.
"""

import json
import math
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# file -> format; the Swift test lists the same cases.
CASES = {
    "pyspy.txt": "folded",
    "pyspy-threads.txt": "folded",
    "pyspy.speedscope.json": "speedscope",
    "pyinstrument.speedscope.json": "speedscope",
    "pyroscope.pb": "pprof",
}

Stack = tuple[str, ...]


def label(name: str, file: str, line: int) -> str:
    return f"{name} ({file}:{line})" if file else name


# --- folded --------------------------------------------------------------

FRAME_WITH_FILE = re.compile(r"^(.+) \(([^()]*?)(?::(\d+))?\)$")


def folded_frame(text: str) -> str:
    """`name (file:line)` stays as it is; `name (file)` gets line 0."""
    m = FRAME_WITH_FILE.match(text)
    if not m:
        return text
    name, file, line = m.group(1), m.group(2), m.group(3)
    return label(name, file, int(line) if line is not None else 0)


def is_pyspy_root(frame: str) -> bool:
    return frame.startswith("thread (") or re.match(r"^process \d+:", frame) is not None


def folded_stacks(data: bytes) -> list[tuple[Stack, int]]:
    out = []
    for line in data.decode("utf-8").split("\n"):
        line = line.removesuffix("\r")
        if not line.strip(" \t"):
            continue
        stack_text, count_text = line.rsplit(" ", 1)
        count = int(count_text)
        if count == 0:
            continue
        frames = [f for f in stack_text.split(";") if f]
        while frames and is_pyspy_root(frames[0]):
            frames.pop(0)
        out.append((tuple(folded_frame(f) for f in frames) or ("(no stack)",), count))
    return out


# --- speedscope ----------------------------------------------------------

MICROSECONDS = {"nanoseconds": 0.001, "microseconds": 1.0, "milliseconds": 1000.0, "seconds": 1000000.0}


def round_half_away(x: float) -> int:
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def speedscope_stacks(data: bytes) -> list[tuple[Stack, int]]:
    doc = json.loads(data)
    names = [label(f["name"], f.get("file") or "", max(0, f.get("line") or 0)) for f in doc["shared"]["frames"]]
    out = []
    for profile in doc["profiles"]:
        scale = MICROSECONDS.get(profile["unit"], 1.0)
        weights: dict[Stack, float] = {}
        if profile["type"] == "sampled":
            for stack, weight in zip(profile["samples"], profile["weights"]):
                key = tuple(names[i] for i in stack) or ("(no stack)",)
                weights[key] = weights.get(key, 0.0) + weight
        else:
            open_frames: list[str] = []
            last = profile["events"][0]["at"] if profile["events"] else 0
            for event in profile["events"]:
                if open_frames and event["at"] > last:
                    key = tuple(open_frames)
                    weights[key] = weights.get(key, 0.0) + (event["at"] - last)
                last = event["at"]
                if event["type"] == "O":
                    open_frames.append(names[event["frame"]])
                else:
                    open_frames.pop()
        for key, weight in weights.items():
            count = round_half_away(weight * scale)
            if count > 0:
                out.append((key, count))
    return out


# --- pprof ---------------------------------------------------------------


def varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = data[i]
        value |= (b & 0x7F) << shift
        i += 1
        if b < 0x80:
            return value, i
        shift += 7


def protobuf_fields(data: bytes):
    """(field number, wire type, value) of one protobuf message."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 2:
            size, i = varint(data, i)
            value, i = data[i : i + size], i + size
        elif wire == 1:
            value, i = data[i : i + 8], i + 8
        elif wire == 5:
            value, i = data[i : i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def repeated_ints(wire: int, value) -> list[int]:
    """A repeated integer field's entries: packed (wire 2) or one varint."""
    if wire != 2:
        return [value]
    out, i = [], 0
    while i < len(value):
        v, i = varint(value, i)
        out.append(v)
    return out


def signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def message(data: bytes) -> dict[int, list]:
    fields: dict[int, list] = {}
    for number, wire, value in protobuf_fields(data):
        fields.setdefault(number, []).append((wire, value))
    return fields


def embedded(fields: dict[int, list], number: int) -> list[bytes]:
    """The values of a length-delimited field: strings, bytes, messages."""
    return [value for _, value in fields.get(number, []) if isinstance(value, bytes)]


def scalar(fields: dict[int, list], number: int, default=0):
    return fields[number][-1][1] if number in fields else default


def pprof_profile(data: bytes) -> list[tuple[Stack, int]]:
    """profile.proto: sample_type 1, sample 2, location 4, function 5,
    string_table 6, period_type 11, period 12, default_sample_type 14."""
    p = message(data)
    strings = [v.decode("utf-8") for _, v in p.get(6, [])]
    types = [message(v) for _, v in p.get(1, [])]
    type_names = [strings[scalar(t, 1)] for t in types]
    index = 0
    default = scalar(p, 14)
    if default and strings[default] in type_names:
        index = type_names.index(strings[default])
    unit = strings[scalar(types[index], 2)]
    period = signed(scalar(p, 12))
    period_unit = strings[scalar(message(p[11][-1][1]), 2)] if 11 in p else ""
    divisor = period if period > 0 and period_unit == unit else 1

    functions = {}
    for _, v in p.get(5, []):
        f = message(v)
        name = strings[scalar(f, 2)] or "<unknown>"
        functions[scalar(f, 1)] = label(name, strings[scalar(f, 4)], max(0, signed(scalar(f, 5))))
    locations = {}
    for _, v in p.get(4, []):
        loc = message(v)
        lines = [functions[scalar(message(lv), 1)] for _, lv in loc.get(4, [])]
        locations[scalar(loc, 1)] = lines or [f"0x{scalar(loc, 3):x}"]

    out = []
    for _, v in p.get(2, []):
        s = message(v)
        ids = [i for wire, value in s.get(1, []) for i in repeated_ints(wire, value)]
        values = [signed(x) for wire, value in s.get(2, []) for x in repeated_ints(wire, value)]
        count = int(values[index] / divisor)  # Swift's Int64 division truncates
        stack = tuple(frame for loc in reversed(ids) for frame in reversed(locations[loc]))
        if count > 0 and stack:
            out.append((stack, count))
    return out


# --- folded text out -----------------------------------------------------


def folded_text(stacks: list[tuple[Stack, int]]) -> str:
    merged: dict[Stack, int] = {}
    for stack, count in stacks:
        merged[stack] = merged.get(stack, 0) + count
    lines = sorted(";".join(s) + f" {c}" for s, c in merged.items())
    return "".join(line + "\n" for line in lines)


READERS = {"folded": folded_stacks, "speedscope": speedscope_stacks, "pprof": pprof_profile}


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    differ = []
    for name, fmt in CASES.items():
        text = folded_text(READERS[fmt]((HERE / name).read_bytes()))
        target = HERE / f"{name}.folded"
        total = sum(int(line.rsplit(" ", 1)[1]) for line in text.splitlines())
        print(f"{name}: {len(text.splitlines())} stacks, {total} samples")
        if not check:
            target.write_text(text)
        elif not target.exists() or target.read_text() != text:
            differ.append(target.name)
    if differ:
        print(f"differ from what expected.py writes: {', '.join(differ)}", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
