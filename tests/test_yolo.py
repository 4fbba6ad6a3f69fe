"""The ultralytics path end to end on tiny stand-in models loaded through the real loader."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import write_env
from scoreminer.errors import ModelLoadError
from scoreminer.inference.factory import build_pipeline
from scoreminer.inference.yolo import YoloDetector, YoloKeypoints
from scoreminer.inference.yolo.loader import RunOptions
from scoreminer.settings import load_settings
from synthetic_video import write_synthetic_clip

pytestmark = pytest.mark.slow


def options(batch: int, confidence: float = 0.001) -> RunOptions:
    return RunOptions("cpu", False, 160, batch, confidence)


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(1)
    return [rng.integers(0, 255, (144, 256, 3), dtype=np.uint8) for _ in range(4)]


def test_batch_1_and_4_give_the_same_boxes(tiny_models, frames):
    one = YoloDetector(tiny_models / "football-player-detection.pt", options(1))(frames)
    four = YoloDetector(tiny_models / "football-player-detection.pt", options(4))(frames)
    assert sum(len(d) for d in one) > 0
    for a, b in zip(one, four, strict=False):
        np.testing.assert_allclose(a.xyxy, b.xyxy, atol=1e-2)
        np.testing.assert_array_equal(a.class_id, b.class_id)


def test_keypoint_model_gives_32_points_in_source_pixels(tiny_models, frames):
    points = YoloKeypoints(tiny_models / "football-pitch-detection.pt", options(4))(frames)
    assert [p.shape for p in points] == [(32, 3)] * 4


def test_missing_weights_name_the_path_and_the_fix(tmp_path):
    with pytest.raises(ModelLoadError, match=str(tmp_path / "nope.pt")) as info:
        YoloDetector(tmp_path / "nope.pt", options(1))
    assert "MODELS_DIR" in info.value.fix


def test_truncated_weights_are_a_clear_error(tmp_path, tiny_models):
    broken = tmp_path / "broken.pt"
    broken.write_bytes((tiny_models / "football-player-detection.pt").read_bytes()[:5000])
    with pytest.raises(ModelLoadError, match="cannot load"):
        YoloDetector(broken, options(1))


def test_pose_weights_as_detector_are_refused(tiny_models):
    with pytest.raises(ModelLoadError, match="pose model, expected detect"):
        YoloDetector(tiny_models / "football-pitch-detection.pt", options(1))


def test_pipeline_from_settings_runs_end_to_end(tmp_path, tiny_models):
    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=12, width=256, height=144)
    env = write_env(
        tmp_path / ".env",
        {
            "MODELS_DIR": tiny_models,
            "DEVICE": "cpu",
            "IMG_SIZE": 160,
            "BATCH_SIZE": 4,
            "FRAME_STRIDE": 2,
            "DETECTION_CONFIDENCE": 0.001,
        },
    )
    pipeline = build_pipeline(load_settings(env), warm_shape=(144, 256))
    out = pipeline.run(clip.path)
    assert [a.frame_number for a in out.answers] == list(range(12))
    assert all(len(a.keypoints) == 32 for a in out.answers)
    assert all(0 <= o.bbox[2] <= 256 and 0 <= o.bbox[3] <= 144 for a in out.answers for o in a.objects)
