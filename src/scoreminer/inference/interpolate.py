"""Fill the frames the models skipped (FRAME_STRIDE > 1) from the processed frames around them."""

from __future__ import annotations

import numpy as np

from scoreminer.inference.types import Detections, FrameResult


def fill_between(before: FrameResult, after: FrameResult, min_confidence: float) -> list[FrameResult]:
    """Frames strictly between two processed frames (after the last one, see `fill_tail`)."""
    span = after.frame_number - before.frame_number
    return [
        FrameResult(
            frame_number=before.frame_number + step,
            detections=interpolate_tracks(before.detections, after.detections, step / span),
            keypoints=interpolate_keypoints(before.keypoints, after.keypoints, step / span, min_confidence),
            processed=False,
        )
        for step in range(1, span)
    ]


def fill_tail(last: FrameResult, total_frames: int) -> list[FrameResult]:
    """Frames after the final processed one take its boxes and keypoints."""
    return [
        FrameResult(n, last.detections, last.keypoints, processed=False)
        for n in range(last.frame_number + 1, total_frames)
    ]


def interpolate_tracks(a: Detections, b: Detections, t: float) -> Detections:
    """Per track id: linear in the box corners when in both; else held from the nearer frame."""
    ids_a = _ids(a)
    ids_b = _ids(b)
    rows: list[tuple[np.ndarray, int, float, int]] = []
    for i, track in enumerate(ids_a):
        j = np.flatnonzero(ids_b == track) if track >= 0 else np.array([], int)
        if len(j):
            box = a.xyxy[i] + (b.xyxy[j[0]] - a.xyxy[i]) * t
            rows.append((box, a.class_id[i], min(a.confidence[i], b.confidence[j[0]]), track))
        elif t < 0.5:
            rows.append((a.xyxy[i], a.class_id[i], a.confidence[i], track))
    if t >= 0.5:
        rows += [
            (b.xyxy[j], b.class_id[j], b.confidence[j], track)
            for j, track in enumerate(ids_b)
            if track < 0 or track not in ids_a
        ]
    if not rows:
        return Detections.empty()
    boxes, classes, confidences, tracks = zip(*rows, strict=False)
    return Detections.of(np.stack(boxes), classes, confidences, tracks)


def interpolate_keypoints(a: np.ndarray, b: np.ndarray, t: float, min_confidence: float) -> np.ndarray:
    """Linear where both neighbours have a keypoint; zero (not found) otherwise."""
    both = (a[:, 2] >= min_confidence) & (b[:, 2] >= min_confidence)
    out = np.zeros_like(a)
    out[both, :2] = a[both, :2] + (b[both, :2] - a[both, :2]) * t
    out[both, 2] = np.minimum(a[both, 2], b[both, 2])
    return out


def _ids(d: Detections) -> np.ndarray:
    return d.track_id if d.track_id is not None else np.full(len(d), -1)
