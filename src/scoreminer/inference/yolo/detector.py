"""The player/ball detector behind the Detector seam."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from scoreminer.inference.types import Detections
from scoreminer.inference.yolo.loader import RunOptions, forward_seconds, load_yolo, predict, warm_up


class YoloDetector:
    """Boxes, classes and confidences from an ultralytics detect model."""

    def __init__(self, path: Path, options: RunOptions, model: Any = None) -> None:
        self.path = path
        self.options = options
        self.model = model if model is not None else load_yolo(path, "detect")
        self.forward_s = 0.0  # the forward passes alone, summed over calls

    def warm_up(self, shape: tuple[int, int] = (720, 1280)) -> None:
        warm_up(self.model, self.options, shape)

    def __call__(self, frames: list[np.ndarray]) -> list[Detections]:
        results = predict(self.model, frames, self.options)
        self.forward_s += forward_seconds(results)
        return [_to_detections(r) for r in results]


def _to_detections(result) -> Detections:
    boxes = result.boxes
    if boxes is None or len(boxes) == 0:
        return Detections.empty()
    return Detections.of(boxes.xyxy.cpu().numpy(), boxes.cls.cpu().numpy(), boxes.conf.cpu().numpy())
