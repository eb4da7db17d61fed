"""Item 5 of issue 15: a client that writes its whole body before reading
(Python's urllib and http.client with `Connection: close`, the agent's own
uploader) must see the 413 for a body over the limit, and nothing is stored.

The body is a valid treering/1 document of 20 MiB (the limit is 16 MiB), so
if the server took it, it would be stored. The client timeout is a generous
20 s: the test checks that the client was answered at all, not how fast.
A gzip bomb (200 MiB of zeros in ~200 KB; the inflated limit is 128 MiB)
gets a 413 too."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from adversarial_http import doc, get, healthy, post_json, request
from support.treering_server import TreeringServer

CLIENT_TIMEOUT = 20.0
MIB = 1 << 20


def big_document() -> bytes:
    frames = [{"name": f"f{i}_" + "x" * 4000, "file": "big.py", "line": i} for i in range(5_200)]
    body = json.dumps(
        doc(app="oversized", frames=frames, samples=[{"stack": [0, i], "count": 1} for i in range(1, 5_200)])
    ).encode()
    assert 20 * MIB <= len(body) < 22 * MIB
    return body


BODY = big_document()


def with_urllib(url: str) -> tuple[int | None, str]:
    req = urllib.request.Request(
        url + "/api/v1/ingest",
        data=BODY,
        method="POST",
        headers={"Content-Type": "application/json", "Connection": "close"},
    )
    try:
        with urllib.request.urlopen(req, timeout=CLIENT_TIMEOUT) as r:
            return r.status, r.read()[:300].decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300].decode(errors="replace")
    except (OSError, http.client.HTTPException) as e:
        return None, f"{type(e).__name__}: {e}"


def with_http_client(url: str, chunked: bool) -> tuple[int | None, str]:
    port = int(url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if chunked:
            conn.request(
                "POST",
                "/api/v1/ingest",
                body=iter([BODY[i : i + MIB] for i in range(0, len(BODY), MIB)]),
                headers=headers,
                encode_chunked=True,
            )
        else:
            conn.request("POST", "/api/v1/ingest", body=BODY, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()[:300].decode(errors="replace")
    except (OSError, http.client.HTTPException) as e:
        return None, f"{type(e).__name__}: {e}"
    finally:
        conn.close()


def with_raw_socket(url: str) -> tuple[int | None, str]:
    """Headers and the whole body written with sendall, then the answer read."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as s:
        try:
            s.sendall(
                b"POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY
            )
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        except OSError as e:
            return None, f"{type(e).__name__}: {e}"
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].decode(errors="replace").split(" ")
    return (int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None), body[:300].decode(errors="replace")


CLIENTS = {
    "urllib": with_urllib,
    "http.client Content-Length": lambda url: with_http_client(url, chunked=False),
    "http.client chunked": lambda url: with_http_client(url, chunked=True),
    "raw socket sendall": with_raw_socket,
}


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    """The four clients at once (each may wait its full timeout on a server that stops reading)."""
    with TreeringServer(tmp_path_factory.mktemp("oversized") / "big.sqlite") as server:
        with ThreadPoolExecutor(max_workers=len(CLIENTS)) as pool:
            futures = {name: pool.submit(send, server.url) for name, send in CLIENTS.items()}
            answers = {name: f.result() for name, f in futures.items()}
        yield server, answers


@pytest.mark.parametrize("client", list(CLIENTS))
def test_a_client_that_sends_the_whole_body_first_gets_the_413(sent, client):
    _, answers = sent
    status, text = answers[client]
    assert status == 413, f"{client} with a 20 MiB body (limit 16 MiB) got {status}: {text}"
    assert '"error"' in text, f"the 413 has no JSON error body: {text}"


def test_nothing_of_the_oversized_bodies_was_stored_and_uploads_go_on(sent):
    server, _ = sent
    listed = get(server.port, "/api/v1/profiles?app=oversized").json
    assert listed is not None and listed["profiles"] == [], f"part of a refused upload was stored: {listed}"
    assert healthy(server) is None
    answer = post_json(server.port, "/api/v1/ingest", doc(app="after-oversized"))
    assert answer.status == 201, f"an upload after the oversized ones: {answer}"


def gzip_bomb(inflated_mib: int = 200) -> bytes:
    """A gzip body that inflates to `inflated_mib` MiB: a treering/1 start, then zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip wrapper
    parts = [compressor.compress(b'{"format": "treering/1", "app": "bomb", "frames": [{"name": "')]
    zeros = b"0" * MIB
    parts += [compressor.compress(zeros) for _ in range(inflated_mib)]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_a_gzip_bomb_is_refused_with_413_and_nothing_is_stored(tmp_path):
    bomb = gzip_bomb()
    assert len(bomb) < 1 * MIB  # well under the 16 MiB body limit: only inflating passes a limit
    with TreeringServer(tmp_path / "bomb.sqlite") as server:
        answer = request(
            server.port,
            "POST",
            "/api/v1/ingest",
            bomb,
            {"Content-Type": "application/json", "Content-Encoding": "gzip"},
            timeout=CLIENT_TIMEOUT,
        )
        assert answer.status == 413, f"a body inflating to 200 MiB (limit 128 MiB): {answer}"
        assert answer.error_message, f"the 413 has no JSON error body: {answer}"
        listed = get(server.port, "/api/v1/profiles").json
        assert listed is not None and listed["profiles"] == [], f"stored: {listed}"
        assert healthy(server) is None
