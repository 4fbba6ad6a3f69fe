"""The ball has its own confidence floor and goes around the tracker: one per frame, one fixed id."""

from __future__ import annotations

import numpy as np
import pytest

from fakes import FakeDetector, FakeKeypoints
from scoreminer.contract.score_vision import BALL
from scoreminer.inference.ball import BALL_TRACK_ID, ConfidenceFloors
from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.inference.types import Detections
from scoreminer.inference.yolo import ByteTrackTracker
from scoreminer.settings import load_settings
from synthetic_video import write_synthetic_clip

FRAMES = 12


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_synthetic_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", frames=FRAMES, movers=6, seed=5)


class UnsureDetector(FakeDetector):
    """The clip's true boxes with the ball at confidence 0.15, plus a doubtful person (0.15) in a corner."""

    def __call__(self, frames):
        out = []
        for found in super().__call__(frames):
            confidence = np.where(found.class_id == BALL, 0.15, found.confidence)
            out.append(
                Detections.of(
                    np.vstack([found.xyxy, [[0, 300, 20, 350]]]),
                    np.append(found.class_id, 2),
                    np.append(confidence, 0.15),
                )
            )
        return out


def run(clip, ball_confidence, stride=1):
    config = PipelineConfig(stride=stride, batch_size=4, detection_confidence=0.25, ball_confidence=ball_confidence)
    return Pipeline(UnsureDetector(clip), FakeKeypoints(), ByteTrackTracker, config).run(clip.path)


def test_split_keeps_people_above_their_floor_and_the_best_ball_above_its_own():
    found = Detections.of(
        [[0, 0, 10, 30], [20, 0, 30, 30], [50, 50, 56, 56], [70, 70, 76, 76], [90, 90, 96, 96]],
        [2, 1, BALL, BALL, BALL],
        [0.9, 0.2, 0.05, 0.3, 0.12],
    )
    people, ball = ConfidenceFloors(people=0.25, ball=0.1).split(found)
    assert people.class_id.tolist() == [2] and people.track_id is None
    assert ball.xyxy.tolist() == [[70, 70, 76, 76]] and ball.track_id.tolist() == [BALL_TRACK_ID]
    assert len(ConfidenceFloors(people=0.25, ball=0.5).split(found)[1]) == 0


@pytest.mark.parametrize("stride", [1, 2])
def test_a_doubtful_ball_is_answered_in_every_frame_under_one_id_when_its_floor_allows(clip, stride):
    answers = run(clip, ball_confidence=0.1, stride=stride).answers
    ball_truth = [box for n in range(FRAMES) for _, cls, box in clip.truth(n) if cls == BALL]
    balls = [[o for o in a.objects if o.class_id == BALL] for a in answers]
    assert [len(b) for b in balls] == [1] * FRAMES
    assert {b[0].id for b in balls} == {BALL_TRACK_ID}
    assert all(np.abs(np.array(b[0].bbox) - t).max() <= 1.0 for b, t in zip(balls, ball_truth, strict=True))
    assert not any(o.bbox[0] == 0 and o.bbox[1] == 300 for a in answers for o in a.objects)  # the person at 0.15


def test_at_the_people_floor_the_doubtful_ball_is_dropped(clip):
    answers = run(clip, ball_confidence=0.25).answers
    assert not any(o.class_id == BALL for a in answers for o in a.objects)
    assert all(any(o.class_id == 2 for o in a.objects) for a in answers)


def test_ball_floor_falls_back_to_the_detection_floor_and_zero_is_a_value():
    assert load_settings(sets={"detection_confidence": 0.3}, use_env_file=False).ball_floor == 0.3
    assert load_settings(sets={"detection_confidence": 0.3, "ball_confidence": 0}, use_env_file=False).ball_floor == 0
