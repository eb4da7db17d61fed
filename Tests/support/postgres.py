"""A real PostgreSQL for the Python tests: one cluster, a fresh database per test.

scripts/test.sh starts the cluster (scripts/postgres.sh) and sets
TREERING_TEST_POSTGRES_URL to its admin URL. Without it, the first test that
asks starts a cluster of its own in a temporary folder, stopped when the
tests end, so that pytest alone runs these tests too rather than skipping
them. Admin SQL goes through `psql` (Debian's postgresql-client), so the
tests need no database driver.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "postgres.sh"

_admin_url: str | None = None


def admin_url() -> str:
    """The cluster's admin URL: $TREERING_TEST_POSTGRES_URL, else a cluster started for this run."""
    global _admin_url
    if _admin_url is None:
        _admin_url = os.environ.get("TREERING_TEST_POSTGRES_URL") or _start_own_cluster()
    return _admin_url


def _start_own_cluster() -> str:
    # In /tmp: as root the server runs as the `postgres` user, who must reach the folder.
    folder = tempfile.mkdtemp(prefix="treering-pg.", dir="/tmp")

    def stop() -> None:
        subprocess.run(["bash", str(SCRIPT), "stop", folder], check=False)
        shutil.rmtree(folder, ignore_errors=True)

    started = subprocess.run(["bash", str(SCRIPT), "start", folder], stdout=subprocess.PIPE, text=True, check=False)
    if started.returncode != 0:
        stop()
        raise RuntimeError(f"scripts/postgres.sh start {folder} failed ({started.returncode}); see its stderr")
    atexit.register(stop)
    return started.stdout.strip().splitlines()[-1]


def with_database(url: str, name: str) -> str:
    """The same server and user, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def psql(url: str, sql: str) -> str:
    """Runs SQL with psql; returns its unaligned, tuples-only output. Raises with psql's message on an error."""
    done = subprocess.run(
        ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql failed on {sql!r}: {done.stderr.strip()}")
    return done.stdout.strip()


def create_database() -> tuple[str, str]:
    """A new empty database in the test cluster: (its URL, its name)."""
    name = "t_" + secrets.token_hex(8)
    psql(admin_url(), f"CREATE DATABASE {name}")
    return with_database(admin_url(), name), name


def drop_database(name: str) -> None:
    # FORCE: a server killed by a test may leave its connections behind for a moment.
    psql(admin_url(), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
