"""Answer comparison on hand-made answers with known results."""

from __future__ import annotations

import numpy as np
import pytest

from scoreminer.compare import compare, confusion, iou_matrix, matched

ZERO = [[0.0, 0.0]] * 32


def frame(n, objects=(), keypoints=None):
    return {
        "frame_number": n,
        "objects": [{"id": i, "bbox": list(b), "class_id": c} for i, (c, b) in enumerate(objects)],
        "keypoints": keypoints or ZERO,
    }


def test_iou_of_known_boxes():
    iou = iou_matrix(np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]]))
    np.testing.assert_allclose(iou, [[1.0, 50 / 150, 0.0]])


def test_optimal_matching_beats_greedy():
    # Greedy would pair candidate 0 with reference 0 (IoU 0.82) and leave candidate 1 unmatched;
    # the optimal one-to-one matching pairs 0↔1 and 1↔0, both above 0.5.
    reference = np.array([[0, 0, 10, 10], [2, 0, 12, 10]], float)
    candidate = np.array([[1, 0, 11, 10], [-2, 0, 8, 10]], float)
    assert matched(candidate, reference) == 2


def test_f1_per_class_on_a_hand_made_answer():
    truth = [frame(0, [(2, (0, 0, 10, 20)), (2, (50, 0, 60, 20)), (0, (100, 100, 104, 104))])]
    answer = [frame(0, [(2, (0, 0, 10, 20)), (2, (200, 0, 210, 20)), (3, (0, 0, 5, 5))])]
    result = compare(answer, truth)
    assert result.f1["player"] == pytest.approx(0.5)  # tp 1, fp 1, fn 1
    assert result.f1["ball"] == 0.0 and result.f1["referee"] == 0.0 and result.f1["goalkeeper"] is None
    assert result.truth_boxes == {"ball": 1, "goalkeeper": 0, "player": 2, "referee": 0}
    from scoreminer.terminal import agreement_line

    line = agreement_line(result, "accuracy")
    assert "referee none in the truth" in line and "ball 0.00" in line  # a referee answered where none is


def test_keypoint_error_and_recall():
    truth_kp = [[10.0, 10.0], [20.0, 20.0], [30.0, 30.0]] + [[0.0, 0.0]] * 29
    answer_kp = [[13.0, 14.0], [0.0, 0.0], [30.0, 30.0]] + [[5.0, 5.0]] + [[0.0, 0.0]] * 28
    result = compare([frame(0, keypoints=answer_kp)], [frame(0, keypoints=truth_kp)])
    assert result.keypoint_error_px == pytest.approx(2.5)  # (5 + 0) / 2
    assert result.keypoint_recall == pytest.approx(2 / 3, abs=1e-3)


def test_keypoint_median_is_not_pulled_by_one_gross_confusion():
    truth_kp = [[10.0, 10.0], [20.0, 20.0], [30.0, 30.0]] + [[0.0, 0.0]] * 29
    answer_kp = [[10.0, 10.0], [23.0, 24.0], [60.0, 70.0]] + [[0.0, 0.0]] * 29
    result = compare([frame(0, keypoints=answer_kp)], [frame(0, keypoints=truth_kp)])
    assert result.keypoint_median_px == pytest.approx(5.0)
    assert result.keypoint_error_px == pytest.approx(55 / 3, abs=1e-3)  # (0 + 5 + 50) / 3


def test_missing_frames_lower_frames_answered_and_count_as_misses():
    truth = [frame(0, [(2, (0, 0, 10, 20))]), frame(1, [(2, (0, 0, 10, 20))])]
    result = compare([frame(0, [(2, (0, 0, 10, 20))])], truth)
    assert result.frames_answered == 0.5
    assert result.f1["player"] == pytest.approx(2 / 3, abs=1e-3)


def test_confusion_tells_a_class_mix_up_from_a_miss():
    keeper, player, ball = (0, 0, 10, 20), (50, 0, 60, 20), (100, 100, 104, 104)
    truth = [frame(0, [(1, keeper), (2, player), (0, ball)]), frame(1, [(1, keeper)])]
    answer = [frame(0, [(2, (0, 0, 10, 19)), (2, player), (0, (110, 110, 114, 114))])]  # frame 1 not answered
    table = confusion(answer, truth)
    assert table == {"goalkeeper": {"player": 1, "missed": 1}, "player": {"player": 1}, "ball": {"missed": 1}}
