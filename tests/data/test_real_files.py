"""The two tutorial files of issue 10 through the loader, the command line and the app.

`shampoo-sales.csv` (36 months labelled "1-01" .. "3-12", no real year) loads on a step index
with its labels kept; the Beijing-PM2.5-like file (time split over year, month, day, hour; a row
counter `No`; `NA` cells; a text column `cbwd`) loads on an hourly index. The full 43,824-hour
file is generated into a temporary folder by `tests/fixtures/make_real.py`; a 3,000-hour sample is
committed. Two command-line runs train for one epoch, through the command line's main() in this process
(tests/cli_helpers.py; tests/cli/test_cli.py runs `run` as real subprocesses).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from app_helpers import open_app
from cli_helpers import main_here
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

from lstm_core.data.csv.read import read_csv  # noqa: E402
from lstm_core.errors import LabError  # noqa: E402
from ui.session import loaders  # noqa: E402
from ui.text.format import plain  # noqa: E402

DATA = ROOT / "tests" / "fixtures"
SHAMPOO = DATA / "real" / "shampoo-sales.csv"
PM25_SAMPLE = DATA / "real" / "beijing-pm25-sample.csv"
PM25_COLUMNS = ["pm2.5", "DEWP", "TEMP", "PRES", "Iws", "Is", "Ir"]
LABELS_NOTE = (
    "The labels in 'Month' ('1-01' … '3-12') are not calendar dates; they were kept as row labels, "
    "and rows are steps in file order."
)
PM25_NOTES = (
    "The time is split over the columns year, month, day, hour; they were combined into one timestamp.",
    "Left out the row counter No: a row number is not a measurement.",
    "Left out 1 text column(s) from the inputs (only numbers can be): cbwd.",
)


def make_real():
    spec = importlib.util.spec_from_file_location("make_real", DATA / "make_real.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pm25_full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full-size Beijing-PM2.5-like file (43,824 hours, 2010-2014), written to a temporary folder."""
    path = tmp_path_factory.mktemp("real") / "beijing-pm25.csv"
    path.write_text(make_real().pm25_text())
    return path


def test_generator_reproduces_the_committed_files() -> None:
    """Running make_real.py would write exactly the committed bytes."""
    for name, body in make_real().files().items():
        assert (DATA / "real" / name).read_bytes() == body, name


# --- loader ---------------------------------------------------------------------------------------------------------


def test_shampoo_loads_on_steps_with_its_labels() -> None:
    """36 rows on a step index 0..35, labels "1-01".."3-12" kept, Sales the target, one note saying so."""
    dataset = read_csv(SHAMPOO)
    assert (len(dataset), dataset.target, dataset.has_dates, dataset.freq) == (36, "Sales", False, None)
    assert dataset.frame.index.equals(pd.RangeIndex(36, name="step"))
    assert dataset.labels[:2] == ("1-01", "1-02") and dataset.labels[-1] == "3-12" and len(dataset.labels) == 36
    assert dataset.frame["Sales"].iloc[[0, -1]].tolist() == [266.0, 646.9]
    assert dataset.notes == (LABELS_NOTE,)


def test_pm25_full_file_loads_hourly(pm25_full: Path) -> None:
    """43,824 rows on an hourly index 2010-01-01 00:00 .. 2014-12-31 23:00 without gaps; NA filled; text left out."""
    dataset = read_csv(pm25_full)
    index = dataset.frame.index
    assert (len(dataset), dataset.target, dataset.freq) == (43_824, "pm2.5", "h")
    assert index.equals(pd.date_range("2010-01-01", "2014-12-31 23:00", freq="h", name="time"))
    assert list(dataset.frame.columns) == PM25_COLUMNS
    assert dataset.notes[:3] == PM25_NOTES
    assert dataset.notes[3].startswith("Filled ") and "in 'pm2.5'" in dataset.notes[3] and len(dataset.notes) == 4
    assert dataset.frame["pm2.5"].notna().all()


