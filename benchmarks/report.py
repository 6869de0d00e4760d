"""One row per figure: the value, the reference measured in the same run, their ratio, the target."""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    name: str
    unit: str  # "s", "ms", "req/s", "MB"
    value: float | None
    reference: float | None = None
    target: str = ""  # e.g. "≤ 2.0×", "< 250 MB"
    passed: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference:
            return None
        return self.value / self.reference


def ratio_check(
    value: float | None, reference: float | None, limit: float, *, at_least: bool = False
) -> bool | None:
    if value is None or not reference:
        return False if value is None else None
    r = value / reference
    return r >= limit if at_least else r <= limit


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f} {unit}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "reference", "ratio", "target", "result")]
    for f in figures:
        ratio = "—" if f.ratio is None else f"{f.ratio:.2f}×"
        result = {True: "pass", False: "FAIL", None: "n/a"}[f.passed]
        rows.append(
            (f.name, _fmt(f.value, f.unit), _fmt(f.reference, f.unit), ratio, f.target, result)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) if i < 4 else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["", "Notes:", *notes] if notes else []))


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    import os

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "commit": commit,
    }


def write_json(figures: list[Figure], directory: Path, meta: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"bench-{meta.get('database', 'db')}-{stamp}.json"
    payload = {
        **meta,
        "machine": machine(),
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    (directory / f"latest-{meta.get('database', 'db')}.json").write_text(
        json.dumps(payload, indent=2, default=str)
    )
    return path
