"""API keys as an operator uses them: `treering keys` on the database file
beside a running server (the built binary), which sees each change within
seconds; the start-up rule for network addresses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from support.treering_server import REPO, TreeringServer, free_port, server_binary
from test_app_queries import upload_doc


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(server_binary()), *args], capture_output=True, text=True, cwd=REPO, timeout=60)


def call(server: TreeringServer, method: str, path: str, key: str | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(server.url + path, data=body, method=method)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def until_status(server: TreeringServer, want: int, *args, timeout: float = 15.0) -> int:
    """Polls until the server answers `want` (a key change is seen within seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        status = call(server, *args)
        if status == want or time.monotonic() > deadline:
            return status
        time.sleep(0.25)


def test_keys_created_listed_and_revoked_beside_a_running_server(tmp_path):
    db = tmp_path / "keys.sqlite"
    doc = json.dumps(upload_doc(0, time.time() - 60)).encode()
    with TreeringServer(db) as server:
        # No key yet, on loopback: open, as on a first run.
        assert call(server, "POST", "/api/v1/ingest", None, doc) == 201

        created = run("keys", "create", "--scope", "ingest", "--name", "agents", "--db", str(db))
        assert created.returncode == 0, created.stderr
        lines = created.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith("trk_"), created.stdout  # the secret alone on stdout
        ingest_key = lines[0]
        assert "created key 1" in created.stderr

        assert until_status(server, 401, "POST", "/api/v1/ingest", None, doc) == 401
        assert call(server, "POST", "/api/v1/ingest", ingest_key, doc) == 201
        assert call(server, "GET", "/api/v1/profiles", ingest_key) == 403
        assert call(server, "GET", "/healthz") == 200

        read_key = run("keys", "create", "--scope", "read", "--db", str(db)).stdout.strip()
        assert until_status(server, 200, "GET", "/api/v1/profiles", read_key) == 200

        listed = run("keys", "list", "--db", str(db))
        assert listed.returncode == 0
        assert ingest_key not in listed.stdout and read_key not in listed.stdout
        rows = [line.split("\t") for line in listed.stdout.splitlines()[1:]]
        assert [(r[0], r[1], r[2]) for r in rows] == [("1", "agents", "ingest"), ("2", "-", "read")]

        assert run("keys", "revoke", "2", "--db", str(db)).returncode == 0
        assert until_status(server, 401, "GET", "/api/v1/profiles", read_key) == 401
        again = run("keys", "revoke", "2", "--db", str(db))
        assert again.returncode == 1 and "no key 2" in again.stderr
        assert "usage" not in again.stderr.lower()  # a fact about the database, not a misuse of the command


def test_a_bad_scope_is_refused_on_stderr(tmp_path):
    out = run("keys", "create", "--scope", "root", "--db", str(tmp_path / "k.sqlite"))
    assert out.returncode != 0 and out.stdout == ""
    assert "--scope" in out.stderr


def test_a_network_address_with_no_key_refuses_to_start_unless_open(tmp_path):
    db = tmp_path / "net.sqlite"
    port = str(free_port())
    refused = subprocess.run(
        [str(server_binary()), "serve", "--host", "0.0.0.0", "--port", port, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "keys create" in refused.stderr and "--open" in refused.stderr
    with TreeringServer(db, extra_args=["--open", "--host", "0.0.0.0"]) as server:
        assert call(server, "GET", "/api/v1/apps") == 200
    assert "with no API key (--open)" in server.log_path.read_text()


PROGRAM = REPO / "Tests" / "integration" / "profiled_program.py"


def test_the_agent_and_pyroscope_io_upload_with_a_key(tmp_path):
    db = tmp_path / "agents.sqlite"
    agent_key = run("keys", "create", "--scope", "ingest", "--app", "keyed-agent", "--db", str(db)).stdout.strip()
    pyro_key = run("keys", "create", "--scope", "ingest", "--app", "pyro.keyed", "--db", str(db)).stdout.strip()
    read_key = run("keys", "create", "--scope", "read", "--db", str(db)).stdout.strip()
    agent = [
        sys.executable,
        "-m",
        "treering",
        "run",
        "--app",
        "keyed-agent",
        "--upload-every-s",
        "0.5",
        str(PROGRAM),
        "2",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO / "Agents" / "python"), "TREERING_SERVER": "", "TREERING_KEY": ""}
    with TreeringServer(db) as server:
        env["TREERING_SERVER"] = server.url
        # A wrong key: every upload refused, said once on stderr, never retried in a loop.
        wrong = subprocess.run(
            agent, env={**env, "TREERING_KEY": "trk_wrong"}, capture_output=True, text=True, timeout=120
        )
        assert wrong.stderr.count("refused the key (401)") == 1, wrong.stderr[-2000:]
        # The right key: the profile is stored under the app the key is for.
        right = subprocess.run(
            agent, env={**env, "TREERING_KEY": agent_key}, capture_output=True, text=True, timeout=120
        )
        assert right.returncode == 0 and "refused" not in right.stderr, right.stderr[-2000:]
        stored = read_json(server, "/api/v1/profiles?app=keyed-agent", read_key)["profiles"]
        assert stored and sum(p["samples"] for p in stored) > 0

        # pyroscope-io sends the key as its basic auth password.
        script = tmp_path / "pyro_app.py"
        script.write_text(
            f"import sys\nsys.path.insert(0, {str(PROGRAM.parent)!r})\n"
            "import pyroscope\nfrom profiled_program import main\n"
            f"pyroscope.configure(application_name='pyro.keyed', server_address={server.url!r}, sample_rate=100,\n"
            f"                    basic_auth_username='pyroscope', basic_auth_password={pyro_key!r})\n"
            "main(2)\npyroscope.shutdown()\n"
        )
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        deadline = time.monotonic() + 30
        while not read_json(server, "/api/v1/profiles?app=pyro.keyed", read_key)["profiles"]:
            assert time.monotonic() < deadline, "no profile arrived from pyroscope-io with basic auth"
            time.sleep(0.5)


def read_json(server: TreeringServer, path: str, key: str) -> dict:
    request = urllib.request.Request(server.url + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_share_links_listed_and_revoked_from_the_command_line(tmp_path):
    db = tmp_path / "shares.sqlite"
    with TreeringServer(db) as server:
        status, answer = server.ingest(upload_doc(0, time.time() - 60))
        assert status == 201, answer
        profile_link = answer["share_url"]
        assert call(server, "GET", "/api" + "/v1" + profile_link) == 200
        now = int(time.time())
        status, shared = server.post(
            f"/api/v1/query/share?app=shop-web&from={now - 3600}&until={now}&expires_in=7d", b""
        )
        assert status == 201 and abs(shared["expires_at"] - (time.time() + 7 * 86400)) < 60, shared
        bad = server.post("/api/v1/query/share?app=shop-web&expires_in=forever", b"")
        assert bad[0] == 400 and bad[1]["error"]["message"].startswith("expires_in:")

        listed = run("shares", "list", "--db", str(db))
        assert listed.returncode == 0 and shared["token"] in listed.stdout and "shop-web" in listed.stdout

        for link in [profile_link, shared["url"]]:
            token = link.rsplit("/", 1)[-1]
            revoked = run("shares", "revoke", token, "--db", str(db))
            assert revoked.returncode == 0, revoked.stderr
        assert call(server, "GET", "/api" + "/v1" + profile_link) == 404
        assert call(server, "GET", "/api/v1/q/" + shared["token"]) == 404
        again = run("shares", "revoke", shared["token"], "--db", str(db))
        assert again.returncode == 1 and "no share link" in again.stderr
        assert "usage" not in again.stderr.lower()
