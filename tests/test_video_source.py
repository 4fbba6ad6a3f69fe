"""The frame source: true frame numbers, bounded prefetch, clear errors, no thread left behind."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from scoreminer.errors import VideoError
from scoreminer.video.source import FrameSource
from synthetic_video import read_frame_number, write_synthetic_clip


def decoder_threads() -> int:
    return sum(t.name == "frame-decoder" and t.is_alive() for t in threading.enumerate())


@pytest.fixture(autouse=True)
def no_thread_left_behind():
    yield
    deadline = time.time() + 2
    while decoder_threads() and time.time() < deadline:
        time.sleep(0.01)
    assert decoder_threads() == 0


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_synthetic_clip(tmp_path_factory.mktemp("v") / "clip.mp4", frames=20, width=320, height=192)


def test_yields_true_frame_numbers_and_metadata(clip):
    with FrameSource(clip.path, prefetch=4) as source:
        numbers = [(n, read_frame_number(frame)) for n, frame in source]
        assert (source.info.width, source.info.height, source.info.frame_count) == (320, 192, 20)
        assert source.info.fps == pytest.approx(25.0)
    assert numbers == [(n, n) for n in range(20)]
    assert source.report.decoded == 20 and not source.report.truncated


def test_decoder_stays_at_most_prefetch_frames_ahead(clip):
    with FrameSource(clip.path, prefetch=3) as source:
        time.sleep(0.3)
        assert source._queue.qsize() <= 3
        assert source.report.decoded <= 4  # 3 queued + 1 blocked in put


def test_consumer_stopping_early_leaves_no_thread(clip):
    with FrameSource(clip.path, prefetch=2) as source:
        for number, _ in source:
            if number == 2:
                break
    assert decoder_threads() == 0


def write_avi(path, frames=40):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (320, 240))
    for i in range(frames):
        writer.write(np.full((240, 320, 3), i * 5, np.uint8))
    writer.release()
    return path


def test_truncated_file_keeps_decoded_frames_and_reports_it(tmp_path):
    whole = write_avi(tmp_path / "whole.avi").read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(whole[: len(whole) // 2])
    with FrameSource(cut) as source:
        numbers = [n for n, _ in source]
    assert 0 < len(numbers) < 40 and numbers == list(range(len(numbers)))
    assert source.report.truncated and source.report.claimed == 40


@pytest.mark.parametrize("kind", ["random-bytes", "text-renamed", "truncated-mp4", "zero-frames", "missing"])
def test_unreadable_files_are_one_clear_error(tmp_path, clip, kind):
    path = tmp_path / "bad.mp4"
    if kind == "random-bytes":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    elif kind == "text-renamed":
        path.write_text("this is not a video\n" * 100)
    elif kind == "truncated-mp4":
        path.write_bytes(clip.path.read_bytes()[: clip.path.stat().st_size // 2])
    elif kind == "zero-frames":
        cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (320, 240)).release()
    with pytest.raises(VideoError, match=str(path)):
        with FrameSource(path) as source:
            list(source)


@pytest.mark.parametrize("stride", [2, 3])
def test_stride_hands_over_only_the_frames_the_models_see_with_their_true_numbers(clip, stride):
    with FrameSource(clip.path, prefetch=4, stride=stride) as source:
        numbers = [(n, read_frame_number(frame)) for n, frame in source]
    assert numbers == [(n, n) for n in range(0, 20, stride)]
    assert source.report.decoded == 20 and not source.report.truncated  # every frame still counted
    assert source.decode_s > 0
