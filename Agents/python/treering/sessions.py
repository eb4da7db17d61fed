"""Targeted sessions as data: "profile the next N requests of transaction T".

`SessionTable` is the agent's view of the server's active sessions: updated
from polls and upload answers, closed here on a 409 (or 404, or "done"), and
read by request threads without a lock. It does no I/O; the recorder
(`recorder.py`) feeds it and asks it."""

from __future__ import annotations

import threading
import time
from typing import Any


class Session:
    __slots__ = ("id", "interval_ms", "transaction", "until")

    def __init__(self, id: int, transaction: str, interval_ms: float, until: float):
        self.id, self.transaction, self.interval_ms, self.until = id, transaction, interval_ms, until

    @classmethod
    def from_json(cls, item: Any) -> Session | None:
        """A session of the server's list, or None when the item is not one."""
        try:
            interval = float(item.get("interval_ms", 5))
            until = float(item["until"]) if item.get("until") is not None else float("inf")
            transaction = item["transaction"]
            if not isinstance(transaction, str) or not transaction or not 0 < interval <= 1000:
                return None
            return cls(int(item["id"]), transaction, interval, until)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def __repr__(self) -> str:
        return f"Session({self.id}, {self.transaction!r}, {self.interval_ms} ms)"


class SessionTable:
    """The active sessions, one per transaction (the oldest)."""

    def __init__(self) -> None:
        # transaction -> Session. Replaced whole (never mutated) so request
        # threads read it without a lock; empty means "cost nothing".
        self.by_transaction: dict[str, Session] = {}
        self.closed_ids: set[int] = set()  # ended here (409/404/done): a stale list must not revive them
        self._lock = threading.Lock()

    def update(self, items: Any) -> None:
        """The server's list of active sessions (from a poll or an upload answer)."""
        if not isinstance(items, list):
            return
        table: dict[str, Session] = {}
        with self._lock:
            for item in items:  # pyright: ignore[reportUnknownVariableType]
                session = Session.from_json(item) if isinstance(item, dict) else None
                if session is None or session.id in self.closed_ids:
                    continue
                current = table.get(session.transaction)
                if current is None or session.id < current.id:  # one at a time per transaction: the oldest
                    table[session.transaction] = session
            self.by_transaction = table

    def close(self, session_id: int) -> None:
        """The session is over for this agent."""
        with self._lock:
            self.closed_ids.add(session_id)
            self.by_transaction = {t: s for t, s in self.by_transaction.items() if s.id != session_id}

    def match(self, name: str) -> Session | None:
        """The session that wants requests named `name` now, if any."""
        session = self.by_transaction.get(name)
        if session is not None and time.time() < session.until:
            return session
        return None

    def is_active(self, session: Session) -> bool:
        """Whether `session` is still the one recording its transaction."""
        current = self.by_transaction.get(session.transaction)
        return current is not None and current.id == session.id and time.time() < current.until
