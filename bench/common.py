"""Shared helpers for the benchmarks: the series they train on, statistics, machine facts, the result file.

The flags, the fresh-process workers, the rounds and the ratio are bench/harness.py's.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def noisy_sine(length: int, *, seed: int = 0) -> np.ndarray:
    """A noisy sine (period 30) on a slow trend: (length,) float32, fixed seed."""
    rng = np.random.default_rng(seed)
    steps = np.arange(length)  # (T,)
    values = 10.0 + 0.001 * steps + 2.0 * np.sin(2 * np.pi * steps / 30) + rng.normal(0.0, 0.3, length)
    return values.astype(np.float32)


def length_for_windows(
    train_windows: int, *, window: int = 10, val_fraction: float = 0.1, test_fraction: float = 0.2
) -> int:
    """Series length that gives about `train_windows` training windows after the split."""
    return round((train_windows + window) / (1.0 - val_fraction - test_fraction))


def torch_fit(
    windows: Any, *, units: int, batch_size: int, epochs: int, seed: int = 0, device: str = "cpu"
) -> tuple[list[float], list[float]]:
    """A plain PyTorch loop, the benches' outside reference: nn.LSTM + Linear, Adam(1e-3), MSE, shuffled
    batches, the validation loss after every epoch. Returns (seconds, val_losses) per epoch."""
    import torch

    torch.manual_seed(seed)

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(windows.n_features, units, batch_first=True)
            self.head = torch.nn.Linear(units, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _ = self.lstm(x)  # (B, T, U)
            return self.head(out[:, -1])[:, 0]  # (B,)

    net = Net().to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    loss_fn = torch.nn.MSELoss()
    x, y = (torch.from_numpy(a).to(device) for a in (windows.x_train, windows.y_train))
    xv, yv = (torch.from_numpy(a).to(device) for a in (windows.x_val, windows.y_val))
    generator = torch.Generator(device=device).manual_seed(seed)
    seconds: list[float] = []
    val_losses: list[float] = []
    for _ in range(epochs):
        started = time.perf_counter()
        net.train()
        order = torch.randperm(len(x), generator=generator, device=device)
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        net.eval()
        with torch.no_grad():
            val_losses.append(float(loss_fn(net(xv), yv)))  # float() also waits for a GPU
        seconds.append(time.perf_counter() - started)
    return seconds, val_losses


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and the relative spread (max-min)/median of repeated measurements."""
    values = [float(v) for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "spread_pct": None, "values": []}
    median = statistics.median(values)
    return {
        "median": median,
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "spread_pct": round(100.0 * (max(values) - min(values)) / median, 1) if median else None,
        "values": [round(v, 6) for v in values],
    }


def fmt(stats: dict[str, Any], unit: str = "", digits: int = 0) -> str:
    """'12,345 samples/s (min 11,000, max 13,000, n=3)'."""
    if stats["median"] is None:
        return "n/a"
    f = f"{{:,.{digits}f}}"
    return (
        f"{f.format(stats['median'])}{unit} (min {f.format(stats['min'])}, max {f.format(stats['max'])}, "
        f"n={stats['n']})"
    )


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory, load and library versions, for every result file."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }
    with contextlib.suppress(AttributeError):
        info["cpu_affinity"] = len(os.sched_getaffinity(0))
    try:
        text = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")]
        info["cpu_model"] = models[0] if models else None
        flags = next((line for line in text.splitlines() if line.startswith("flags")), "")
        info["avx512"] = "avx512f" in flags
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_total_gb"] = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        info["loadavg_at_start"] = os.getloadavg()
    from importlib import metadata

    for package in ("tensorflow", "keras", "jax", "jaxlib", "torch", "numpy"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    return info


def write_result(name: str, payload: dict[str, Any], *, out_dir: Path | None = None) -> Path:
    """bench/results/<name>.json (or `out_dir`), with the machine and the time of the run."""
    out_dir = out_dir or RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        **payload,
    }
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=jsonable) + "\n")
    return path


def jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss, KiB on Linux) in MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb() -> float:
    """This process's resident memory now, in MiB (from /proc, no psutil needed)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")
