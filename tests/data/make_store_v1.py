"""Writes tests/data/store_v1.sqlite: a run store as schema version 1 wrote it (no kind, study, size_bytes).

Kept to show how the fixture was made; the test reads the committed file, it does not run this.
Run: python tests/data/make_store_v1.py
"""

import json
import sqlite3
from pathlib import Path

PATH = Path(__file__).with_name("store_v1.sqlite")
SCHEMA = """
CREATE TABLE lab_meta (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT);
CREATE TABLE lab_runs (
    id VARCHAR(32) NOT NULL PRIMARY KEY, workspace VARCHAR(128) NOT NULL, created_at FLOAT NOT NULL,
    name TEXT NOT NULL, source TEXT NOT NULL, fingerprint VARCHAR(80) NOT NULL, config TEXT NOT NULL,
    metrics TEXT NOT NULL, history TEXT NOT NULL, notes TEXT NOT NULL, timings TEXT NOT NULL,
    environment TEXT NOT NULL
);
CREATE INDEX ix_lab_runs_workspace ON lab_runs (workspace);
CREATE TABLE lab_artifacts (
    run_id VARCHAR(32) NOT NULL REFERENCES lab_runs (id) ON DELETE CASCADE, name VARCHAR(128) NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY (run_id, name)
);
"""

if __name__ == "__main__":
    PATH.unlink(missing_ok=True)
    with sqlite3.connect(PATH) as db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO lab_meta VALUES ('schema_version', '1')")
        config = {"data": {"source": "sample:airline-passengers"}, "model": {"units": 7}}
        metrics = {"lstm": {"rmse": 30.5}, "naive": {"rmse": 40.0}, "skill_vs_naive": 0.2375, "epochs_run": 3}
        history = [{"epoch": 1, "loss": 0.5, "val_loss": 0.6, "seconds": 0.1}]
        db.execute(
            "INSERT INTO lab_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "0" * 32,
                "fixture-workspace",
                1.7e9,
                "airline-passengers",
                "sample:airline-passengers",
                "sha256:" + "ab" * 32,
                json.dumps(config),
                json.dumps(metrics),
                json.dumps(history),
                "[]",
                json.dumps({"train_seconds": 0.3}),
                json.dumps({"backend": "tensorflow", "device": "cpu:0"}),
            ),
        )
        db.execute("INSERT INTO lab_artifacts VALUES (?, 'forecast.csv', ?)", ("0" * 32, b"time,actual,lstm\n1,2,3\n"))
