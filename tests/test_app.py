"""The classroom app in a real browser: headless Chromium (Debian's) driven by Playwright.

One test walks through a lesson as a teacher would: the page loads, Step moves
the date and the map, Play runs until paused, a slider plus Reset rebuilds the
run with the new value, a preset resets sliders and run, each chart draws.  Throughout, no request may
leave this machine, none may fail, and the page may log no errors.  It is one
test, not several, so that pytest-xdist cannot split the lesson across workers.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs the dev extra (playwright)")
expect = sync_api.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# A race in Solara's widget start-up, harmless and seen with or without this app (MESA35.md §11).
KNOWN_ERRORS = ("reading 'usermeta'",)
WAGNER = "Wagner Group contingent (personnel)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_served(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            pytest.fail(f"the app server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the app server did not answer within {seconds:.0f} s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path):
    """``vacuum-sim app`` on a free port of 127.0.0.1, stopped by its own PID afterwards."""
    log = tmp_path / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "vacuum_sim.cli", "app", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_served(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'scripts/setup.sh --browser' as root (it apt-get installs chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def _changed(read, before, page, seconds: float = 10):
    """``read()`` once it differs from ``before`` (or as it is after ``seconds``)."""
    end = time.monotonic() + seconds
    while (now := read()) == before and time.monotonic() < end:
        page.wait_for_timeout(200)
    return now


def test_a_classroom_session(server, page, tmp_path):
    errors, hosts, failures = [], set(), []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("blob:", "data:")) or hosts.add(urlsplit(r.url).hostname))
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    date, status, run = page.locator(".vs-date"), page.locator(".vs-status"), page.locator(".vs-run")
    map_png = page.locator(".vs-map img").screenshot
    step = page.get_by_role("button", name="Step", exact=True)

    def troops_available() -> int:
        return int(re.search(r"available ([\d,]+)", status.inner_text())[1].replace(",", ""))

    # The page opens on the default preset's first day.
    page.goto(server)
    expect(date).to_have_text("1 April 2023 — day 0 of 730")
    expect(run).to_contain_text("This run: historical_2023, seed 0")
    expect(run).to_contain_text("Wagner Group contingent: 1,000 (personnel)")
    page.locator(".vs-map img").wait_for()
    available = troops_available()

    # Step: a week later, Mesa's clock agrees, and the map is redrawn.
    before = map_png()
    step.click()
    expect(date).to_have_text("8 April 2023 — day 7 of 730")
    expect(page.get_by_text("Time: 7.0")).to_be_visible()
    assert _changed(map_png, before, page) != before

    # Play runs on week after week until paused.
    page.get_by_role("button", name="▶").click()
    page.wait_for_function("() => +document.querySelector('.vs-date').innerText.match(/day (\\d+) of/)[1] >= 28")
    page.get_by_role("button", name="❚❚").click()
    expect(page.get_by_role("button", name="▶")).to_be_enabled()
    page.wait_for_timeout(1000)  # a frame already under way may still land
    paused = date.inner_text()
    page.wait_for_timeout(1500)
    assert date.inner_text() == paused

    # A slider changes nothing until Reset, which rebuilds the run from day 0 with the new value.
    slider = page.get_by_role("slider", name=WAGNER)
    slider.focus()
    slider.press("End")  # the parameter table's maximum
    expect(slider).to_have_attribute("aria-valuenow", "10000")
    expect(run).to_contain_text("Wagner Group contingent: 1,000 (personnel)")
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(date).to_have_text("1 April 2023 — day 0 of 730")
    expect(run).to_contain_text("Wagner Group contingent: 10,000 (personnel)")
    assert troops_available() - available == 9000  # day 0: 9,000 more Wagner, nothing else moved

    # A preset puts its values into the sliders and starts its run.
    page.locator(".v-select").filter(has_text="Preset").click()
    page.get_by_role("option", name="no_wagner").click()
    expect(run).to_contain_text("This run: no_wagner, seed 0")
    expect(run).to_contain_text("Wagner Group contingent: 0 (personnel)")
    expect(page.get_by_role("slider", name=WAGNER)).to_have_attribute("aria-valuenow", "0")

    # Each chart draws, and redraws when the model moves on.
    chart_png = page.locator(".vs-chart img").screenshot
    before = chart_png()
    step.click()
    expect(date).to_have_text("8 April 2023 — day 7 of 730")
    assert _changed(chart_png, before, page) != before
    for tab in ("Operations", "Capacity", "Control"):
        page.get_by_role("tab", name=tab).click()
        expect(page.locator(".vs-chart img")).to_be_visible()
    page.screenshot(path=tmp_path / "app.png")

    assert hosts == {"127.0.0.1"}, "the page fetched something from another machine"
    assert failures == []
    assert [e for e in errors if not any(k in e for k in KNOWN_ERRORS)] == []
