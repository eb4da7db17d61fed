"""A cap on distinct transaction names: past `limit` names, new ones become
`other`, so a URL scheme with ids in paths (or a scanner) cannot turn every
request into its own series on the server."""

from __future__ import annotations

import threading

from .config import Config

OTHER = "other"


class TransactionNames:
    def __init__(self, limit: int = Config.max_transactions):
        self.limit = limit
        self.seen: set[str] = set()
        self._lock = threading.Lock()

    def name(self, raw: str) -> str:
        """`raw` while it is one of the first `limit` names seen, else `other`."""
        if raw in self.seen:  # the steady state: one set lookup, no lock
            return raw
        with self._lock:
            if raw in self.seen:
                return raw
            if len(self.seen) >= self.limit:
                return OTHER
            self.seen.add(raw)
            return raw


# Process-wide: middleware of every kind shares one cap. The agent sets the
# limit from its config (keyword, then TREERING_MAX_TRANSACTIONS) when it starts.
names = TransactionNames()


def configure(limit: int) -> None:
    """A new agent starts counting names afresh, under its own limit."""
    with names._lock:
        names.limit = limit
        names.seen = set()
