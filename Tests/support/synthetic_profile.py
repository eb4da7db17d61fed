"""Generated treering/1 uploads with a call tree of a chosen size, for the
browser tests and the dashboard benchmark.

The tree is shaped like a real service's: a few heavy paths and a long tail
of small callees, tens of levels deep, function names from a vocabulary
shared across packages, so colours, "other" merging and search all have
something to do.
"""

from __future__ import annotations

import random

PACKAGES = [
    "django",
    "shop",
    "requests",
    "sqlalchemy",
    "json",
    "jinja2",
    "urllib3",
    "celery",
    "pydantic",
    "numpy",
    "asyncio",
    "logging",
    "ssl",
    "http",
    "email",
    "decimal",
]


def synthetic_upload(nodes: int, seed: int = 1, app: str = "synthetic", names: dict | None = None) -> dict:
    """An upload whose call tree has exactly `nodes` nodes below the root.

    Every node gets its own stack (with a count >= 1), so the tree the server
    builds has one node per generated node. `names` overrides the function
    name of chosen node indexes (0-based), for tests that need a known name.
    """
    rng = random.Random(seed)
    vocabulary = max(50, nodes // 4)
    frames = [
        {
            "name": f"{PACKAGES[i % len(PACKAGES)]}_fn_{i}",
            "file": f"/srv/app/lib/python3.11/site-packages/{PACKAGES[i % len(PACKAGES)]}/mod_{i % 97}.py",
            "line": 1 + (i * 7) % 900,
        }
        for i in range(vocabulary)
    ]
    parent = [-1] * nodes
    frame_of = [0] * nodes
    used: dict[int, set[int]] = {-1: set()}
    # Each node appears here once plus three times per child: picking from it favours
    # nodes that already have callees (a few hubs with long tails), while
    # extending the newest node now and then makes paths tens of levels deep.
    pool: list[int] = []
    for i in range(nodes):
        if i < 3:
            p = -1
        elif rng.random() < 0.3:
            p = i - 1
        else:
            p = rng.choice(pool)
        pool.append(i)
        if p >= 0:
            pool.extend((p, p, p))
        parent[i] = p
        siblings = used.setdefault(p, set())
        f = rng.randrange(vocabulary)
        while f in siblings:
            f = rng.randrange(vocabulary)
        siblings.add(f)
        frame_of[i] = f
    for i, name in (names or {}).items():
        frame_of[i] = len(frames)
        frames.append({"name": name, "file": f"/srv/app/special_{i}.py", "line": 1})
    samples = []
    stacks: list[list[int]] = []  # a parent comes before its children
    for i in range(nodes):
        stacks.append(([] if parent[i] < 0 else stacks[parent[i]]) + [frame_of[i]])
        # A heavy head and a long tail, like real profiles.
        count = 1 + int(400 * rng.random() ** 8)
        samples.append({"stack": stacks[i], "count": count, "thread": "MainThread"})
    return {
        "format": "treering/1",
        "app": app,
        "host": "bench-host",
        "pid": 1,
        "start": 1732460000.0,
        "end": 1732460060.0,
        "interval_ms": 10,
        "frames": frames,
        "samples": samples,
    }
