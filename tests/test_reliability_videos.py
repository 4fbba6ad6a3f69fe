"""Bad videos from a loopback host: a JSON error or a correct answer, the server stays up, nothing left behind."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from reliability_harness import GOOD_FRAMES, good_clip, payload, reliability_miner, signed_post, temp_files
from reliability_log import record
from synthetic_video import write_synthetic_clip

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
HUGE = 12 * 2**20


def media_files(root) -> dict[str, bytes]:
    good = good_clip(root)
    zero = root / "zero.mp4"
    cv2.VideoWriter(str(zero), cv2.VideoWriter_fourcc(*"mp4v"), 25, (320, 192)).release()
    big = write_synthetic_clip(root / "4k.mp4", frames=4, width=4096, height=2160).path.read_bytes()
    return {
        "good.mp4": good,
        "random.mp4": np.random.default_rng(0).integers(0, 256, 300_000, np.uint8).tobytes(),
        "truncated.mp4": good[: len(good) // 2],
        "zero.mp4": zero.read_bytes() if zero.exists() else b"",
        "4k.mp4": big,
    }


@pytest.fixture(scope="module")
def miner(tmp_path_factory, tiny_models):
    root = tmp_path_factory.mktemp("reliability-videos")
    with reliability_miner(root, tiny_models, media_files(root)) as m:
        m["media"].huge_bytes = HUGE
        yield m


CASES = {
    "host answers 404": ("/status/404", 502),
    "host answers 500": ("/status/500", 502),
    "connection reset": ("/reset", 502),
    "1 byte per second (3 s limit)": ("/slow", 502),
    "over the 4 MB cap, no Content-Length": ("/huge", 400),
    "over the cap, declared in Content-Length": ("/huge-declared", 400),
    "random bytes": ("/video/random.mp4", 400),
    "truncated MP4": ("/video/truncated.mp4", 400),
    "zero-frame MP4": ("/video/zero.mp4", 400),
    "4096×2160 clip": ("/video/4k.mp4", 200),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_video_then_the_next_good_challenge_is_answered(miner, case):
    path, expected = CASES[case]
    response = signed_post(miner, payload(miner["media"].url(path), case))
    body = response.json()
    observed = f"{response.status_code} " + (
        body.get("error", "")[:90] if response.status_code != 200 else f"{len(body['frames'])} frames answered"
    )
    record("video", case, str(expected), observed)
    assert response.status_code == expected, body
    if expected == 200:
        assert [f["frame_number"] for f in body["frames"]] == list(range(4))
    if path == "/huge":
        assert miner["media"].bytes_sent[path] < HUGE  # stopped near the cap, not after the whole body
    assert temp_files(miner) == []
    good = signed_post(miner, payload(miner["media"].url("/video/good.mp4"), "after-" + case))
    assert good.status_code == 200 and len(good.json()["frames"]) == GOOD_FRAMES
    assert temp_files(miner) == []
