"""Several `treering serve` processes on one PostgreSQL database behave as one server.

Real server binaries on loopback ports, a real PostgreSQL (a fresh database
per test, see conftest.py): uploads sent alternately to two processes are in
the app query of each, before and after the rollup pass; a targeted session
of 20 fed through both closes with exactly 20; `kill -9` of one process
under concurrent uploads loses no acknowledged upload and counts nothing
twice; and `treering copy` moves a SQLite database to PostgreSQL and back
with the same answers.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support import postgres
from support.treering_server import TreeringServer, server_binary

NOW = time.time()
FRAMES = [{"name": f"fn{i}", "file": f"pkg{i % 3}/mod.py", "line": i} for i in range(12)]
ROUTES = ["GET /orders/", "POST /cart/", "GET /health"]
TRANSACTION = "GET /orders/{pk}"


def upload_doc(i: int, start: float, app: str = "shop-web") -> dict:
    samples = [{"stack": [0, 1 + (i + k) % 11, 1 + (i * k) % 11], "count": 1 + (i + k) % 5} for k in range(4)]
    return {
        "format": "treering/1",
        "app": app,
        "host": f"web-{i % 2}",
        "start": start,
        "end": start + 10,
        "interval_ms": 10,
        "tags": {"transaction": ROUTES[i % 3]},
        "frames": FRAMES,
        "samples": samples,
    }


def request_doc(app: str, request: str) -> dict:
    """One request of a targeted session, as the agent sends it."""
    return {
        "format": "treering/1",
        "app": app,
        "start": NOW - 5,
        "end": NOW - 4.9,
        "interval_ms": 5,
        "tags": {"treering.request": request, "treering.wall_ms": "61.5", "transaction": TRANSACTION},
        "frames": FRAMES[:3],
        "samples": [{"stack": [0, 1, 2], "count": 12, "thread": "Thread-1"}],
    }


def folded_of(doc: dict) -> Counter:
    """The folded lines the server writes for a document: `name (file:line);…` and a count."""
    out: Counter = Counter()
    names = [f"{f['name']} ({f['file']}:{f['line']})" for f in doc["frames"]]
    for sample in doc["samples"]:
        out[";".join(names[k] for k in sample["stack"])] += sample["count"]
    return out


def folded(text: str) -> Counter:
    out: Counter = Counter()
    for line in text.splitlines():
        stack, count = line.rsplit(" ", 1)
        out[stack] += int(count)
    return out


def merge(docs) -> Counter:
    total: Counter = Counter()
    for doc in docs:
        total += folded_of(doc)
    return total


def post_json(server: TreeringServer, path: str, body: dict):
    return server.post(path, json.dumps(body).encode())


def get(server: TreeringServer, path: str):
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def query_folded(server: TreeringServer, app: str, start: float, end: float, extra: str = "") -> Counter:
    return folded(server.get_text(f"/api/v1/query/folded?app={app}&from={start}&until={end}{extra}"))


def query_total(server: TreeringServer, app: str, start: float, end: float) -> int:
    tree = server.get_json(f"/api/v1/query?app={app}&from={start}&until={end}")
    return sum(tree["nodes"]["self"])


def stored_profiles(server: TreeringServer, app: str) -> list[dict]:
    """Every profile of the app, page by page."""
    profiles: list[dict] = []
    before = ""
    while True:
        page = server.get_json(f"/api/v1/profiles?app={app}&limit=1000{before}")
        profiles += page["profiles"]
        if "next_before" not in page:
            return profiles
        before = f"&before={page['next_before']}"


def wait_for_rollups(url: str, deadline_s: float = 60) -> None:
    """Until the rollup pass of some process has taken every stored upload.

    No HTTP route shows the pass's progress, so this reads its watermark
    (`rollup_state.rolled_up_to`, a profile id) from the database.
    """
    deadline = time.monotonic() + deadline_s
    while True:
        done = postgres.psql(
            url, "SELECT (SELECT rolled_up_to FROM rollup_state) >= (SELECT coalesce(max(id), 0) FROM profile)"
        )
        if done == "t":
            return
        assert time.monotonic() < deadline, f"the rollup pass did not catch up within {deadline_s}s"
        time.sleep(0.25)


def treering(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(server_binary()), *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def servers(postgres_url, tmp_path):
    """Starts server processes on the test's database; every one still running is stopped after the test."""
    started: list[TreeringServer] = []

    def start(*names: str, db: Path | str | None = None) -> list[TreeringServer]:
        batch = [TreeringServer(db or postgres_url, log_path=tmp_path / f"{name}.log") for name in names]
        started.extend(batch)

        def run(server: TreeringServer) -> None:
            try:
                server.start()
            except RuntimeError as e:
                log = server.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{e}\n--- {server.log_path.name} ---\n{log}") from None

        # Together: migrations on a fresh database must be safe when processes start at once.
        with ThreadPoolExecutor(len(batch)) as pool:
            list(pool.map(run, batch))
        return batch

    yield start
    for server in started:
        server.stop()


