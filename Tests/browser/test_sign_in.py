"""A server with keys, as a person uses it in a real Chromium: a page sends
them to the sign-in page, a read key shows the app and may not start a
session (the page says why), an admin key may."""

from __future__ import annotations

import gzip
import json
import subprocess
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_support import wait_for, wait_ready
from support.treering_server import REPO, TreeringServer, server_binary

APP = "shop-keys"


def create_key(db, scope: str) -> str:
    out = subprocess.run(
        [str(server_binary()), "keys", "create", "--scope", scope, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    return out.stdout.strip()


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    db = tmp_path_factory.mktemp("keys") / "keys.sqlite"
    keys = {scope: create_key(db, scope) for scope in ["ingest", "read", "admin"]}
    with TreeringServer(db) as server:
        now = time.time()
        doc = {
            "format": "treering/1",
            "app": APP,
            "host": "web-1",
            "start": now - 120,
            "end": now - 110,
            "interval_ms": 10,
            "frames": [{"name": "main", "file": "app.py", "line": 1}, {"name": "crunch", "file": "app.py", "line": 9}],
            "samples": [{"stack": [0, 1], "count": 40, "thread": "MainThread", "tags": {"transaction": "GET /orders"}}],
        }
        body = gzip.compress(json.dumps(doc).encode())
        headers = {"Content-Encoding": "gzip", "Authorization": f"Bearer {keys['ingest']}"}
        status, answer = server.post("/api/v1/ingest", body, headers)
        assert status == 201, answer
        yield server, keys


def sign_in(driver, key: str) -> None:
    driver.find_element(By.ID, "key").send_keys(key)
    driver.find_element(By.ID, "sign-in-button").click()


def test_a_person_signs_in_and_each_key_does_what_its_scope_allows(keyed, driver, shot):
    server, keys = keyed
    driver.delete_all_cookies()
    driver.get(f"{server.url}/apps/{APP}")
    wait_for(driver, "location.pathname === '/sign-in'", what="the sign-in page")
    shot("sign-in")
    sign_in(driver, keys["ingest"])
    wait_for(driver, "document.getElementById('sign-in-error')", what="the refusal of an ingest key")
    assert "ingest key" in driver.find_element(By.ID, "sign-in-error").text

    sign_in(driver, keys["read"])
    wait_for(driver, f"location.pathname === '/apps/{APP}'", what="back to the app page")
    wait_ready(driver)
    shot("app-page-read")
    # A read key may look but not start a session: the form says why.
    wait_for(driver, "!document.getElementById('session-transaction').disabled", what="transactions offered")
    Select(driver.find_element(By.ID, "session-transaction")).select_by_visible_text("GET /orders")
    driver.find_element(By.ID, "session-start").click()
    message = wait_for(
        driver,
        "!document.getElementById('session-error').hidden && document.getElementById('session-error').textContent",
        what="the refusal",
    )
    assert "needs admin" in message, message
    shot("read-refused")

    driver.get(f"{server.url}/sign-in")
    driver.find_element(By.ID, "sign-out").click()
    wait_for(driver, "document.getElementById('key')", what="signed out")
    driver.get(f"{server.url}/sign-in?next=/apps/{APP}")
    sign_in(driver, keys["admin"])
    wait_ready(driver)
    wait_for(driver, "!document.getElementById('session-transaction').disabled", what="transactions offered")
    Select(driver.find_element(By.ID, "session-transaction")).select_by_visible_text("GET /orders")
    driver.find_element(By.ID, "session-start").click()
    wait_for(driver, "location.pathname.startsWith('/sessions/')", what="the session page")
    shot("admin-session")
    sid = driver.current_url.rsplit("/", 1)[-1].split("?")[0]
    status, _ = server.post(f"/api/v1/sessions/{sid}/stop", b"", {"Authorization": f"Bearer {keys['admin']}"})
    assert status == 200
    driver.delete_all_cookies()


def test_copy_link_with_a_read_key_says_why_and_offers_the_page_address(keyed, driver):
    server, keys = keyed
    driver.delete_all_cookies()
    driver.get(f"{server.url}/apps/{APP}")
    wait_for(driver, "location.pathname === '/sign-in'", what="the sign-in page")
    sign_in(driver, keys["read"])
    wait_for(driver, f"location.pathname === '/apps/{APP}'", what="back to the app page")
    wait_ready(driver)
    driver.find_element(By.ID, "copy-link").click()
    wait_for(driver, "document.getElementById('copy-link-field')", what="the link field")
    field = driver.find_element(By.ID, "copy-link-field")
    assert field.get_attribute("value") == driver.current_url
    hint = driver.find_element(By.CSS_SELECTOR, ".copy-fallback .copy-hint").text
    assert hint.startswith("No share link: ") and "admin" in hint, hint
    assert driver.find_element(By.ID, "copy-link").text == "Link failed"


def test_share_links_open_without_a_key(keyed, driver, shot):
    server, keys = keyed
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    now = int(time.time())
    status, shared = server.post(f"/api/v1/query/share?app={APP}&from={now - 3600}&until={now}", b"", admin)
    assert status == 201, shared
    status, session = server.post(f"/api/v1/apps/{APP}/sessions", b'{"transaction": "GET /orders"}', admin)
    assert status == 201, session
    driver.delete_all_cookies()
    for link, what in [(shared["url"], "shared query"), (session["share_url"], "shared session")]:
        driver.get(server.url + link)
        wait_ready(driver)
        assert driver.current_url.startswith(server.url + link), (what, driver.current_url)
        assert driver.find_element(By.ID, "error").get_attribute("hidden") is not None, what
        shot(what.replace(" ", "-"))
    # The app itself still needs a key.
    driver.get(f"{server.url}/apps/{APP}")
    wait_for(driver, "location.pathname === '/sign-in'", what="the sign-in page")
    server.post(f"/api/v1/sessions/{session['id']}/stop", b"", admin)


def test_an_admin_revokes_a_shared_link_from_its_page(keyed, driver, shot):
    server, keys = keyed
    now = int(time.time())
    status, shared = server.post(
        f"/api/v1/query/share?app={APP}&from={now - 3600}&until={now}",
        b"",
        {"Authorization": f"Bearer {keys['admin']}"},
    )
    assert status == 201, shared
    driver.delete_all_cookies()
    driver.get(f"{server.url}/sign-in?next={shared['url']}")
    sign_in(driver, keys["admin"])
    wait_ready(driver)
    assert driver.find_element(By.ID, "shared-bar").is_displayed()
    driver.execute_script("window.confirm = () => true")
    driver.find_element(By.ID, "revoke-share").click()
    wait_for(driver, f"location.pathname === '/apps/{APP}'", what="the app page after revoking")
    shot("revoked")
    status, _ = server.post(
        "/api/v1/shares/" + shared["token"] + "/revoke", b"", {"Authorization": f"Bearer {keys['admin']}"}
    )
    assert status == 404  # gone already
    driver.delete_all_cookies()
    driver.get(server.url + shared["url"])
    wait_for(driver, "document.getElementById('error-page')", what="the link to find nothing")
