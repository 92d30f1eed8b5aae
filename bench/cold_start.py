"""Cold start: from `streamlit run` to the first page's chart drawn in headless Chromium.

Reference: a minimal Streamlit app that shows one plotly chart (144 points). Ours: `app.py`, whose
first page (Data) draws the bundled sample. Both are measured the same way in the same run,
alternating A B A B, each in a fresh server process:

    t0      just before `python -m streamlit run APP --server.headless true ...` is started
    health  `/_stcore/health` answers `ok`
    chart   a new browser tab has loaded the URL and a plotly trace line is in the page

Chromium itself is started once, before the first round (a visitor's browser is already open).
After each of our rounds the server's memory map is checked for TensorFlow's native library: the
first page must not import it. Target: median(ours) <= median(minimal) + 1.5 s.

    python bench/cold_start.py [--rounds 3] [--out bench/results]
    python bench/cold_start.py --quick      # smoke test: one round
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.browser import (
    ROOT,
    TRACE_LINE,
    chromium,
    free_port,
    start_server,
    stop_server,
    tensorflow_loaded,
    wait_for_health,
)
from bench.common import fmt, spread
from bench.harness import Bench, Contender, column, ratio

TARGET_EXTRA_SECONDS = 1.5
MINIMAL_APP = """import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=list(range(144)), y=[(i * 7) % 31 for i in range(144)], mode="lines")))
"""


def one_round(browser, app: Path) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = start_server(app, port=port)
    try:
        wait_for_health(url, timeout=120)
        health = time.perf_counter() - started
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(TRACE_LINE, timeout=120_000)
        chart = time.perf_counter() - started
        context.close()
        return {"health_s": health, "chart_s": chart, "tensorflow_loaded": tensorflow_loaded(process.pid)}
    finally:
        stop_server(process)


# The contenders run in this process: each round starts its own server, and the browser is this process's.
BENCH = Bench("cold_start", __doc__, rounds=3, quick={"rounds": 1})


def describe(result: dict) -> str:
    return (
        f"health {result['health_s']:.2f} s, chart {result['chart_s']:.2f} s, "
        f"TensorFlow loaded: {result['tensorflow_loaded']}"
    )


def main(argv: list[str] | None = None) -> dict:
    run = BENCH.start(argv)
    with tempfile.TemporaryDirectory(prefix="minimal-streamlit-") as folder, chromium() as browser:
        minimal = Path(folder) / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        contenders = [
            Contender(name, lambda _args, app=app: one_round(browser, app), fresh=False)
            for name, app in (("minimal", minimal), ("ours", ROOT / "app.py"))
        ]
        runs = run.rounds(contenders, describe=describe)

    summary = {}
    for name, results in runs.items():
        summary[name] = {"health_s": spread(column(results, "health_s")), "chart_s": spread(column(results, "chart_s"))}
    ours, reference = summary["ours"]["chart_s"]["median"], summary["minimal"]["chart_s"]["median"]
    tf_loaded = any(column(runs["ours"], "tensorflow_loaded"))
    summary["extra_seconds"] = round(ours - reference, 2)
    summary["ratio"] = round(ratio(column(runs["ours"], "chart_s"), column(runs["minimal"], "chart_s")).value, 2)
    summary["target_met"] = ours <= reference + TARGET_EXTRA_SECONDS and not tf_loaded
    summary["tensorflow_loaded_by_first_page"] = tf_loaded
    print(f"reference (minimal app, one plotly chart): {fmt(summary['minimal']['chart_s'], ' s', 2)}")
    print(f"ours (app.py, Data page):                  {fmt(summary['ours']['chart_s'], ' s', 2)}")
    print(
        f"ratio {summary['ratio']:.2f}, extra {summary['extra_seconds']:+.2f} s "
        f"(target <= +{TARGET_EXTRA_SECONDS} s, TensorFlow not imported): "
        f"{'met' if summary['target_met'] else 'MISSED'}"
    )
    print(
        f"health check alone: minimal {statistics.median(column(runs['minimal'], 'health_s')):.2f} s, "
        f"ours {statistics.median(column(runs['ours'], 'health_s')):.2f} s"
    )
    run.write({"rounds": run.args.rounds, "runs": runs, "summary": summary})
    return summary


if __name__ == "__main__":
    main()
