"""Train the demo models with ultralytics on rendered frames (CPU is enough; see docs/demo-models.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ultralytics import YOLO
from ultralytics.utils.torch_utils import strip_optimizer

from scoreminer.inference.yolo.standin import build_standin

COMMON = dict(
    device="cpu", plots=False, amp=False, workers=2, verbose=False, exist_ok=True, cache=True, patience=100, val=True
)


def train(
    task: str, data: Path, work: Path, epochs: int, imgsz: int, scale: str, batch: int, start: Path | None = None
) -> Path:
    """Train from `start` (fine-tune) or from a random-weight model of the given scale; return the best weights."""
    start = start or build_standin(work / f"{task}-init.pt", task, scale)
    extra = {"fliplr": 0.0, "mosaic": 0.5} if task == "pose" else {"mosaic": 1.0}
    model = YOLO(str(start), task=task)
    model.train(
        data=str(data), epochs=epochs, imgsz=imgsz, batch=batch, project=str(work), name=task, **COMMON, **extra
    )
    return work / task / "weights" / "best.pt"


def install(weights: Path, target: Path) -> Path:
    """Strip optimizer state (smaller file) and copy into the package."""
    strip_optimizer(str(weights))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(weights, target)
    return target
