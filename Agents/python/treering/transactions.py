"""A cap on distinct transaction names: past `limit` names, new ones become
`other`, so a URL scheme with ids in paths (or a scanner) cannot turn every
request into its own series on the server."""
from __future__ import annotations

import os
import threading

OTHER = "other"
DEFAULT_LIMIT = 200


def _limit_from_env() -> int:
    try:
        return max(0, int(os.environ.get("TREERING_MAX_TRANSACTIONS") or DEFAULT_LIMIT))
    except ValueError:
        return DEFAULT_LIMIT


class TransactionNames:
    def __init__(self, limit: int = DEFAULT_LIMIT):
        self.limit = limit
        self.seen: set = set()
        self._lock = threading.Lock()

    def name(self, raw: str) -> str:
        """`raw` while it is one of the first `limit` names seen, else `other`."""
        if raw in self.seen:   # the steady state: one set lookup, no lock
            return raw
        with self._lock:
            if raw in self.seen:
                return raw
            if len(self.seen) >= self.limit:
                return OTHER
            self.seen.add(raw)
            return raw


# Process-wide: middleware of every kind shares one cap. The agent sets the
# limit from its config when it starts.
names = TransactionNames(_limit_from_env())


def configure(limit: int) -> None:
    """A new agent starts counting names afresh, under its own limit."""
    with names._lock:
        names.limit = limit
        names.seen = set()
