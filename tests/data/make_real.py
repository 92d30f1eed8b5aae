"""Write the two realistic tutorial files next to this script: `python tests/data/make_real.py`.

No internet here, so these are made, deterministically, in the shape of the real files LSTM
tutorials use:

- `real/shampoo-sales.csv`: monthly shampoo sales over three years (Makridakis, Wheelwright and
  Hyndman, 1998), 36 rows whose dates have no real year: `"1-01"` .. `"3-12"`.
- `real/beijing-pm25-sample.csv`: the first 3,000 hours of a Beijing-PM2.5-like file (Liang et
  al., 2015): the time split over `year, month, day, hour`, a row counter `No`, `NA` cells and a
  text column of wind directions `cbwd`. `pm25_text()` makes the full 43,824 hours (2010-2014,
  the real file's size), which tests write to a temporary folder rather than commit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent / "real"
PM25_HOURS = 43_824  # 2010-01-01 00:00 .. 2014-12-31 23:00, as the real file
PM25_SAMPLE_HOURS = 3_000

SHAMPOO = (
    266.0, 145.9, 183.1, 119.3, 180.3, 168.5, 231.8, 224.5, 192.8, 122.9, 336.5, 185.9,
    194.3, 149.5, 210.1, 273.3, 191.4, 287.0, 226.0, 303.6, 289.9, 421.6, 264.5, 342.3,
    339.7, 440.4, 315.9, 439.3, 401.3, 437.4, 575.5, 407.6, 682.0, 475.3, 581.3, 646.9,
)  # fmt: skip


def shampoo_text() -> str:
    rows = [
        f'"{year}-{month:02d}",{SHAMPOO[(year - 1) * 12 + month - 1]}' for year in (1, 2, 3) for month in range(1, 13)
    ]
    return '"Month","Sales"\n' + "\n".join(rows) + "\n"


def pm25_text(hours: int = PM25_HOURS) -> str:
    """A Beijing-PM2.5-like hourly file of `hours` rows (seed 0), with the real file's columns."""
    rng = np.random.default_rng(0)
    times = pd.date_range("2010-01-01", periods=hours, freq="h")
    t = np.arange(hours)  # (T,)
    season = np.cos(2 * np.pi * t / (24 * 365.25))  # +1 in January
    daily = np.sin(2 * np.pi * (t % 24) / 24)
    dewp = np.round(-2 - 14 * season + 3 * daily + rng.normal(0, 3, hours)).astype(int)
    temp = np.round(12 - 15 * season + 5 * daily + rng.normal(0, 2, hours)).astype(int)
    pres = np.round(1016 + 10 * season + rng.normal(0, 3, hours)).astype(int)
    wind = rng.choice(["NW", "cv", "NE", "SE"], size=hours, p=[0.32, 0.21, 0.11, 0.36])
    iws = np.round(np.cumsum(rng.exponential(1.5, hours)) % 60 + 0.45, 2)
    snow = (rng.random(hours) < 0.004).astype(int)
    rain = (rng.random(hours) < 0.03).astype(int)
    log_pm = np.zeros(hours)
    noise = rng.normal(0, 0.25, hours)
    for k in range(1, hours):  # smog builds up for days and is blown away by north-west wind
        log_pm[k] = 0.97 * log_pm[k - 1] + noise[k] - (0.15 if wind[k] == "NW" else 0.0)
    pm = np.maximum(3, np.round(np.exp(5.9 + log_pm + 0.2 * season))).astype(int)
    pm_text = pm.astype(str).astype(object)
    pm_text[:24] = "NA"  # the real file starts with a day without readings
    for start in rng.choice(hours, size=max(1, hours // 400), replace=False):
        pm_text[start : start + int(rng.integers(1, 40))] = "NA"  # outages of a few hours
    lines = ["No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir"]
    for k in range(hours):
        stamp = times[k]
        lines.append(
            f"{k + 1},{stamp.year},{stamp.month},{stamp.day},{stamp.hour},{pm_text[k]},{dewp[k]},{temp[k]},"
            f"{pres[k]},{wind[k]},{iws[k]:g},{snow[k]},{rain[k]}"
        )
    return "\n".join(lines) + "\n"


def files() -> dict[str, bytes]:
    return {
        "shampoo-sales.csv": shampoo_text().encode(),
        "beijing-pm25-sample.csv": pm25_text(PM25_SAMPLE_HOURS).encode(),
    }


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for name, body in files().items():
        (HERE / name).write_bytes(body)


if __name__ == "__main__":
    main()
