"""WSGI middleware: `app = TreeringWSGIMiddleware(app)`.

The transaction name is `transaction_name(environ)` when given, Flask's
matched rule (`GET /orders/<int:pk>`, set when Flask has routed the request)
when the app is a Flask app, else `METHOD path`. The request ends when the
server closes the response body, so a streamed body is still part of it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any, Callable

from .. import inflight

log = logging.getLogger("treering")

ENVIRON_KEY = "treering.request"

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def method_and_path(environ: Environ) -> str:
    """`GET /orders/7`: the name of a request when nothing better is known."""
    return f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO') or '/'}"


def _is_flask(app: Any) -> bool:
    # `app.wsgi_app = TreeringWSGIMiddleware(app.wsgi_app)` hands us a bound method of the Flask app.
    owner = getattr(app, "__self__", app)
    return hasattr(owner, "url_map") and hasattr(owner, "request_context")


_flask_connected = False


def _connect_flask() -> None:
    """Names Flask requests when Flask has routed them: its `request_started`
    signal comes after matching (and before the view), with `request.url_rule` set."""
    global _flask_connected
    if _flask_connected:
        return
    import flask

    def on_request_started(sender: Any, **extra: Any) -> None:
        try:
            request = flask.request
            record = request.environ.get(ENVIRON_KEY)
            rule = request.url_rule
            if record is not None and rule is not None:
                inflight.set_name(record, f"{request.method} {rule.rule}")
        except Exception:
            log.debug("treering: naming a Flask request failed", exc_info=True)

    flask.request_started.connect(on_request_started, weak=False)
    _flask_connected = True


class TreeringWSGIMiddleware:
    def __init__(self, app: WSGIApp, transaction_name: Callable[[Environ], str] | None = None) -> None:
        self.app = app
        self.transaction_name = transaction_name
        self.flask = False
        if transaction_name is None and _is_flask(app):
            try:
                _connect_flask()
                self.flask = True
            except Exception:
                log.debug("treering: cannot follow Flask's routing; naming by path", exc_info=True)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            if self.transaction_name is not None:
                request = inflight.begin(self.transaction_name(environ))
            elif self.flask:
                request = environ[ENVIRON_KEY] = inflight.begin()
            else:
                request = inflight.begin(method_and_path(environ))
        except Exception:
            log.debug("treering: request start failed", exc_info=True)
            return self.app(environ, start_response)
        try:
            result = self.app(environ, start_response)
        except BaseException:
            _end(request)
            raise
        try:
            file_wrapper = environ.get("wsgi.file_wrapper")
            complete = isinstance(result, (list, tuple)) or (
                isinstance(file_wrapper, type) and isinstance(result, file_wrapper)
            )
        except Exception:
            complete = False
        if complete:
            # The body is ready (or a file the server sends itself, which must
            # stay its file_wrapper for sendfile): the request's work is done.
            _end(request)
            return result
        return _Body(result, request)


def _end(request: inflight.Request) -> None:
    try:
        inflight.end(request)
    except Exception:
        log.debug("treering: request end failed", exc_info=True)


class _Body:
    """The app's response iterable, ending the request when the server closes it."""

    __slots__ = ("_result", "_request")

    def __init__(self, result: Iterable[bytes], request: inflight.Request) -> None:
        self._result = result
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._result)  # chunks come straight from the app's iterable: no per-chunk cost

    def __len__(self) -> int:
        return len(self._result)  # type: ignore[arg-type]  # a TypeError when it has none, which servers expect

    def close(self) -> None:
        request, self._request = self._request, None
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            if request is not None:
                _end(request)
