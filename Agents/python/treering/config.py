"""Agent settings: keyword arguments first, then TREERING_* environment
variables, then defaults, so a deployment can turn the agent on without code."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Any, Callable


def _env(name: str, cast: Callable[[str], Any] = str) -> Any:
    """TREERING_<name> read with `cast`; None when unset, empty or unreadable."""
    value = os.environ.get("TREERING_" + name)
    if value is None or value == "":
        return None
    try:
        return cast(value)
    except ValueError:
        return None


def _tags_from_env() -> dict[str, str]:
    # TREERING_TAGS="env=prod,version=1.2"
    raw = os.environ.get("TREERING_TAGS", "")
    tags: dict[str, str] = {}
    for part in raw.split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            if k.strip():
                tags[k.strip()] = v.strip()
    return tags


@dataclass
class Config:
    app: str = "python-app"
    server: str | None = None
    key: str | None = None
    interval_ms: float = 10.0
    upload_every_s: float = 10.0
    tags: dict[str, str] = field(default_factory=dict)
    mode: str = "thread"  # "thread" (default, everywhere) or "signal" (Linux, SIGPROF)
    granularity: str = "function"  # "function" or "line"
    # "cpu": only samples of threads that ran since the previous sample;
    # "wall": every sample, those of idle threads tagged state=idle.
    clock: str = "cpu"
    include_idle: bool = False  # the older name of clock="wall"
    max_pending_bytes: int = 4 * 1024 * 1024
    upload_timeout_s: float = 5.0
    max_depth: int = 1024
    max_transactions: int = 200  # distinct transaction names; more become "other"
    sessions: bool = True  # take part in targeted sessions (needs a server)
    host: str = field(default_factory=socket.gethostname)

    @classmethod
    def resolve(cls, **kwargs: Any) -> Config:
        env = dict(
            app=_env("APP"),
            server=_env("SERVER"),
            key=_env("KEY"),
            interval_ms=_env("INTERVAL_MS", cast=float),
            upload_every_s=_env("UPLOAD_EVERY_S", cast=float),
            mode=_env("MODE"),
            clock=_env("CLOCK"),
            granularity=_env("GRANULARITY"),
            include_idle=_env("INCLUDE_IDLE", cast=lambda v: v.lower() in ("1", "true", "yes")),
            max_pending_bytes=_env("MAX_PENDING_BYTES", cast=int),
            max_transactions=_env("MAX_TRANSACTIONS", cast=int),
            sessions=_env("SESSIONS", cast=lambda v: v.lower() in ("1", "true", "yes")),
        )
        merged = {k: v for k, v in env.items() if v is not None}
        env_tags = _tags_from_env()
        merged.update({k: v for k, v in kwargs.items() if v is not None})
        cfg = cls(**merged)
        cfg.tags = {**env_tags, **(kwargs.get("tags") or {})}
        if cfg.interval_ms <= 0:
            raise ValueError("interval_ms must be > 0")
        if cfg.mode not in ("thread", "signal"):
            raise ValueError("mode must be 'thread' or 'signal'")
        if cfg.include_idle and "clock" not in merged:
            cfg.clock = "wall"  # include_idle (--idle) keeps idle threads: the wall clock
        if cfg.clock not in ("cpu", "wall"):
            raise ValueError("clock must be 'cpu' or 'wall'")
        if cfg.max_transactions < 0:
            raise ValueError("max_transactions must be >= 0")
        if cfg.granularity not in ("function", "line"):
            raise ValueError("granularity must be 'function' or 'line'")
        return cfg
