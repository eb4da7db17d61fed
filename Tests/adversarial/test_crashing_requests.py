"""Item 1 and 2 of issue 15: requests that used to kill the process, or
store something that kills the rollup job at every start.

Each case gets its own server and file. The case must be refused with a 4xx
whose JSON error names the field; then /healthz must answer; then, past a
rollup pass (the job runs every 2 s), the process must still run; and a
restart of the binary on the same file must come up and stay up past a
rollup pass too. The cases run side by side (the waits overlap), and each
test reads its case's record."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from adversarial_http import doc, get, healthy, log_tail, post_json, refusal_problems, request
from support.treering_server import TreeringServer

ROLLUP_PASS_WAIT = 3.5

SPEEDSCOPE_FRAMES = {
    "frames": [{"name": "main", "file": "app.py", "line": 1}, {"name": "work", "file": "app.py", "line": 9}]
}


def speedscope(profile: dict) -> bytes:
    return json.dumps(
        {
            "$schema": "https://www.speedscope.app/file-format-schema.json",
            "shared": SPEEDSCOPE_FRAMES,
            "profiles": [profile],
        }
    ).encode()


def sampled(weights, unit="none") -> bytes:
    # endValue stays finite (JSON has no Infinity) even when the weights sum past it.
    return speedscope(
        {
            "type": "sampled",
            "name": "p",
            "unit": unit,
            "startValue": 0,
            "endValue": min(sum(weights), 1e308),
            "samples": [[0, 1] for _ in weights],
            "weights": weights,
        }
    )


EVENTED_HUGE_AT = speedscope(
    {
        "type": "evented",
        "name": "p",
        "unit": "none",
        "startValue": 0,
        "endValue": 1e300,
        "events": [
            {"type": "O", "frame": 0, "at": 0},
            {"type": "O", "frame": 1, "at": 0},
            {"type": "C", "frame": 1, "at": 1e300},
            {"type": "C", "frame": 0, "at": 1e300},
        ],
    }
)

# (method, path, body, content type, the field the error must name)
RANGES = {
    "from=1e300": ("from=1e300&until=1e301", r"\bfrom\b"),
    "from=now-1e300s": ("from=now-1e300s", r"\bfrom\b"),
    "until=now+1e20w": ("until=now%2B1e20w", r"\buntil\b"),
    "from=now-1e20d": ("from=now-1e20d", r"\bfrom\b"),
}
ENDPOINTS = {
    "query": "/api/v1/query?app=adv&",
    "query/folded": "/api/v1/query/folded?app=adv&",
    "timeline": "/api/v1/apps/adv/timeline?",
    "labels": "/api/v1/apps/adv/labels?",
}
CASES: dict[str, tuple] = {}
for e, prefix in ENDPOINTS.items():
    for r, (query, name) in RANGES.items():
        CASES[f"{e}?{r}"] = ("GET", prefix + query, None, None, name)
CASES["timeline?step=1e20m"] = ("GET", "/api/v1/apps/adv/timeline?step=1e20m", None, None, r"\bstep\b")
SS = "/api/v1/ingest?format=speedscope&app=adv"
# Sampled: the weights are the field ("a stack's weight ..." names them); evented: the events' `at`.
CASES["speedscope weights [1e300]"] = ("POST", SS, sampled([1e300]), "application/json", r"weight")
CASES["speedscope weights summing to infinity"] = (
    "POST",
    SS,
    sampled([1.5e308, 1.5e308]),
    "application/json",
    r"weight",
)
CASES["speedscope unit seconds 1e13"] = ("POST", SS, sampled([1e13], "seconds"), "application/json", r"weight")
CASES["speedscope evented at 1e300"] = ("POST", SS, EVENTED_HUGE_AT, "application/json", r"events|\bat\b|endValue")
CASES["share from=1e300, then opened"] = (
    "POST",
    "/api/v1/query/share?app=adv&from=1e300&until=1e301",
    b"",
    None,
    r"\bfrom\b",
)
CASES["treering/1 start 1e19"] = (
    "POST",
    "/api/v1/ingest",
    json.dumps(doc(start=1e19, end=1e19)).encode(),
    "application/json",
    r"\bstart\b",
)
CASES["folded ?start=1e19"] = (
    "POST",
    "/api/v1/ingest?format=folded&app=adv&start=1e19&end=1e19",
    b"main (app.py:1);work (app.py:9) 3\n",
    "text/plain",
    r"\bstart\b",
)
CASES["pyroscope /ingest?from=1e19"] = (
    "POST",
    "/ingest?name=adv.cpu&from=1e19&until=1e19&format=folded",
    b"main;work 3\n",
    "text/plain",
    r"\bfrom\b",
)


def run_case(name: str, tmp) -> dict:
    """Send the case to a fresh server and record everything a test asserts on."""
    method, path, body, ctype, _ = CASES[name]
    rec: dict = {"problems": []}
    server = TreeringServer(tmp / "case.sqlite", log_path=tmp / "case.log")
    try:
        server.start()
    except RuntimeError as e:
        rec["problems"].append(f"the server did not start for the case: {e}")
        return rec
    try:
        seeded = post_json(server.port, "/api/v1/ingest", doc())
        if seeded.status != 201:
            rec["problems"].append(f"seeding a normal upload failed: {seeded}")
        answer = request(server.port, method, path, body, {"Content-Type": ctype} if ctype else {}, timeout=20)
        rec["answer"] = answer
        if answer.status == 201 and "share" in path and isinstance(answer.json, dict):
            # Answered: then opening the share must not break anything either.
            token = answer.json.get("token", "")
            opened = [get(server.port, f"/api/v1/q/{token}"), get(server.port, f"/q/{token}")]
            tree_url = (get(server.port, f"/api/v1/q/{token}").json or {}).get("tree_url")
            if tree_url:
                opened.append(get(server.port, tree_url))
            rec["opened"] = opened
        rec["health_after"] = healthy(server)
        time.sleep(ROLLUP_PASS_WAIT)
        rec["health_after_rollup"] = healthy(server)
        server.stop()
        try:
            server.start()
            time.sleep(ROLLUP_PASS_WAIT)
            rec["health_after_restart"] = healthy(server)
        except RuntimeError as e:
            rec["health_after_restart"] = f"the restart did not come up: {e}{log_tail(server)}"
    finally:
        server.stop()
    return rec


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """Every case, run side by side (each waits ~8 s, mostly asleep)."""
    dirs = {name: tmp_path_factory.mktemp("crash") for name in CASES}
    with ThreadPoolExecutor(max_workers=14) as pool:
        futures = {name: pool.submit(run_case, name, dirs[name]) for name in CASES}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_request_is_refused_naming_the_field_and_the_server_stays_up(records, case):
    rec = records[case]
    problems = list(rec["problems"])
    if "answer" in rec:
        problems += refusal_problems(rec["answer"], CASES[case][4])
        for opened in rec.get("opened", []):
            if opened.status is None or opened.status >= 500:
                problems.append(f"opening the share: {opened}")
        for key, when in [
            ("health_after", "right after"),
            ("health_after_rollup", f"{ROLLUP_PASS_WAIT}s later (past a rollup pass)"),
            ("health_after_restart", "after a restart on the same file and a rollup pass"),
        ]:
            if rec.get(key):
                problems.append(f"{when}: {rec[key]}")
    assert not problems, "\n".join(problems)
