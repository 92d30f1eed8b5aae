"""`python -m lstm_core compare-cells`: the same experiment with an LSTM, a GRU and a plain RNN, side by side.

Writes one `run` folder per cell under --out (`lstm/`, `gru/`, `rnn/`: config.json, metrics.json, gates.npz,
gradients.npz, ...) and `cells.json` (experiment.compare.summary), and prints one line per cell.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lstm_core.cli.common import experiment_config, load_with_notes, number
from lstm_core.config.options import RUN_PARTS, add_config_options
from lstm_core.config.settings import CELLS
from lstm_core.errors import LabError

__all__ = ["add_compare_arguments", "compare_command"]


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="a config.json to start from (options given here override it)")
    parser.add_argument("--out", required=True, help="folder for the results: one folder per cell and cells.json")
    parser.add_argument("--cells", default=",".join(CELLS), help="cells to compare, comma-separated (default: all)")
    add_config_options(parser, RUN_PARTS)


def compare_command(args: argparse.Namespace) -> int:
    from lstm_core.experiment.compare import compare_cells, summary
    from lstm_core.experiment.export import write_run

    cells = [cell.strip().lower() for cell in str(args.cells).split(",") if cell.strip()]
    wrong = [cell for cell in cells if cell not in CELLS]
    if wrong or not cells:
        raise LabError(f"`--cells` must list cells among {', '.join(CELLS)}. Received: --cells={args.cells}")
    config = experiment_config(args)
    dataset = load_with_notes(config)

    def starting(cell: str) -> None:
        print(f"training the {cell} ...", file=sys.stderr, flush=True)

    comparison = compare_cells(dataset, config, cells=cells, on_cell=starting)
    out = Path(args.out)
    for cell, run in comparison.runs.items():
        write_run(run, out / cell)
    table = summary(comparison)
    (out / "cells.json").write_text(json.dumps(table, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    for cell, row in table.items():
        spread = row["rmse_across_seeds"]
        seeds = f" ({number(spread['mean'])} ± {number(spread['sd'])} across seeds)" if spread else ""
        share = row["reach_first_step"]
        reach = "n/a" if share is None else f"{share:.2%}"
        print(
            f"{cell}: RMSE {number(row['rmse'])}{seeds}, skill vs naive {number(row['skill_vs_naive'])}, "
            f"gradient reaching the window's first step {reach} of the last step's",
            file=sys.stderr,
        )
    print(f"{dataset.name}: {len(cells)} cells compared. Results in {out}", file=sys.stderr)
    return 0