def test_uploads_to_either_process_are_in_the_query_of_both(servers, postgres_url):
    a, b = servers("a", "b")
    docs = []
    for i in range(60):
        doc = upload_doc(i, NOW - 3 * 3600 + i * 170 + (i % 7))
        status, answer = (a, b)[i % 2].ingest(doc)
        assert status == 201, answer
        docs.append(doc)
    cases = [
        (NOW - 3 * 3600 - 60, NOW + 60, "", lambda d: True),
        (NOW - 3600, NOW, "", lambda d: True),
        (
            NOW - 2 * 3600 + 17.5,
            NOW - 1800.25,
            "&transaction=GET%20/orders/",
            lambda d: d["tags"]["transaction"] == "GET /orders/",
        ),
        (NOW - 3 * 3600, NOW, "&host=web-1", lambda d: d["host"] == "web-1"),
    ]

    def check(when: str) -> None:
        for start, end, extra, keep in cases:
            want = merge(d for d in docs if start <= d["start"] < end and keep(d))
            assert want, "a case with no uploads checks nothing"
            for name, server in (("a", a), ("b", b)):
                assert query_folded(server, "shop-web", start, end, extra) == want, (when, name, extra, start, end)
            assert query_total(a, "shop-web", start, end) == query_total(b, "shop-web", start, end)
        for server in (a, b):
            apps = server.get_json("/api/v1/apps")["apps"]
            assert [(x["name"], x["profiles"]) for x in apps] == [("shop-web", len(docs))]

    check("before the rollup pass")
    wait_for_rollups(postgres_url)
    check("after the rollup pass")


