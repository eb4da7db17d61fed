"""Treering's Python agent: a statistical profiler cheap enough to leave on.

import treering
treering.start(app="shop-web", server="http://treering:8080")
...
treering.stop()

with treering.profile() as p:
    work()
p.document   # the treering/1 document of the block
"""

from __future__ import annotations

# The one place the version is written: packaging reads it (pyproject.toml),
# the documents' `agent` field and the User-Agent header use it.
__version__ = "0.1.0"

from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

from .agent import Agent, start, stop
from .config import Config
from .stacks import Document
from .tagging import clear_tags, set_tags, tagged

__all__ = ["Agent", "Config", "Profile", "__version__", "clear_tags", "profile", "set_tags", "start", "stop", "tagged"]


class Profile:
    """What `profile()` gives: the document once the block has ended."""

    def __init__(self) -> None:
        self.document: Document | None = None


@contextmanager
def profile(app: str = "python-app", interval_ms: float = 10.0, **kwargs: Any) -> Generator[Profile, None, None]:
    """Profiles the block with its own sampler (independent of `start()`);
    with `server=` the document is also uploaded."""
    result = Profile()
    # Sessions record requests tagged by the middleware of `start()`'s agent,
    # never a block's: this agent has no use for their poll thread.
    kwargs["sessions"] = False
    agent = Agent(Config.resolve(app=app, interval_ms=interval_ms, upload_every_s=1e9, **kwargs))
    agent.start()
    try:
        yield result
    finally:
        result.document = agent.stop(flush_timeout_s=5)
