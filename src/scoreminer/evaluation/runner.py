"""A labelled set through serve's models: the detector with serve's floors and one ball per frame, the pitch model
raw and after registration (line fitting included), grouped by match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from scoreminer.contract.score_vision import CLASS_NAMES
from scoreminer.errors import VideoError
from scoreminer.evaluation.dataset import LabelledFrame, LabelledSet
from scoreminer.evaluation.metrics import (
    ClassFigures,
    FrameBoxes,
    KeypointFigures,
    detection_figures,
    element_map50,
    keypoint_figures,
)
from scoreminer.inference.answer import answer_keypoints
from scoreminer.inference.ball import ConfidenceFloors, join
from scoreminer.inference.batch import FrameBatch
from scoreminer.inference.pipeline import Pipeline
from scoreminer.inference.registration import Registrar
from scoreminer.inference.types import Detections, FrameResult
from scoreminer.scoring.elements import Box

RESTORED_WIDTH = 1920  # a stretched export is restored to the broadcast's own size


@dataclass(frozen=True)
class GroupFigures:
    """One group's (or the whole set's) figures: detection per class, or keypoints raw and as answered."""

    frames: int
    classes: dict[str, ClassFigures] = field(default_factory=dict)
    element_map50: float | None = None
    raw: KeypointFigures | None = None
    answered: KeypointFigures | None = None

    def as_dict(self) -> dict:
        out: dict = {"frames": self.frames}
        if self.classes:
            out["classes"] = {name: figures.as_dict() for name, figures in self.classes.items()}
            present = [f.ap50 for f in self.classes.values() if f.ap50 is not None]
            out["map50"] = float(np.mean(present)) if present else None
            out["element_map50"] = self.element_map50
        if self.raw is not None and self.answered is not None:
            out["keypoints_raw"] = self.raw.as_dict()
            out["keypoints_answered"] = self.answered.as_dict()
        return out


@dataclass(frozen=True)
class Evaluation:
    task: str
    total: GroupFigures
    groups: dict[str, GroupFigures]

    def as_dict(self) -> dict:
        return {
            "task": self.task,
            "total": self.total.as_dict(),
            "groups": {name: g.as_dict() for name, g in self.groups.items()},
        }


def read_frame(frame: LabelledFrame, aspect: tuple[int, int] | None) -> np.ndarray:
    """The image, restored to `aspect` at 1920 wide when the export stretched it (normalised labels stay valid)."""
    image = cv2.imread(str(frame.image))
    if image is None:
        raise VideoError(f"{frame.image} is not a readable image", "re-export the dataset or remove the file")
    if aspect is None:
        return image
    size = (RESTORED_WIDTH, round(RESTORED_WIDTH * aspect[1] / aspect[0]))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if image.shape[1] > size[0] else cv2.INTER_LINEAR)


def answered_detections(pipeline: Pipeline, batch: FrameBatch, floors: ConfidenceFloors) -> Detections:
    """What serve answers for a still frame: people at their floor, the most confident ball at its own (no tracker:
    a still has no history)."""
    return join(*floors.split(pipeline.detector(batch)[0]))


def as_boxes(found: Detections) -> list[Box]:
    boxes = []
    for xyxy, cid, conf in zip(found.xyxy, found.class_id, found.confidence, strict=True):
        x1, y1, x2, y2 = (float(v) for v in xyxy)
        boxes.append(Box(x1, y1, x2, y2, label=CLASS_NAMES[int(cid)], conf=float(conf)))
    return boxes


def truth_boxes(frame: LabelledFrame, width: int, height: int) -> list[Box]:
    return [
        Box(x1 * width, y1 * height, x2 * width, y2 * height, label=CLASS_NAMES[int(cid)])
        for cid, x1, y1, x2, y2 in frame.boxes
    ]


@dataclass(frozen=True)
class StillAnswer:
    """What serve answers for one still frame, and the pitch model's confident keypoints before registration."""

    result: FrameResult
    raw_keypoints: np.ndarray  # (32, 2) pixels, 0/0 below the keypoint floor


def answer_still(
    image: np.ndarray,
    pipeline: Pipeline,
    floors: ConfidenceFloors,
    keypoint_confidence: float,
    line_fit_every: int,
    detect: bool = True,
) -> StillAnswer:
    """One frame through serve's models: people at their floor and one ball (no tracking: a still has no history),
    keypoints registered to the template (fitted to the lines when LINE_FIT_EVERY > 0)."""
    height, width = image.shape[:2]
    batch = FrameBatch([image])
    found = answered_detections(pipeline, batch, floors) if detect else Detections.empty()
    points = pipeline.keypoints(batch)[0]
    raw = np.array(answer_keypoints(points, width, height, keypoint_confidence))  # the answer's rule, unregistered
    registrar = Registrar(width, height, keypoint_confidence, line_fit_every)
    result = FrameResult(0, found, points)
    registrar.observe(result, image)
    return StillAnswer(registrar.apply([result])[0], raw)


def evaluate(
    data: LabelledSet,
    pipeline: Pipeline,
    floors: ConfidenceFloors,
    keypoint_confidence: float,
    line_fit_every: int,
    aspect: tuple[int, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Evaluation:
    """Every frame through the pipeline's models; figures for the whole set and for each group."""
    per_frame: list[tuple[str, object]] = []
    for done, frame in enumerate(data.frames, 1):
        image = read_frame(frame, aspect)
        height, width = image.shape[:2]
        if data.task == "detect":
            found = answered_detections(pipeline, FrameBatch([image]), floors)
            item: object = FrameBoxes(truth_boxes(frame, width, height), as_boxes(found), width, height)
        else:
            assert frame.keypoints is not None
            still = answer_still(image, pipeline, floors, keypoint_confidence, line_fit_every, detect=False)
            truth = frame.keypoints * [width, height, 1.0]
            answered = np.array(answer_keypoints(still.result.keypoints, width, height, keypoint_confidence))
            item = ((truth, still.raw_keypoints, width), (truth, answered, width))
        per_frame.append((frame.group, item))
        if progress is not None:
            progress(done)
    groups = {name: _figures(data.task, [i for g, i in per_frame if g == name]) for name, _ in per_frame}
    return Evaluation(data.task, _figures(data.task, [i for _, i in per_frame]), dict(sorted(groups.items())))


def _figures(task: str, items: list) -> GroupFigures:
    if task == "detect":
        return GroupFigures(len(items), detection_figures(items), element_map50(items))
    raw = keypoint_figures([pair[0] for pair in items])
    answered = keypoint_figures([pair[1] for pair in items])
    return GroupFigures(len(items), raw=raw, answered=answered)
