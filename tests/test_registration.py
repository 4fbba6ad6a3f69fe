"""Keypoint registration on synthetic homographies with label swaps, outliers and noise."""

from __future__ import annotations

import numpy as np
import pytest

from scoreminer.inference.registration import Registrar, project, register
from scoreminer.inference.types import Detections, FrameResult
from scoreminer.pitch import keypoints

W, H = 1280, 720


def camera(pan: float = 0.0) -> np.ndarray:
    """A plausible broadcast homography: pitch cm → pixels, the camera panned by `pan` px."""
    src = np.array([[2000, 0], [10000, 0], [10000, 7000], [2000, 7000]], np.float32)
    dst = np.array([[200 + pan, 150], [1100 + pan, 150], [1500 + pan, 700], [-200 + pan, 700]], np.float32)
    import cv2

    return cv2.getPerspectiveTransform(src, dst)


def model_output(h: np.ndarray, noise: float = 1.0, swaps=(), seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    truth = project(h, W, H)
    rng = np.random.default_rng(seed)
    noisy = truth.copy()
    seen = truth[:, 2] > 0
    noisy[seen, :2] += rng.normal(0, noise, (seen.sum(), 2))
    for a, b in swaps:
        noisy[[a, b], :2] = noisy[[b, a], :2]
    return truth, noisy


def test_label_swaps_and_noise_come_back_within_a_few_pixels():
    truth, noisy = model_output(camera(), noise=1.5, swaps=[(9, 17)])  # a penalty-box corner taken for the other one
    seen = np.flatnonzero(truth[:, 2] > 0)
    # also one wild outlier: a point from the other end of the pitch
    noisy[seen[2], :2] = [1200, 80]
    fit = register(noisy, W, H, 0.5)
    assert fit is not None
    answer = project(fit.homography, W, H)
    error = np.linalg.norm(answer[seen, :2] - truth[seen, :2], axis=1)
    assert np.median(error) < 3 and error.max() < 8


def test_points_on_one_line_give_no_fit():
    truth, _ = model_output(camera())
    on_goal_line = np.zeros_like(truth)
    for i in (13, 14, 15, 16):  # halfway line only: collinear on the pitch
        on_goal_line[i] = truth[i]
    assert register(on_goal_line, W, H, 0.5) is None


def test_too_few_confident_points_give_no_fit():
    truth, _ = model_output(camera())
    truth[:, 2] = 0.2
    assert register(truth, W, H, 0.5) is None


def result(n: int, points: np.ndarray, processed: bool = True) -> FrameResult:
    return FrameResult(n, Detections.empty(), points, processed)


def test_stride_gaps_are_filled_from_the_interpolated_homography():
    registrar = Registrar(W, H, 0.5)
    _, first = model_output(camera(0), noise=0.0)
    truth_mid, _ = model_output(camera(10), noise=0.0)
    _, last = model_output(camera(20), noise=0.0)
    frames = [result(0, first), result(1, np.zeros((32, 3), np.float32), processed=False), result(2, last)]
    for frame in (frames[0], frames[2]):
        registrar.observe(frame)
    middle = registrar.apply(frames)[1].keypoints
    seen = truth_mid[:, 2] > 0
    assert np.all(middle[seen, 2] == 1.0)
    assert np.abs(middle[seen, :2] - truth_mid[seen, :2]).max() < 1.0


def test_a_cut_is_not_bridged_and_frames_without_a_fit_keep_their_raw_points():
    registrar = Registrar(W, H, 0.5)
    _, a = model_output(camera(0), noise=0.0)
    _, b = model_output(camera(600), noise=0.0)  # a jump of half the frame: a new shot
    raw = np.zeros((32, 3), np.float32)
    raw[0] = [50, 60, 0.9]
    frames = [result(0, a), result(1, raw), result(2, b)]
    for frame in (frames[0], frames[2]):
        registrar.observe(frame)
    out = registrar.apply(frames)
    assert np.array_equal(out[1].keypoints, raw)


@pytest.mark.parametrize("pan", [0.0, 150.0])
def test_projection_keeps_only_points_inside_the_frame(pan):
    points = project(camera(pan), W, H)
    inside = points[:, 2] > 0
    assert inside.sum() >= 6
    assert np.all(points[inside, 0] < W) and np.all(points[~inside, :2] == 0)
    assert len(keypoints()) == 32


def test_fits_further_apart_than_a_second_are_never_blended():
    # A cut can hide in a long gap; whether two far-apart fits look like one shot is a threshold a backend's
    # last bits can tip, so a gap this long is never bridged, however alike the two fits are.
    from scoreminer.inference.registration import MAX_BRIDGE_FRAMES

    registrar = Registrar(W, H, 0.5)
    _, a = model_output(camera(0), noise=0.0)
    _, b = model_output(camera(5), noise=0.0)
    raw = np.zeros((32, 3), np.float32)
    far = MAX_BRIDGE_FRAMES + 5
    frames = [result(0, a), result(far // 2, raw), result(far, b)]
    for frame in (frames[0], frames[2]):
        registrar.observe(frame)
    assert np.array_equal(registrar.apply(frames)[1].keypoints, raw)
    near = [result(0, a), result(3, raw), result(6, b)]
    registrar = Registrar(W, H, 0.5)
    for frame in (near[0], near[2]):
        registrar.observe(frame)
    assert registrar.apply(near)[1].keypoints[:, 2].sum() > 0  # a stride gap of the same shot is blended