def test_pm25_sample_loads_hourly() -> None:
    """The committed 3,000-hour sample reads the same way as the full file."""
    dataset = read_csv(PM25_SAMPLE)
    assert (len(dataset), dataset.freq, list(dataset.frame.columns)) == (3000, "h", PM25_COLUMNS)
    assert dataset.frame.index[-1] == pd.Timestamp("2010-01-01") + pd.Timedelta(hours=2999)


def test_pm25_year_chosen_as_date_column_still_combines() -> None:
    """Choosing `year` (what the issue's user tried) reads the whole split time, not 5 yearly rows."""
    assert len(read_csv(PM25_SAMPLE, date_column="year")) == 3000


# --- command line ---------------------------------------------------------------------------------------------------


SMALL = ["--epochs", "1", "--units", "4", "--batch-size", "256"]


def test_shampoo_trains_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The shampoo file trains to exit 0; its note is printed; the forecast's time column counts steps."""
    out = tmp_path / "shampoo"
    done = main_here("run", "--data", str(SHAMPOO), *SMALL, "--out", str(out), capsys=capsys)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"note: {LABELS_NOTE}" in done.stderr.splitlines()
    forecast = pd.read_csv(out / "forecast.csv")
    test = forecast[forecast["actual"].notna()]
    assert test["time"].tolist() == list(range(36 - len(test), 36))
    assert test["actual"].iloc[-1] == 646.9
    assert json.loads((out / "config.json").read_text())["data"]["date_column"] is None


