"""The demo: a deterministic renderer with exact truth, and shipped weights that reach their recorded accuracy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scoreminer.compare import compare
from scoreminer.demo.pitch import keypoints
from scoreminer.demo.render import render_clip, render_frame, shots
from scoreminer.demo.run import WEIGHTS, demo_model_overrides
from scoreminer.demo.scene import Match
from scoreminer.inference.factory import build_pipeline
from scoreminer.settings import load_settings


def test_pitch_has_32_keypoints_in_the_contracts_order():
    k = keypoints()
    assert k.shape == (32, 2)
    assert tuple(k[0]) == (0, 0) and tuple(k[5]) == (0, 7000) and tuple(k[29]) == (12000, 7000)
    assert tuple(k[8]) == (1100, 3500) and tuple(k[30]) == (6000 - 915, 3500) and tuple(k[31]) == (6000 + 915, 3500)


def test_renderer_is_deterministic_and_its_truth_is_in_the_answer_format():
    plan = shots(5, 10, True)
    first, truth = render_frame(Match(5), 2.0, plan, 640, 360)
    again, truth_again = render_frame(Match(5), 2.0, plan, 640, 360)
    assert np.array_equal(first, again) and truth == truth_again
    assert len(truth["keypoints"]) == 32 and sum(p != [0.0, 0.0] for p in truth["keypoints"]) >= 4
    assert {o["class_id"] for o in truth["objects"]} >= {2}
    assert all(0 <= o["bbox"][0] < o["bbox"][2] <= 640 and 0 <= o["bbox"][1] < o["bbox"][3] <= 360 for o in truth["objects"])


def test_render_clip_writes_every_frame(tmp_path):
    truth = render_clip(tmp_path / "m.mp4", seed=1, frames=6, width=320, height=180)
    assert [t["frame_number"] for t in truth] == list(range(6)) and (tmp_path / "m.mp4").stat().st_size > 0


@pytest.mark.slow
def test_shipped_weights_reach_their_recorded_accuracy(tmp_path):
    recorded = json.loads((WEIGHTS / "accuracy.json").read_text())
    settings = load_settings(overrides={**demo_model_overrides(), "device": "cpu", "batch_size": 8}, use_env_file=False)
    pipeline = build_pipeline(settings, warm_shape=(720, 1280))
    truth = render_clip(tmp_path / "heldout.mp4", seed=recorded["seeds"][0], frames=40)
    result = compare(pipeline.run(tmp_path / "heldout.mp4").answers, truth)
    assert result.frames_answered == 1.0
    assert result.f1["player"] >= recorded["f1"]["player"] - 0.15
    if recorded["keypoint_error_px"] is not None:
        assert result.keypoint_error_px is not None
        assert result.keypoint_error_px <= recorded["keypoint_error_px"] * 1.5 + 3
