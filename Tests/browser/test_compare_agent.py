"""Compare end to end with the real agent: a small Flask app, the agent
installed from Agents/python into a throwaway virtual environment, run twice
against the real server, version 1.0 and then version 1.1, whose one view's
pricing code was made slower. The diff API shows the pricing function grown
in share of time, and the compare page draws it in the "slower" colour."""

from __future__ import annotations

import signal
import subprocess
import sys
import tarfile
import textwrap
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from compare_support import colour_at, open_compare, slower

from browser_support import wait_for
from support.treering_server import REPO, free_port

APP = "flask-shop"
AGENT = REPO / "Agents" / "python"

FLASK_APP = textwrap.dedent("""
    import signal, sys, threading, time
    import treering
    from treering.middleware.wsgi import TreeringWSGIMiddleware
    from flask import Flask
    from werkzeug.serving import make_server

    APP, SERVER, PORT, VERSION, PRICING_S = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])

    def burn(seconds):
        x, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            x += sum(i * i for i in range(100))
        return x

    def price_order():
        return burn(PRICING_S)

    def render_page():
        return burn(0.015)

    app = Flask(__name__)

    @app.route("/orders")
    def orders():
        return {"price": price_order(), "page": render_page()}

    app.wsgi_app = TreeringWSGIMiddleware(app.wsgi_app)
    treering.start(app=APP, server=SERVER, interval_ms=5, upload_every_s=2, tags={"version": VERSION})
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("ready", flush=True)
    server.serve_forever()
    treering.stop()   # uploads what is left
""")


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """The agent as a user installs it (`pip install ./Agents/python`), from a
    copy of its folder, in a venv that sees the system's Flask."""
    work = tmp_path_factory.mktemp("agent")
    src = work / "src"
    with tarfile.open(work / "agent.tar", "w") as tar:
        tar.add(
            AGENT,
            arcname=".",
            filter=lambda t: (
                None
                if any(
                    part in ("__pycache__", "build", "dist") or part.endswith(".egg-info")
                    for part in Path(t.name).parts
                )
                else t
            ),
        )
    with tarfile.open(work / "agent.tar") as tar:
        tar.extractall(src)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(work / "venv")], check=True)
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", str(src)],
        check=True,
        timeout=300,
    )
    check = subprocess.run(
        [str(python), "-c", "import treering, flask; print(treering.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
    )
    assert str(work / "venv") in check.stdout  # the installed agent, not the checkout's
    (work / "shop.py").write_text(FLASK_APP)
    return python, work


def run_version(server, venv, version: str, pricing_s: float, requests: int = 50) -> None:
    python, work = venv
    port = free_port()
    with open(work / f"app-{version}.err", "w") as err:
        proc = subprocess.Popen(
            [str(python), str(work / "shop.py"), APP, server.url, str(port), version, str(pricing_s)],
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            for _ in range(requests):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/orders", timeout=10) as r:
                    assert r.status == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, (work / f"app-{version}.err").read_text()


def sides(now: float) -> str:
    q = {}
    for side, version in [("base", "1.0"), ("target", "1.1")]:
        q.update(
            {
                f"{side}.app": APP,
                f"{side}.from": int(now - 3600),
                f"{side}.until": int(now + 60),
                f"{side}.version": version,
            }
        )
    return urlencode(q)


def change(diff: dict, name: str) -> float:
    """A function's change in share of all samples, in percentage points
    (its nodes summed; the function is not recursive)."""
    frames, nodes = diff["frames"], diff["nodes"]
    base = target = 0
    for i, f in enumerate(nodes["frame"]):
        if f >= 0 and frames["name"][f] == name:
            base += nodes["base_total"][i]
            target += nodes["target_total"][i]
    return 100 * (target / diff["target"]["total"] - base / diff["base"]["total"])


def path_to(diff: dict, name: str) -> tuple[str, str]:
    """The frame-id path of the function's biggest node in the target, and of its caller."""
    frames, nodes = diff["frames"], diff["nodes"]
    best = max(
        (i for i, f in enumerate(nodes["frame"]) if f >= 0 and frames["name"][f] == name),
        key=lambda i: nodes["target_total"][i],
    )
    parts, i = [], best
    while nodes["parent"][i] >= 0:
        parts.append(str(nodes["frame"][i]))
        i = nodes["parent"][i]
    parts.reverse()
    return ".".join(parts), ".".join(parts[:-1])


def test_a_view_made_slower_shows_grown_in_the_diff(server, driver, venv, shot):
    run_version(server, venv, "1.0", pricing_s=0.004)
    run_version(server, venv, "1.1", pricing_s=0.04)
    now = time.time()
    # Both runs' last uploads are in when the app stopped; the labels say so.
    labels = server.get_json(f"/api/v1/apps/{APP}/labels?from={int(now - 3600)}&until={int(now + 60)}")["labels"]
    assert sorted(labels["version"]) == ["1.0", "1.1"]
    query = sides(now)
    diff = server.get_json("/api/v1/diff?" + query)
    assert diff["base"]["total"] > 0 and diff["target"]["total"] > 0
    grown, shrunk = change(diff, "price_order"), change(diff, "render_page")
    # Pricing: ~4 ms of a request before, ~40 ms after; the page's rendering
    # took the same time, so a smaller share (Flask's and the server's own
    # frames share the rest).
    assert grown > 20, grown
    assert shrunk < 0, shrunk
    # The page: every frame (Flask's and Werkzeug's too), focused on the view function.
    price, view = path_to(diff, "price_order")
    render, _ = path_to(diff, "render_page")
    open_compare(driver, f"{server.url}/compare?{query}&frames=all&focus={view}")
    assert slower(colour_at(driver, price)), colour_at(driver, price)
    blue_ish = colour_at(driver, render)
    assert blue_ish[2] > blue_ish[0], blue_ish
    # Shares are of the samples drawn: idle threads (the server's accept loop)
    # are left out of both sides' totals while they are hidden.
    idle = {
        side: sum(
            diff["nodes"][f"{side}_total"][i]
            for i, f in enumerate(diff["nodes"]["frame"])
            if f >= 0 and diff["frames"]["name"][f] == "(idle)" and not diff["frames"]["file"][f]
        )
        for side in ("base", "target")
    }
    assert driver.execute_script("return window.treeringCompare.shares()") == {
        side: diff[side]["total"] - idle[side] for side in ("base", "target")
    }
    driver.find_element("css selector", "[data-changes=total]").click()
    wait_for(driver, "document.querySelector('#top-changes tbody tr[data-function=price_order]')")
    row = driver.find_element("css selector", "#top-changes tbody tr[data-function=price_order]")
    assert row.find_element("css selector", "td.change").text.startswith("+")
    shot("flask")
