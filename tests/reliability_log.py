"""What the reliability suite observed, for docs/reliability.md (written when RELIABILITY_REPORT is set)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROWS: list[dict] = []
FIGURES: dict[str, object] = {}


def record(area: str, case: str, expected: str, observed: str) -> None:
    ROWS.append({"area": area, "case": case, "expected": expected, "observed": observed})


def figure(name: str, value: object) -> None:
    FIGURES[name] = value


def write_if_asked() -> None:
    target = os.environ.get("RELIABILITY_REPORT")
    if target:
        Path(target).write_text(json.dumps({"rows": ROWS, "figures": FIGURES}, indent=2))
