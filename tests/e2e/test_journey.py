"""A visitor's whole journey in Chromium against `streamlit run app.py`: data, upload, train, forecast,
gates, learn, stop, runs, backtest. The tests after the first share one browser tab (one Streamlit session), in
file order, as one person would use the app; each asserts only on what is visible.

Screenshots of every page go to a temp folder, or to docs/screenshots with LSTM_LAB_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import (
    CHART,
    TRACE_LINE,
    assert_no_exception,
    click_train,
    fill_number,
    loss_points,
    open_page,
    screenshot,
    screenshot_dir,
    set_training,
    wait_idle,
    wait_trained,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

# Tiny by default; for the README's pictures (LSTM_LAB_SCREENSHOTS=1) the classic default, LSTM(50) for 100 epochs.
EPOCHS, UNITS = (100, 50) if os.environ.get("LSTM_LAB_SCREENSHOTS") == "1" else (2, 4)

CSV = "date,temperature,humidity\n" + "\n".join(
    f"2024-01-{day:02d},{10 + (day % 7) * 1.5:.1f},{60 + day % 5}" for day in range(1, 31)
)


def grid_cells(table) -> list[str]:
    """The cell texts of an st.dataframe (drawn on a canvas; glide-data-grid mirrors it in an a11y table)."""
    table.locator("[role='gridcell']").first.wait_for(state="attached")
    return table.locator("[role='gridcell']").evaluate_all("cells => cells.map(c => c.textContent)")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def visitor(browser, app_url) -> Iterator[object]:
    """One browser tab kept across this module's tests: one visitor, one Streamlit session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    yield tab
    context.close()


def test_data_page_draws_the_sample_series(visitor, app_url, shots) -> None:
    """The app opens on the Data page with the bundled sample drawn as a plotly line."""
    visitor.get_by_role("heading", name="Data", exact=True).wait_for()
    visitor.wait_for_selector(TRACE_LINE)
    wait_idle(visitor)
    path = visitor.locator(TRACE_LINE).first.get_attribute("d")
    assert path and path.count("L") > 100, "the sample's 144 points should draw a line of many segments"
    assert visitor.get_by_text("144 points").first.is_visible()
    assert_no_exception(visitor)
    screenshot(visitor, "data", shots)


def test_upload_a_csv_and_pick_its_column(page, app_url) -> None:
    """A CSV uploaded through the file picker becomes the data once its column is chosen."""
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("tab", name="Upload a CSV").click()
    uploader = page.locator("[data-testid='stFileUploader'] input[type=file]")
    uploader.set_input_files(files=[{"name": "weather.csv", "mimeType": "text/csv", "buffer": CSV.encode()}])
    page.get_by_text("Column to forecast").wait_for()
    wait_idle(page)
    page.get_by_role("combobox", name="Column to forecast").click()
    page.get_by_role("option", name="humidity").click()
    page.get_by_role("button", name="Use this file").click()
    page.get_by_role("heading", name="weather.csv").wait_for()
    wait_idle(page)
    assert page.get_by_text("30 points").first.is_visible()
    assert page.get_by_text("Target: humidity.").first.is_visible()
    assert page.locator(CHART).count() >= 1
    assert "target humidity" in page.locator("[data-testid='stSidebar']").inner_text()
    assert_no_exception(page)


def test_train_two_epochs_and_see_the_loss(visitor, app_url, shots) -> None:
    """Two epochs of a tiny LSTM train from the form and end with a loss chart of two epochs."""
    open_page(visitor, app_url, "Train")
    assert_no_exception(visitor)
    set_training(visitor, epochs=EPOCHS, units=UNITS)
    click_train(visitor)
    wait_trained(visitor)
    assert visitor.get_by_text(f"Trained {EPOCHS} epochs.").first.is_visible()
    assert loss_points(visitor) == 2 * EPOCHS  # training and validation loss, one point per epoch each
    assert visitor.get_by_text("LSTM RMSE (test)").first.is_visible()
    assert_no_exception(visitor)
    # The result is under the form: bring it to the top of the picture.
    visitor.get_by_role("heading", name=re.compile("^Last run")).first.evaluate("e => e.scrollIntoView()")
    screenshot(visitor, "train", shots)


