import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import postgres  # importable once Tests/ is on the path, above


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test, dropped after it."""
    url, name = postgres.create_database()
    yield url
    postgres.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """The server's `--db` on each backend: a new SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "treering.sqlite"
    return request.getfixturevalue("postgres_url")
