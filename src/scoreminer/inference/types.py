"""The containers every stage of the pipeline takes and returns (numpy inside, no tensors)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scoreminer.contract.score_vision import KEYPOINT_COUNT


@dataclass(frozen=True)
class Detections:
    """Boxes of one frame: xyxy in source pixels, class ids, confidences, and track ids once tracked."""

    xyxy: np.ndarray
    class_id: np.ndarray
    confidence: np.ndarray
    track_id: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.xyxy)

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, int), np.zeros(0, np.float32), np.zeros(0, int))

    @classmethod
    def of(cls, xyxy, class_id, confidence, track_id=None) -> Detections:
        ids = None if track_id is None else np.asarray(track_id, int).reshape(-1)
        return cls(
            np.asarray(xyxy, np.float32).reshape(-1, 4),
            np.asarray(class_id, int).reshape(-1),
            np.asarray(confidence, np.float32).reshape(-1),
            ids,
        )


def empty_keypoints() -> np.ndarray:
    """32 × (x, y, confidence), all zero: nothing found."""
    return np.zeros((KEYPOINT_COUNT, 3), np.float32)


@dataclass(frozen=True)
class FrameResult:
    """Everything known about one frame; `processed` is False for frames filled by interpolation.

    `homography` maps the pitch template (cm) into the frame when registration trusted a fit for it."""

    frame_number: int
    detections: Detections
    keypoints: np.ndarray = field(default_factory=empty_keypoints)
    processed: bool = True
    homography: np.ndarray | None = None
