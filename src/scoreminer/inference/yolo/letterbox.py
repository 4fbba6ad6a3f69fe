"""Letterbox a whole batch on the model's device with torch ops, as ultralytics' LetterBox does it per image.

The uint8 frames go to the device once per batch; each input size is resized and padded there once, and
every model of that size reads the same tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from scoreminer.inference.batch import FrameBatch

PAD_VALUE = 114.0  # ultralytics' grey


@dataclass(frozen=True)
class Geometry:
    """Where a source frame lands in the model input: resized size and padding on each side."""

    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int


def geometry(shape: tuple[int, int], imgsz: tuple[int, int], stride: int, auto: bool) -> Geometry:
    """LetterBox's arithmetic for an (h, w) frame into an (h, w) input: scale up or down, centre, round the pads."""
    r = min(imgsz[0] / shape[0], imgsz[1] / shape[1])
    width, height = max(round(shape[1] * r), 1), max(round(shape[0] * r), 1)
    dw, dh = imgsz[1] - width, imgsz[0] - height
    if auto:  # the smallest input that is a multiple of the stride
        dw, dh = int(np.mod(dw, stride)), int(np.mod(dh, stride))
    half_w, half_h = dw / 2, dh / 2
    return Geometry(width, height, round(half_h - 0.1), round(half_h + 0.1), round(half_w - 0.1), round(half_w + 0.1))


def frames_on(batch: FrameBatch, device: torch.device) -> torch.Tensor:
    """The batch as one uint8 B×3×H×W tensor on `device` (BGR), uploaded once per batch."""

    def upload() -> torch.Tensor:
        stacked = torch.from_numpy(np.stack(batch.frames)).to(device, non_blocking=True)
        return stacked.permute(0, 3, 1, 2)

    return batch.once(("frames", str(device)), upload)


def letterboxed(batch: FrameBatch, device: torch.device, geo: Geometry, half: bool) -> torch.Tensor:
    """The model input: RGB, 0..1, resized and padded like LetterBox (bilinear, pad 114), float or half."""

    def make() -> torch.Tensor:
        frames = frames_on(batch, device)
        if (frames.shape[2], frames.shape[3]) != (geo.height, geo.width):
            frames = _resize(frames, (geo.height, geo.width))
        x = frames.float() if frames.dtype == torch.uint8 else frames
        x = F.pad(x, (geo.left, geo.right, geo.top, geo.bottom), value=PAD_VALUE)
        x = x.flip(1).div_(255)
        return x.half() if half else x.contiguous()

    return batch.once(("letterbox", str(device), geo, half), make)


def _resize(frames: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear without antialiasing (cv2.INTER_LINEAR), rounded to whole levels as cv2's uint8 output is."""
    if frames.device.type == "cpu":  # torch's uint8 kernel on CPU is cv2-like and avoids a float copy
        return F.interpolate(frames.contiguous(memory_format=torch.channels_last), size=size, mode="bilinear")
    resized = F.interpolate(frames.float(), size=size, mode="bilinear", align_corners=False)
    return resized.round_().clamp_(0, 255)
