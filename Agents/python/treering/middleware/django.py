"""Django middleware: add `"treering.middleware.django.TreeringMiddleware"`
at the top of MIDDLEWARE.

The transaction is named by the resolved URL pattern, `GET orders/<int:pk>/`,
not the raw URL (whose ids would make every request its own name); it is set
in `process_view`, once Django has resolved the URL. Until then (the
middleware above the view) the thread's samples carry no transaction.
Under a WSGI server the request ends when the server closes the response:
the server writes the body on this thread after the view returns (and makes
a streamed body then), so that time is the request's too, not untagged
server time."""

from __future__ import annotations

import logging
from typing import Any, Callable

from .. import inflight

log = logging.getLogger("treering")

ATTRIBUTE = "_treering_request"


class TreeringMiddleware:
    sync_capable = True
    async_capable = False  # under ASGI Django runs it in a thread, where thread tagging applies

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        try:
            record = inflight.begin()
            setattr(request, ATTRIBUTE, record)
        except Exception:
            log.debug("treering: request start failed", exc_info=True)
            return self.get_response(request)
        try:
            response = self.get_response(request)
        except BaseException:
            _end(record)
            raise
        try:
            if "wsgi.version" in request.META:
                # The WSGI server sends the body (and makes a streamed one)
                # on this thread after we return: the request ends when the
                # server closes the response, as the WSGI middleware's does.
                response._resource_closers.append(lambda: _end(record))
                return response
        except Exception:
            pass
        _end(record)
        return response

    def process_view(self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        try:
            record = getattr(request, ATTRIBUTE, None)
            match = request.resolver_match
            route = getattr(match, "route", None) or getattr(match, "view_name", None)
            if record is not None and route:
                inflight.set_name(record, f"{request.method} {route}")
        except Exception:
            log.debug("treering: naming the request failed", exc_info=True)
        return None


def _end(record: inflight.Request) -> None:
    try:
        inflight.end(record)
    except Exception:
        log.debug("treering: request end failed", exc_info=True)
