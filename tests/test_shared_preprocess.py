"""PREPROCESS=shared: one letterbox per batch and input size, answers as ultralytics' own path gives them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from ultralytics.data.augment import LetterBox

from scoreminer.compare import compare
from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.batch import FrameBatch
from scoreminer.inference.factory import build_pipeline, shares_preprocessing
from scoreminer.inference.yolo.letterbox import frames_on, geometry, letterboxed
from scoreminer.settings import load_settings


@pytest.mark.parametrize("shape", [(720, 1280), (1080, 1920), (480, 640), (333, 517)])
@pytest.mark.parametrize("imgsz", [320, 640, 960])
@pytest.mark.parametrize("auto", [True, False])
def test_letterbox_matches_ultralytics_pixel_for_pixel(shape, imgsz, auto):
    rng = np.random.default_rng(sum(shape) + imgsz)
    frame = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    expected = LetterBox((imgsz, imgsz), auto=auto, stride=32)(image=frame)  # BGR uint8, padded with 114
    geo = geometry(shape, (imgsz, imgsz), 32, auto)
    ours = letterboxed(FrameBatch([frame]), torch.device("cpu"), geo, half=False)[0]
    ours_bgr = (ours.flip(0).permute(1, 2, 0) * 255).round().to(torch.uint8).numpy()
    assert ours_bgr.shape == expected.shape
    inner = (slice(geo.top, geo.top + geo.height), slice(geo.left, geo.left + geo.width))
    pad = np.ones(expected.shape[:2], bool)
    pad[inner] = False
    assert np.all(expected[pad] == 114) and np.all(ours_bgr[pad] == 114)  # the padding sits where LetterBox puts it
    # the resized pixels within one level: cv2 and torch round their fixed-point sums differently
    difference = np.abs(ours_bgr.astype(int) - expected.astype(int))
    assert difference.max() <= 1 and difference.mean() < 0.5


def test_a_batch_is_uploaded_and_letterboxed_once_for_every_model_of_that_size():
    batch = FrameBatch([np.zeros((72, 128, 3), np.uint8)] * 3)
    geo = geometry((72, 128), (128, 128), 32, True)  # rect: 72 rows padded to 96, not 128
    first = letterboxed(batch, torch.device("cpu"), geo, half=False)
    assert letterboxed(batch, torch.device("cpu"), geo, half=False) is first
    assert frames_on(batch, torch.device("cpu")) is frames_on(batch, torch.device("cpu"))
    assert first.shape == (3, 3, 96, 128) and len(batch) == 3 and batch[0].shape == (72, 128, 3)


def test_auto_shares_on_cuda_only():
    assert shares_preprocessing("auto", "cuda:0") and not shares_preprocessing("auto", "cpu")
    assert shares_preprocessing("shared", "cpu") and not shares_preprocessing("per-model", "cuda:0")


@pytest.mark.slow
def test_shared_answers_equal_ultralytics_answers_within_half_a_pixel(tmp_path):
    clip = tmp_path / "clip.mp4"
    render_clip(clip, seed=300, frames=24)
    runs = {}
    for preprocess in ("per-model", "shared"):
        flags = {"device": "cpu", "backend": "torch", "keypoint_mode": "raw", "preprocess": preprocess}
        settings = load_settings(preset=demo_models(), flags=flags, use_env_file=False)
        runs[preprocess] = build_pipeline(settings, warm_shape=(720, 1280)).run(clip).answers
    stock, shared = runs["per-model"], runs["shared"]
    assert compare(shared, stock).keypoint_recall == 1.0
    boxes = 0
    for a, b in zip(stock, shared, strict=True):
        assert len(a.objects) == len(b.objects), a.frame_number
        for x, y in zip(sorted(o.bbox for o in a.objects), sorted(o.bbox for o in b.objects), strict=True):
            assert np.abs(np.subtract(x, y)).max() <= 0.5
            boxes += 1
        ka, kb = np.array(a.keypoints), np.array(b.keypoints)
        assert np.array_equal(ka == 0, kb == 0) and np.abs(ka - kb).max() <= 0.5
    assert boxes > 100  # the comparison saw real detections