def test_pm25_trains_through_the_cli(pm25_full: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The full PM2.5 file trains to exit 0 on hourly times; the forecast runs on to 2015."""
    out = tmp_path / "pm25"
    done = main_here("run", "--data", str(pm25_full), *SMALL, "--out", str(out), capsys=capsys)
    assert done.returncode == 0, done.stderr[-3000:]
    for note in PM25_NOTES:
        assert f"note: {note}" in done.stderr.splitlines()
    forecast = pd.read_csv(out / "forecast.csv")
    forecast["time"] = pd.to_datetime(forecast["time"], format="ISO8601")
    assert forecast["time"].diff().dropna().eq(pd.Timedelta(hours=1)).all()
    assert forecast["time"].iloc[-1] == pd.Timestamp("2014-12-31 23:00") + pd.Timedelta(hours=12)
    assert json.loads((out / "metrics.json").read_text())["season_length"] == 24


def run_main(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, list[str], str]:
    """The command line in-process: exit code, its `note:` lines and its `error:` sentence."""
    from lstm_core.__main__ import main

    code = main(["run", *args])
    lines = capsys.readouterr().err.splitlines()
    notes = [line.removeprefix("note: ") for line in lines if line.startswith("note: ")]
    errors = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    return code, notes, errors[0] if errors else ""


def test_cli_date_column_none(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    """--date-column NONE reads the shampoo file in file order (Month left out as text) and stops at windowing."""
    args = ["--data", str(SHAMPOO), "--date-column", "NONE", "--window", "300", "--out", str(tmp_path / "o")]
    code, notes, error = run_main(args, capsys)
    assert code == 2 and "too few for windows of 300 steps" in error
    assert notes == [
        "No date column was chosen; rows are steps in file order.",
        "Left out 1 text column(s) from the inputs (only numbers can be): Month.",
    ]
    assert not (tmp_path / "o").exists()


def test_cli_unreadable_date_column(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    """--date-column Month on the shampoo file ends with status 2 and the sentence naming '1-01' in row 2."""
    code, notes, error = run_main(["--data", str(SHAMPOO), "--date-column", "Month", "--out", str(tmp_path)], capsys)
    assert code == 2 and not notes
    with pytest.raises(LabError) as raised:
        read_csv(SHAMPOO, date_column="Month")
    assert error == str(raised.value) and "'1-01' in row 2" in error


# --- the app --------------------------------------------------------------------------------------------------------


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LSTM_LAB_CACHE", str(tmp_path / "cache"))
    return open_app(timeout=120)


def upload(app: AppTest, name: str, raw: bytes, date_choice: str | None = None) -> AppTest:
    app.file_uploader(key="data_upload").upload(name, raw, "text/csv").run()
    assert not app.exception and not app.error
    if date_choice is not None:
        app.selectbox(key="data_upload_date").set_value(date_choice)
    app.button(key="data_upload_submit").click().run()
    assert not app.exception and not app.error
    return app


def test_shampoo_upload_in_the_app(app: AppTest) -> None:
    """The shampoo upload becomes 36 points on steps, its range shown by its own labels and its note shown."""
    upload(app, "shampoo-sales.csv", SHAMPOO.read_bytes())
    dataset = app.session_state["dataset"]
    assert (len(dataset), dataset.has_dates, dataset.labels[-1]) == (36, False, "3-12")
    assert [m.value for m in app.metric] == ["36 points", "no regular frequency (steps)", "1-01 → 3-12"]
    assert plain(LABELS_NOTE) in [element.value for element in app.info]


def test_pm25_full_upload_in_the_app(app: AppTest, pm25_full: Path) -> None:
    """The 43,824-hour upload offers its columns from the loader's parser and loads hourly."""
    app.file_uploader(key="data_upload").upload("beijing-pm25.csv", pm25_full.read_bytes(), "text/csv").run()
    assert not app.exception and not app.error
    assert app.selectbox(key="data_upload_date").options == [
        loaders.AUTO_DATE,
        loaders.NO_DATE,
        *["No", "year", "month", "day", "hour", "pm2.5", "DEWP", "TEMP", "PRES", "cbwd", "Iws", "Is", "Ir"],
    ]
    assert app.selectbox(key="data_upload_target").options == PM25_COLUMNS
    app.button(key="data_upload_submit").click().run()
    assert not app.exception and not app.error
    dataset = app.session_state["dataset"]
    assert (len(dataset), dataset.freq) == (43_824, "h")
    assert [m.value for m in app.metric] == ["43,824 points", "hourly (h)", "2010-01-01 → 2014-12-31 23:00"]


def test_no_date_column_choice_in_the_app(app: AppTest) -> None:
    """Choosing "no date column" keeps the PM2.5 sample in file order and records "none" in the config."""
    upload(app, "pm25.csv", PM25_SAMPLE.read_bytes(), date_choice=loaders.NO_DATE)
    dataset = app.session_state["dataset"]
    assert (len(dataset), dataset.has_dates) == (3000, False)
    assert app.session_state["data_config"].date_column == "none"
    assert app.metric[2].value == "steps 0 → 2999"


def test_unreadable_date_choice_in_the_app(app: AppTest) -> None:
    """Choosing the shampoo's Month as the date column shows the one sentence; the loaded data stays."""
    app.file_uploader(key="data_upload").upload("shampoo.csv", SHAMPOO.read_bytes(), "text/csv").run()
    app.selectbox(key="data_upload_date").set_value("Month")
    app.button(key="data_upload_submit").click().run()
    assert not app.exception
    with pytest.raises(LabError) as raised:
        read_csv(SHAMPOO, date_column="Month")
    assert [element.value for element in app.error] == [plain(raised.value)]
    assert app.session_state["dataset"].name == "airline-passengers"


def test_names_from_the_file_are_plain_text(app: AppTest) -> None:
    """A LaTeX/markdown column name is escaped in the sidebar, the Data page caption and the Train page caption."""
    raw = (DATA / "hostile" / "markdown_in_names.csv").read_bytes()
    upload(app, "$x$ *.csv", raw)
    target = app.session_state["dataset"].target
    assert target == "$\\href{http://x}{y}$"
    sidebar = [c.value for c in app.sidebar.caption]
    assert f"Data: **{plain('$x$ *.csv')}** · 20 points · target {plain(target)}" in sidebar
    assert any(f"Target: {plain(target)}." in c.value for c in app.caption)
    assert app.subheader[0].value == plain("$x$ *.csv") == "\\$x\\$ \\*\\.csv"
    app.switch_page("app_pages/train.py").run()
    assert not app.exception
    assert any(f"forecasting {plain(target)}." in c.value for c in app.caption)
