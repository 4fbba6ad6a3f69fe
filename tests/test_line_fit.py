"""Line fitting: a rough pitch fit is moved onto the white lines of a rendered frame, or left alone."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from scoreminer.demo.look import random_look
from scoreminer.demo.render import camera_at, render_frame, shots
from scoreminer.demo.scene import Match
from scoreminer.inference.line_fit import refine, white_distance
from scoreminer.inference.registration import Registrar, project, register
from scoreminer.inference.types import Detections, FrameResult
from scoreminer.pitch import keypoints

W, H = 1280, 720
TEMPLATE = keypoints()


def scene(seed: int, t: float):
    """A rendered frame in a random look, its true template→image homography and its visible keypoints."""
    look = random_look(seed)
    plan = shots(seed, 20, True, look)
    frame, truth = render_frame(Match(seed), t, plan, W, H, np.random.default_rng(seed), look)
    p = camera_at(Match(seed), t, plan, W, H, look).matrix()
    return frame, p[:, [0, 1, 3]] / p[2, 3], np.array(truth["keypoints"])


def rough(homography: np.ndarray, seen: np.ndarray, rng: np.random.Generator, noise: float = 12.0) -> np.ndarray:
    """What a small pose model gives: the visible points off by a shared shift and per-point noise."""
    points = project(homography, W, H)[seen, :2] + rng.normal(0, noise, (int(seen.sum()), 2)) + [14.0, -9.0]
    fitted, _ = cv2.findHomography(TEMPLATE[seen].astype(np.float32), points.astype(np.float32), 0)
    return fitted


def error(homography: np.ndarray, truth: np.ndarray, seen: np.ndarray) -> float:
    return float(np.median(np.linalg.norm(project(homography, W, H)[seen, :2] - truth[seen], axis=1)))


@pytest.mark.parametrize(("seed", "t"), [(300, 1.0), (301, 1.0), (304, 5.0), (303, 13.0)])
def test_a_rough_fit_lands_on_the_lines(seed, t):
    frame, true_h, truth = scene(seed, t)
    seen = (truth != 0).any(axis=1) & (project(true_h, W, H)[:, 2] > 0)
    start = rough(true_h, seen, np.random.default_rng(seed))
    assert error(start, truth, seen) > 8
    moved = refine(start, white_distance(frame), W, H)
    assert moved is not None and moved.on_line > 0.8
    assert error(moved.homography, truth, seen) < 5


def test_a_frame_without_lines_confirms_nothing():
    frame, true_h, truth = scene(300, 1.0)
    grass = np.full_like(frame, (60, 140, 60))
    seen = (truth != 0).any(axis=1)
    assert refine(rough(true_h, seen, np.random.default_rng(1)), white_distance(grass), W, H) is None


def test_the_registrar_answers_line_fitted_keypoints_and_blends_the_frames_between():
    rng = np.random.default_rng(5)
    registrar = Registrar(W, H, 0.5, line_fit_every=2)
    results, truths = [], []
    for n, t in enumerate(np.arange(1.0, 1.4, 0.04)):
        frame, true_h, truth = scene(301, float(t))
        seen = (truth != 0).any(axis=1)
        points = project(rough(true_h, seen, rng, noise=6.0), W, H)
        result = FrameResult(n, Detections.empty(), points)
        registrar.observe(result, frame)
        results.append(result)
        truths.append((truth, seen))
    assert sorted(registrar.fits) == list(range(0, len(results), 2))  # every 2nd processed frame is fitted
    answered = registrar.apply(results)
    raw = [
        np.median(np.linalg.norm(r.keypoints[s, :2] - t[s], axis=1)) for r, (t, s) in zip(results, truths, strict=True)
    ]
    fitted = [
        np.median(np.linalg.norm(r.keypoints[s, :2] - t[s], axis=1)) for r, (t, s) in zip(answered, truths, strict=True)
    ]
    assert np.median(raw) > 8 and np.median(fitted) < 3.5


def test_a_cut_to_the_tight_camera_is_found_from_the_last_fit_zoomed():
    # The gantry's tight camera cuts in and the pose model sees nothing: the last fit, zoomed, finds the lines.
    from scoreminer.demo.render import Shot

    errors = []
    for seed in (300, 303, 306):
        rng, look = np.random.default_rng(3), random_look(seed)
        plan = [Shot(0.0, 1.6), Shot(5.1, 2.3)]
        registrar = Registrar(W, H, 0.5, line_fit_every=1)
        for n, t in enumerate(np.arange(5.0, 5.4, 0.08)):
            frame, truth = render_frame(Match(seed), float(t), plan, W, H, np.random.default_rng(seed), look)
            p = camera_at(Match(seed), float(t), plan, W, H, look).matrix()
            true_h, truth = p[:, [0, 1, 3]] / p[2, 3], np.array(truth["keypoints"])
            seen = (truth != 0).any(axis=1)
            points = project(rough(true_h, seen, rng, noise=4.0), W, H) if n < 2 else np.zeros((32, 3), np.float32)
            registrar.observe(FrameResult(n, Detections.empty(), points), frame)
            if n >= 2:
                assert register(points, W, H, 0.5) is None  # nothing to go on but the lines
                fit = registrar.fits.get(n)
                errors.append(np.inf if fit is None else error(fit.homography, truth, seen))
    assert np.mean(np.isfinite(errors)) >= 0.9 and np.median(errors) < 4, errors


def test_a_fast_pan_is_followed_at_a_long_stride():
    # Six frames apart, a fast pan moves the picture further than one refinement may: the camera's own speed
    # over the last two fits carries the start along.
    class Sweep(Match):
        def ball(self, t: float) -> np.ndarray:
            return np.array([2000.0 + 2500.0 * t, 3500.0])  # 25 m/s across the pitch: a long ball

    seed, rng = 300, np.random.default_rng(4)
    look = random_look(seed)
    plan = shots(seed, 20, False, look)
    registrar = Registrar(W, H, 0.5, line_fit_every=1)
    checks = []
    for n in range(0, 48, 6):
        t = 2.0 + n / 25
        frame, truth = render_frame(Sweep(seed), t, plan, W, H, np.random.default_rng(seed), look)
        p = camera_at(Sweep(seed), t, plan, W, H, look).matrix()
        true_h, truth = p[:, [0, 1, 3]] / p[2, 3], np.array(truth["keypoints"])
        seen = (truth != 0).any(axis=1)
        points = project(rough(true_h, seen, rng, noise=4.0), W, H) if n < 12 else np.zeros((32, 3), np.float32)
        registrar.observe(FrameResult(n, Detections.empty(), points), frame)
        if n >= 12:
            checks.append((n, truth, seen))
    assert all(n in registrar.fits for n, *_ in checks), sorted(registrar.fits)
    assert max(error(registrar.fits[n].homography, truth, seen) for n, truth, seen in checks) < 5
