"""Helpers for the compare page's tests: wait for the comparison, read the
colour the canvas shows where a node is drawn, and say which way it leans."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from browser_support import wait_for


def wait_compare(driver):
    state = wait_for(
        driver,
        "document.getElementById('compare') && document.getElementById('compare').dataset.ready",
        what="the comparison to draw",
    )
    return state


def open_compare(driver, url: str):
    driver.get(url)
    assert wait_compare(driver) == "true", driver.find_element(By.ID, "error").text


def colour_at(driver, path: str) -> tuple[int, int, int]:
    """The colour the canvas shows where the node is drawn: the most common
    colour in a 9x9 patch around its centre (a label may cross the centre)."""
    return tuple(
        driver.execute_script(
            """
        const p = window.treering.locate(arguments[0]);
        const canvas = document.querySelector('#chart canvas');
        const box = canvas.getBoundingClientRect();
        const scale = canvas.width / box.width;
        const x = Math.round((p.x - box.left) * scale), y = Math.round((p.y - box.top) * scale);
        const d = canvas.getContext('2d').getImageData(x - 4, y - 4, 9, 9).data;
        const counts = new Map();
        for (let i = 0; i < d.length; i += 4) {
          const k = `${d[i]},${d[i + 1]},${d[i + 2]}`;
          counts.set(k, (counts.get(k) || 0) + 1);
        }
        return [...counts].sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
    """,
            path,
        )
    )


def slower(rgb) -> bool:
    r, g, b = rgb
    return r > b + 60 and r > g + 30


def faster(rgb) -> bool:
    r, _, b = rgb
    return b > r + 40