def test_a_session_of_20_fed_through_both_processes_closes_with_exactly_20(servers):
    a, b = servers("a", "b")
    app = "shop-sessions"
    status, session = post_json(a, f"/api/v1/apps/{app}/sessions", {"transaction": TRANSACTION, "requests": 20})
    assert status == 201, session
    sid = session["id"]

    # An agent polling the other process learns of the session within its poll interval.
    deadline = time.monotonic() + 10
    while sid not in [s["id"] for s in b.get_json(f"/api/v1/apps/{app}/sessions/active")["sessions"]]:
        assert time.monotonic() < deadline, "process b never listed the session started on process a"
        time.sleep(0.1)

    # 30 requests from 6 threads at once, alternately to both processes.
    requests = [f"req-{k}" for k in range(30)]
    answers: dict[str, tuple[int, object]] = {}
    lock = threading.Lock()
    go = threading.Barrier(6)

    def agent(k: int) -> None:
        go.wait()
        for n, rid in enumerate(requests[k::6]):
            answer = post_json((a, b)[(k + n) % 2], f"/api/v1/sessions/{sid}/requests", request_doc(app, rid))
            with lock:
                answers[rid] = answer

    threads = [threading.Thread(target=agent, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = Counter(status for status, _ in answers.values())
    assert statuses == {201: 20, 409: 10}, answers
    counted = {rid for rid, (status, _) in answers.items() if status == 201}

    for server in (a, b):
        detail = server.get_json(f"/api/v1/sessions/{sid}")
        assert detail["state"] == "done" and detail["count"] == 20, detail
        assert {r["request"] for r in detail["requests_list"]} == counted
        tree = server.get_json(f"/api/v1/sessions/{sid}/tree")
        assert tree["nodes"]["total"][0] == 20 * 12
    # And both stop handing it out to agents once it is closed.
    deadline = time.monotonic() + 10
    for server in (a, b):
        while server.get_json(f"/api/v1/apps/{app}/sessions/active")["sessions"]:
            assert time.monotonic() < deadline, f"{server.url} still lists the closed session"
            time.sleep(0.1)


def test_kill_9_of_one_process_loses_no_acknowledged_upload(servers, postgres_url):
    a, b = servers("a", "b")
    app = "crash-cluster"
    base = NOW - 2 * 3600
    docs: dict[int, dict] = {}  # every document sent, by its index (its start is base + index)
    acknowledged: dict[str, int] = {}  # profile id -> document index
    refused: list = []
    by_a = [0]  # acknowledged by process a
    after_kill = [0]  # acknowledged by process b after a was killed
    lock = threading.Lock()
    stop = threading.Event()
    killed = threading.Event()
    counter = iter(range(1_000_000))

    def client(k: int) -> None:
        a_alive = True
        while not stop.is_set():
            with lock:
                i = next(counter)
                docs[i] = upload_doc(i, base + i, app)
            to_a = a_alive and i % 2 == k % 2
            try:
                status, answer = (a if to_a else b).ingest(docs[i])
            except (OSError, http.client.HTTPException):
                if to_a:
                    a_alive = False  # process a is gone: this upload was never acknowledged
                    continue
                raise
            with lock:
                if status != 201:
                    refused.append((i, status, answer))
                    continue
                acknowledged[answer["id"]] = i
                by_a[0] += to_a
                after_kill[0] += killed.is_set() and not to_a

    threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while (len(acknowledged) < 150 or by_a[0] < 50) and time.monotonic() < deadline:
        time.sleep(0.01)
    a.kill9()
    killed.set()
    # Process b goes on taking uploads after a died.
    while after_kill[0] < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join(60)
    assert by_a[0] >= 50 and after_kill[0] >= 60, "too few uploads to make the test meaningful"
    assert not refused, refused[:5]  # a process answers 201 or nothing (killed)

    def check(server: TreeringServer, when: str) -> None:
        stored = {p["id"]: p for p in stored_profiles(server, app)}
        assert set(acknowledged) <= set(stored), (when, sorted(set(acknowledged) - set(stored))[:10])
        # Uploads a committed but could not answer before it died: at most one per client.
        assert len(stored) - len(acknowledged) <= len(threads), when
        indexes = {pid: round(p["start"] - base) for pid, p in stored.items()}
        assert len(set(indexes.values())) == len(stored), f"{when}: an upload stored twice"
        for pid, i in acknowledged.items():
            assert indexes[pid] == i, (when, pid)
            meta = server.get_json(f"/api/v1/profiles/{pid}")
            assert meta["samples"] == sum(s["count"] for s in docs[i]["samples"]), (when, pid)
        for pid in list(acknowledged)[::25]:
            assert folded(server.get_text(f"/api/v1/profiles/{pid}/folded")) == folded_of(docs[acknowledged[pid]])
        # Nothing counted twice: the app's tree is exactly the merge of what is stored.
        want = merge(docs[i] for i in indexes.values())
        assert query_folded(server, app, base - 60, NOW + 60) == want, when
        assert query_total(server, app, base - 60, NOW + 60) == sum(p["samples"] for p in stored.values()), when

    check(b, "through the surviving process")
    wait_for_rollups(postgres_url)
    check(b, "after the rollup pass")
    (restarted,) = servers("a-restarted")
    check(restarted, "through the restarted process")
    # The restarted process takes uploads, and the other one sees them.
    status, answer = restarted.ingest(upload_doc(999_999, NOW - 30, app))
    assert status == 201, answer
    assert b.get_json(f"/api/v1/profiles/{answer['id']}")["samples"] == answer["samples"]


def fill_sqlite(server: TreeringServer) -> dict:
    """Uploads, a finished session and a shared query; returns what a user would read back."""
    ids = []
    for i in range(30):
        status, answer = server.ingest(upload_doc(i, NOW - 3 * 3600 + i * 300))
        assert status == 201, answer
        ids.append(answer["id"])
    status, session = post_json(server, "/api/v1/apps/shop-web/sessions", {"transaction": TRANSACTION, "requests": 3})
    assert status == 201, session
    for k in range(3):
        status, answer = post_json(
            server, f"/api/v1/sessions/{session['id']}/requests", request_doc("shop-web", f"r{k}")
        )
        assert status == 201, answer
    status, share = server.post(
        f"/api/v1/query/share?app=shop-web&from={NOW - 2 * 3600}&until={NOW}&transaction=GET%20/orders/", b""
    )
    assert status == 201, share
    return {"ids": ids, "session": session, "share": share}


def answers(server: TreeringServer, filled: dict) -> dict:
    """What the copied database must answer the same: trees, the app query, the share links, the session."""
    out: dict = {}
    for pid in filled["ids"]:
        meta = server.get_json(f"/api/v1/profiles/{pid}")
        out[f"profile {pid}"] = meta
        out[f"tree {pid}"] = server.get_json(f"/api/v1/profiles/{pid}/tree")
        out[f"shared tree {pid}"] = server.get_text("/api" + meta["share_url"].replace("/p/", "/v1/p/") + "/folded")
    out["query"] = query_folded(server, "shop-web", NOW - 4 * 3600, NOW + 60)
    out["query by host"] = query_folded(server, "shop-web", NOW - 4 * 3600, NOW + 60, "&host=web-0")
    shared = server.get_json("/api/v1/q/" + filled["share"]["token"])
    shared.pop("retention_cutoff")  # computed at the time of the request
    out["shared query"] = shared
    out["shared query tree"] = folded(
        server.get_text(shared["tree_url"].replace("/api/v1/query?", "/api/v1/query/folded?"))
    )
    out["shared query page"] = get(server, filled["share"]["url"])[0]
    sid = filled["session"]["id"]
    out["session"] = server.get_json(f"/api/v1/sessions/{sid}")
    out["session tree"] = server.get_json(f"/api/v1/sessions/{sid}/tree")
    return out


def test_copy_moves_a_sqlite_database_to_postgres_and_back(servers, postgres_url, tmp_path):
    source = tmp_path / "source.sqlite"
    (original,) = servers("sqlite", db=source)
    filled = fill_sqlite(original)
    before = answers(original, filled)
    assert before["query"] and before["shared query tree"] and before["session"]["count"] == 3
    original.stop()

    copied = treering("copy", "--from", str(source), "--to", postgres_url)
    assert copied.returncode == 0, copied.stderr
    (on_postgres,) = servers("postgres")
    assert answers(on_postgres, filled) == before
    on_postgres.stop()

    # A non-empty target is refused, naming it, and left as it was.
    name = postgres_url.rsplit("/", 1)[1]
    again = treering("copy", "--from", str(source), "--to", postgres_url)
    assert again.returncode != 0
    assert name in again.stderr, again.stderr
    into_sqlite = treering("copy", "--from", postgres_url, "--to", str(source))
    assert into_sqlite.returncode != 0
    assert str(source) in into_sqlite.stderr, into_sqlite.stderr

    back = tmp_path / "back.sqlite"
    copied_back = treering("copy", "--from", postgres_url, "--to", str(back))
    assert copied_back.returncode == 0, copied_back.stderr
    (on_sqlite,) = servers("back", db=back)
    assert answers(on_sqlite, filled) == before
    # Nothing was lost in the refused copy either.
    (on_postgres_again,) = servers("postgres-again")
    assert answers(on_postgres_again, filled) == before
