"""Train the demo models with ultralytics on rendered frames (CPU is enough; see docs/demo-models.md)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ultralytics import YOLO
from ultralytics.utils.torch_utils import strip_optimizer

from scoreminer.inference.yolo.standin import build_standin

COMMON = dict(
    device="cpu", plots=False, amp=False, workers=2, verbose=False, exist_ok=True, cache=True, patience=100, val=True
)
# The pose model's keypoints have no left/right pairing, so no flips; the detector's crops are already at
# inference scale, so zoom augmentation stays mild (a 5 px ball must not shrink away).
AUGMENT = {"pose": {"fliplr": 0.0, "mosaic": 0.5}, "detect": {"mosaic": 1.0, "scale": 0.25}}


def train(
    task: str,
    data: Path,
    work: Path,
    epochs: int,
    imgsz: int,
    scale: str,
    batch: int,
    start: Path | None = None,
    hours: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Train from `start` (fine-tune) or a random-weight model of `scale`, `hours` capping the wall time;
    `overrides` beat the defaults here (augmentation, val). A run whose `last.pt` is there resumes instead.

    Returns the best weights (the last ones when validation is off)."""
    overrides = overrides or {}
    weights = work / task / "weights"
    last = weights / "last.pt"
    if last.is_file() and _unfinished(last):
        YOLO(str(last), task=task).train(resume=True)
    else:
        start = start or build_standin(work / f"{task}-init.pt", task, scale)
        model = YOLO(str(start), task=task)
        budget = {"time": hours} if hours else {}
        options = {**COMMON, **AUGMENT[task], **budget, **overrides}
        model.train(data=str(data), epochs=epochs, imgsz=imgsz, batch=batch, project=str(work), name=task, **options)
    best = weights / "best.pt"
    return best if best.is_file() and overrides.get("val", True) else last


def _unfinished(last: Path) -> bool:
    # ultralytics keeps the optimizer in a checkpoint until the run ends, then strips it.
    import torch

    return torch.load(last, map_location="cpu", weights_only=False).get("optimizer") is not None


def install(weights: Path, target: Path) -> Path:
    """Strip optimizer state (smaller file) and copy into the package."""
    strip_optimizer(str(weights))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(weights, target)
    return target
