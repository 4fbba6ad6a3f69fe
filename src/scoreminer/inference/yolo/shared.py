"""Run a set-up ultralytics model on the batch's shared letterboxed tensor (PREPROCESS=shared).

Only the input side is ours: the forward is ultralytics' AutoBackend, and NMS and the mapping back to
source pixels are its own functions, called with the predictor's own arguments.
"""

from __future__ import annotations

import time
from typing import Any

import torch
from ultralytics.utils import nms, ops

from scoreminer.inference.batch import FrameBatch
from scoreminer.inference.yolo.letterbox import geometry, letterboxed


def can_share(model: Any, frames: object) -> bool:
    """A FrameBatch of same-sized frames, and a model whose predictor is set up (it is after warm-up)."""
    predictor = getattr(model, "predictor", None)
    if not isinstance(frames, FrameBatch) or predictor is None or getattr(predictor, "model", None) is None:
        return False
    return len(frames) > 0 and len({f.shape for f in frames.frames}) == 1


def run_shared(model: Any, batch: FrameBatch, confidence: float, task: str) -> tuple[list[torch.Tensor], float]:
    """Per frame: N×6 boxes (xyxy, conf, cls) and for pose N×(6+K×3) keypoints, in source pixels; forward seconds."""
    predictor = model.predictor
    backend = predictor.model
    shape = batch.frames[0].shape[:2]
    stride = int(max(backend.stride) if hasattr(backend.stride, "__len__") else backend.stride)
    dynamic = backend.format == "pt" or (getattr(backend, "dynamic", False) and backend.format != "imx")
    geo = geometry(shape, tuple(predictor.imgsz), stride, auto=bool(predictor.args.rect) and dynamic)
    im = letterboxed(batch, backend.device, geo, bool(backend.fp16))
    started = time.perf_counter()
    preds = backend(im)  # AutoBackend pads a short batch for a static export and drops the padding
    if im.device.type == "cuda":
        torch.cuda.synchronize(im.device)
    seconds = time.perf_counter() - started
    args = predictor.args
    found = nms.non_max_suppression(
        preds,
        confidence,
        args.iou,
        args.classes,
        args.agnostic_nms,
        max_det=args.max_det,
        nc=0 if task == "detect" else len(backend.names),
        end2end=getattr(backend, "end2end", False),
    )
    size = (int(im.shape[2]), int(im.shape[3]))
    for det in found:
        det[:, :4] = ops.scale_boxes(size, det[:, :4], shape)
        if task == "pose" and len(det):
            points = det[:, 6:].clone().view(len(det), *backend.kpt_shape)
            det[:, 6:] = ops.scale_coords(size, points, shape).view(len(det), -1)
    return found, seconds
