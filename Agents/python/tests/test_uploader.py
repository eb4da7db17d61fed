"""The uploader against a real local HTTP server that is down, slow, failing
or refusing: the app's work is unaffected, memory stays bounded, drops are
counted, 5xx is retried and 4xx is not."""

import gzip
import http.server
import json
import os
import socket
import threading
import time

import treering
from treering.uploader import Uploader


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers with the server's `plan` of statuses, then 201; records bodies."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        with server.lock:
            status = server.plan.pop(0) if server.plan else 201
            server.requests.append((status, json.loads(gzip.decompress(body)), dict(self.headers)))
        time.sleep(server.delay)
        if server.hold is not None:  # keep the upload waiting until the test lets it go
            server.arrived.set()
            server.hold.wait(30)
        server.answered.set()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(
            b'{"id": "1", "url": "/profiles/1", "share_url": "/p/x", "samples": 1}'
            if status == 201
            else b'{"error": {"code": "x", "message": "no"}}'
        )

    def log_message(self, *args):
        pass


def serve(plan=(), delay=0.0, hold=False):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.plan, server.delay, server.requests, server.lock = list(plan), delay, [], threading.Lock()
    server.hold = threading.Event() if hold else None
    server.arrived, server.answered = threading.Event(), threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def doc(i=0, size=10):
    return {
        "format": "treering/1",
        "app": "u",
        "start": 1,
        "end": 2,
        "interval_ms": 10,
        "frames": [{"name": f"f{i}_{j}" + "x" * 50, "file": "a.py", "line": j} for j in range(size)],
        "samples": [{"stack": [0], "count": 1}],
    }


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_server_down_keeps_memory_bounded_and_counts_drops():
    up = Uploader(closed_port_url(), max_pending_bytes=20_000, base_backoff_s=0.01)
    for i in range(200):
        up.enqueue(doc(i, size=40))
        up.flush()
    assert up.pending_bytes <= 20_000
    assert up.dropped_documents > 100
    assert up.sent == 0


def test_5xx_is_retried_with_backoff_and_4xx_is_not():
    server, url = serve(plan=[503, 500])
    up = Uploader(url, base_backoff_s=0.05)
    up.enqueue(doc(1))
    deadline = time.monotonic() + 10
    while up.sent == 0 and time.monotonic() < deadline:
        up.flush()
        time.sleep(0.02)
    assert up.sent == 1
    assert [r[0] for r in server.requests] == [503, 500, 201]
    assert server.requests[-1][2]["Content-Encoding"] == "gzip"

    refused, url2 = serve(plan=[400])
    up2 = Uploader(url2)
    up2.enqueue(doc(2))
    up2.flush()
    up2.flush()
    assert [r[0] for r in refused.requests] == [400]
    assert not up2.pending


def test_a_refused_key_is_said_once_and_names_what_to_do(caplog):
    cases = [(None, "the server needs an API key (set TREERING_KEY) (401)"), ("trk_wrong", "refused the key (401)")]
    for key, said in cases:
        server, url = serve(plan=[401, 401, 401])
        up = Uploader(url, key=key)
        caplog.clear()
        for i in range(3):
            up.enqueue(doc(i))
            up.flush()
        assert [r[0] for r in server.requests] == [401, 401, 401]  # each period's document, never a retry loop
        warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert len(warnings) == 1, warnings
        assert said in warnings[0], warnings[0]


def test_a_slow_server_does_not_slow_the_app():
    # The server keeps the first upload waiting until the app's work is done:
    # if the app waited for the upload, the two would wait for each other
    # until the server gave up (30 s) and answered first.
    server, url = serve(hold=True)
    treering.start(
        app="slow", server=url, interval_ms=5, upload_every_s=0.2, max_pending_bytes=50_000, upload_timeout_s=60
    )
    try:
        assert server.arrived.wait(30), "no upload reached the server"
        n = 0
        for _ in range(2000):
            n += sum(i for i in range(1000))
        assert not server.answered.is_set()  # the work ran while the upload was waiting on the network
    finally:
        server.hold.set()
        treering.stop()
    assert server.requests, "nothing was sent"
    for _, body, _headers in server.requests:
        assert body["app"] == "slow"
        assert float(body["tags"]["treering.overhead_ms"]) >= 0


def test_fork_child_starts_its_own_sampler_with_a_clean_buffer(tmp_path):
    server, url = serve()
    treering.start(app="forky", server=url, interval_ms=5, upload_every_s=0.3)
    try:
        pid = os.fork()
        if pid == 0:  # the child: work, then stop (which flushes) and leave
            code = 1
            try:
                t0 = time.monotonic()
                while time.monotonic() - t0 < 0.8:
                    sum(i * i for i in range(1000))
                treering.stop()
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        treering.stop()
    pids = {body["pid"] for _, body, _ in server.requests}
    assert pid in pids, "the child uploaded nothing: its threads did not restart after fork"
    assert os.getpid() in pids
