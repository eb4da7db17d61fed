"""An app over time, through the real server: the merged tree of a range and
filters equals the merge of the folded exports of every upload in it (before
and after the background rollup has run), the timeline and labels follow the
uploads, bad parameters get a 400 naming them, and retention removes exactly
what is older."""

import json
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from support.treering_server import TreeringServer

NOW = time.time()
FRAMES = [{"name": f"fn{i}", "file": f"pkg{i % 3}/mod.py", "line": i} for i in range(12)]
ROUTES = ["GET /orders/", "POST /cart/", "GET /health"]


def upload_doc(i: int, start: float) -> dict:
    route = ROUTES[i % 3]
    samples = [{"stack": [0, 1 + (i + k) % 11, 1 + (i * k) % 11], "count": 1 + (i + k) % 5} for k in range(4)]
    return {
        "format": "treering/1",
        "app": "shop-web",
        "host": f"web-{i % 2}",
        "start": start,
        "end": start + 10,
        "interval_ms": 10,
        "tags": {"transaction": route},
        "frames": FRAMES,
        "samples": samples,
    }


def folded(text: str) -> Counter:
    out = Counter()
    for line in text.splitlines():
        stack, count = line.rsplit(" ", 1)
        out[stack] += int(count)
    return out


def get(server, path: str):
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    db = tmp_path_factory.mktemp("queries") / "queries.sqlite"
    uploads = []
    with TreeringServer(db) as server:
        # Three hours back to now, across minute, 10-minute and hour buckets.
        for i in range(90):
            start = NOW - 3 * 3600 + i * 120 + (i % 7)
            status, answer = server.ingest(upload_doc(i, start))
            assert status == 201, answer
            uploads.append((answer["id"], start, ROUTES[i % 3], f"web-{i % 2}"))
        yield server, uploads


def expected(server, uploads, start, end, routes=None, hosts=None) -> Counter:
    total = Counter()
    for pid, s, route, host in uploads:
        if start <= s < end and (routes is None or route in routes) and (hosts is None or host in hosts):
            total += folded(server.get_text(f"/api/v1/profiles/{pid}/folded"))
    return total


@pytest.mark.parametrize("rolled", [False, True])
def test_merged_tree_equals_the_merge_of_every_upload_in_range(filled, rolled):
    server, uploads = filled
    if rolled:
        time.sleep(4)  # the background rollup runs every 2 s
    cases = [
        (NOW - 3 * 3600 - 60, NOW + 60, None, None),
        (NOW - 3600, NOW, None, None),
        (NOW - 2 * 3600 + 17.5, NOW - 1800.25, ["GET /orders/"], None),
        (NOW - 3 * 3600, NOW, ["GET /orders/", "POST /cart/"], ["web-1"]),
    ]
    for start, end, routes, hosts in cases:
        params = f"app=shop-web&from={start}&until={end}"
        params += "".join(f"&transaction={urllib.request.quote(r)}" for r in routes or [])
        params += "".join(f"&host={h}" for h in hosts or [])
        got = folded(server.get_text("/api/v1/query/folded?" + params))
        assert got == expected(server, uploads, start, end, routes, hosts), params
        tree = server.get_json("/api/v1/query?" + params)
        assert sum(tree["nodes"]["self"]) == sum(got.values())


