"""What a perfect pipeline would hand the action spotter for a played match: the true boxes, shirt colours,
ball and homography of every processed frame (no pixel rendered), to measure the rules apart from the models."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from scoreminer.contract.score_vision import BALL
from scoreminer.demo.look import DEFAULT
from scoreminer.demo.play import PlayedMatch
from scoreminer.demo.render import camera_at, frame_truth, shots
from scoreminer.inference.actions.sightings import Sighting, SightingLog
from scoreminer.inference.pipeline import PipelineOutput
from scoreminer.inference.timings import StageTimings
from scoreminer.inference.types import Detections, FrameResult
from scoreminer.video.info import VideoInfo
from scoreminer.video.source import DecodeReport

WIDTH, HEIGHT = 1280, 720


def shirt_lab(bgr: tuple[int, int, int]) -> np.ndarray:
    """A kit colour as the sightings measure shirts: Lab, 8-bit."""
    return cv2.cvtColor(np.array([[bgr]], np.uint8), cv2.COLOR_BGR2LAB)[0, 0].astype(np.float32)


def perfect_output(match: PlayedMatch, seed: int, stride: int = 5) -> PipelineOutput:
    """A PipelineOutput with sightings taken from the renderer's truth instead of the models."""
    plan = shots(seed, match.frames / match.fps, True)
    results, log = [], SightingLog()
    teams = {actor.track: (actor.class_id, actor.team) for actor in match.actors}
    for n in range(0, match.frames, stride):
        camera = camera_at(match, n / match.fps, plan, WIDTH, HEIGHT)
        drawn = _drawn(match, camera, n)
        truth = frame_truth(camera, drawn)
        homography = camera.matrix()[:, [0, 1, 3]]
        results.append(FrameResult(n, Detections.empty(), homography=homography / np.linalg.norm(homography)))
        people = [o for o in truth["objects"] if o["class_id"] != BALL]
        ball = next((o for o in truth["objects"] if o["class_id"] == BALL), None)
        colours = [shirt_lab(DEFAULT.kits[teams[o["id"]]][0]) for o in people]
        log.sightings.append(
            Sighting(
                n,
                np.array([o["bbox"] for o in people], np.float32).reshape(-1, 4),
                np.array([o["class_id"] for o in people], int),
                np.full(len(people), 0.9, np.float32),
                np.array(colours, np.float32).reshape(-1, 3),
                None if ball is None else np.array(ball["bbox"], np.float32),
                0.0 if ball is None else 0.9,
            )
        )
    info = VideoInfo(Path("played.mp4"), match.fps, WIDTH, HEIGHT, match.frames)
    report = DecodeReport(match.frames, match.frames, False)
    return PipelineOutput("pipelined", info, results, [], StageTimings(), report, log)


def _drawn(match: PlayedMatch, camera, n: int) -> list[tuple[int, int, tuple]]:
    """Every actor's box as the painter would draw it (no occlusion: the truth of a perfect detector)."""
    from scoreminer.demo.draw import BALL_CM, PERSON_CM

    out = []
    for actor, (x, y) in zip(match.actors, match.positions(n / match.fps), strict=True):
        if actor.class_id == BALL:
            (cx, cy), (_, top) = camera.project(np.array([[x, y, BALL_CM / 2], [x, y, BALL_CM]]))[0]
            r = max(3.0, cy - top)
            out.append((actor.track, BALL, (cx - r, cy - r, cx + r, cy + r)))
            continue
        (fx, fy), (_, hy) = camera.project(np.array([[x, y, 0.0], [x, y, PERSON_CM]]))[0]
        w = 0.36 * (fy - hy)
        out.append((actor.track, actor.class_id, (fx - w / 2, hy, fx + w / 2, fy)))
    return out
