"""A Turbo Vision open-source-track miner written by `scoreminer chute build`: ONNX models run by onnxruntime.

Everything lives in this one file because the chute only lets `miner.py` import the standard library and
installed packages; it reads its settings from `chute.json` beside it (written by the build, so thresholds and
input sizes match the `scoreminer serve` that produced it) and never calls `open()`, which the validator bans.
"""

# No `from __future__ import annotations`: the chute loads this file without registering it as a module, and
# pydantic then cannot resolve postponed annotations.
import json
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
from pydantic import BaseModel

PAD_VALUE = 114  # the grey ultralytics pads with: the models were trained on it
NMS_IOU = 0.7  # ultralytics' default, so the boxes match the torch model's
REGISTER_MIN, REGISTER_PX = 5, 8.0  # a pitch fit needs 5 agreeing keypoints within 8 px, as `serve` registers


class BoundingBox(BaseModel):
    x1: int
    y1: int
    x2: int
    y2: int
    cls_id: int
    conf: float


class TVFrameResult(BaseModel):
    frame_id: int
    boxes: list[BoundingBox]
    keypoints: list[tuple[int, int]]


class Miner:
    """The chute's model: the player detector, and the pitch keypoint model when the Element scores keypoints."""

    def __init__(self, path_hf_repo: Path) -> None:
        root = Path(path_hf_repo)
        self.config = json.loads((root / "chute.json").read_text())
        self.providers = _providers()
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(self.config.get("threads", 0))
        options.inter_op_num_threads = 1
        detector = self.config.get("detector")
        self.detector = None
        if detector:
            self.detector = ort.InferenceSession(str(root / detector["file"]), options, providers=self.providers)
        detector = detector or {}
        # model class index → the Element's cls_id (classes the Element does not list are dropped)
        self.class_ids = {int(k): int(v) for k, v in detector.get("class_ids", {}).items()}
        self.floors = {int(k): float(v) for k, v in detector.get("class_confidence", {}).items()}
        self.one_per_frame = {int(k) for k in detector.get("one_per_frame", [])}
        pitch = self.config.get("pitch")
        self.pitch = None
        if pitch:
            self.pitch = ort.InferenceSession(str(root / pitch["file"]), options, providers=self.providers)
        # The validator times predict_batch from the first call and never warms up; onnxruntime's first run
        # allocates its buffers and picks kernels, so it is run once here, where loading is not timed.
        blank = np.zeros((720, 1280, 3), np.uint8)
        if self.detector is not None:
            self._boxes(blank)
        if self.pitch is not None:
            self._keypoints(blank)

    def __repr__(self) -> str:
        models = " + ".join(
            name for name, model in (("detector", self.detector), ("pitch keypoints", self.pitch)) if model is not None
        )
        return f"scoreminer chute miner ({models}, {self.providers[0]})"

    def predict_batch(self, batch_images: list[np.ndarray], offset: int, n_keypoints: int) -> list[TVFrameResult]:
        """One result per BGR frame, numbered offset + i; keypoints padded or cut to n_keypoints, (0, 0) unseen."""
        results = []
        for i, image in enumerate(batch_images):
            boxes = self._boxes(image) if self.detector is not None else []
            points = self._keypoints(image) if self.pitch is not None else []
            points = (points + [(0, 0)] * n_keypoints)[:n_keypoints]
            results.append(TVFrameResult(frame_id=offset + i, boxes=boxes, keypoints=points))
        return results

    def _boxes(self, image: np.ndarray) -> list[BoundingBox]:
        detector = self.config["detector"]
        tensor, scale, pad = letterbox(image, int(detector["imgsz"]))
        session = self.detector
        output = session.run(None, {session.get_inputs()[0].name: tensor})[0][0].T  # type: ignore[union-attr]
        scores = output[:, 4:]
        classes = scores.argmax(axis=1)
        confidence = scores.max(axis=1)
        floor = np.array([self.floors.get(int(c), float(detector["confidence"])) for c in range(scores.shape[1])])
        keep = confidence >= floor[classes]
        xyxy = to_xyxy(output[keep, :4])
        classes, confidence = classes[keep], confidence[keep]
        kept = nms(xyxy, confidence, classes, NMS_IOU)[: int(detector.get("max_det", 300))]
        xyxy = unletterbox(xyxy[kept], scale, pad, image.shape)
        boxes, seen = [], set()
        for box, c, score in zip(xyxy, classes[kept], confidence[kept], strict=True):
            c = int(c)
            if c not in self.class_ids or (c in self.one_per_frame and c in seen):
                continue
            seen.add(c)
            x1, y1, x2, y2 = (int(round(float(v))) for v in box)
            boxes.append(BoundingBox(x1=x1, y1=y1, x2=x2, y2=y2, cls_id=self.class_ids[c], conf=float(score)))
        return boxes

    def _keypoints(self, image: np.ndarray) -> list[tuple[int, int]]:
        pitch = self.config["pitch"]
        tensor, scale, pad = letterbox(image, int(pitch["imgsz"]))
        output = self.pitch.run(None, {self.pitch.get_inputs()[0].name: tensor})[0][0].T  # type: ignore[union-attr]
        best = output[int(output[:, 4].argmax())]
        if best[4] < float(pitch["confidence"]):
            return []
        points = best[5:].reshape(-1, 3).astype(np.float64)
        points[:, 0] = (points[:, 0] - pad[0]) / scale
        points[:, 1] = (points[:, 1] - pad[1]) / scale
        height, width = image.shape[:2]
        seen = (points[:, 2] >= float(pitch["keypoint_confidence"])) & _inside(points[:, :2], width, height)
        template = np.asarray(pitch.get("template", []), np.float64)
        if len(template) == len(points) and seen.sum() >= REGISTER_MIN:
            registered = _registered(template, points[:, :2], seen, width, height)
            if registered is not None:
                points, seen = registered, np.ones(len(registered), bool) & _inside(registered, width, height)
        return [(int(round(x)), int(round(y))) if ok else (0, 0) for (x, y, *_), ok in zip(points, seen, strict=True)]


