"""The pipeline with fakes behind the seams and real ByteTrack: every frame, right numbers, exact fills."""

from __future__ import annotations

import numpy as np
import pytest

from fakes import FakeDetector, FakeKeypoints, true_keypoints
from scoreminer.contract.score_vision import ChallengeAnswer
from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.inference.yolo import ByteTrackTracker
from synthetic_video import write_synthetic_clip

FRAMES = 31


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_synthetic_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", frames=FRAMES, movers=6, seed=3)


def run(clip, stride, batch=4, mode="pipelined", detector=None):
    pipeline = Pipeline(
        detector or FakeDetector(clip),
        FakeKeypoints(),
        ByteTrackTracker,
        PipelineConfig(stride=stride, batch_size=batch, prefetch=8),
    )
    return pipeline.run(clip.path, mode=mode)


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_every_frame_answered_and_numbered_as_in_the_file(clip, stride):
    out = run(clip, stride)
    assert [a.frame_number for a in out.answers] == list(range(FRAMES))
    assert [r.processed for r in out.frames] == [n % stride == 0 for n in range(FRAMES)]
    assert all(len(a.keypoints) == 32 for a in out.answers)
    ChallengeAnswer.model_validate(
        {"challenge_id": "x", "frames": [a.model_dump() for a in out.answers], "processing_time": 1.0}
    )


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_models_see_only_every_stride_th_frame_in_batches(clip, stride):
    detector = FakeDetector(clip)
    run(clip, stride, batch=4, detector=detector)
    seen = [n for batch in detector.batches for n in batch]
    assert seen == list(range(0, FRAMES, stride))
    assert max(len(b) for b in detector.batches) == 4


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_boxes_match_truth_within_1px_and_track_ids_are_stable(clip, stride):
    out = run(clip, stride)
    id_of_track: dict[int, int] = {}
    for answer in out.answers[:-stride] if stride > 1 else out.answers:
        for track, cls, box in clip.truth(answer.frame_number):
            match = [o for o in answer.objects if np.abs(np.array(o.bbox) - box).max() <= 1.0]
            assert len(match) == 1, (answer.frame_number, track)
            assert match[0].class_id == cls
            assert id_of_track.setdefault(track, match[0].id) == match[0].id
    assert len(set(id_of_track.values())) == len(clip.movers)


def test_tail_after_last_processed_frame_is_filled_from_it(clip):
    out = run(clip, 4)  # processed: 0, 4, …, 28; frames 29, 30 copy 28
    last = out.answers[28]
    assert [a.objects for a in out.answers[29:]] == [last.objects, last.objects]


def test_keypoints_interpolated_only_where_both_neighbours_have_them(clip):
    out = run(clip, 3)
    for answer in out.answers[:30]:
        n = answer.frame_number
        points = np.array(answer.keypoints)
        truth = true_keypoints(n)
        np.testing.assert_allclose(points[1:], truth[1:, :2], atol=0.01)
        before = n // 3 * 3
        neighbours = [n] if n == before else [before, before + 3]
        expected = truth[0, :2] if all(m % 6 != 3 for m in neighbours) else [0, 0]
        np.testing.assert_allclose(points[0], expected, atol=0.01)


def test_reference_mode_gives_the_same_answer_as_pipelined_stride_1(clip):
    fast, slow = run(clip, 1), run(clip, 1, mode="reference")
    assert slow.mode == "reference" and slow.decode.decoded == FRAMES
    assert [a.model_dump() for a in fast.answers] == [a.model_dump() for a in slow.answers]


def test_answer_hygiene_one_ball_clipped_boxes(clip):
    extra = {0: [(99, 0, (5.0, 50.0, 15.0, 60.0)), (98, 2, (600.0, 300.0, 700.0, 420.0))]}
    detector = FakeDetector(clip, extra=extra)
    first = run(clip, 1, detector=detector).answers[0]
    balls = [o for o in first.objects if o.class_id == 0]
    assert len(balls) == 1
    assert all(0 <= o.bbox[0] <= o.bbox[2] <= 640 and 0 <= o.bbox[1] <= o.bbox[3] <= 360 for o in first.objects)
    assert any(o.bbox == [600.0, 300.0, 640.0, 360.0] for o in first.objects)


def test_stage_timings_are_reported(clip):
    timings = run(clip, 2).timings.as_dict()
    assert set(timings) == {
        "decode_wait",
        "decode",
        "inference",
        "forward",
        "tracking",
        "serialisation",
        "registration",
        "total",
    }
    assert timings["total"] > 0 and timings["tracking"] > 0 and timings["decode"] > 0
