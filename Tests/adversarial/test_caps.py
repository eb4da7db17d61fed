"""Item 4 of issue 15: cardinality and range caps, as settings.

Each cap is found by name in `treering serve --help` (a test fails naming
the missing setting when there is none), set low, and exceeded: the uploads
up to the cap are taken, and past it the server answers a 4xx whose JSON
error names the cap, or (the issue allows it, if the server says so) keeps
the samples in one `__overflow__` series, which the labels then show. Two
cases need no setting: one upload with 20,000 unique tag values (20,001
series before) and a timeline over 10,000 years (12.8 s and 809 MB before)."""

from __future__ import annotations

import time

import pytest

from adversarial_http import doc, find_option, get, post_json, refusal_problems, serve_options
from support.treering_server import TreeringServer

NOW = time.time()


def labels(server, app: str = "capped") -> dict:
    answer = get(server.port, f"/api/v1/apps/{app}/labels?from=now-2h&until=now%2B1h")
    return (answer.json or {}).get("labels", {})


def uploads(server, docs) -> list:
    return [post_json(server.port, "/api/v1/ingest", d) for d in docs]


def values_per_label(server, cap):
    answers = uploads(server, [doc(app="capped", tags={"customer": f"c{i}"}) for i in range(cap + 5)])
    return answers, lambda: "__overflow__" in str(labels(server).get("customer", []))


def series_per_app(server, cap):
    answers = uploads(server, [doc(app="capped", host=f"web-{i}") for i in range(cap + 5)])
    return answers, lambda: "__overflow__" in str(labels(server))


def apps_per_server(server, cap):
    answers = uploads(server, [doc(app=f"capped-{i}") for i in range(cap + 3)])
    return answers, lambda: False


def label_names_per_series(server, cap):
    tags = {f"k{i}": "v" for i in range(cap + 3)}
    answers = [
        post_json(server.port, "/api/v1/ingest", doc(app="capped", tags={"k0": "v"})),
        post_json(server.port, "/api/v1/ingest", doc(app="capped", tags=tags)),
    ]
    return answers, lambda: "__overflow__" in str(labels(server))


def running_sessions_per_app(server, cap):
    answers = [
        post_json(server.port, "/api/v1/apps/capped/sessions", {"transaction": f"GET /t{i}", "requests": 10})
        for i in range(cap + 2)
    ]
    return answers, lambda: False


def query_range(server, cap):
    answers = [
        get(server.port, "/api/v1/query?app=capped&from=now-30m"),
        get(server.port, "/api/v1/query?app=capped&from=now-30d"),
    ]
    return answers, lambda: False


def timeline_points(server, cap):
    answers = [
        get(server.port, f"/api/v1/apps/capped/timeline?from=now-{cap - 10}m&step=60"),
        get(server.port, f"/api/v1/apps/capped/timeline?from=now-{cap + 50}m&step=60"),
    ]
    return answers, lambda: False


# name: (option name patterns, cap values to try, how to exceed it, requests that must be taken first
# (series: one less than the cap, in case the app's all-series `*` counts), what the error must name)
CAPS = {
    "values per label": ([r"^--(?!.*names).*values"], ["5"], values_per_label, 5, r"(?i)customer|values"),
    "series per app": ([r"^--(?!.*(label|names|per-series)).*series"], ["5"], series_per_app, 4, r"(?i)series"),
    "apps per server": ([r"^--.*-apps(-|$)"], ["3"], apps_per_server, 3, r"(?i)\bapps?\b"),
    "label names per series": (
        [r"^--.*label-?names", r"^--.*labels-per-series", r"^--max-labels$"],
        ["5"],
        label_names_per_series,
        1,
        r"(?i)label",
    ),
    "running sessions per app": ([r"^--.*sessions"], ["3"], running_sessions_per_app, 3, r"(?i)session"),
    "query range": ([r"^--.*range"], ["1d", "86400", "24h"], query_range, 1, r"(?i)range|from"),
    "timeline points per request": ([r"^--.*points"], ["100"], timeline_points, 1, r"(?i)points|step"),
}


def start_capped(tmp_path, option: str, values: list[str]) -> TreeringServer:
    last = None
    for value in values:
        server = TreeringServer(tmp_path / f"cap-{len(values)}-{value}.sqlite", extra_args=[option, value])
        try:
            return server.start(timeout=15)
        except RuntimeError as e:
            last = e
    raise AssertionError(f"the server did not start with {option} and any of {values}: {last}")


@pytest.mark.parametrize("cap", list(CAPS))
def test_over_a_cap_the_server_answers_a_4xx_naming_it(tmp_path, cap):
    patterns, values, exceed, taken, names = CAPS[cap]
    option = find_option(*patterns)
    assert option, f"no setting for {cap} in `treering serve --help` (options: {', '.join(serve_options())})"
    server = start_capped(tmp_path, option, values)
    try:
        if cap == "running sessions per app" or cap.startswith(("query", "timeline")):
            assert post_json(server.port, "/api/v1/ingest", doc(app="capped")).status == 201
        answers, overflowed = exceed(server, int(values[0].rstrip("dh")))
        first = answers[:taken]
        assert all(a.status in (200, 201) for a in first), (
            f"with {option} {values[0]}, requests within the cap were refused: {[str(a) for a in first]}"
        )
        over = [a for a in answers[taken:] if a.status not in (200, 201)]
        if not over:
            assert overflowed(), (
                f"with {option} {values[0]}, all {len(answers)} requests were answered "
                f"{sorted({a.status for a in answers})} and nothing shows an __overflow__ series"
            )
            return
        problems = refusal_problems(over[0], names)
        assert not problems, f"with {option} {values[0]}: " + "\n".join(problems)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    with TreeringServer(tmp_path_factory.mktemp("caps") / "defaults.sqlite") as s:
        assert post_json(s.port, "/api/v1/ingest", doc(app="capped")).status == 201
        yield s


def test_one_upload_with_20000_unique_tag_values_is_refused_or_overflows(default_server):
    samples = [
        {"stack": [0, 1], "count": 1, "thread": "MainThread", "tags": {"customer": f"customer-{i}"}}
        for i in range(20_000)
    ]
    answer = post_json(default_server.port, "/api/v1/ingest", doc(app="capped", samples=samples), timeout=30)
    if answer.status == 201:
        values = labels(default_server).get("customer", [])
        assert "__overflow__" in values, (
            f"answered 201 and the labels list {len(values)} customer values (no cap, no __overflow__)"
        )
        return
    problems = refusal_problems(answer, r"(?i)series|values|customer|label")
    assert not problems, "\n".join(problems)


def test_a_timeline_over_ten_thousand_years_is_refused_naming_the_range(default_server):
    answer = get(default_server.port, "/api/v1/apps/capped/timeline?from=now-521000w", timeout=30)
    problems = refusal_problems(answer, r"(?i)\bfrom\b|range")
    assert not problems, "\n".join(problems)
