"""ASGI middleware for Starlette and FastAPI: `app.add_middleware(TreeringASGIMiddleware)`
(or `app = TreeringASGIMiddleware(app)`).

The transaction is named by the matched route's path template,
`GET /orders/{pk}`: Starlette and FastAPI put the route in `scope["route"]`
when they route the request, after this middleware has started it, so the
name is read from the scope when first needed (by the sampler, or at the
end). Other ASGI frameworks: pass `transaction_name=lambda scope: ...`; if
an app never shows a route, names fall back to `METHOD path`.

Samples of the event-loop thread go to the request whose task is running at
that moment (the task, not the thread, is tagged). Sync endpoints, which
Starlette runs in anyio's thread pool, are tagged on their worker thread
(see threadpool.py)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, MutableMapping
from typing import Any, Callable

from .. import inflight
from . import threadpool

log = logging.getLogger("treering")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# After this many requests that never reached a Starlette router, name by path.
UNROUTED_BEFORE_RAW_NAMES = 10


_routes_by_endpoint: dict[Any, Any] = {}


def _route_for_endpoint(router: Any, endpoint: Any) -> Any:
    """Starlette before it put `route` in the scope: the route whose endpoint was matched."""
    try:
        return _routes_by_endpoint[endpoint]
    except KeyError:
        pass
    except TypeError:  # an unhashable endpoint
        return None
    found: Any = None
    todo: list[Any] = list(getattr(router, "routes", ()))
    while todo and found is None:
        route = todo.pop(0)
        if getattr(route, "endpoint", None) is endpoint or getattr(route, "app", None) is endpoint:
            found = route
        todo.extend(getattr(route, "routes", None) or ())
    if len(_routes_by_endpoint) < 10_000:
        _routes_by_endpoint[endpoint] = found
    return found


def _route_template(scope: Scope, root_path: str) -> str | None:
    """`GET /orders/{pk}` once the framework has routed; None before (or for no match)."""
    route = scope.get("route")
    if route is None:
        endpoint = scope.get("endpoint")
        if endpoint is None or "router" not in scope:
            return None
        route = _route_for_endpoint(scope["router"], endpoint)
        if route is None:
            return None
    template = getattr(route, "path_format", None)
    if template is None:
        return None
    if getattr(route, "routes", None) and type(route).__name__ in ("Mount", "Host"):
        return None  # a mounted Starlette app: its own route comes next
    # Inside a mount, templates are relative to it: the mount's matched prefix goes first.
    prefix = scope.get("root_path", "")[len(root_path) :]
    return f"{scope.get('method', 'GET')} {prefix}{template}"


def _resolver(scope: Scope) -> inflight.Resolver:
    root_path = scope.get("root_path", "")

    def resolve(final: bool) -> str | None:
        name = _route_template(scope, root_path)
        if name is None and final and "router" not in scope:
            # Not a Starlette app (no router ever saw it): the raw path is all there is.
            return f"{scope.get('method', 'GET')} {scope.get('path', '/')}"
        return name

    return resolve


class TreeringASGIMiddleware:
    def __init__(
        self, app: ASGIApp, transaction_name: Callable[[Scope], str] | None = None, threadpool_tags: bool = True
    ):
        self.app = app
        self.transaction_name = transaction_name
        self.raw_names = False
        self._routed = False
        self._unrouted = 0
        if threadpool_tags:
            threadpool.install()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # websockets and lifespan are not requests to profile
            await self.app(scope, receive, send)
            return
        request: inflight.Request | None = None
        token: contextvars.Token[Any] | None = None
        try:
            if self.transaction_name is not None:
                request = inflight.begin_task(self.transaction_name(scope))
            elif self.raw_names:
                request = inflight.begin_task(f"{scope.get('method', 'GET')} {scope.get('path', '/')}")
            else:
                request = inflight.begin_task(None, _resolver(scope))
            token = threadpool.current_request.set(request)
        except Exception:
            log.debug("treering: request start failed", exc_info=True)
        try:
            await self.app(scope, receive, send)
        finally:
            if request is not None:
                self._finish(scope, request, token)

    def _finish(self, scope: Scope, request: inflight.Request, token: contextvars.Token[Any] | None) -> None:
        try:
            inflight.end(request)
            if token is not None:
                threadpool.current_request.reset(token)
            if not self._routed:
                if "router" in scope:
                    self._routed = True
                elif self.transaction_name is None:
                    self._unrouted += 1
                    self.raw_names = self._unrouted >= UNROUTED_BEFORE_RAW_NAMES
        except Exception:
            log.debug("treering: request end failed", exc_info=True)
