"""The open-source track's pillar metrics and composite on hand-made cases."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from scoreminer.contract.manifest import read_manifest
from scoreminer.scoring.elements import (
    Box,
    adaptive_threshold,
    composite,
    count_pillar,
    detection_metrics,
    iou_pillar,
    keypoint_line_score,
    role_pillar,
    score_element,
    smoothness_pillar,
)

AREA = 1280 * 720.0


def player(x: float, y: float, w: float = 40, h: float = 80, conf: float = 0.9, label: str = "player") -> Box:
    return Box(x, y, x + w, y + h, label, conf)


TRUTH = {n: [player(100 + 5 * n, 200), player(400, 300), player(800, 100, label="referee")] for n in range(5)}


def test_a_perfect_answer_scores_one_on_every_pillar() -> None:
    found = detection_metrics(TRUTH, TRUTH, AREA)
    assert (found.map50, found.precision, found.recall, found.false_positive) == (1.0, 1.0, 1.0, 1.0)
    assert iou_pillar(TRUTH, TRUTH) == 1.0 and count_pillar(TRUTH, TRUTH) == 1.0
    element = read_manifest().element("scoreminer/PlayerDetect_v1")
    scored = score_element(element, TRUTH, TRUTH, (1280, 720))
    assert scored.pillars["iou"] == 1.0 and scored.pillars["count"] == 1.0


def test_a_missed_box() -> None:
    answer = {n: boxes[:2] for n, boxes in TRUTH.items()}  # the referee is never found
    found = detection_metrics(TRUTH, answer, AREA)
    assert found.precision == 1.0 and found.recall == pytest.approx(2 / 3)
    assert found.map50 == pytest.approx(0.5)  # player AP 1, referee AP 0
    assert iou_pillar(TRUTH, answer) == pytest.approx(0.8)  # F1 = 2·2 / (3 + 2)


def test_one_false_positive_per_image() -> None:
    answer = {n: [*boxes, player(1000, 500, conf=0.1)] for n, boxes in TRUTH.items()}
    found = detection_metrics(TRUTH, answer, AREA)
    assert found.false_positive == pytest.approx(0.9)  # 1 per image, 0 at 10 per image
    assert found.precision == pytest.approx(0.75) and found.recall == 1.0
    assert found.map50 == 1.0  # ranked last, the extra box does not lower the envelope


def test_a_04_iou_box_counts_only_where_the_adaptive_threshold_allows() -> None:
    tiny = Box(0, 0, 10, 10, "ball")  # 0.01 % of the frame: threshold 0.3
    big = Box(0, 0, 400, 300, "player")  # 13 % of the frame: threshold about 0.6
    assert adaptive_threshold(tiny, AREA) == 0.3
    assert 0.55 < adaptive_threshold(big, AREA) < 0.65
    shifted_tiny = Box(0, 0, 10, 4, "ball", 0.9)  # IoU 0.4
    shifted_big = Box(0, 0, 400, 120, "player", 0.9)  # IoU 0.4
    assert detection_metrics({0: [tiny]}, {0: [shifted_tiny]}, AREA).recall == 1.0
    assert detection_metrics({0: [big]}, {0: [shifted_big]}, AREA).recall == 0.0


def test_role_needs_the_right_label_and_smoothness_needs_steady_boxes() -> None:
    relabelled = {n: [Box(b.x1, b.y1, b.x2, b.y2, "goalkeeper") for b in boxes] for n, boxes in TRUTH.items()}
    assert role_pillar(TRUTH, TRUTH) == 0.5  # no team in the truth: the palette half is 0
    assert role_pillar(TRUTH, relabelled) == 0.0
    steady = {n: [player(100, 200)] for n in range(5)}
    jumpy = {n: [player(100 + 300 * (n % 2), 200)] for n in range(5)}
    assert smoothness_pillar(steady, 1280, 720) == 1.0
    assert smoothness_pillar(jumpy, 1280, 720) == 0.0
    assert smoothness_pillar({0: steady[0], 1: steady[1]}, 1280, 720) == 0.0  # under 3 frames


def test_composite_takes_theta_delta_and_beta() -> None:
    element = read_manifest().element("scoreminer/PlayerDetect_v1")  # θ 0.3, δ 0.05, β 1
    pillars = {"iou": 1.0, "count": 1.0, "smoothness": 1.0, "role": 1.0}
    assert composite(element, pillars).composite == pytest.approx(0.7)
    low = dict.fromkeys(pillars, 0.2)
    assert composite(element, low).composite == pytest.approx(0.05)  # never under β·δ


def test_keypoint_line_score_rewards_keypoints_on_the_painted_lines(tmp_path) -> None:
    from scoreminer.demo.render import render_clip

    truth = render_clip(tmp_path / "clip.mp4", seed=952, frames=1, cuts=False)
    capture = cv2.VideoCapture(str(tmp_path / "clip.mp4"))
    ok, frame = capture.read()
    capture.release()
    assert ok
    true_points = truth[0]["keypoints"]
    good = keypoint_line_score(true_points, frame)
    moved = [[x + 60, y + 25] if (x, y) != (0, 0) else [0, 0] for x, y in true_points]
    assert good > 0.3
    assert keypoint_line_score(moved, frame) < good / 2
    assert keypoint_line_score(true_points[:31], frame) == 0.0  # not exactly 32 points
    assert keypoint_line_score([[0, 0]] * 32, frame) == 0.0
    assert np.isfinite(good)
