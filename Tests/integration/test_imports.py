"""Profiles from real tools, sent to the real server: py-spy (raw folded and
speedscope), pyinstrument (evented speedscope), and an app instrumented with
pyroscope-io pointed at Treering. Totals must equal the files' own, the hot
function must sit under its real callers, round trips must give the same tree,
and broken files must get a clear 4xx."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.treering_server import TreeringServer, server_binary

PROGRAM = Path(__file__).with_name("profiled_program.py")
HOT_PATH = ["main", "outer", "hot_loop"]


def bin_of(tool: str) -> str:
    return str(Path(sys.executable).with_name(tool)) if Path(sys.executable).with_name(tool).exists() else tool


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Real output of py-spy and pyinstrument profiling the same program."""
    out = tmp_path_factory.mktemp("tools")
    runs = {
        "pyspy.txt": [
            bin_of("py-spy"),
            "record",
            "-r",
            "100",
            "-f",
            "raw",
            "-o",
            str(out / "pyspy.txt"),
            "--",
            sys.executable,
            str(PROGRAM),
        ],
        "pyspy-threads.txt": [
            bin_of("py-spy"),
            "record",
            "-r",
            "100",
            "-f",
            "raw",
            "--threads",
            "-o",
            str(out / "pyspy-threads.txt"),
            "--",
            sys.executable,
            str(PROGRAM),
        ],
        "pyspy.speedscope.json": [
            bin_of("py-spy"),
            "record",
            "-r",
            "100",
            "-f",
            "speedscope",
            "-o",
            str(out / "pyspy.speedscope.json"),
            "--",
            sys.executable,
            str(PROGRAM),
        ],
        "pyinstrument.speedscope.json": [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "speedscope",
            "-o",
            str(out / "pyinstrument.speedscope.json"),
            str(PROGRAM),
        ],
    }
    for name, cmd in runs.items():
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and (out / name).exists(), f"{cmd[0]} failed: {done.stderr[-2000:]}"
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with TreeringServer(tmp_path_factory.mktemp("imports") / "imports.sqlite") as s:
        yield s


def folded_lines(text: str) -> dict[str, int]:
    out = {}
    for line in text.splitlines():
        stack, count = line.rsplit(" ", 1)
        out[stack] = out.get(stack, 0) + int(count)
    return out


def names(stack: str) -> list[str]:
    return [frame.split(" (")[0] for frame in stack.split(";")]


def hot_share(folded: dict[str, int]) -> float:
    """Share of samples whose stack has main > outer > hot_loop in order."""
    total = sum(folded.values())
    hot = sum(
        c
        for s, c in folded.items()
        if "hot_loop" in names(s)
        and names(s)[names(s).index("hot_loop") - 2 : names(s).index("hot_loop") + 1] == HOT_PATH
    )
    return hot / total


def send(server, body: bytes, query: str, content_type: str = "application/json"):
    return server.post("/api/v1/ingest?" + query, body, {"Content-Type": content_type})


