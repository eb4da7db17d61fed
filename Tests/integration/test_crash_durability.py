"""An upload answered 201 survives `kill -9` of the server right after.

Runs the real server binary on a loopback port, sends uploads from several
threads, kills the process with SIGKILL while uploads are in flight, restarts
it on the same database and checks every acknowledged id, tree and all. Once
on a SQLite file, once on a PostgreSQL database (the `database` fixture).
"""

import json
import threading
import time
import urllib.error
import urllib.request

from support.treering_server import TreeringServer


def upload(i: int) -> dict:
    frames = [
        {"name": "main", "file": "app.py", "line": 1},
        {"name": f"handler_{i % 7}", "file": "views.py", "line": 10 + i % 7},
        {"name": f"work_{i}", "file": "work.py", "line": i},
    ]
    return {
        "format": "treering/1",
        "app": "crash-test",
        "start": 1_700_000_000 + i,
        "end": 1_700_000_010 + i,
        "interval_ms": 10,
        "frames": frames,
        "samples": [
            {"stack": [0, 1, 2], "count": i + 1, "thread": f"T{i % 3}"},
            {"stack": [0, 1], "count": 2, "thread": "MainThread"},
        ],
    }


def test_acknowledged_uploads_survive_kill_9(tmp_path, database):
    server = TreeringServer(database, log_path=tmp_path / "server.log").start()
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()
    counter = iter(range(1_000_000))

    def client():
        while not stop.is_set():
            with lock:
                i = next(counter)
            req = urllib.request.Request(
                server.url + "/api/v1/ingest",
                data=json.dumps(upload(i)).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    if r.status == 201:
                        body = json.loads(r.read())
                        with lock:
                            acknowledged[body["id"]] = i
            except (urllib.error.URLError, ConnectionError, OSError):
                return  # the server is gone: this upload was never acknowledged

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    # Let uploads flow, then kill the server in the middle of them.
    deadline = time.monotonic() + 30
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill9()
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged) >= 150, "too few uploads were acknowledged to make the test meaningful"

    with TreeringServer(database, log_path=tmp_path / "restart.log") as restarted:
        for pid, i in sorted(acknowledged.items()):
            meta = restarted.get_json(f"/api/v1/profiles/{pid}")
            assert meta["samples"] == i + 3, pid
            folded = restarted.get_text(f"/api/v1/profiles/{pid}/folded")
            assert f"main (app.py:1);handler_{i % 7} (views.py:{10 + i % 7});work_{i} (work.py:{i}) {i + 1}" in folded
        # The server is usable after the crash: a new upload is stored too.
        status, body = restarted.ingest(upload(999_999))
        assert status == 201, body
