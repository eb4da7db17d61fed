"""Item 8 of issue 15: a full disk. The server's database lives on a small
tmpfs that a filler file then fills. Uploads must then be answered 507 or
503 with a JSON error and Retry-After (not 500 with an empty body); reads
keep working; once the filler is deleted, uploads succeed again; and every
upload that was answered 2xx is in the database, also after a restart; the
refusal is logged."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import uuid

import pytest

from adversarial_http import doc, get, healthy, post_json
from support.treering_server import TreeringServer

SIZE = "4m"


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    out = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if out.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({out.stderr.strip() or out.returncode}): needs root or CAP_SYS_ADMIN")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(path) -> int:
    """Write a filler file until the disk is full; its size."""
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    written += os.write(fd, b"\0" * size)
                except OSError as e:
                    assert e.errno == errno.ENOSPC, e
                    break
    finally:
        os.close(fd)
    return written


def bulky_doc(i: int) -> dict:
    """~60 KB of unique frame names, so each upload needs new pages."""
    frames = [{"name": f"fn_{i}_{k}_{uuid.uuid4().hex * 4}", "file": f"mod_{i}.py", "line": k} for k in range(300)]
    samples = [{"stack": [0, k], "count": 1, "thread": "MainThread"} for k in range(1, 300)]
    return doc(app="disk", frames=frames, samples=samples)


def test_a_full_disk_answers_507_or_503_reads_go_on_and_writes_resume(small_disk):
    server = TreeringServer(small_disk / "full.sqlite", log_path=small_disk.parent / "full.log")
    server.start()
    try:
        acknowledged = []
        first = post_json(server.port, "/api/v1/ingest", bulky_doc(0))
        assert first.status == 201, f"an upload before the disk is full: {first}"
        acknowledged.append(first.json["id"])
        fill(small_disk / "filler")
        refused = None
        for i in range(1, 60):
            answer = post_json(server.port, "/api/v1/ingest", bulky_doc(i))
            if answer.status == 201:
                acknowledged.append(answer.json["id"])
                continue
            refused = answer
            break
        assert refused is not None, f"all {len(acknowledged)} uploads were answered 201 on a full {SIZE} disk"
        problems = []
        if refused.status not in (503, 507):
            problems.append(f"the upload on a full disk got {refused}, not 507 or 503")
        if refused.error_message is None:
            problems.append(f"no JSON error body: {refused}")
        log = server.log_path.read_text(errors="replace")
        if not re.search(r"(?i)disk is full|disk full|storage|SQLITE_FULL", log):
            problems.append(f"nothing about the full disk in the server's log: {log.strip()[-300:]!r}")
        if "retry-after" not in refused.headers:
            problems.append(f"no Retry-After header (headers: {sorted(refused.headers)})")
        # Reads keep working.
        listed = get(server.port, "/api/v1/profiles?app=disk")
        if listed.status != 200:
            problems.append(f"listing profiles on a full disk: {listed}")
        tree = get(server.port, f"/api/v1/profiles/{acknowledged[0]}/tree")
        if tree.status != 200:
            problems.append(f"reading a tree on a full disk: {tree}")
        health = healthy(server)
        if health:
            problems.append(f"on a full disk: {health}")
        # Space again: writes resume.
        (small_disk / "filler").unlink()
        after = post_json(server.port, "/api/v1/ingest", bulky_doc(100))
        if after.status == 201:
            acknowledged.append(after.json["id"])
        else:
            problems.append(f"an upload after freeing space: {after}")
        # Everything acknowledged is there, also after a restart.
        missing = [pid for pid in acknowledged if get(server.port, f"/api/v1/profiles/{pid}").status != 200]
        if missing:
            problems.append(f"acknowledged uploads missing: {missing}")
        server.stop()
        server.start()
        missing = [pid for pid in acknowledged if get(server.port, f"/api/v1/profiles/{pid}").status != 200]
        if missing:
            problems.append(f"acknowledged uploads missing after a restart: {missing}")
        assert not problems, f"{len(acknowledged)} uploads acknowledged:\n" + "\n".join(problems)
    finally:
        server.stop()
