"""A profile saved as one HTML file (`treering export --format html`, or the
page's "Download HTML"): it opens from disk in Chromium with no server, draws
the same views, zooms and searches, and shows hostile names as text."""

import subprocess
import urllib.request
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By

from browser_support import breadcrumbs, click_node, frame_path, open_page, upload, wait_for
from support.treering_server import REPO, server_binary
from test_profile_page import ORDER_LIST, SHOP
from test_untrusted_names import HOSTILE, IMG, SCRIPT, SVG, assert_nothing_ran


class LinksFinder(HTMLParser):
    """Every element attribute that would make a page load something."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [(tag, k, v) for k, v in attrs if k in ("src", "href", "srcset", "action", "data")]


def export_html(server, profile_id: str, out) -> str:
    done = subprocess.run(
        [str(server_binary()), "export", profile_id, "--format", "html", "-o", str(out), "--db", str(server.db)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text()


def test_exported_file_opens_offline_and_zooms(server, driver, shot, tmp_path):
    answer = upload(server, SHOP)
    tree = server.get_json(f"/api/v1/profiles/{answer['id']}/tree")
    html = export_html(server, answer["id"], tmp_path / "shop.html")
    # No element of the file points anywhere (no src, no href) ...
    finder = LinksFinder()
    finder.feed(html)
    assert finder.links == []

    # The whole tree (focus=all), not where it branches, so every node is drawn.
    open_page(driver, (tmp_path / "shop.html").as_uri() + "?focus=all")
    shot("sunburst")
    # ... and the browser fetched nothing to draw it.
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert int(driver.execute_script("return document.querySelector('#chart canvas').dataset.drawn")) >= 6
    assert "samples\n100" in driver.find_element(By.ID, "meta").text
    assert "price_total" in driver.find_element(By.ID, "top").text

    click_node(driver, frame_path(tree, ORDER_LIST))
    assert breadcrumbs(driver) == ["all", *ORDER_LIST]
    focus = parse_qs(urlparse(driver.current_url).query).get("focus", [""])[0]
    assert focus == frame_path(tree, ORDER_LIST)
    driver.find_element(By.ID, "view-icicle").click()
    wait_for(
        driver, "document.querySelector('#chart canvas') && document.querySelector('#chart canvas').dataset.drawn > 0"
    )
    driver.find_element(By.ID, "search").send_keys("pricing")
    assert wait_for(driver, "document.getElementById('search-result').textContent") == "1 match · 50.0% of samples"
    shot("icicle-search")

    # The file's URL with the view state reopens the same view, still offline.
    open_page(driver, driver.current_url)
    assert breadcrumbs(driver) == ["all", *ORDER_LIST]
    assert driver.find_element(By.ID, "view-icicle").get_attribute("class") == "active"


def test_download_link_serves_the_same_report(server, driver):
    answer = upload(server, SHOP)
    open_page(driver, server.url + answer["url"])
    link = driver.find_element(By.ID, "download").get_attribute("href")
    with urllib.request.urlopen(link, timeout=30) as r:
        assert r.headers["Content-Disposition"] == f'attachment; filename="treering-profile-{answer["id"]}.html"'
        body = r.read().decode()
    assert '<main id="profile" data-standalone="true">' in body and "d3js.org v7.9.0" in body
    assert "ISC" in body or "Permission to use, copy, modify" in body  # d3's licence travels with it
    with urllib.request.urlopen(server.url + answer["share_url"] + "/report.html", timeout=30) as r:
        assert r.status == 200


def test_hostile_names_stay_text_in_a_saved_file(server, driver, shot, tmp_path):
    answer = upload(server, HOSTILE)
    html = export_html(server, answer["id"], tmp_path / "evil.html")
    # Inlined JSON cannot close its <script> element.
    assert "</script>alert" not in html and "<img src=x" not in html
    open_page(driver, (tmp_path / "evil.html").as_uri() + "?focus=all")  # every name in Top functions
    shot("sunburst")
    assert_nothing_ran(driver)
    top = driver.find_element(By.ID, "top").text
    assert SCRIPT in top and IMG in top and SVG in top
    assert IMG in driver.find_element(By.ID, "meta").text


def test_export_of_a_missing_profile_fails_on_stderr(server, tmp_path):
    done = subprocess.run(
        [
            str(server_binary()),
            "export",
            "99999",
            "--format",
            "html",
            "-o",
            str(tmp_path / "x.html"),
            "--db",
            str(server.db),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode != 0 and "no profile 99999" in done.stderr
    assert not (tmp_path / "x.html").exists()
