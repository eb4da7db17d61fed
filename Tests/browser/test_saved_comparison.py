"""A comparison saved as one HTML file (GET /compare/report.html, the
offline export of the compare view): it opens from disk in Chromium with no
server, says what was compared, and draws the grown function in the
"slower" colour, as the live page does."""

from __future__ import annotations

from compare_support import colour_at, open_compare, slower
from selenium.webdriver.common.by import By

from browser_support import frame_path
from test_compare_page import profiles  # noqa: F401  (the module's fixture: two versions of one app)
from test_saved_report import LinksFinder


def test_saved_comparison_opens_offline_and_shows_the_change(server, driver, profiles, shot, tmp_path):  # noqa: F811
    old, new = profiles
    query = f"base.profile={old}&target.profile={new}"
    html = server.get_text(f"/compare/report.html?{query}")
    finder = LinksFinder()
    finder.feed(html)
    assert finder.links == []  # nothing in the file points anywhere
    path = tmp_path / "comparison.html"
    path.write_text(html)

    open_compare(driver, path.as_uri() + "?focus=all")
    shot("saved-comparison")
    # The browser fetched nothing to draw it.
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert f"profile {old}" in driver.find_element(By.ID, "compare-sides").text
    tree = server.get_json(f"/api/v1/diff?{query}")
    grown = frame_path(tree, ["main", "handle", "price_order"])
    assert slower(colour_at(driver, grown)), colour_at(driver, grown)