def _inside(xy: np.ndarray, width: int, height: int) -> np.ndarray:
    return (xy[:, 0] > 0) & (xy[:, 1] > 0) & (xy[:, 0] < width) & (xy[:, 1] < height)


def _registered(template: np.ndarray, xy: np.ndarray, seen: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """Every template point projected through a RANSAC fit of the confident ones, or None without a trusted fit.

    The validator fits its own homography to the answer and scores how the projected lines sit on the picture's
    lines; points that agree with one pitch geometry score better than the model's independent guesses."""
    src, dst = template[seen].astype(np.float32), xy[seen].astype(np.float32)
    homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, REGISTER_PX, maxIters=300, confidence=0.99)
    if homography is None or mask is None or int(mask.sum()) < REGISTER_MIN:
        return None
    keep = mask.ravel().astype(bool)
    refined, _ = cv2.findHomography(src[keep], dst[keep], 0)
    homography = refined if refined is not None else homography
    mapped = np.hstack([template, np.ones((len(template), 1))]) @ homography.T
    if np.any(mapped[:, 2] <= 1e-9):
        return None  # part of the pitch behind the camera: not a view a broadcast camera gives
    return mapped[:, :2] / mapped[:, 2:3]


def _providers() -> list[str]:
    """CUDA in the chute, CPU in the validator's compliance rerun: the same file must run on both."""
    available = ort.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available] or available


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, tuple[float, float]]:
    """The frame scaled so its long side is `size`, padded to the next multiple of 32 (the frame's own shape, not a
    square), as a 1×3×H×W float RGB tensor; with the scale and the (x, y) padding to undo it."""
    height, width = image.shape[:2]
    scale = min(size / height, size / width)
    new_w, new_h = int(round(width * scale)), int(round(height * scale))
    out_w, out_h = -(-new_w // 32) * 32, -(-new_h // 32) * 32
    pad_x, pad_y = (out_w - new_w) / 2, (out_h - new_h) / 2
    if (new_w, new_h) != (width, height):
        image = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    top, left = int(round(pad_y - 0.1)), int(round(pad_x - 0.1))
    bottom, right = out_h - new_h - top, out_w - new_w - left
    image = cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(PAD_VALUE,) * 3)
    # Reorder the bytes first (BGR → RGB planes), then convert once to float in place: 2 ms of a 1280 × 736
    # frame, against 15 ms for float conversion before the transpose and 27 ms for cv2.dnn.blobFromImage.
    planes = np.ascontiguousarray(image.transpose(2, 0, 1)[::-1])
    tensor = planes.astype(np.float32)
    tensor *= 1 / 255.0
    return tensor[None], scale, (float(left), float(top))


def to_xyxy(xywh: np.ndarray) -> np.ndarray:
    centre, half = xywh[:, :2], xywh[:, 2:4] / 2
    return np.concatenate([centre - half, centre + half], axis=1)


def unletterbox(xyxy: np.ndarray, scale: float, pad: tuple[float, float], shape: tuple[int, ...]) -> np.ndarray:
    out = (xyxy - np.array([pad[0], pad[1], pad[0], pad[1]])) / scale
    out[:, [0, 2]] = out[:, [0, 2]].clip(0, shape[1])
    out[:, [1, 3]] = out[:, [1, 3]].clip(0, shape[0])
    return out


def nms(xyxy: np.ndarray, scores: np.ndarray, classes: np.ndarray, iou: float) -> np.ndarray:
    """Indices kept by per-class non-maximum suppression, most confident first."""
    if len(xyxy) == 0:
        return np.zeros(0, np.int64)
    shifted = xyxy + (classes.astype(np.float64) * 10000.0)[:, None]  # boxes of different classes never overlap
    order = scores.argsort()[::-1]
    areas = (shifted[:, 2] - shifted[:, 0]) * (shifted[:, 3] - shifted[:, 1])
    kept = []
    while len(order):
        first, rest = order[0], order[1:]
        kept.append(first)
        x1 = np.maximum(shifted[first, 0], shifted[rest, 0])
        y1 = np.maximum(shifted[first, 1], shifted[rest, 1])
        x2 = np.minimum(shifted[first, 2], shifted[rest, 2])
        y2 = np.minimum(shifted[first, 3], shifted[rest, 3])
        inter = (x2 - x1).clip(0) * (y2 - y1).clip(0)
        overlap = inter / (areas[first] + areas[rest] - inter + 1e-9)
        order = rest[overlap <= iou]
    return np.array(kept, np.int64)
