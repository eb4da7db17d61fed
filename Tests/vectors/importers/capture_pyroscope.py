"""Regenerates pyroscope.pb: runs Tests/integration/profiled_program.py under
pyroscope-io pointed at a catcher on 127.0.0.1, and keeps the pprof profile
with the most samples from what pyroscope-io pushed (uncompressed, as
PprofParser takes it).

    cd Tests/integration && python ../vectors/importers/capture_pyroscope.py

pyroscope-io sends `/push.v1.PusherService/Push`: a PushRequest whose
series[].samples[].raw_profile are gzip'd pprof profiles. The protobuf is
read by hand (with expected.py's decoder), so nothing here needs generated code.
"""

import gzip
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from expected import embedded, message, pprof_profile

HERE = Path(__file__).resolve().parent
PROGRAM_DIR = HERE.parent.parent / "integration"

bodies: list[tuple[str, bytes]] = []


class Catch(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        bodies.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/proto")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


def raw_profiles(body: bytes) -> list[bytes]:
    """PushRequest.series (1) -> RawProfileSeries.samples (2) -> RawSample.raw_profile (1)."""
    out = []
    for series in embedded(message(body), 1):
        for sample in embedded(message(series), 2):
            for raw in embedded(message(sample), 1):
                out.append(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    return out


def main() -> None:
    catcher = ThreadingHTTPServer(("127.0.0.1", 0), Catch)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()
    # run_path with a relative path keeps file names short, as py-spy's are.
    script = f"""
import runpy, sys
import pyroscope
pyroscope.configure(application_name="golden", server_address="http://127.0.0.1:{catcher.server_address[1]}",
                    sample_rate=100, report_thread_name=True, tags={{"env": "golden"}})
sys.argv = ["profiled_program.py", "3"]
with pyroscope.tag_wrapper({{"route": "/orders"}}):
    runpy.run_path("profiled_program.py", run_name="__main__")
pyroscope.shutdown()
"""
    subprocess.run([sys.executable, "-c", script], cwd=PROGRAM_DIR, check=True, timeout=120)
    catcher.shutdown()
    paths = sorted({path for path, _ in bodies})
    raws = [
        raw for path, body in bodies if path.startswith("/push.v1.PusherService/Push") for raw in raw_profiles(body)
    ]
    if not raws:
        sys.exit(f"no pprof caught (paths: {paths})")
    biggest = max(raws, key=lambda raw: sum(count for _, count in pprof_profile(raw)))
    (HERE / "pyroscope.pb").write_bytes(biggest)
    print(f"caught {len(bodies)} bodies on {paths}; kept {len(biggest)} bytes")


if __name__ == "__main__":
    main()