def test_forecast_shows_chart_and_numeric_metrics(visitor, app_url, shots) -> None:
    """The Forecast page draws the test and future forecast and a metrics table with numbers."""
    open_page(visitor, app_url, "Forecast")
    chart = visitor.locator("[data-testid='stPlotlyChart']").first
    chart.locator("path.js-line").first.wait_for()
    names = chart.locator(".legendtext").evaluate_all("texts => texts.map(t => t.textContent)")  # SVG text
    assert {"actual", "LSTM", "naive"} <= set(names), names
    table = visitor.locator("[data-testid='stDataFrame']").first
    cells = grid_cells(table)
    numbers = [float(c) for c in cells if re.fullmatch(r"-?\d+(\.\d+)?(e[+-]?\d+)?", c.strip())]
    assert len(numbers) >= 8, f"expected numeric MAE/RMSE/... for LSTM and naive, got cells {cells}"
    assert_no_exception(visitor)
    screenshot(visitor, "forecast", shots)


def test_gates_draws_every_heatmap(visitor, app_url, shots) -> None:
    """The Gates page draws i, f, g, o, c, h and the per-unit forget summary."""
    open_page(visitor, app_url, "Gates")
    visitor.locator(".js-plotly-plot .heatmaplayer image, .js-plotly-plot .heatmaplayer .hm").first.wait_for()
    assert visitor.locator(CHART).count() >= 6
    assert visitor.locator(".js-plotly-plot .heatmaplayer .hm").count() >= 6
    assert_no_exception(visitor)
    screenshot(visitor, "gates", shots)


def test_learn_page(visitor, app_url, shots) -> None:
    """The Learn page shows the six equations."""
    open_page(visitor, app_url, "Learn")
    assert visitor.locator("[data-testid='stMarkdown'] .katex-display, .katex-display").count() >= 6
    assert_no_exception(visitor)
    screenshot(visitor, "learn", shots)


def test_stop_a_long_training_keeps_the_app_usable(visitor, app_url) -> None:
    """Stop during a 1000-epoch training ends it, keeps its history, and every page still works."""
    open_page(visitor, app_url, "Train")
    set_training(visitor, epochs=1000, units=4)
    click_train(visitor)
    visitor.get_by_text(re.compile(r"Training: epoch \d+ of 1000")).first.wait_for()
    deadline = time.monotonic() + 120
    counts = [loss_points(visitor)]
    while (counts[-1] < 6 or len(set(counts)) < 3) and time.monotonic() < deadline:
        time.sleep(0.5)
        counts.append(loss_points(visitor))
    assert len(set(counts)) >= 3, f"the live loss chart did not grow: {counts}"
    visitor.get_by_role("button", name="Stop", exact=True).click()
    visitor.get_by_text(re.compile(r"Stopped by request after \d+ epoch")).first.wait_for(timeout=60_000)
    wait_idle(visitor)
    epochs_run = int(re.search(r"after (\d+) epoch", visitor.get_by_text("Stopped by request").first.inner_text())[1])
    assert 3 <= epochs_run < 1000
    assert loss_points(visitor) == 2 * epochs_run, "the history up to the stop is kept and drawn"
    assert visitor.get_by_role("button", name="Train", exact=True).is_enabled()
    assert_no_exception(visitor)
    for title in ("Forecast", "Gates", "Data"):
        open_page(visitor, app_url, title)
        assert visitor.locator(CHART).count() >= 1
        assert_no_exception(visitor)


def test_runs_lists_both_trainings(visitor, app_url, shots) -> None:
    """The Runs page lists the finished and the stopped run and overlays them."""
    open_page(visitor, app_url, "Runs")
    table = visitor.locator("[data-testid='stDataFrame']").first
    text = " ".join(grid_cells(table))
    assert "#1" in text and "#2" in text and "stopped" in text, text
    visitor.locator(CHART).nth(2).wait_for()
    assert visitor.locator(CHART).count() == 3  # settings against skill, loss curves, forecasts
    assert_no_exception(visitor)
    screenshot(visitor, "runs", shots)


def test_backtest_runs_and_shows_its_folds(visitor, app_url, shots) -> None:
    """A walk-forward backtest of the Train page's model runs to the end: the fold chart, the per-step curve and
    the table of models against the baselines appear."""
    open_page(visitor, app_url, "Backtest")
    fill_number(visitor, "Horizon (steps forecast per fold)", 6)
    fill_number(visitor, "Stride (steps between origins)", 6)
    fill_number(visitor, "Epochs", EPOCHS)
    visitor.get_by_role("button", name="Run backtest").click()
    visitor.locator("[data-testid='stSlider']").first.wait_for(timeout=180_000)  # the fold slider: results are in
    wait_idle(visitor)
    assert visitor.locator(CHART).count() >= 2  # the folds and the per-step curve
    assert visitor.locator("[data-testid='stDataFrame']").count() >= 1
    assert_no_exception(visitor)
    screenshot(visitor, "backtest", shots)
