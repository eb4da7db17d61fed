"""A small Django site for the middleware tests (settings configured once
per process): a CPU-heavy view, a light one and a trivial one, with
`<int:pk>` patterns, a streamed response and a view that raises, the
Treering middleware first, served by Django's own
WSGI handler."""

from __future__ import annotations

import time

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="treering-tests",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        DATABASES={},
        MIDDLEWARE=["treering.middleware.django.TreeringMiddleware", "django.middleware.common.CommonMiddleware"],
    )
    django.setup()

from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import include, path


def crunch_order(pk: int, seconds: float) -> int:
    x, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        x += sum(i * pk for i in range(300))
    return x


def order_detail(request, pk):
    return JsonResponse({"pk": pk, "x": crunch_order(pk, float(request.GET.get("s", "0.4")))})


def tally_light(seconds: float) -> int:
    x, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        x += sum(range(100))
    return x


def light_view(request, pk=None):
    return JsonResponse({"x": tally_light(float(request.GET.get("s", "0.03")))})


def health(request):
    return HttpResponse("ok")


def stream_part(n: int) -> bytes:
    x, deadline = 0, time.monotonic() + 0.02
    while time.monotonic() < deadline:
        x += sum(range(100))
    return f"{n}:{x}\n".encode()


def stream_view(request, n):  # the body is made while the server sends it
    return StreamingHttpResponse(stream_part(i) for i in range(n))


def send_slowly() -> bytes:
    x, deadline = 0, time.monotonic() + 0.3
    while time.monotonic() < deadline:
        x += sum(range(100))
    return f"{x}\n".encode()


class SlowToSend(HttpResponse):
    """A body the server spends time sending after the view returned (as a
    big response to a slow client does): the WSGI server iterates it."""

    def __iter__(self):
        yield send_slowly()


def slow_send_view(request):
    return SlowToSend()


def broken_view(request):
    raise RuntimeError("the view failed")


item_patterns = [path("items/<int:pk>/", light_view)]

urlpatterns = [
    path("orders/<int:pk>/", order_detail),
    path("light/", light_view),
    path("health/", health),
    path("stream/<int:n>/", stream_view),
    path("broken/", broken_view),
    path("slow-send/", slow_send_view),
    path("api/", include(item_patterns)),
]

application = WSGIHandler()
