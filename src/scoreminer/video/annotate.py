"""Draw boxes, track ids, keypoints and the frame number onto a copy of the video (OpenCV only)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from scoreminer.contract.score_vision import CLASS_NAMES
from scoreminer.errors import VideoError
from scoreminer.inference.types import FrameResult
from scoreminer.video.info import open_capture

CLASS_COLOURS = {0: (0, 255, 255), 1: (255, 128, 0), 2: (0, 0, 255), 3: (255, 0, 255)}


def draw(image: np.ndarray, result: FrameResult, min_confidence: float) -> np.ndarray:
    """One annotated frame."""
    d = result.detections
    ids = d.track_id if d.track_id is not None else np.full(len(d), -1)
    for box, cls, track in zip(d.xyxy.astype(int), d.class_id, ids, strict=False):
        colour = CLASS_COLOURS.get(int(cls), (200, 200, 200))
        cv2.rectangle(image, (box[0], box[1]), (box[2], box[3]), colour, 2)
        cv2.putText(
            image,
            f"{CLASS_NAMES.get(int(cls), cls)}" + (f" #{track}" if track >= 0 else ""),  # a still has no tracks
            (box[0], max(12, box[1] - 4)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            colour,
            1,
            cv2.LINE_AA,
        )
    for index, (x, y, conf) in enumerate(result.keypoints):
        if conf >= min_confidence and x > 0 and y > 0:
            cv2.circle(image, (int(x), int(y)), 5, (0, 255, 0), -1)
            cv2.putText(image, str(index), (int(x) + 6, int(y) - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 255, 0), 1)
    tag = f"frame {result.frame_number}" + ("" if result.processed else " (interpolated)")
    cv2.putText(image, tag, (10, image.shape[0] - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2, cv2.LINE_AA)
    return image


def write_annotated(source: Path, results: list[FrameResult], out: Path, min_confidence: float = 0.5) -> Path:
    """Re-decode `source` and write every frame with its result drawn on it."""
    capture, info = open_capture(source)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), info.fps, (info.width, info.height))
    if not writer.isOpened():
        capture.release()
        raise VideoError(f"cannot write {out}", "check the folder exists and is writable")
    try:
        for result in results:
            ok, frame = capture.read()
            if not ok:
                break
            writer.write(draw(frame, result, min_confidence))
    finally:
        capture.release()
        writer.release()
    return out
