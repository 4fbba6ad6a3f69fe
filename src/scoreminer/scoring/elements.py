"""The Turbo Vision open-source track's pillar metrics and an Element's composite score, as its validator computes
them (scorevision/vlm_pipeline/non_vlm_scoring/, Element.weight_score; docs/chute.md says what each one means)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment

from scoreminer.contract.manifest import Element
from scoreminer.pitch import keypoints as template_points
from scoreminer.pitch import line_polylines

IOU_LEVELS = (0.3, 0.5)
COUNT_LEVEL = 0.3
FALSE_POSITIVES_FOR_ZERO = 10.0  # false positives per image at which the false_positive pillar reaches 0
SMOOTH_CANVAS = (540, 960)  # smoothness draws boxes on this fixed canvas (rows, columns)


@dataclass(frozen=True)
class Box:
    """One box: corners in pixels, its label (the Element's object name), confidence and team when given."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    conf: float = 1.0
    team: str | None = None

    @property
    def area(self) -> float:
        return max(0.0, self.x2 - self.x1) * max(0.0, self.y2 - self.y1)


Frames = Mapping[int, Sequence[Box]]


def iou(a: Box, b: Box) -> float:
    w = min(a.x2, b.x2) - max(a.x1, b.x1)
    h = min(a.y2, b.y2) - max(a.y1, b.y1)
    inter = max(0.0, w) * max(0.0, h)
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def iou_matrix(truth: Sequence[Box], answer: Sequence[Box]) -> np.ndarray:
    return np.array([[iou(t, a) for a in answer] for t in truth], np.float64).reshape(len(truth), len(answer))


def adaptive_threshold(box: Box, image_area: float) -> float:
    """The IoU a match needs for a true box of this size: 0.3 for the tiny, 0.5 from 1 % to 5 % of the image, 0.7
    from a quarter of it, log-linear in between (small boxes are hard to hit exactly)."""
    share = box.area / image_area if image_area > 0 else 0.0
    for (low, low_iou), (high, high_iou) in (((0.0005, 0.3), (0.01, 0.5)), ((0.05, 0.5), (0.25, 0.7))):
        if low < share < high:
            return low_iou + (high_iou - low_iou) * (math.log(share) - math.log(low)) / (math.log(high) - math.log(low))
    if share <= 0.0005:
        return 0.3
    return 0.7 if share >= 0.25 else 0.5


def matched_f1(truth: Sequence[Box], answer: Sequence[Box], level: float, by_label: bool = False) -> float:
    """F1 of the optimal one-to-one matching on IoU, a pair counting when its IoU reaches `level`; 1 when both
    sides are empty, 0 when one is."""
    if not truth and not answer:
        return 1.0
    if not truth or not answer:
        return 0.0
    overlaps = iou_matrix(truth, answer)
    if by_label:
        same = np.array([[t.label == a.label for a in answer] for t in truth])
        overlaps = np.where(same, overlaps, 0.0)
    rows, cols = linear_sum_assignment(-overlaps)
    hits = int(np.sum(overlaps[rows, cols] >= level))
    return 2 * hits / (len(truth) + len(answer))


def iou_pillar(truth: Frames, answer: Frames) -> float:
    """Mean over the true frames of the class-blind matched F1, averaged over IoU 0.3 and 0.5."""
    return _mean_over(truth, lambda n: float(np.mean([matched_f1(truth[n], answer.get(n, []), x) for x in IOU_LEVELS])))


def count_pillar(truth: Frames, answer: Frames) -> float:
    """Like iou, at the single level 0.3: did the answer find as many things, roughly where they are."""
    return _mean_over(truth, lambda n: matched_f1(truth[n], answer.get(n, []), COUNT_LEVEL))


@dataclass(frozen=True)
class Detection:
    """Pooled detection metrics over all true frames."""

    map50: float
    precision: float
    recall: float
    false_positive: float


def detection_metrics(truth: Frames, answer: Frames, image_area: float) -> Detection:
    """Per class, answers by falling confidence take the best unused true box of their class and frame whose IoU
    reaches that box's adaptive threshold; AP is the area under the monotone precision envelope, mAP its mean
    over the classes the truth has."""
    frames = list(truth)
    labels = sorted({b.label for n in frames for b in truth[n]})
    predicted = sorted({b.label for n in frames for b in answer.get(n, [])})
    tp = fp = 0
    total = sum(len(truth[n]) for n in frames)
    aps = []
    for label in sorted(set(labels) | set(predicted)):
        candidates = sorted(
            ((b.conf, n, b) for n in frames for b in answer.get(n, []) if b.label == label), key=lambda c: -c[0]
        )
        used: set[tuple[int, int]] = set()
        hits = []
        for _, n, box in candidates:
            best, best_iou = None, 0.0
            for k, true in enumerate(truth[n]):
                if true.label != label or (n, k) in used:
                    continue
                overlap = iou(true, box)
                if overlap >= adaptive_threshold(true, image_area) and overlap > best_iou:
                    best, best_iou = k, overlap
            if best is not None:
                used.add((n, best))
            hits.append(best is not None)
        tp += sum(hits)
        fp += len(hits) - sum(hits)
        count = sum(1 for n in frames for b in truth[n] if b.label == label)
        if count:
            aps.append(average_precision(hits, count))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / total if total else 0.0
    false_positive = max(0.0, 1.0 - (fp / max(len(frames), 1)) / FALSE_POSITIVES_FOR_ZERO)
    return Detection(float(np.mean(aps)) if aps else 0.0, precision, recall, false_positive)


def average_precision(hits: Sequence[bool], positives: int) -> float:
    """Area under the precision envelope of hits ranked by confidence, with `positives` true boxes."""
    if not hits or positives == 0:
        return 0.0
    cum = np.cumsum(hits)
    recall = np.concatenate([[0.0], cum / positives, [1.0]])
    precision = np.concatenate([[1.0], cum / np.arange(1, len(hits) + 1), [0.0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.flatnonzero(recall[1:] != recall[:-1])
    return float(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))


def palette_pillar(truth: Frames, answer: Frames) -> float:
    """Team colours: the truth's two commonest player teams tried against the answer's two teams both ways, F1
    over IoU 0.3 and 0.5, the better mapping kept; mean over frames. 0 when the truth names no teams."""
    counts: dict[str, int] = {}
    for n in truth:
        for b in truth[n]:
            if b.label == "player" and b.team:
                counts[b.team] = counts.get(b.team, 0) + 1
    teams = sorted(counts, key=lambda t: -counts[t])[:2]
    if len(teams) < 2:
        return 0.0

    def frame(n: int) -> float:
        best = 0.0
        for mapping in ({"team1": teams[0], "team2": teams[1]}, {"team1": teams[1], "team2": teams[0]}):
            scores: list[float] = []
            for team in teams:
                true = [b for b in truth[n] if b.label == "player" and b.team == team]
                mine = [b for b in answer.get(n, []) if b.label == "player" and mapping.get(b.team or "") == team]
                scores.extend(matched_f1(true, mine, level) for level in IOU_LEVELS)
            best = max(best, float(np.mean(scores)))
        return best

    return _mean_over(truth, frame)


def role_pillar(truth: Frames, answer: Frames) -> float:
    """The mean of the label-strict matched F1 (over IoU 0.3 and 0.5) and the palette."""
    strict = _mean_over(
        truth, lambda n: float(np.mean([matched_f1(truth[n], answer.get(n, []), x, True) for x in IOU_LEVELS]))
    )
    return (strict + palette_pillar(truth, answer)) / 2


def smoothness_pillar(answer: Frames, width: int, height: int) -> float:
    """How steadily each label-and-team group's boxes move: IoU of the group's union masks in consecutive frames
    on a 540×960 canvas, mean IoU / (1 + mean |change of IoU|); 0 with fewer than 3 frames; mean over groups."""
    numbers = sorted(answer)
    if len(numbers) < 3:
        return 0.0
    groups = sorted({(b.label, b.team or "") for n in numbers for b in answer[n]})
    if not groups:
        return 0.0
    sx, sy = SMOOTH_CANVAS[1] / max(width, 1), SMOOTH_CANVAS[0] / max(height, 1)
    values = []
    for group in groups:
        masks = []
        for n in numbers:
            boxes = [b for b in answer[n] if (b.label, b.team or "") == group]
            if not boxes:
                continue
            mask = np.zeros(SMOOTH_CANVAS, np.uint8)
            for b in boxes:
                x1, y1 = int(round(b.x1 * sx)), int(round(b.y1 * sy))
                x2, y2 = int(round(b.x2 * sx)), int(round(b.y2 * sy))
                mask[max(y1, 0) : max(y2, 0), max(x1, 0) : max(x2, 0)] = 1
            masks.append(mask.astype(bool))
        overlaps = []
        for before, after in zip(masks, masks[1:], strict=False):
            union = np.count_nonzero(before | after)
            overlaps.append(np.count_nonzero(before & after) / union if union else 0.0)
        if len(overlaps) < 2:
            values.append(0.0)
            continue
        values.append(float(np.mean(overlaps)) / (1.0 + float(np.mean(np.abs(np.diff(overlaps))))))
    return float(np.mean(values))


def _mean_over(truth: Frames, per_frame) -> float:
    return float(np.mean([per_frame(n) for n in truth])) if truth else 0.0


@dataclass(frozen=True)
class ElementScore:
    """The pillars, their weighted total and the composite the winner is chosen on."""

    pillars: dict[str, float]
    total: float
    composite: float


def composite(element: Element, pillars: Mapping[str, float]) -> ElementScore:
    """total = Σ weight × pillar; composite = β × max(total − θ, δ): a working answer never earns less than β·δ."""
    total = sum(weight * pillars[name] for name, weight in element.metrics.pillars.items())
    value = element.beta * max(max(total - element.baseline_theta, 0.0), element.delta_floor)
    return ElementScore(dict(pillars), total, value)


def score_element(
    element: Element,
    truth: Frames,
    answer: Frames,
    size: tuple[int, int],
    keypoints: Mapping[int, Sequence[Sequence[float]]] | None = None,
    frames: Mapping[int, np.ndarray] | None = None,
) -> ElementScore:
    """Every pillar the Element weighs, from true and answered boxes (and keypoints with their frames, for the
    keypoint pillars); `size` is (width, height)."""
    width, height = size
    needed = set(element.metrics.pillars)
    values: dict[str, float] = {}
    if needed & {"map50", "precision", "recall", "false_positive"}:
        found = detection_metrics(truth, answer, float(width * height))
        values.update(
            map50=found.map50, precision=found.precision, recall=found.recall, false_positive=found.false_positive
        )
    if "iou" in needed:
        if element.category == "PitchCalib":
            values["iou"] = keypoint_pillar(keypoints or {}, frames or {})
        else:
            values["iou"] = iou_pillar(truth, answer)
    if "keypoints_iou" in needed:
        values["keypoints_iou"] = keypoint_pillar(keypoints or {}, frames or {})
    if "count" in needed:
        values["count"] = count_pillar(truth, answer)
    if "smoothness" in needed:
        values["smoothness"] = smoothness_pillar(answer, width, height)
    if "palette" in needed:
        values["palette"] = palette_pillar(truth, answer)
    if "role" in needed:
        values["role"] = role_pillar(truth, answer)
    return composite(element, {name: values[name] for name in element.metrics.pillars})


def keypoint_pillar(keypoints: Mapping[int, Sequence[Sequence[float]]], frames: Mapping[int, np.ndarray]) -> float:
    """Mean over answered frames of the keypoint line metric (keypoint_line_score)."""
    if not keypoints:
        return 0.0
    return float(np.mean([keypoint_line_score(keypoints[n], frames[n]) if n in frames else 0.0 for n in keypoints]))


def keypoint_line_score(points: Sequence[Sequence[float]], frame: np.ndarray) -> float:
    """Share of the pitch template's lines, projected by the answer's keypoints, that land on a white edge in the
    frame; 0 for a frame without 32 points, under 4 answered ones, or a projection that cannot be a pitch view.

    The validator warps its template picture (lines drawn some pixels wide); this draws the template's lines
    2 px wide in the frame instead, so a score may differ from the validator's by the line width's share."""
    height, width = frame.shape[:2]
    answer = np.asarray(points, np.float64).reshape(-1, 2)
    template = template_points()[:, :2].astype(np.float64)
    if len(answer) != len(template):
        return 0.0
    answered = ~((answer[:, 0] == 0) & (answer[:, 1] == 0))  # (0, 0) is "not seen"; nothing else is dropped
    if answered.sum() < 4:
        return 0.0
    homography, _ = cv2.findHomography(template[answered], answer[answered], 0)
    if homography is None:
        return 0.0
    ground = _ground(homography, template, width, height)
    if _implausible(homography, template) or not _one_region(ground) or np.count_nonzero(ground) >= 0.9 * ground.size:
        return 0.0
    lines = np.zeros((height, width), np.uint8)
    for polyline in line_polylines():
        projected = cv2.perspectiveTransform(polyline[None].astype(np.float64), homography)[0]
        cv2.polylines(lines, [np.round(projected).astype(np.int32)], False, 255, 2)
    line_pixels = int(np.count_nonzero(lines))
    if line_pixels == 0 or line_pixels == lines.size or _square_blob(lines):
        return 0.0
    ys, xs = np.nonzero(lines)
    if (xs.max() - xs.min()) * (ys.max() - ys.min()) < 0.2 * width * height:
        return 0.0
    seen = answer[answered]
    if np.ptp(seen[:, 0]) > 2 * width or np.ptp(seen[:, 1]) > 2 * height:
        return 0.0
    if seen[:, 0].max() < 0 or seen[:, 1].max() < 0 or seen[:, 0].min() >= width or seen[:, 1].min() >= height:
        return 0.0
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    tophat = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    edges = cv2.Canny(cv2.GaussianBlur(tophat, (5, 5), 0), 30, 100)
    edges = cv2.dilate(cv2.bitwise_and(edges, ground), np.ones((3, 3), np.uint8), iterations=3)
    off = np.count_nonzero((edges > 0) & (lines == 0))
    if off > 0.9 * np.count_nonzero((edges > 0) | (lines > 0)):
        return 0.0
    return float(np.count_nonzero((lines > 0) & (edges > 0)) / line_pixels)


def _one_region(mask: np.ndarray) -> bool:
    count, _ = cv2.connectedComponents((mask > 0).astype(np.uint8))
    return count - 1 <= 1


def _square_blob(mask: np.ndarray) -> bool:
    """A drawn line whose outline fits a square box: the projection folded a line onto itself."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        _, _, w, h = cv2.boundingRect(contour)
        if min(w, h) / max(w, h) >= 1.0:
            return True
    return False


def _implausible(homography: np.ndarray, template: np.ndarray) -> bool:
    """The four pitch corners projected as a bow-tie (a twisted projection)."""
    corners = template[[0, 5, 29, 24]]  # the pitch's corners in template order, walked around the outline
    projected = cv2.perspectiveTransform(corners[None], homography)[0]
    signs = []
    for i in range(4):
        a, b, c = projected[i], projected[(i + 1) % 4], projected[(i + 2) % 4]
        signs.append(np.sign((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])))
    return len(set(signs)) > 1


def _ground(homography: np.ndarray, template: np.ndarray, width: int, height: int) -> np.ndarray:
    corners = template[[0, 5, 29, 24]]
    projected = cv2.perspectiveTransform(corners[None], homography)[0]
    ground = np.zeros((height, width), np.uint8)
    cv2.fillPoly(ground, [np.round(projected).astype(np.int32)], 255)
    return ground


def read_chute_frames(data: object) -> list[dict]:
    """The frames of a chute answer: the /predict envelope, {"frames": [...]}, or a bare list."""
    if isinstance(data, dict) and isinstance(data.get("predictions"), dict):
        data = data["predictions"]
    if isinstance(data, dict):
        data = data.get("frames")
    if not isinstance(data, list) or not all(isinstance(f, dict) for f in data):
        raise ValueError("no list of frames (expected the /predict envelope, {'frames': [...]} or a list)")
    return data


def boxes_of(frames: list[dict], objects: Sequence[str]) -> tuple[dict[int, list[Box]], dict[int, list]]:
    """Labelled boxes and keypoints per frame from chute frames ({frame_id, boxes: [{x1.., cls_id}], keypoints})
    or demo truth frames ({frame_number, objects: [{bbox, class_id}]}, class ids as Score Vision numbers them);
    a cls_id outside the Element's objects is dropped, as the validator drops it."""
    from scoreminer.contract.score_vision import CLASS_NAMES

    boxes: dict[int, list[Box]] = {}
    keypoints: dict[int, list] = {}
    for frame in frames:
        number = int(frame.get("frame_id", frame.get("frame_number", 0)))
        found = []
        for b in frame.get("boxes", []):
            if 0 <= int(b["cls_id"]) < len(objects) and objects[int(b["cls_id"])]:
                team = b.get("cluster_id", b.get("team_id"))
                label = objects[int(b["cls_id"])]
                conf = float(b.get("score", b.get("conf", 1.0)))
                found.append(Box(b["x1"], b["y1"], b["x2"], b["y2"], label, conf, None if team is None else str(team)))
        for o in frame.get("objects", []):
            x1, y1, x2, y2 = o["bbox"]
            found.append(Box(x1, y1, x2, y2, CLASS_NAMES.get(int(o["class_id"]), "")))
        boxes[number] = found
        keypoints[number] = frame.get("keypoints", [])
    return boxes, keypoints