def test_relative_times_timeline_labels_and_apps(filled):
    server, uploads = filled
    last_hour = folded(server.get_text("/api/v1/query/folded?app=shop-web"))  # default: the last hour
    assert last_hour and last_hour == folded(server.get_text("/api/v1/query/folded?app=shop-web&from=now-1h&until=now"))
    timeline = server.get_json(
        "/api/v1/apps/shop-web/timeline?from=now-3h&until=now&step=10m&transaction=GET%20/orders/"
    )
    assert timeline["step"] == 600
    assert all(t % 600 == 0 for t, _ in timeline["points"])
    by_step = Counter()
    for pid, s, route, _ in uploads:
        # Points are whole steps: the first starts at or before `from`.
        if route == "GET /orders/" and s >= timeline["points"][0][0]:
            by_step[int(s // 600 * 600)] += sum(folded(server.get_text(f"/api/v1/profiles/{pid}/folded")).values())
    assert {t: n for t, n in timeline["points"] if n} == dict(by_step)
    labels = server.get_json("/api/v1/apps/shop-web/labels?from=now-4h")["labels"]
    assert labels["transaction"] == sorted(ROUTES) and labels["host"] == ["web-0", "web-1"]
    apps = server.get_json("/api/v1/apps")["apps"]
    assert [a["name"] for a in apps] == ["shop-web"] and apps[0]["profiles"] == len(uploads)
    assert apps[0]["hosts"] == ["web-0", "web-1"] and apps[0]["first_seen"] <= apps[0]["last_seen"]


@pytest.mark.parametrize(
    "path,field",
    [
        ("/api/v1/query?app=shop-web&from=yesterday", "from"),
        ("/api/v1/query?app=shop-web&from=now&until=now-1h", "until"),
        ("/api/v1/query/folded?from=now-1h", "app"),
        ("/api/v1/apps/shop-web/timeline?step=7", "step"),
    ],
)
def test_bad_parameters_name_the_field(filled, path, field):
    status, body = get(filled[0], path)
    assert status == 400
    assert json.loads(body)["error"]["message"].startswith(field + ":")


def test_unknown_app_is_404(filled):
    assert get(filled[0], "/api/v1/query?app=nope")[0] == 404
    assert get(filled[0], "/api/v1/apps/nope/timeline")[0] == 404


def test_filters_as_browsers_write_them(filled):
    """`URLSearchParams` and forms write a space as `+`: it is a space here too."""
    server, uploads = filled
    plus = folded(server.get_text("/api/v1/query/folded?app=shop-web&from=now-4h&transaction=GET+%2Forders%2F"))
    assert plus and plus == expected(server, uploads, NOW - 4 * 3600, NOW + 60, ["GET /orders/"])


def test_a_shared_query_keeps_its_absolute_range_and_filters(filled):
    server, uploads = filled
    status, shared = server.post(
        "/api/v1/query/share?app=shop-web&from=now-2h&until=now-1h&transaction=POST+%2Fcart%2F"
        "&transaction=GET%20%2Forders%2F",
        b"",
    )
    assert status == 201, shared
    # The relative range was made absolute when the link was made.
    assert abs(shared["from"] - (time.time() - 7200)) < 30 and shared["until"] - shared["from"] == 3600
    assert shared["filters"] == {"transaction": ["GET /orders/", "POST /cart/"]}
    assert shared["url"] == "/q/" + shared["token"]
    again = server.get_json("/api/v1/q/" + shared["token"])
    assert again.pop("retention_cutoff") <= time.time() - 5200 * 7 * 86400 + 5  # the test server keeps 5200 weeks
    shared.pop("retention_cutoff")
    assert again == shared
    # Its tree URL asks for exactly that query.
    by_link = folded(server.get_text(shared["tree_url"].replace("/api/v1/query?", "/api/v1/query/folded?")))
    assert by_link == expected(server, uploads, shared["from"], shared["until"], ["GET /orders/", "POST /cart/"])
    status, page = get(server, shared["url"])
    assert status == 200 and f'data-shared-token="{shared["token"]}"' in page
    assert get(server, "/api/v1/q/" + "A" * 32)[0] == 404
    assert get(server, "/q/not-a-token")[0] == 404
    assert server.post("/api/v1/query/share?app=nope", b"")[0] == 404
    status, body = server.post("/api/v1/query/share?app=shop-web&from=soon", b"")
    assert status == 400 and body["error"]["message"].startswith("from:")


def test_app_names_with_slashes_and_spaces_have_pages(tmp_path):
    with TreeringServer(tmp_path / "names.sqlite") as server:
        doc = upload_doc(0, time.time() - 60)
        doc["app"] = "team/shop web"
        assert server.ingest(doc)[0] == 201
        app = server.get_json("/api/v1/apps")["apps"][0]
        assert app["url"] == "/apps/team%2Fshop%20web"
        status, page = get(server, app["url"])
        assert status == 200 and 'data-app="team/shop web"' in page
        assert server.get_json("/api/v1/apps/team%2Fshop%20web/labels")["labels"]["transaction"] == ["GET /orders/"]
        status, index = get(server, "/")
        assert 'href="/apps/team%2Fshop%20web"' in index
        assert get(server, "/apps/nope")[0] == 404


def test_retention_removes_exactly_what_is_older(tmp_path):
    db = tmp_path / "retention.sqlite"
    with TreeringServer(db) as server:
        ids = {}
        # Retention works to the minute (it removes uploads before the minute
        # holding now - retention), so the ages keep clear of the cutoff by more.
        for i, age in enumerate([3 * 3600, 2 * 3600 + 300, 1800, 60]):
            status, answer = server.ingest(upload_doc(i, time.time() - age))
            assert status == 201, answer
            ids[age] = answer["id"]
        time.sleep(3)  # rolled up
    # Retention runs when the server starts, then every ten minutes.
    with TreeringServer(db, extra_args=["--retention", "2h"]) as server:
        deadline = time.monotonic() + 20
        while len(server.get_json("/api/v1/profiles")["profiles"]) != 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        kept = [p["id"] for p in server.get_json("/api/v1/profiles")["profiles"]]
        assert sorted(kept) == sorted([ids[1800], ids[60]])
        everything = folded(server.get_text("/api/v1/query/folded?app=shop-web&from=0&until=now%2B1m"))
        assert everything == folded(server.get_text(f"/api/v1/profiles/{ids[1800]}/folded")) + folded(
            server.get_text(f"/api/v1/profiles/{ids[60]}/folded")
        )
