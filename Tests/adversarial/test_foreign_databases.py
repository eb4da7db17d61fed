"""Item 9 of issue 15: `treering serve --db FILE` on a file that is not a
Treering database (another app's SQLite file, one with a clashing table), one
from a newer Treering, or a corrupt one must exit non-zero with a clear
message on stderr naming the file, and leave the file byte for byte as it was
(sha256 before and after; no write-ahead log left holding changes)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import time

import pytest

from adversarial_http import doc, get, post_json
from support.treering_server import REPO, TreeringServer, free_port, server_binary


def other_apps_file(path):
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), total REAL);
            INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com');
            INSERT INTO orders (user_id, total) VALUES (1, 9.5), (2, 12.0);
        """)
    db.close()


def clashing_table_file(path):
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE profile (id INTEGER PRIMARY KEY, username TEXT, bio TEXT);
            INSERT INTO profile (username, bio) VALUES ('ada', 'engines'), ('alan', 'machines');
        """)
    db.close()


def treering_file(path):
    """A real Treering database with one upload, closed cleanly (no WAL left)."""
    with TreeringServer(path, log_path=path.with_suffix(".make.log")) as server:
        assert post_json(server.port, "/api/v1/ingest", doc()).status == 201
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def newer_treering_file(path):
    treering_file(path)
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99 from a newer Treering')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def corrupt_treering_file(path):
    treering_file(path)
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    size = path.stat().st_size
    assert size >= 4 * page, f"the made database is only {size} bytes"
    with open(path, "r+b") as f:
        # Garbage over a page in the middle: SQLite's header is fine, quick_check is not.
        f.seek(2 * page)
        f.write(bytes((i * 37 + 11) % 256 for i in range(page)))
    db = sqlite3.connect(path)
    check = db.execute("PRAGMA quick_check").fetchall()
    db.close()
    assert check != [("ok",)], "the corruption was not seen by quick_check"


def garbage_file(path):
    path.write_bytes(bytes((i * 131 + 7) % 256 for i in range(64 * 1024)))


CASES = {
    "another app's SQLite file": (
        other_apps_file,
        r"(?i)not a treering|treering database|foreign|unknown|users|orders",
    ),
    "a file with a clashing table": (clashing_table_file, r"(?i)not a treering|treering database|profile|clash"),
    "a database of a newer Treering": (newer_treering_file, r"(?i)newer|later|upgrade|v99"),
    "a corrupt Treering database": (corrupt_treering_file, r"(?i)corrupt|malformed|quick_check|integrity"),
    "garbage bytes": (garbage_file, r"(?i)not a database|not a treering|corrupt|encrypted|sqlite"),
}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(CASES))
def test_serve_refuses_the_file_and_leaves_it_untouched(tmp_path, case):
    make, names = CASES[case]
    path = tmp_path / "given.sqlite"
    make(path)
    for side in ("-wal", "-shm"):
        (tmp_path / f"given.sqlite{side}").unlink(missing_ok=True)
    before = sha256(path)
    port = free_port()
    proc = subprocess.Popen(
        [str(server_binary()), "serve", "--port", str(port), "--db", str(path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    served = None
    deadline = time.monotonic() + 15
    while proc.poll() is None and time.monotonic() < deadline:
        answer = get(port, "/healthz", timeout=1)
        if answer.status == 200:
            served = get(port, "/api/v1/apps", timeout=5)
            break
        time.sleep(0.1)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _, err = proc.communicate()
    stderr = err.decode(errors="replace")
    problems = []
    if served is not None:
        problems.append(f"the server started on the file and served it (/api/v1/apps: {served})")
    elif proc.returncode == 0:
        problems.append("the process exited with code 0")
    if not stderr.strip():
        problems.append("nothing on stderr")
    else:
        if not re.search(names, stderr):
            problems.append(f"stderr does not say what is wrong (/{names}/): {stderr.strip()[-400:]!r}")
        if str(path) not in stderr and path.name not in stderr:
            problems.append(f"stderr does not name the file: {stderr.strip()[-400:]!r}")
    after = sha256(path)
    if after != before:
        problems.append(
            f"the file was modified (sha256 {before[:12]} -> {after[:12]}, {path.stat().st_size} bytes now)"
        )
    wal = tmp_path / "given.sqlite-wal"
    if wal.exists() and wal.stat().st_size > 0:
        problems.append(f"a write-ahead log of {wal.stat().st_size} bytes was left beside the file")
    assert not problems, f"{case} (exit code {proc.returncode}):\n" + "\n".join(problems)
