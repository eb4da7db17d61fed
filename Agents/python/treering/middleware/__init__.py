"""Request tagging for web frameworks: each sample of a thread (or task)
serving a request carries its transaction name, and targeted sessions
record the requests they ask for.

    wsgi.TreeringWSGIMiddleware     any WSGI app: Flask, Django's handler, bare WSGI
    asgi.TreeringASGIMiddleware     Starlette, FastAPI (any ASGI app with transaction_name=)
    django.TreeringMiddleware       in Django's MIDDLEWARE: names by the resolved URL pattern
"""