def test_pyspy_raw_keeps_totals_and_callers(server, files):
    text = (files / "pyspy.txt").read_text()
    expected = sum(int(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.strip())
    status, answer = send(server, text.encode(), "format=folded&app=pyspy-raw&interval_ms=10", "text/plain")
    assert status == 201, answer
    assert answer["samples"] == expected
    folded = folded_lines(server.get_text(f"/api/v1/profiles/{answer['id']}/folded"))
    assert sum(folded.values()) == expected
    assert hot_share(folded) > 0.6
    # py-spy's "file:line" frames became files and lines, not names.
    assert any("hot_loop (" in s and "profiled_program.py:" in s for s in folded)


def test_pyspy_thread_roots_become_threads(server, files):
    text = (files / "pyspy-threads.txt").read_text()
    assert text.startswith("thread (")  # py-spy --threads writes `thread (tid): name;...`
    status, answer = send(server, text.encode(), "format=folded&app=pyspy-threads", "text/plain")
    assert status == 201, answer
    meta = server.get_json(f"/api/v1/profiles/{answer['id']}")
    # py-spy names the thread once Python has: `thread (tid)` first, then `thread (tid): MainThread`.
    assert all(t.startswith("thread (") for t in meta["threads"])
    assert any(t.endswith("MainThread") for t in meta["threads"])
    folded = folded_lines(server.get_text(f"/api/v1/profiles/{answer['id']}/folded"))
    assert not any(s.startswith("thread") for s in folded)  # not a call-tree node
    assert hot_share(folded) > 0.6


def test_pyspy_speedscope_totals_in_microseconds(server, files):
    doc = json.loads((files / "pyspy.speedscope.json").read_text())
    seconds = sum(sum(p["weights"]) for p in doc["profiles"])
    status, answer = send(server, json.dumps(doc).encode(), "format=speedscope&app=pyspy-speedscope")
    assert status == 201, answer
    meta = server.get_json(f"/api/v1/profiles/{answer['id']}")
    assert meta["interval_ms"] == 0.001  # counts are microseconds: the unit kept
    assert abs(answer["samples"] - seconds * 1e6) <= len(doc["profiles"][0]["samples"])
    assert hot_share(folded_lines(server.get_text(f"/api/v1/profiles/{answer['id']}/folded"))) > 0.6


def test_pyinstrument_evented_speedscope(server, files):
    doc = json.loads((files / "pyinstrument.speedscope.json").read_text())
    profile = doc["profiles"][0]
    assert profile["type"] == "evented"
    # The file's own total: time during which some frame is open.
    depth, last, open_time = 0, None, 0.0
    for e in profile["events"]:
        if depth and last is not None:
            open_time += e["at"] - last
        last = e["at"]
        depth += 1 if e["type"] == "O" else -1
    status, answer = send(server, json.dumps(doc).encode(), "format=speedscope&app=pyinstrument")
    assert status == 201, answer
    assert abs(answer["samples"] - open_time * 1e6) <= len(profile["events"])
    assert hot_share(folded_lines(server.get_text(f"/api/v1/profiles/{answer['id']}/folded"))) > 0.6


def test_cli_import_guesses_formats_and_round_trips_through_speedscope(files, tmp_path):
    db = str(tmp_path / "cli.sqlite")

    def cli(*args):
        done = subprocess.run([str(server_binary()), *args, "--db", db], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "imported profile 1" in cli("import", str(files / "pyspy.txt"), "--app", "cli")
    assert "imported profile 2" in cli("import", str(files / "pyinstrument.speedscope.json"), "--app", "cli")
    for profile_id in ["1", "2"]:
        original = cli("export", profile_id, "--format", "folded")
        exported = tmp_path / f"{profile_id}.speedscope.json"
        cli("export", profile_id, "--format", "speedscope", "-o", str(exported))
        new_id = cli("import", str(exported), "--app", "again").split()[2]
        assert cli("export", new_id, "--format", "folded") == original
    # Folded export, imported again, is the same tree too.
    folded_file = tmp_path / "1.folded"
    folded_file.write_text(cli("export", "1", "--format", "folded"))
    new_id = cli("import", str(folded_file), "--app", "again").split()[2]
    assert cli("export", new_id, "--format", "folded") == cli("export", "1", "--format", "folded")


def test_speedscope_export_over_http_has_the_same_totals(server, files):
    text = (files / "pyspy.txt").read_text()
    _, answer = send(server, text.encode(), "format=folded&app=export-check", "text/plain")
    doc = json.loads(server.get_text(f"/api/v1/profiles/{answer['id']}/speedscope.json"))
    assert doc["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    assert sum(doc["profiles"][0]["weights"]) == answer["samples"]
    status, again = send(server, json.dumps(doc).encode(), "format=speedscope&app=export-check")
    assert status == 201
    assert server.get_text(f"/api/v1/profiles/{again['id']}/folded") == server.get_text(
        f"/api/v1/profiles/{answer['id']}/folded"
    )


def test_pyroscope_io_app_sends_to_treering_unchanged(server, tmp_path):
    before = {p["id"] for p in server.get_json("/api/v1/profiles?app=pyro.app")["profiles"]}
    script = tmp_path / "pyro_app.py"
    script.write_text(f"""
import sys, time
sys.path.insert(0, {str(PROGRAM.parent)!r})
import pyroscope
from profiled_program import main
pyroscope.configure(application_name="pyro.app", server_address={server.url!r}, tags={{"env": "ci"}}, sample_rate=100)
with pyroscope.tag_wrapper({{"route": "/orders"}}):
    main(3)
pyroscope.shutdown()
""")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    deadline = time.monotonic() + 30
    while True:
        profiles = [p for p in server.get_json("/api/v1/profiles?app=pyro.app")["profiles"] if p["id"] not in before]
        if sum(p["samples"] for p in profiles) >= 100 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert profiles, "no profile arrived from pyroscope-io"
    assert all(p["tags"]["env"] == "ci" for p in profiles)
    folded: dict[str, int] = {}
    for p in profiles:
        for stack, count in folded_lines(server.get_text(f"/api/v1/profiles/{p['id']}/folded")).items():
            folded[stack] = folded.get(stack, 0) + count
    assert hot_share(folded) > 0.6


def mangled(data: bytes):
    yield "truncated to half", data[: len(data) // 2]
    yield "truncated by one byte", data.rstrip()[:-1]
    yield "bytes flipped", bytes(b ^ 0x5A if i % 7 == 3 else b for i, b in enumerate(data[:4096])) + data[4096:]
    yield "empty", b""


@pytest.mark.parametrize(
    "name,query,content_type",
    [
        ("pyspy.speedscope.json", "format=speedscope&app=broken", "application/json"),
        ("pyinstrument.speedscope.json", "format=speedscope&app=broken", "application/json"),
        ("pyspy.txt", "format=folded&app=broken", "text/plain"),
    ],
)
def test_broken_files_get_a_clear_4xx_and_store_nothing(server, files, name, query, content_type):
    data = (files / name).read_bytes()
    count = len(server.get_json("/api/v1/profiles?app=broken&limit=1000")["profiles"])
    for what, body in mangled(data):
        status, answer = send(server, body, query, content_type)
        if status == 201:
            # Folded text has no structure to break: a cut or altered line can
            # still be a valid, different stack. JSON files must be refused.
            assert name.endswith(".txt") and what != "empty", (what, answer)
            count += 1
            continue
        assert 400 <= status < 500, (what, status, answer)
        assert answer["error"]["message"], what
    assert len(server.get_json("/api/v1/profiles?app=broken&limit=1000")["profiles"]) == count
    server.get_text("/healthz")  # still answering (raises unless 200)


def test_pyroscope_push_that_is_not_protobuf_is_refused(server):
    status, answer = server.post(
        "/push.v1.PusherService/Push", b"\xff\xff\xff garbage", {"Content-Type": "application/proto"}
    )
    assert status == 400 and "PushRequest" in answer["error"]["message"]


def protobuf_fields(data: bytes):
    """(field number, wire type, value) of one protobuf message, enough to read
    pprof and PushRequest in a test without generated code."""

    def varint(i):
        shift = value = 0
        while True:
            b = data[i]
            value |= (b & 0x7F) << shift
            i += 1
            if b < 0x80:
                return value, i
            shift += 7

    i = 0
    while i < len(data):
        key, i = varint(i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(i)
        elif wire == 2:
            size, i = varint(i)
            value, i = data[i : i + size], i + size
        elif wire == 1:
            value, i = data[i : i + 8], i + 8
        elif wire == 5:
            value, i = data[i : i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def packed_varints(data: bytes) -> list[int]:
    out, shift, value = [], 0, 0
    for b in data:
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            out.append(value)
            shift = value = 0
    return out


def pprof_samples(profile: bytes) -> int:
    """The file's own total, as Treering counts it: the first sample type's
    values divided by the sampling period."""
    values, period = 0, 1
    for number, _, value in protobuf_fields(profile):
        if number == 2:  # Profile.sample
            for n, wire, v in protobuf_fields(value):
                if n == 2:  # Sample.value, packed or not
                    values += packed_varints(v)[0] if wire == 2 else v
        elif number == 12:  # Profile.period
            period = value
    return values // period


@pytest.fixture(scope="module")
def pprof_file(tmp_path_factory):
    """A real pprof profile: what pyroscope-io sends, caught by a small HTTP
    server and taken out of its PushRequest, then gzip'd as pprof files are."""
    import gzip
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies = []

    class Catch(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            bodies.append(gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body)
            self.send_response(200)
            self.send_header("Content-Type", "application/proto")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    catcher = ThreadingHTTPServer(("127.0.0.1", 0), Catch)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()
    out = tmp_path_factory.mktemp("pprof")
    script = out / "pyro_catch.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {str(PROGRAM.parent)!r})
import pyroscope
from profiled_program import main
pyroscope.configure(
    application_name="caught", server_address="http://127.0.0.1:{catcher.server_address[1]}", sample_rate=100
)
main(3)
pyroscope.shutdown()
""")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    catcher.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    raws = [
        raw
        for body in bodies
        for n, _, series in protobuf_fields(body)
        if n == 1
        for m, _, sample in protobuf_fields(series)
        if m == 2
        for k, _, raw in protobuf_fields(sample)
        if k == 1
    ]
    raws = [gzip.decompress(r) if r[:2] == b"\x1f\x8b" else r for r in raws]
    biggest = max(raws, key=pprof_samples)
    assert pprof_samples(biggest) > 50
    (out / "cpu.pb.gz").write_bytes(gzip.compress(biggest))
    (out / "cpu.pb").write_bytes(biggest)
    return out


def test_cli_imports_a_gzip_pprof_file(pprof_file, tmp_path):
    db = str(tmp_path / "pprof.sqlite")
    done = subprocess.run(
        [str(server_binary()), "import", str(pprof_file / "cpu.pb.gz"), "--app", "pprof-cli", "--db", db],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    samples = int(done.stdout.split("(")[1].split()[0])
    assert samples == pprof_samples((pprof_file / "cpu.pb").read_bytes())
    folded = subprocess.run(
        [str(server_binary()), "export", done.stdout.split()[2], "--db", db], capture_output=True, text=True, timeout=60
    ).stdout
    assert sum(folded_lines(folded).values()) == samples
    assert hot_share(folded_lines(folded)) > 0.6


def test_broken_pprof_gets_a_clear_4xx_and_stores_nothing(server, pprof_file):
    data = (pprof_file / "cpu.pb").read_bytes()
    status, answer = send(server, data, "format=pprof&app=pprof-ok", "application/octet-stream")
    assert status == 201 and answer["samples"] == pprof_samples(data)
    before = len(server.get_json("/api/v1/profiles?app=broken-pprof&limit=1000")["profiles"])
    stored = 0
    for what, body in mangled(data):
        status, answer = send(server, body, "format=pprof&app=broken-pprof", "application/octet-stream")
        assert status != 500, (what, answer)
        if status == 201:
            # protobuf has no checksum: a flipped byte inside a string, or a cut
            # that falls between two fields, is still a valid profile.
            assert what in ("bytes flipped", "truncated to half"), (what, answer)
            stored += 1
            continue
        assert 400 <= status < 500 and answer["error"]["message"], (what, status, answer)
    assert len(server.get_json("/api/v1/profiles?app=broken-pprof&limit=1000")["profiles"]) == before + stored
    server.get_text("/healthz")
