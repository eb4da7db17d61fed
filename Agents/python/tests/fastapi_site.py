"""A FastAPI app for the middleware tests: two async routes that are CPU-bound
in turns (each yields to the loop between slices, so concurrent requests
interleave on the one loop thread), a sync route that Starlette runs in its
thread pool, a streamed response, a view that raises, and a router included
under a prefix."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, FastAPI
from fastapi.responses import StreamingResponse

from treering.middleware.asgi import TreeringASGIMiddleware

# Longer than the interpreter's 5 ms switch interval: a GIL-bound sampler
# otherwise mostly wakes when the loop releases the GIL in select(), between slices.
SLICE_S = 0.012


def alpha_spin() -> int:
    x, deadline = 0, time.perf_counter() + SLICE_S
    while time.perf_counter() < deadline:
        x += sum(range(50))
    return x


def beta_spin() -> int:
    x, deadline = 0, time.perf_counter() + SLICE_S
    while time.perf_counter() < deadline:
        x += sum(range(50))
    return x


def pool_spin(seconds: float) -> int:
    x, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        x += sum(range(100))
    return x


async def in_turns(spin, seconds: float) -> int:
    x, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        x += spin()
        await asyncio.sleep(0)  # let the other request run
    return x


def stream_chunk(n: int) -> bytes:
    x, deadline = 0, time.perf_counter() + SLICE_S
    while time.perf_counter() < deadline:
        x += sum(range(50))
    return f"{n}:{x}\n".encode()


def build(seconds: float = 0.8, http_middleware: bool = False) -> FastAPI:
    """With `http_middleware`, an `@app.middleware("http")` function (Starlette's
    BaseHTTPMiddleware, which runs the rest of the app in a task of its own)."""
    app = FastAPI()

    @app.get("/alpha/{n}")
    async def alpha(n: int):
        return {"x": await in_turns(alpha_spin, seconds)}

    @app.get("/beta/{n}")
    async def beta(n: int):
        return {"x": await in_turns(beta_spin, seconds)}

    @app.get("/pool/{n}")
    def pool(n: int):  # sync: Starlette runs it in anyio's thread pool
        return {"x": pool_spin(seconds / 2)}

    @app.get("/fast")
    async def fast():
        return {"ok": True}

    @app.get("/stream/{n}")
    async def stream(n: int):  # the body is made while it is sent
        async def chunks():
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                yield stream_chunk(n)
                await asyncio.sleep(0)

        return StreamingResponse(chunks(), media_type="text/plain")

    @app.get("/boom")
    async def boom():
        raise RuntimeError("the view failed")

    router = APIRouter(prefix="/api")

    @router.get("/widgets/{wid}")
    async def widget(wid: int):
        return {"x": await in_turns(beta_spin, 0.05)}

    app.include_router(router)
    if http_middleware:

        @app.middleware("http")
        async def add_header(request, call_next):
            response = await call_next(request)
            response.headers["x-seen"] = "1"
            return response

    app.add_middleware(TreeringASGIMiddleware)
    return app
