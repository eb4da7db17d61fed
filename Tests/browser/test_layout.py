"""Pages fit the window: no horizontal scrollbar at 1400 px (the Top
functions table's ⋯ column once pushed every tree page past it)."""

from __future__ import annotations

from compare_support import open_compare

from browser_support import open_page, upload
from test_compare_page import profiles  # noqa: F401  (the module's fixture: two versions of one app)
from test_tree_folding import django_upload

FITS = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_tree_pages_have_no_horizontal_scrollbar(server, driver, profiles):  # noqa: F811
    answer = upload(server, django_upload())
    for query in ["", "?frames=all&focus=all"]:
        open_page(driver, server.url + answer["url"] + query)
        assert driver.execute_script(FITS), query
    open_page(driver, f"{server.url}/apps/django-shop?range=7d")
    assert driver.execute_script(FITS), "app page"
    old, new = profiles
    open_compare(driver, f"{server.url}/compare?base.profile={old}&target.profile={new}")
    assert driver.execute_script(FITS), "compare page"
