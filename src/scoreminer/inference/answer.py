"""Turn FrameResults into the wire answer with the hygiene the validator's scoring rewards."""

from __future__ import annotations

import numpy as np

from scoreminer.contract.score_vision import BALL, CLASS_NAMES, FrameAnswer, ObjectAnswer
from scoreminer.inference.types import FrameResult

VALID_CLASSES = tuple(CLASS_NAMES)


def frame_answer(result: FrameResult, width: int, height: int, min_confidence: float) -> FrameAnswer:
    """Exactly 32 keypoint pairs, at most one ball, boxes clipped to the frame, 2 decimals."""
    return FrameAnswer.model_construct(
        frame_number=result.frame_number,
        keypoints=answer_keypoints(result.keypoints, width, height, min_confidence),
        objects=answer_objects(result, width, height),
    )


def answer_keypoints(points: np.ndarray, width: int, height: int, min_confidence: float) -> list[list[float]]:
    """Low-confidence or off-frame keypoints become [0, 0]: the validator drops zeros, not guesses."""
    x, y, conf = points[:, 0], points[:, 1], points[:, 2]
    keep = (conf >= min_confidence) & (x > 0) & (y > 0) & (x < width) & (y < height)
    return [
        [round(float(px), 2), round(float(py), 2)] if k else [0.0, 0.0] for px, py, k in zip(x, y, keep, strict=False)
    ]


def answer_objects(result: FrameResult, width: int, height: int) -> list[ObjectAnswer]:
    d = result.detections
    if len(d) == 0:
        return []
    boxes = np.clip(d.xyxy, 0, [width, height, width, height])
    ids = d.track_id if d.track_id is not None else np.full(len(d), -1)
    balls = np.flatnonzero(d.class_id == BALL)
    best_ball = balls[np.argmax(d.confidence[balls])] if len(balls) else -1
    objects = []
    for i, (box, cls) in enumerate(zip(boxes, d.class_id, strict=False)):
        if cls not in VALID_CLASSES or (cls == BALL and i != best_ball) or box[2] <= box[0] or box[3] <= box[1]:
            continue
        bbox = [round(float(v), 2) for v in box]
        objects.append(ObjectAnswer.model_construct(id=int(ids[i]), bbox=bbox, class_id=int(cls)))
    return objects
