"""What the adversarial tests share: raw HTTP with a timeout on every call,
answers that describe themselves in a failure message, the checks a user
makes of a refusal (4xx, JSON body, the field named), and the server's
options as `treering serve --help` lists them."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import time
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from support.treering_server import REPO, TreeringServer, server_binary

NOW = time.time()
FRAMES = [
    {"name": "<module>", "file": "app.py", "line": 1},
    {"name": "handle", "file": "app/views.py", "line": 10},
    {"name": "query", "file": "app/db.py", "line": 20},
]


def doc(app: str = "adv", start: float | None = None, **fields) -> dict:
    """A small valid treering/1 upload (start: a minute ago unless given)."""
    start = NOW - 60 if start is None else start
    out = {
        "format": "treering/1",
        "app": app,
        "host": "web-1",
        "start": start,
        "end": start + 10,
        "interval_ms": 10,
        "tags": {"transaction": "GET /orders/"},
        "frames": FRAMES,
        "samples": [
            {"stack": [0, 1, 2], "count": 5, "thread": "MainThread"},
            {"stack": [0, 1], "count": 2, "thread": "MainThread"},
        ],
    }
    out.update(fields)
    return out


@dataclass
class Answer:
    """An HTTP answer, or why there was none (`error`)."""

    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    seconds: float = 0.0

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def error_message(self) -> str | None:
        """The message of a `{"error": {"code", "message"}}` body."""
        j = self.json
        if isinstance(j, dict) and isinstance(j.get("error"), dict) and isinstance(j["error"].get("message"), str):
            return j["error"]["message"]
        return None

    def __str__(self) -> str:
        if self.status is None:
            return f"no answer after {self.seconds:.1f}s ({self.error})"
        body = self.body[:300].decode(errors="replace")
        ctype = self.headers.get("content-type", "-")
        return f"{self.status} ({ctype}) {body!r}" + ("" if len(self.body) <= 300 else f" ... ({len(self.body)} bytes)")


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 20.0
) -> Answer:
    """One request on its own connection; the path is sent as given (no quoting)."""
    t0 = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, data, seconds=time.monotonic() - t0)
    except (OSError, http.client.HTTPException) as e:
        return Answer(error=f"{type(e).__name__}: {e}", seconds=time.monotonic() - t0)
    finally:
        conn.close()


def get(port: int, path: str, timeout: float = 20.0) -> Answer:
    return request(port, "GET", path, timeout=timeout)


def post_json(port: int, path: str, value, timeout: float = 20.0) -> Answer:
    return request(port, "POST", path, json.dumps(value).encode(), {"Content-Type": "application/json"}, timeout)


def refusal_problems(answer: Answer, names: str, statuses: Container[int] = range(400, 500)) -> list[str]:
    """What is wrong with `answer` as a refusal that names `names` (a regex):
    a 4xx, a JSON `{"error": {"message"}}` body, the message matching."""
    problems = []
    if answer.status is None or answer.status not in statuses:
        problems.append(f"expected a 4xx, got {answer}")
        return problems
    message = answer.error_message
    if message is None:
        problems.append(f"the {answer.status} has no JSON error body: {answer}")
    elif not re.search(names, message):
        problems.append(f"the error does not name /{names}/: {message!r}")
    return problems


def healthy(server: TreeringServer, timeout: float = 10.0) -> str | None:
    """None when the process runs and /healthz answers 200, else what was seen."""
    if server.proc is None or server.proc.poll() is not None:
        return f"the process has exited (code {server.proc.returncode if server.proc else '?'}){log_tail(server)}"
    answer = get(server.port, "/healthz", timeout=timeout)
    if answer.status != 200:
        return f"/healthz: {answer}{log_tail(server)}"
    return None


def log_tail(server: TreeringServer, lines: int = 4) -> str:
    """The log's crash line (or last lines), for failure messages."""
    try:
        text = server.log_path.read_text(errors="replace")
    except OSError:
        return ""
    fatal = [line for line in text.splitlines() if "Fatal error" in line or "Crash" in line or "crashed" in line]
    pick = fatal[:2] if fatal else text.splitlines()[-lines:]
    return ("; log: " + " | ".join(line.strip()[:200] for line in pick)) if pick else ""


_HELP: dict[str, str] | None = None


def serve_options() -> dict[str, str]:
    """`treering serve --help` as {"--option": "its help text"}."""
    global _HELP
    if _HELP is None:
        out = subprocess.run(
            [str(server_binary()), "serve", "--help"], capture_output=True, text=True, cwd=REPO, timeout=30
        ).stdout
        _HELP = {}
        current = None
        for line in out.splitlines():
            m = re.match(r"\s+(?:-\w, )?(--[a-z0-9-]+)(?: <[^>]+>)?\s*(.*)", line)
            if m:
                current = m.group(1)
                _HELP[current] = m.group(2)
            elif current and line.startswith(" " * 8):
                _HELP[current] += " " + line.strip()
    return _HELP


def find_option(*patterns: str) -> str | None:
    """The first serve option whose name matches one of the regexes."""
    options = serve_options()
    for pattern in patterns:
        for name in options:
            if re.search(pattern, name):
                return name
    return None


# Protobuf, by hand: enough of pprof's profile.proto and Pyroscope's push.proto for the tests.
def varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # int64 as protobuf writes it: two's complement, ten bytes when negative
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def pb_field(number: int, value) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def pprof(values: tuple[int, ...] = (3,), period: int | None = None) -> bytes:
    """A CPU profile of samples main -> work, one a value; with `period`, a
    period in the samples' unit (so the server divides by it)."""
    strings = ["", "cpu", "nanoseconds", "main", "work", "app.py"]
    samples = [pb_field(2, pb_field(1, varint(2) + varint(1)) + pb_field(2, varint(v))) for v in values]
    return b"".join(
        [
            pb_field(1, pb_field(1, 1) + pb_field(2, 2)),  # sample_type cpu/nanoseconds
            *samples,  # each: locations [2, 1] (leaf first), one value
            pb_field(4, pb_field(1, 1) + pb_field(4, pb_field(1, 1))),  # location 1 -> function 1
            pb_field(4, pb_field(1, 2) + pb_field(4, pb_field(1, 2))),  # location 2 -> function 2
            pb_field(5, pb_field(1, 1) + pb_field(2, 3) + pb_field(4, 5)),  # function 1: main
            pb_field(5, pb_field(1, 2) + pb_field(2, 4) + pb_field(4, 5)),  # function 2: work
            *[pb_field(6, s) for s in strings],
            *([pb_field(11, pb_field(1, 1) + pb_field(2, 2)), pb_field(12, period)] if period is not None else []),
        ]
    )


def push(labels: dict, profile: bytes | None = None) -> bytes:
    """A PushRequest of one series with `labels` and one raw profile."""
    series = b"".join(pb_field(1, pb_field(1, k) + pb_field(2, v)) for k, v in labels.items())
    return pb_field(1, series + pb_field(2, pb_field(1, profile if profile is not None else pprof())))
