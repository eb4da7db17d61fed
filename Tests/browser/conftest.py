"""Fixtures for the dashboard tests: the real server binary on a loopback port
and Debian's headless Chromium driven by Selenium. A screenshot of every view a
test checks, and of any failing test, is kept in artifacts/browser/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser_support import SHOTS, new_driver
from support.treering_server import TreeringServer


def pytest_sessionstart(session):
    # Screenshots of failures from an earlier run would mislead.
    for old in SHOTS.glob("FAILED-*.png"):
        old.unlink()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "dashboard.sqlite"
    with TreeringServer(db) as s:
        yield s


@pytest.fixture(scope="session")
def driver():
    d = new_driver()
    yield d
    d.quit()


@pytest.fixture
def shot(driver, request):
    """shot("name") saves a screenshot named after the test and the view."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SHOTS / f"{request.node.name}-{name}.png"
        driver.save_screenshot(str(path))
        return path

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "driver" in item.fixturenames:
        SHOTS.mkdir(parents=True, exist_ok=True)
        item.funcargs["driver"].save_screenshot(str(SHOTS / f"FAILED-{item.name}.png"))
