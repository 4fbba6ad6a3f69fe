"""The validator's scoring on hand-made answers whose scores are known from the published formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoreminer.scoring.boxes import box_report, drop_reason, frame_ceiling
from scoreminer.scoring.homography import fit_frame, ransac_threshold, scaled_template
from scoreminer.scoring.keypoint_filter import usable_indices
from scoreminer.scoring.keypoint_score import scene_consistency, score_keypoints
from scoreminer.scoring.speed import final_score, speed_score

W, H = 1280, 720


def perfect_points() -> np.ndarray:
    """Keypoints that are the validator's scaled template itself, the visible ones kept, the rest [0, 0]."""
    points = scaled_template(W, H)
    inside = (points[:, 0] < W) & (points[:, 1] < H) & (points[:, 0] >= 0)
    return np.where(inside[:, None], points, 0.0)


def test_keypoint_filter_drops_zeros_off_frame_and_points_closer_than_25_px():
    points = np.zeros((32, 2))
    points[0] = [100, 100]
    points[1] = [120, 100]  # 20 px from point 0: dropped
    points[2] = [126, 100]  # 26 px from point 0: kept
    points[3] = [1300, 100]  # outside the frame
    points[4] = [-5, 100]
    assert usable_indices(points, W, H).tolist() == [0, 2]


def test_a_perfect_answer_scores_100_on_the_per_frame_fit():
    fit = fit_frame(perfect_points(), W, H)
    assert fit is not None and fit.inlier_ratio == 1.0 and fit.reprojection_px < 1e-3
    assert fit.score == pytest.approx(100.0, abs=1e-3)


def test_a_swapped_label_costs_what_the_formula_says():
    points = perfect_points()
    shown = np.flatnonzero(points[:, 0] > 0)
    a, b = shown[0], shown[-1]
    points[[a, b]] = points[[b, a]]
    fit = fit_frame(points, W, H)
    assert fit is not None
    used = usable_indices(points, W, H)
    assert fit.inlier_ratio == pytest.approx((len(used) - 2) / len(used))
    # the per-frame score is exactly the published blend of the two measured parts
    assert fit.score == pytest.approx((100 * fit.inlier_ratio + max(0.0, 100 - fit.reprojection_px)) / 2)
    assert fit.score < 100 - 100 / len(used)


def test_all_zero_keypoints_score_zero():
    frames = {n: {"frame_number": n, "keypoints": [[0, 0]] * 32, "objects": []} for n in range(10)}
    result = score_keypoints(frames, list(range(10)), {}, W, H)
    assert result.frames_fitted == 0 and result.score == 0.0


def test_fewer_than_four_usable_keypoints_give_no_fit():
    points = np.zeros((32, 2))
    points[:3] = [[100, 100], [300, 200], [500, 400]]
    assert fit_frame(points, W, H) is None


def test_ransac_threshold_is_one_percent_of_width_but_at_least_12_px():
    assert ransac_threshold(1920) == pytest.approx(19.2) and ransac_threshold(640) == 12


def test_consistency_runs_over_consecutive_scored_frames():
    none = {"keypoints": [[0, 0]] * 32}
    frames = {0: none, 1: none, 2: {"keypoints": [[0, 0]] * 31}, 3: none, 5: none, 7: none}
    # 0 starts a run (1), 1 follows an empty frame while empty itself (1), 2 is short (0), 3 follows a short
    # frame (0); 5 starts a new run (1); 6 is scored but not answered (0), so 7 follows a missing frame (0).
    assert scene_consistency(frames, [0, 1, 2, 3, 5, 6, 7], W, H) == pytest.approx(3 / 7)
    assert scene_consistency(frames, [], W, H) == 1.0


def moved(dx: float) -> dict:
    points = [[0, 0]] * 32
    points[:4] = [[100 + dx, 100], [600 + dx, 100], [100 + dx, 500], [600 + dx, 500]]
    return {"keypoints": points}


@pytest.mark.parametrize(("dx", "expected"), [(0, 1.0), (29.4, 0.5), (80, 0.0)])
def test_consistency_is_a_logistic_of_how_far_shared_keypoints_move(dx, expected):
    # Half credit at 2 % of the 1280 × 720 diagonal (29.4 px), nothing by a few times that.
    assert scene_consistency({0: moved(0), 1: moved(dx)}, [1], W, H) == 1.0  # a run's first frame counts 1
    value = scene_consistency({0: moved(0), 1: moved(dx)}, [0, 1], W, H)
    assert value == pytest.approx((1 + expected) / 2, abs=0.01)


def test_no_on_line_guard_a_real_answer_with_keypoints_off_the_lines_still_scores():
    from scoreminer.demo.camera import broadcast_camera
    from scoreminer.demo.render import frame_truth

    points = frame_truth(broadcast_camera(6000, 3300, 1.6, W, H), [])["keypoints"]  # true points, no lines found
    frames = {n: {"frame_number": n, "keypoints": points, "objects": []} for n in range(5)}
    result = score_keypoints(frames, list(range(5)), {n: [(0, 10, 50, 10)] for n in range(5)}, W, H)
    assert result.frames_fitted == 5 and result.on_line < 3 and result.score > 0


def box(x1, y1, w, h, cls=2, track=1):
    return {"id": track, "bbox": [x1, y1, x1 + w, y1 + h], "class_id": cls}


def test_box_size_and_scoreboard_rules():
    assert drop_reason(box(300, 300, 14, 40), W) == "small"
    assert drop_reason(box(300, 300, 15, 39), W) == "small"
    assert drop_reason(box(300, 300, 15, 40), W) is None
    assert drop_reason(box(300, 150, 20, 50), W) == "scoreboard"  # y1 = 150 touches the zone
    assert drop_reason(box(300, 151, 20, 50), W) is None
    assert drop_reason(box(300, 300, 5, 5, cls=0), W) is None  # the ball may be small


def test_a_second_ball_is_penalised():
    one = [box(300, 300, 20, 50, 2), box(500, 300, 8, 8, 0)]
    two = [*one, box(700, 300, 8, 8, 0, track=2)]
    # one player and one ball: (1 + 1) / (2 classes + 1); the extra ball adds -1 and a class
    assert frame_ceiling(one, W, H) == pytest.approx(2 / 3)
    assert frame_ceiling(two, W, H) == pytest.approx(1 / 4)


def test_a_frame_whose_boxes_are_all_dropped_scores_zero_and_is_counted():
    frames = {0: {"objects": [box(10, 10, 30, 60)]}, 1: {"objects": [box(300, 300, 20, 50)]}}
    report = box_report(frames, [0, 1], W, H)
    assert frame_ceiling(frames[0]["objects"], W, H) == 0.0
    assert report.frames_emptied == 1 and report.dropped["scoreboard"] == 1 and report.dropped_share == 0.5


def test_speed_term_at_t_min_at_15_s_and_between():
    assert speed_score(3.0, fastest_s=3.0) == 1.0
    assert speed_score(15.0, fastest_s=3.0) == 0.0
    assert speed_score(9.0, fastest_s=3.0) == pytest.approx(math.exp(-2.5))
    assert final_score(0.2, 1.0, 1.0) == pytest.approx(0.65 * 0.6)  # boxes at the floor: no speed credit
