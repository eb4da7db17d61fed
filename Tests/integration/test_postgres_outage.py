"""A PostgreSQL outage under a running server: refused at once, then served again.

The server runs on a cluster of its own (scripts/postgres.sh), which the test
stops and starts. Once the server has seen the database go (it says so in its
log), a request is answered 503 with Retry-After instead of waiting out the
connection pool's minute of retries, and once the database is back, the
server serves again without a restart, with nothing acknowledged lost.
"""

import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from support.postgres import SCRIPT, psql, with_database
from support.synthetic_profile import synthetic_upload
from support.treering_server import TreeringServer


def request(url: str, timeout: float) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def wait_for(condition, what: str, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


def test_an_outage_is_answered_503_at_once_and_the_server_recovers(tmp_path):
    folder = tempfile.mkdtemp(prefix="treering-pg-outage.", dir="/tmp")
    try:
        admin = subprocess.run(
            ["bash", str(SCRIPT), "start", folder], stdout=subprocess.PIPE, text=True, check=True
        ).stdout.splitlines()[-1]
        psql(admin, "CREATE DATABASE outage")
        log = tmp_path / "server.log"
        with TreeringServer(with_database(admin, "outage"), log_path=log) as server:
            status, first = server.ingest(synthetic_upload(50, seed=1, app="outage"))
            assert status == 201, first

            subprocess.run(["bash", str(SCRIPT), "stop", folder], check=True, stdout=subprocess.DEVNULL)
            wait_for(lambda: "does not answer" in log.read_text(), "the server logs that PostgreSQL went away")
            # Well under the pool's minute: a request that waited it out would time out here.
            status, headers, body = request(server.url + "/api/v1/apps", timeout=20)
            assert status == 503, body
            assert json.loads(body)["error"]["code"] == "storage_unavailable"
            assert headers.get("Retry-After")
            assert request(server.url + "/healthz", timeout=20)[0] == 200  # the process itself is fine

            subprocess.run(["bash", str(SCRIPT), "start", folder], check=True, stdout=subprocess.DEVNULL)
            wait_for(lambda: request(server.url + "/api/v1/apps", timeout=20)[0] == 200, "served again")
            status, second = server.ingest(synthetic_upload(50, seed=2, app="outage"))
            assert status == 201, second
            ids = {p["id"] for p in server.get_json("/api/v1/profiles?app=outage")["profiles"]}
            assert {first["id"], second["id"]} <= ids
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", folder], check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)
