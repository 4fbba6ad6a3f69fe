"""The map stays the map: torch and ultralytics only inside the adapter, which switches ultralytics offline."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "scoreminer"
ADAPTER = SRC / "inference" / "yolo"
# The few modules outside the adapter that must ask torch itself, and why.
TORCH_ALLOWED = {
    "doctor/host.py",  # which CUDA devices exist and how much memory they have
    "bench/runner.py",  # peak GPU memory of a benchmark row
    "bench/machine.py",  # the machine description printed with performance tables
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_torch_and_ultralytics_are_imported_only_inside_the_adapter():
    offenders = []
    for path in SRC.rglob("*.py"):
        if ADAPTER in path.parents:
            continue
        name = str(path.relative_to(SRC))
        roots = imported_roots(path)
        if "ultralytics" in roots or ("torch" in roots and name not in TORCH_ALLOWED):
            offenders.append(name)
    assert offenders == []


def test_importing_the_adapter_switches_ultralytics_offline_first():
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOLO_")}
    script = (
        "import os, sys\n"
        "import scoreminer.inference.yolo.loader\n"
        "assert 'ultralytics' in sys.modules\n"
        "print(os.environ['YOLO_OFFLINE'], os.environ['YOLO_AUTOINSTALL'])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "false"]
