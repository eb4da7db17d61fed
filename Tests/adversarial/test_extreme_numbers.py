"""Issue 15's rule behind item 1 and 2: every number read from a request is
range-checked where it is read, so no value crashes the server, gets a 5xx,
or stores something that breaks a later rollup pass.

Each number of every ingest path (treering/1 fields, folded and Pyroscope
query parameters, a session's spec) and of the read API (from, until, step,
limit, before) is sent with extreme values written as JSON or query text:
±1e300, ±1e19, Int64.max and one past it, 1e309 (infinite as a double),
the smallest subnormal, -0.0 and a 30-digit integer; pprof profiles (as an
upload, through Pyroscope's /ingest and its push) carry Int64.max and
Int64.min values and periods, and values whose sum passes Int64.max. Every request must be
answered below 500; afterwards the server must be up, also past a rollup
pass and after a restart on the same file. A crash is recorded and the
server restarted, up to three crashes a test (each costs seconds).

The servers run with SWIFT_BACKTRACE=enable=no, so a trap ends the process at
once instead of after the backtracer's ~7 s (what is tested is whether it
traps, not how it reports it)."""

from __future__ import annotations

import json
import time

import pytest

from adversarial_http import NOW, doc, healthy, log_tail, pprof, push, request
from support.treering_server import TreeringServer

VALUES = [
    "1e300",
    "-1e300",
    "1e19",
    "-1e19",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "4.9e-324",
    "-0.0",
    "123456789012345678901234567890",
]
MAX_CRASHES = 3
ROLLUP_PASS_WAIT = 3.5


def treering_cases() -> list[tuple[str, str, bytes, dict]]:
    """(name, path, body, headers): one JSON number of a valid upload replaced by raw text."""
    base = doc(app="numbers", start=NOW - 120)
    fields = {
        "start and end": lambda d: d.update(start="@", end="@"),
        "end": lambda d: d.update(end="@"),
        "interval_ms": lambda d: d.update(interval_ms="@"),
        "pid": lambda d: d.update(pid="@"),
        "frames[0].line": lambda d: d["frames"][0].update(line="@"),
        "samples[0].count": lambda d: d["samples"][0].update(count="@"),
        "samples[0].stack[0]": lambda d: d["samples"][0]["stack"].__setitem__(0, "@"),
    }
    cases = []
    for name, change in fields.items():
        for value in VALUES:
            d = json.loads(json.dumps(base))
            change(d)
            body = json.dumps(d).replace('"@"', value).encode()
            cases.append((f"treering/1 {name}={value}", "/api/v1/ingest", body, {"Content-Type": "application/json"}))
    return cases


def query_text_cases() -> list[tuple[str, str, bytes | None, dict]]:
    folded = b"main (app.py:1);work (app.py:9) 3\n"
    text = {"Content-Type": "text/plain"}
    cases: list[tuple[str, str, bytes | None, dict]] = []
    start = f"{NOW - 120:.0f}"
    for v in VALUES:
        cases += [
            (f"folded start=end={v}", f"/api/v1/ingest?format=folded&app=numbers&start={v}&end={v}", folded, text),
            (f"folded end={v}", f"/api/v1/ingest?format=folded&app=numbers&start={start}&end={v}", folded, text),
            (f"folded interval_ms={v}", f"/api/v1/ingest?format=folded&app=numbers&interval_ms={v}", folded, text),
            (f"pyroscope from=until={v}", f"/ingest?name=numbers.cpu&from={v}&until={v}", b"main;work 3\n", text),
            (f"pyroscope until={v}", f"/ingest?name=numbers.cpu&from={start}&until={v}", b"main;work 3\n", text),
            (f"pyroscope sampleRate={v}", f"/ingest?name=numbers.cpu&sampleRate={v}", b"main;work 3\n", text),
        ]
        for key in ("requests", "time_limit_s", "interval_ms"):
            body = f'{{"transaction": "GET /orders/", "{key}": {v}}}'.encode()
            cases.append(
                (f"session {key}={v}", "/api/v1/apps/numbers/sessions", body, {"Content-Type": "application/json"})
            )
    return cases


INT64_MAX, INT64_MIN = (1 << 63) - 1, -(1 << 63)
PPROF_NUMBERS = {
    "values summing past Int64.max": pprof((INT64_MAX, INT64_MAX)),
    "value Int64.max": pprof((INT64_MAX,)),
    "value -1": pprof((-1,)),
    "value Int64.min": pprof((INT64_MIN,)),
    "values Int64.max and Int64.min": pprof((INT64_MAX, INT64_MIN)),
    "period 0": pprof((10,), period=0),
    "period -1": pprof((10,), period=-1),
    "period Int64.max": pprof((INT64_MAX, INT64_MAX), period=INT64_MAX),
    "period Int64.min": pprof((10,), period=INT64_MIN),
    "period 1 with values summing past Int64.max": pprof((INT64_MAX, 5), period=1),
}


