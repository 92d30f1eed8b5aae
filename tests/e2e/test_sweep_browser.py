"""The Sweep page in a real browser: ranges and budget in the form, trials arriving live with the charts,
"Train the best" opening the best trial as a normal run on Train, and Stop ending a running sweep.

Tiny on purpose: the sine sample, 8 epochs a trial, 1 to 3 units, one layer, three trials. (With 2 epochs the
three trials took 7 s on a quiet machine: done before the page could show one of them live.)
"""

from __future__ import annotations

import re
import time

import pytest
from e2e_helpers import assert_no_exception, fill_number, screenshot, screenshot_dir, wait_idle, wait_trained

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

SEARCHED_UNITS = (1, 3)


def _search_only_units(page) -> None:
    """Leave every setting but the units fixed (the Train form's values) and narrow the units range."""
    for label in ("LSTM layers", "window", "learning rate (log scale)", "dropout", "batch sizes", "differences"):
        box = page.get_by_role("checkbox", name=f"Search {label.lower()}", exact=True)
        if box.is_checked():
            page.get_by_text(f"Search {label.lower()}", exact=True).click()
    low, high = page.get_by_label("from", exact=True).first, page.get_by_label("to", exact=True).first
    for box, value in ((high, SEARCHED_UNITS[1]), (low, SEARCHED_UNITS[0])):
        box.fill(str(value))
        box.press("Tab")


def _table(page, rows: int, timeout: float = 30.0) -> list[dict[str, str]]:
    """The trials table as the browser shows it: the data grid's accessible cells, once all `rows` are drawn."""
    grid = page.locator("[data-testid='stDataFrame']")
    deadline = time.monotonic() + timeout
    while True:
        headers = grid.locator("[role='columnheader']").all_inner_texts()
        cells = grid.locator("[role='gridcell']").all_inner_texts()
        if headers and len(cells) == rows * len(headers):
            break
        assert time.monotonic() < deadline, f"the grid showed {headers} and {len(cells)} cells"
        time.sleep(0.5)
    assert headers[:4] == ["number", "state", "units", "val_rmse"]
    return [dict(zip(headers, cells[k : k + len(headers)], strict=True)) for k in range(0, len(cells), len(headers))]


LIVE = re.compile(r"Study sweep-\S+: [123] trial\(s\)\n")  # trials in the study, the running one included
PROGRESS = re.compile(r"Sweeping: ([012]) trial\(s\) done here")  # shown only while the sweep runs


def _wait_for_live_trials(page, timeout: float = 180.0) -> str:
    """The page's text at a moment when the sweep still runs and its trials already show: the study heading counts
    them (the running one included) and the job's progress line says fewer than three are done. Fails at once,
    with the page's words, when an error shows or the sweep ends first.

    Both are read from one snapshot, and polled: the progress line is drawn a moment after the heading the first
    time (Streamlit loads its progress-bar component lazily and shows a skeleton meanwhile; up to a second on a
    loaded machine), so the first snapshot with the heading may not have the line yet.
    """
    alert = page.locator("[data-testid='stAlertContentError']")
    deadline = time.monotonic() + timeout
    while True:
        text = page.inner_text("body")
        if LIVE.search(text) and PROGRESS.search(text):
            return text
        assert alert.count() == 0, f"the Sweep page shows an error: {alert.first.inner_text()}"
        assert "The sweep done" not in text, f"the sweep ended before a live snapshot: {text}"
        assert time.monotonic() < deadline, f"no live trial in {timeout:.0f} s; the page says: {text}"
        time.sleep(0.05)


def test_a_sweep_shows_its_trials_live_and_trains_the_best(page, app_url, tmp_path) -> None:
    """Three trials arrive one by one in the table and charts; the best opens on Train and trains there."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/sweep?data=sample:sine&epochs=8&window=6")
    page.get_by_role("heading", name="Sweep", exact=True).first.wait_for()
    wait_idle(page)
    assert_no_exception(page)
    assert page.get_by_text("Set the ranges and the budget").count() == 1

    _search_only_units(page)
    fill_number(page, "Trials (the study's total)", 3)
    page.get_by_role("button", name="Start sweep").click()

    # Live: the study's heading counts the trials, and the job's line says it sweeps, before all three are in.
    _wait_for_live_trials(page)
    page.get_by_role("heading", name=re.compile(r"^Study sweep-\S+: 3 trial\(s\)$")).first.wait_for(timeout=180_000)
    expect(page.get_by_text(re.compile(r"^The sweep done: 3 trial\(s\)"))).to_be_visible(timeout=30_000)
    wait_idle(page)
    assert_no_exception(page)
    best = page.get_by_text(re.compile(r"^Best validation RMSE so far: [0-9.]+ · workers: 1$"))
    assert best.count() == 1
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    assert page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").count() >= 2  # progress; parallel coords
    assert page.locator(".js-plotly-plot .parcoords").count() == 1
    screenshot(page, "sweep", screenshot_dir(tmp_path))

    trials = _table(page, 3)  # the trials table as the browser shows it (the grid's accessible cells)
    assert [row["number"] for row in trials] == ["0", "1", "2"] and {row["worker"] for row in trials} != {""}
    complete = [row for row in trials if row["state"] == "complete"]
    best_units = int(min(complete, key=lambda row: float(row["val_rmse"]))["units"])

    page.get_by_role("button", name="Train the best").click()
    page.get_by_role("heading", name="Train", exact=True).first.wait_for()
    wait_trained(page)
    assert_no_exception(page)
    units = int(page.get_by_label("Units per LSTM layer", exact=True).input_value())
    assert units == best_units and SEARCHED_UNITS[0] <= units <= SEARCHED_UNITS[1]  # the best trial's units
    assert page.get_by_label("Epochs", exact=True).input_value() == "8"  # the link's fixed settings stay
    assert page.get_by_label("Window (past steps per prediction)", exact=True).input_value() == "6"


def test_stop_ends_a_running_sweep(page, app_url) -> None:
    """Stop ends the running trial and starts no other: the sweep says it stopped, well short of its budget."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/sweep?data=sample:sine&epochs=50&window=6")
    page.get_by_role("heading", name="Sweep", exact=True).first.wait_for()
    wait_idle(page)
    _search_only_units(page)
    fill_number(page, "Trials (the study's total)", 40)
    page.get_by_role("button", name="Start sweep").click()
    page.get_by_text(re.compile(r"^Sweeping: \d+ trial\(s\) done here")).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Stop", exact=True).click()
    stopped = page.get_by_text(re.compile(r"^The sweep stopped: (\d+) trial\(s\)"))
    expect(stopped).to_be_visible(timeout=60_000)
    done = int(re.search(r"stopped: (\d+) trial", stopped.inner_text()).group(1))
    assert done < 40
    expect(page.get_by_role("button", name="Start sweep")).to_be_enabled(timeout=30_000)
    assert_no_exception(page)
