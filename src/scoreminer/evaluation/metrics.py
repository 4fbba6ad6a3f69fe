"""Detection and keypoint figures of one labelled set, per class and per group (match)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoreminer.contract.score_vision import CLASS_NAMES
from scoreminer.scoring.elements import Box, average_precision, detection_metrics, iou_matrix

IOU = 0.5


@dataclass(frozen=True)
class ClassFigures:
    """One class at IoU 0.5: counts, precision, recall, F1 (None when neither side has the class) and AP50."""

    truth: int
    answered: int
    matched: int
    ap50: float | None

    @property
    def precision(self) -> float | None:
        return self.matched / self.answered if self.answered else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.truth if self.truth else None

    @property
    def f1(self) -> float | None:
        if not self.truth and not self.answered:
            return None
        return 2 * self.matched / (self.truth + self.answered)

    def as_dict(self) -> dict:
        return {
            "truth": self.truth,
            "answered": self.answered,
            "matched": self.matched,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "ap50": self.ap50,
        }


@dataclass(frozen=True)
class FrameBoxes:
    """One frame's truth and answer in source pixels, as the element score reads them."""

    truth: list[Box]
    answer: list[Box]
    width: int
    height: int


def detection_figures(frames: Sequence[FrameBoxes]) -> dict[str, ClassFigures]:
    """Per class: answers by falling confidence take the best unused true box of their class at IoU ≥ 0.5."""
    figures = {}
    for label in CLASS_NAMES.values():
        hits: list[tuple[float, bool]] = []
        truth_count = 0
        for frame in frames:
            truth = [b for b in frame.truth if b.label == label]
            answer = sorted((b for b in frame.answer if b.label == label), key=lambda b: -b.conf)
            truth_count += len(truth)
            overlaps = iou_matrix(truth, answer)
            used: set[int] = set()
            for j, box in enumerate(answer):
                free = [i for i in range(len(truth)) if i not in used and overlaps[i, j] >= IOU]
                best = max(free, key=lambda i: overlaps[i, j]) if free else None
                if best is not None:
                    used.add(best)
                hits.append((box.conf, best is not None))
        hits.sort(key=lambda h: -h[0])
        ranked = [hit for _, hit in hits]
        ap = average_precision(ranked, truth_count) if truth_count else None
        figures[label] = ClassFigures(truth_count, len(ranked), sum(ranked), ap)
    return figures


def element_map50(frames: Sequence[FrameBoxes]) -> float:
    """The open-source track's mAP50 (adaptive IoU by box size, scoring.elements) over these frames."""
    if not frames:
        return 0.0
    area = float(np.median([f.width * f.height for f in frames]))
    truth = {i: f.truth for i, f in enumerate(frames)}
    answer = {i: f.answer for i, f in enumerate(frames)}
    return detection_metrics(truth, answer, area).map50


@dataclass(frozen=True)
class KeypointFigures:
    """Over the labelled keypoints: how many were answered within `radius_px`, the median error of those answered,
    and the keypoints answered where the truth has no label (unchecked: a frame's off-pitch or unlabelled ones)."""

    labelled: int
    answered: int
    within: int
    median_px: float | None
    unlabelled_answered: int
    radius_px: float

    @property
    def recall(self) -> float | None:
        return self.within / self.labelled if self.labelled else None

    def as_dict(self) -> dict:
        return {
            "labelled": self.labelled,
            "answered": self.answered,
            "within": self.within,
            "recall": self.recall,
            "median_px": self.median_px,
            "unlabelled_answered": self.unlabelled_answered,
            "radius_px": self.radius_px,
        }


def keypoint_figures(pairs: Sequence[tuple[np.ndarray, np.ndarray, int]], share: float = 0.02) -> KeypointFigures:
    """`pairs`: (truth (32, 3) in pixels with a labelled flag, answer (32, ≥2) in pixels, 0/0 = not answered,
    frame width). Errors are scaled to a 1920-wide frame so figures read the same at any source size."""
    labelled = answered = within = unlabelled = 0
    errors: list[float] = []
    for truth, answer, width in pairs:
        seen = truth[:, 2] > 0
        given = np.any(answer[:, :2] != 0, axis=1)
        scale = 1920.0 / width
        error = np.linalg.norm(truth[:, :2] - answer[:, :2], axis=1) * scale
        labelled += int(seen.sum())
        both = seen & given
        answered += int(both.sum())
        within += int(np.sum(both & (error <= share * 1920.0)))
        unlabelled += int(np.sum(~seen & given))
        errors += error[both].tolist()
    median = float(np.median(errors)) if errors else None
    return KeypointFigures(labelled, answered, within, median, unlabelled, share * 1920.0)