def pprof_cases() -> list[tuple[str, str, bytes | None, dict]]:
    proto = {"Content-Type": "application/proto"}
    cases: list[tuple[str, str, bytes | None, dict]] = []
    for name, body in PPROF_NUMBERS.items():
        cases += [
            (f"pprof {name}", "/api/v1/ingest?format=pprof&app=numbers", body, {}),
            (f"pyroscope /ingest pprof {name}", "/ingest?name=numbers.cpu&format=pprof", body, {}),
            (f"pyroscope push {name}", "/push.v1.PusherService/Push", push({"service_name": "numbers"}, body), proto),
        ]
    return cases


def read_cases() -> list[tuple[str, str, bytes | None, dict]]:
    cases: list[tuple[str, str, bytes | None, dict]] = []
    for v in VALUES:
        cases += [
            (f"query from={v}", f"/api/v1/query?app=numbers&from={v}", None, {}),
            (f"query until={v}", f"/api/v1/query?app=numbers&until={v}", None, {}),
            (f"timeline step={v}", f"/api/v1/apps/numbers/timeline?step={v}", None, {}),
            (f"labels from={v}", f"/api/v1/apps/numbers/labels?from={v}", None, {}),
        ]
        # A range that passes `until > from`, with the value at one end.
        for endpoint in (
            "/api/v1/query?app=numbers&",
            "/api/v1/query/folded?app=numbers&",
            "/api/v1/apps/numbers/timeline?",
            "/api/v1/apps/numbers/labels?",
        ):
            short = endpoint.split("?")[0].rsplit("/", 1)[1]
            cases += [
                (f"{short} from={v}&until=1e308", f"{endpoint}from={v}&until=1e308", None, {}),
                (f"{short} from=-1e308&until={v}", f"{endpoint}from=-1e308&until={v}", None, {}),
            ]
        cases += [
            (f"profiles limit={v}", f"/api/v1/profiles?limit={v}", None, {}),
            (f"profiles before={v}", f"/api/v1/profiles?before={v}", None, {}),
            (f"profile id {v}", f"/api/v1/profiles/{v}", None, {}),
            (f"sessions limit={v}", f"/api/v1/apps/numbers/sessions?limit={v}", None, {}),
            (f"session id {v}", f"/api/v1/sessions/{v}", None, {}),
        ]
    return cases


def run(tmp_path, monkeypatch, cases, stores: bool = True) -> list[str]:
    """Send every case; what went wrong, one line each. When the cases can
    store something, the server must also outlive a rollup pass and a restart."""
    monkeypatch.setenv("SWIFT_BACKTRACE", "enable=no")
    server = TreeringServer(tmp_path / "numbers.sqlite")
    server.start()
    problems: list[str] = []
    crashes = 0
    try:
        seeded = request(server.port, "POST", "/api/v1/ingest", json.dumps(doc(app="numbers")).encode())
        assert seeded.status == 201, seeded
        for name, path, body, headers in cases:
            method = "GET" if body is None else "POST"
            answer = request(server.port, method, path, body, headers, timeout=15)
            if answer.status is not None and answer.status < 500:
                continue
            down = healthy(server, timeout=5)
            problems.append(f"{name}: {answer}" + (f"; then {down}" if down else ""))
            if down:
                crashes += 1
                if crashes >= MAX_CRASHES:
                    problems.append(f"stopped after {crashes} crashes, {len(cases)} cases in all")
                    return problems
                server.kill9()
                server.start()
        if not stores:
            down = healthy(server)
            return problems + ([f"after all {len(cases)} cases: {down}"] if down else [])
        time.sleep(ROLLUP_PASS_WAIT)
        down = healthy(server)
        if down:
            problems.append(f"past a rollup pass after all {len(cases)} cases: {down}")
        server.stop()
        try:
            server.start()
            time.sleep(ROLLUP_PASS_WAIT)
            down = healthy(server)
            if down:
                problems.append(f"after a restart on the same file and a rollup pass: {down}")
        except RuntimeError as e:
            problems.append(f"the restart did not come up: {e}{log_tail(server)}")
    finally:
        server.stop()
    return problems


def test_extreme_numbers_in_uploads_never_crash_or_5xx(tmp_path, monkeypatch):
    problems = run(tmp_path, monkeypatch, treering_cases())
    assert not problems, "\n".join(problems)


def test_extreme_numbers_in_upload_parameters_and_session_specs_never_crash_or_5xx(tmp_path, monkeypatch):
    problems = run(tmp_path, monkeypatch, query_text_cases())
    assert not problems, "\n".join(problems)


def test_extreme_numbers_in_pprof_profiles_never_crash_or_5xx(tmp_path, monkeypatch):
    problems = run(tmp_path, monkeypatch, pprof_cases())
    assert not problems, "\n".join(problems)


def test_extreme_numbers_in_read_parameters_never_crash_or_5xx(tmp_path, monkeypatch):
    problems = run(tmp_path, monkeypatch, read_cases(), stores=False)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("cases", [treering_cases, query_text_cases, pprof_cases, read_cases])
def test_the_cases_are_many(cases):
    # A guard against a refactor that leaves a test above with nothing to send.
    assert len(cases()) >= 30
