"""The command line's side of the run store: `python -m lstm_core runs list|show|export|import`, and saving
each `run` into the store.

Command-line runs go to the workspace `--workspace`, else `$LSTM_LAB_WORKSPACE`, else "local" (a name on
this machine; the app's workspaces are the random tokens in its page URLs: pass one with `--workspace` to
see or add to its runs). `--db URL` (else `$LSTM_LAB_DB`, else the SQLite file beside the Yahoo cache)
names the database. A store that cannot be used gives a `note:` line; the run's files are still written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from lstm_core.errors import LabError
from lstm_core.scoring.columns import ForecastColumn as Column

__all__ = [
    "add_runs_arguments",
    "add_store_options",
    "find_run",
    "run_runs",
    "save_cli_entry",
    "save_cli_run",
    "workspace_of",
]

DEFAULT_WORKSPACE = "local"
KINDS = ("run", "backtest", "sweep_trial", "benchmark")  # store.db.KINDS (not imported: SQLAlchemy is slow to load)


def add_store_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("run store")
    group.add_argument("--workspace", help="workspace of the run store (default: $LSTM_LAB_WORKSPACE or `local`)")
    group.add_argument("--db", help="run store database URL (default: $LSTM_LAB_DB or runs.sqlite in the cache folder)")


def workspace_of(args: argparse.Namespace) -> str:
    return getattr(args, "workspace", None) or os.environ.get("LSTM_LAB_WORKSPACE") or DEFAULT_WORKSPACE


def save_cli_run(run: Any, out: str | Path, args: argparse.Namespace, *, timings: dict[str, float]) -> str | None:
    """Save a finished `run` (its files already in `out`) to the store; returns a note when that fails."""
    from lstm_core.store.db import StoreError, open_store
    from lstm_core.store.records import new_run

    started = time.perf_counter()
    model = Path(out) / "model.keras"
    try:
        entry = new_run(run, model_bytes=model.read_bytes() if model.is_file() else None, timings=timings)
        store = open_store(getattr(args, "db", None))
        run_id = store.save_run(workspace_of(args), entry)
    except StoreError as error:
        return f"note: {error}"
    timings["store_seconds"] = round(time.perf_counter() - started, 4)
    print(f"note: saved as run {run_id[:12]} in workspace {workspace_of(args)!r}.", file=sys.stderr)
    return None


def save_cli_entry(entry: Any, args: argparse.Namespace) -> None:
    """Save a backtest's or benchmark's `store.NewRun` to the store; a `note:` line says where, or why not."""
    from lstm_core.store.db import StoreError, open_store

    try:
        run_id = open_store(getattr(args, "db", None)).save_run(workspace_of(args), entry)
    except StoreError as error:
        print(f"note: {error}", file=sys.stderr)
        return
    print(f"note: saved as {entry.kind} {run_id[:12]} in workspace {workspace_of(args)!r}.", file=sys.stderr)


def add_runs_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    listing = actions.add_parser("list", help="the workspace's runs, newest first")
    listing.add_argument("--kind", choices=KINDS, help="only this kind")
    show = actions.add_parser("show", help="one run as JSON (an id or its first characters)")
    show.add_argument("run_id")
    show.add_argument("--out", help="also write its config.json, metrics.json, history.csv and artifacts here")
    export = actions.add_parser("export", help="write the workspace's runs to a file")
    export.add_argument("file")
    imported = actions.add_parser("import", help="add the runs of an exported file to the workspace")
    imported.add_argument("file")
    delete = actions.add_parser("delete", help="delete one run")
    delete.add_argument("run_id")
    rerun = actions.add_parser(
        "rerun", help="run a stored run, backtest or benchmark again from its stored settings (results to --out)"
    )
    rerun.add_argument("run_id")
    rerun.add_argument("--out", required=True, help="folder for the new results")
    for sub in (listing, show, export, imported, delete, rerun):
        add_store_options(sub)


def run_runs(args: argparse.Namespace) -> int:
    from lstm_core.store.db import open_store

    store = open_store(args.db)
    workspace = workspace_of(args)
    if args.action == "list":
        _print_table(store.list_runs(workspace, kind=args.kind))
    elif args.action == "show":
        stored = store.get_run(workspace, _full_id(store, workspace, args.run_id))
        values = {k: v for k, v in stored.__dict__.items() if k != "workspace"}
        print(json.dumps(values, indent=2))
        if args.out:
            _write_files(store, workspace, stored, Path(args.out))
    elif args.action == "export":
        count = store.export_workspace(workspace, args.file)
        print(f"Exported {count} run(s) of workspace {workspace!r} to {args.file}.", file=sys.stderr)
    elif args.action == "import":
        if not Path(args.file).is_file():
            raise LabError(f"No file at {args.file!r}; give a file made by `runs export` or the Runs page.")
        count = store.import_workspace(workspace, args.file)
        print(f"Imported {count} new run(s) into workspace {workspace!r}.", file=sys.stderr)
    elif args.action == "delete":
        store.delete_run(workspace, _full_id(store, workspace, args.run_id))
        print(f"Deleted run {args.run_id}.", file=sys.stderr)
    return 0


def find_run(args: argparse.Namespace) -> Any:
    """The stored run `args.run_id` (an id or its first characters) of the workspace, with its history."""
    from lstm_core.store.db import open_store

    store = open_store(args.db)
    workspace = workspace_of(args)
    return store.get_run(workspace, _full_id(store, workspace, args.run_id))


def _full_id(store: Any, workspace: str, prefix: str) -> str:
    matches = [r.id for r in store.list_runs(workspace) if r.id.startswith(prefix.strip().lower())]
    if len(matches) != 1:
        found = "no run" if not matches else f"{len(matches)} runs"
        raise LabError(
            f"{found} in workspace {workspace!r} has an id starting with {prefix!r}; "
            "see `python -m lstm_core runs list`."
        )
    return matches[0]


def _number(value: Any) -> str:
    return "-" if value is None else f"{value:.4g}"


def _print_table(runs: list[Any]) -> None:
    print(f"{'id':<12}  {'finished':<16}  {'kind':<11}  {'data':<22}  {'model':<14}  {'window':>6}  "
          f"{'epochs':>6}  {'LSTM RMSE':>9}  {'skill':>7}  {'LSTM MASE':>9}")  # fmt: skip
    for run in runs:
        model, windows = run.config.get("model", {}), run.config.get("windows", {})
        shape = f"{model.get('layers', '?')}xLSTM({model.get('units', '?')})"
        lstm = run.metrics.get(Column.LSTM) or {}
        print(
            f"{run.id[:12]:<12}  {time.strftime('%Y-%m-%d %H:%M', time.localtime(run.created_at)):<16}  "
            f"{run.kind:<11}  {run.name[:22]:<22}  {shape:<14}  "
            f"{windows.get('window', '-')!s:>6}  {run.metrics.get('epochs_run') or '-'!s:>6}  "
            f"{_number(lstm.get('rmse')):>9}  {_number(run.metrics.get('skill_vs_naive')):>7}  "
            f"{_number(lstm.get('mase')):>9}"
        )


def _write_files(store: Any, workspace: str, stored: Any, out: Path) -> None:
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps({"version": 1, "data_fingerprint": stored.fingerprint,
                                                  **stored.config}, indent=2) + "\n", encoding="utf-8")  # fmt: skip
    (out / "metrics.json").write_text(json.dumps(stored.metrics, indent=2) + "\n", encoding="utf-8")
    pd.DataFrame(stored.history, columns=["epoch", "loss", "val_loss", "seconds"]).to_csv(
        out / "history.csv", index=False
    )
    for name in stored.artifact_names:
        (out / name).write_bytes(store.artifact(workspace, stored.id, name) or b"")
