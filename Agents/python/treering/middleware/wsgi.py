"""WSGI middleware: `app = TreeringWSGIMiddleware(app)`.

The transaction name is `transaction_name(environ)` when given, Flask's
matched rule (`GET /orders/<int:pk>`, set when Flask has routed the request)
when the app is a Flask app, else `METHOD path`. The request ends when the
server closes the response body, so a streamed body is still part of it."""
from __future__ import annotations

import logging

from .. import inflight

log = logging.getLogger("treering")

ENVIRON_KEY = "treering.request"


def method_and_path(environ) -> str:
    return f"{environ.get('REQUEST_METHOD', 'GET')} {environ.get('PATH_INFO') or '/'}"


def _is_flask(app) -> bool:
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

    def on_request_started(sender, **extra):
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
    def __init__(self, app, transaction_name=None):
        self.app = app
        self.transaction_name = transaction_name
        self.flask = False
        if transaction_name is None and _is_flask(app):
            try:
                _connect_flask()
                self.flask = True
            except Exception:
                log.debug("treering: cannot follow Flask's routing; naming by path", exc_info=True)

    def __call__(self, environ, start_response):
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
                isinstance(file_wrapper, type) and isinstance(result, file_wrapper))
        except Exception:
            complete = False
        if complete:
            # The body is ready (or a file the server sends itself, which must
            # stay its file_wrapper for sendfile): the request's work is done.
            _end(request)
            return result
        return _Body(result, request)


def _end(request) -> None:
    try:
        inflight.end(request)
    except Exception:
        log.debug("treering: request end failed", exc_info=True)


class _Body:
    """The app's response iterable, ending the request when the server closes it."""

    __slots__ = ("_result", "_request")

    def __init__(self, result, request):
        self._result = result
        self._request = request

    def __iter__(self):
        return iter(self._result)   # chunks come straight from the app's iterable: no per-chunk cost

    def __len__(self):
        return len(self._result)    # a TypeError when it has none, which servers expect

    def close(self):
        request, self._request = self._request, None
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            if request is not None:
                _end(request)
