"""How far one answer is from another (the truth, or a reference run): box F1, keypoint error, coverage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from scoreminer.contract.score_vision import CLASS_NAMES

IOU_THRESHOLD = 0.5


@dataclass(frozen=True)
class Agreement:
    """Per-class F1 at IoU 0.5 (optimal matching), keypoint mean and median error (px) and recall, frames answered."""

    f1: dict[str, float | None]
    keypoint_error_px: float | None
    keypoint_recall: float | None
    frames_answered: float
    keypoint_median_px: float | None = None
    truth_boxes: dict[str, int] = field(default_factory=dict)  # how many true boxes each class had

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in `a` (N×4 xyxy) with every box in `b` (M×4)."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def matched(candidate: np.ndarray, reference: np.ndarray) -> int:
    """True positives: the largest one-to-one matching with IoU ≥ 0.5 (Hungarian on IoU)."""
    iou = iou_matrix(candidate, reference)
    if iou.size == 0:
        return 0
    rows, cols = linear_sum_assignment(-iou)
    return int(np.sum(iou[rows, cols] >= IOU_THRESHOLD))


def compare(candidate: Iterable[Mapping | Any], reference: Iterable[Mapping | Any]) -> Agreement:
    """Compare two answers' frame lists (dicts or FrameAnswer models), keyed by frame_number."""
    cand = {f["frame_number"]: f for f in map(_as_dict, candidate)}
    ref = {f["frame_number"]: f for f in map(_as_dict, reference)}
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    errors, found, expected = [], 0, 0
    for number, truth in ref.items():
        frame = cand.get(number, {"objects": [], "keypoints": [[0, 0]] * 32})
        for cls in CLASS_NAMES:
            a, b = _boxes(frame, cls), _boxes(truth, cls)
            tp = matched(a, b)
            counts[cls][0] += tp
            counts[cls][1] += len(a) - tp
            counts[cls][2] += len(b) - tp
        e, f, x = _keypoint_terms(frame["keypoints"], truth["keypoints"])
        errors += e
        found += f
        expected += x
    f1 = {CLASS_NAMES[c]: _f1(*counts[c]) for c in CLASS_NAMES}
    return Agreement(
        f1=f1,
        keypoint_error_px=round(float(np.mean(errors)), 3) if errors else None,
        keypoint_recall=round(found / expected, 4) if expected else None,
        frames_answered=round(sum(n in cand for n in ref) / len(ref), 4) if ref else 1.0,
        keypoint_median_px=round(float(np.median(errors)), 3) if errors else None,
        truth_boxes={CLASS_NAMES[c]: counts[c][0] + counts[c][2] for c in CLASS_NAMES},
    )


def confusion(candidate: Iterable[Mapping | Any], reference: Iterable[Mapping | Any]) -> dict[str, dict[str, int]]:
    """For each truth class, how its boxes were answered: the class of the matched box (any class, IoU ≥ 0.5)
    or "missed". Tells a class mix-up (a goalkeeper answered as a player) from a box never found."""
    cand = {f["frame_number"]: f for f in map(_as_dict, candidate)}
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for truth in map(_as_dict, reference):
        objects = cand.get(truth["frame_number"], {"objects": []})["objects"]
        ref = np.array([o["bbox"] for o in truth["objects"]], np.float64).reshape(-1, 4)
        boxes = np.array([o["bbox"] for o in objects], np.float64).reshape(-1, 4)
        iou = iou_matrix(ref, boxes)
        answered = ["missed"] * len(ref)
        if iou.size:
            for r, c in zip(*linear_sum_assignment(-iou), strict=True):
                if iou[r, c] >= IOU_THRESHOLD:
                    answered[r] = CLASS_NAMES.get(objects[c]["class_id"], str(objects[c]["class_id"]))
        for obj, name in zip(truth["objects"], answered, strict=True):
            table[CLASS_NAMES.get(obj["class_id"], str(obj["class_id"]))][name] += 1
    return {truth: dict(row) for truth, row in table.items()}


def _as_dict(frame: Mapping | Any) -> Mapping:
    return frame if isinstance(frame, Mapping) else frame.model_dump()


def _boxes(frame: Mapping, cls: int) -> np.ndarray:
    boxes = [o["bbox"] for o in frame["objects"] if o["class_id"] == cls]
    return np.array(boxes, np.float64).reshape(-1, 4)


def _keypoint_terms(candidate: list, reference: list) -> tuple[list[float], int, int]:
    cand, ref = np.array(candidate, np.float64), np.array(reference, np.float64)
    ref_seen = np.any(ref != 0, axis=1)
    both = ref_seen & np.any(cand != 0, axis=1)
    errors = np.linalg.norm(cand[both] - ref[both], axis=1).tolist()
    return errors, int(both.sum()), int(ref_seen.sum())


def _f1(tp: int, fp: int, fn: int) -> float | None:
    if tp + fp + fn == 0:
        return None
    return round(2 * tp / (2 * tp + fp + fn), 4)
