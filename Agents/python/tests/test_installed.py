"""What a user installs: every public module imports from the installed
package, which is the one under test, and the version is one number."""

import gzip
import http.server
import importlib
import importlib.metadata
import json
import os
import threading
from pathlib import Path

import pytest
from checkout import REPO

import treering

PUBLIC = {
    "treering": ["start", "stop", "profile", "tagged", "set_tags", "clear_tags", "__version__"],
    "treering.middleware.wsgi": ["TreeringWSGIMiddleware"],
    "treering.middleware.asgi": ["TreeringASGIMiddleware"],
    "treering.middleware.django": ["TreeringMiddleware"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_every_public_module_imports_from_the_installed_package(module):
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC[module] if not hasattr(imported, name)]
    assert not missing, f"{module} lacks {missing}"
    # From the same installation as `treering` itself, never the source tree.
    assert Path(imported.__file__).resolve().is_relative_to(Path(treering.__file__).resolve().parent)


def test_the_package_under_test_is_the_installed_one():
    # scripts/test-agent.sh installs the wheel in a fresh virtual environment
    # and names it here; run in place (a developer's `pip install -e`), there
    # is no installed copy to check.
    prefix = os.environ.get("TREERING_EXPECT_PREFIX")
    if not prefix:
        pytest.skip("TREERING_EXPECT_PREFIX not set: not run by scripts/test-agent.sh")
    where = Path(treering.__file__).resolve()
    assert where.is_relative_to(Path(prefix).resolve()), where
    assert not where.is_relative_to(REPO / "Agents" / "python"), where
    # The installed distribution holds the subpackages (found, not listed by hand).
    files = {str(f) for f in importlib.metadata.files("treering") or []}
    assert {"treering/middleware/wsgi.py", "treering/middleware/asgi.py", "treering/middleware/django.py"} <= files


class Capture(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(gzip.decompress(self.rfile.read(int(self.headers["Content-Length"]))))
        self.server.seen.append((dict(self.headers), body))
        raw = b'{"id": "1", "url": "/profiles/1", "share_url": "/p/x", "samples": 1}'
        self.send_response(201)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


def test_the_version_is_one_number_in_metadata_documents_and_headers():
    assert importlib.metadata.version("treering") == treering.__version__
    server = http.server.HTTPServer(("127.0.0.1", 0), Capture)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with treering.profile(app="version", interval_ms=5, server=url) as p:
            sum(i * i for i in range(2_000_000))
    finally:
        server.shutdown()
        server.server_close()
    assert p.document["agent"] == f"treering-python {treering.__version__}"
    headers, body = server.seen[-1]
    assert headers["User-Agent"] == f"treering-python/{treering.__version__}"
    assert body["agent"] == p.document["agent"]
