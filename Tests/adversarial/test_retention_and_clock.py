"""Item 7 of issue 15: an upload that retention would remove, or that starts
further in the future than any clock skew explains, is refused with a 4xx
saying so; never answered 201 and deleted at the next retention pass.

The server runs with `--retention 30d`. A refused case must name the rule
(retention for old starts, the future or clock skew for late ones); one
answered 201 is checked again after a restart (retention runs at start-up)
so the report says whether it was then deleted."""

from __future__ import annotations

import time

import pytest

from adversarial_http import doc, get, post_json, refusal_problems, request
from support.treering_server import TreeringServer

DAY = 86_400
NOW = time.time()
OLD = r"(?i)retention|older"
FUTURE = r"(?i)future|clock|skew|ahead"

FOLDED = b"main;work 3\n"


def folded_at(start: float) -> str:
    return f"/api/v1/ingest?format=folded&app=clock&start={start:.0f}&end={start + 10:.0f}"


def pyroscope_at(start: float) -> str:
    return f"/ingest?name=clock.cpu&from={start:.0f}&until={start + 10:.0f}&format=folded"


CASES = {
    # name: (path, body, content type, the rule the error must name)
    "treering/1 start 40 days ago": ("/api/v1/ingest", doc(app="clock", start=NOW - 40 * DAY), None, OLD),
    "treering/1 start in 1970": ("/api/v1/ingest", doc(app="clock", start=1.0), None, OLD),
    "treering/1 start a year ahead": ("/api/v1/ingest", doc(app="clock", start=NOW + 365 * DAY), None, FUTURE),
    "treering/1 start a day ahead": ("/api/v1/ingest", doc(app="clock", start=NOW + DAY), None, FUTURE),
    "folded ?start= 40 days ago": (folded_at(NOW - 40 * DAY), FOLDED, "text/plain", OLD),
    "folded ?start= a year ahead": (folded_at(NOW + 365 * DAY), FOLDED, "text/plain", FUTURE),
    "pyroscope /ingest?from= 40 days ago": (pyroscope_at(NOW - 40 * DAY), FOLDED, "text/plain", OLD),
    "pyroscope /ingest?from= a year ahead": (pyroscope_at(NOW + 365 * DAY), FOLDED, "text/plain", FUTURE),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with TreeringServer(tmp_path_factory.mktemp("clock") / "clock.sqlite", extra_args=["--retention", "30d"]) as s:
        yield s


def send(server, case: str):
    path, body, ctype, _ = CASES[case]
    if isinstance(body, dict):
        return post_json(server.port, path, body)
    return request(server.port, "POST", path, body, {"Content-Type": ctype})


def test_an_upload_inside_retention_is_taken(server):
    # The control: the same paths take a start a minute ago.
    answer = post_json(server.port, "/api/v1/ingest", doc(app="clock-ok"))
    assert answer.status == 201, answer
    answer = request(
        server.port,
        "POST",
        f"/api/v1/ingest?format=folded&app=clock-ok&start={NOW - 60:.0f}",
        b"main;work 3\n",
        {"Content-Type": "text/plain"},
    )
    assert answer.status == 201, answer


@pytest.mark.parametrize("case", list(CASES))
def test_an_upload_outside_retention_or_ahead_of_the_clock_is_refused_naming_the_rule(server, case, tmp_path):
    answer = send(server, case)
    problems = refusal_problems(answer, CASES[case][3])
    if answer.status == 201 and isinstance(answer.json, dict):
        # Acknowledged: does it survive the retention pass that runs at start-up?
        server.stop()
        server.start()
        again = get(server.port, f"/api/v1/profiles/{answer.json['id']}")
        problems.append(
            f"after a restart (retention pass) profile {answer.json['id']} answers {again.status}"
            + (" - acknowledged, then deleted" if again.status == 404 else "")
        )
    assert not problems, "\n".join(problems)
