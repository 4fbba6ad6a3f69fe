"""A challenge's media refused before it costs anything: bad URLs, frames too small or too large, data URIs."""

from __future__ import annotations

import base64
import struct
import zlib

import cv2
import numpy as np
import pytest

from media_server import MediaServer
from scoreminer.contract.turbovision import ChallengeRequest
from scoreminer.errors import DownloadError, VideoError
from scoreminer.server.download import Downloader
from scoreminer.server.media import challenge_video


def png(width: int, height: int) -> bytes:
    ok, data = cv2.imencode(".png", np.full((height, width, 3), 90, np.uint8))
    assert ok
    return data.tobytes()


def png_header(width: int, height: int) -> bytes:
    """A PNG that only declares its size (what a decompression bomb does: the header says 20000 × 20000)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    )  # fmt: skip


@pytest.fixture
def downloader():
    d = Downloader(10_000_000, 10.0)
    yield d
    d.close()


@pytest.mark.parametrize(
    "url", ["http://[::1/a.mp4", "http://127.0.0.1:99999/a.mp4", "http://127.0.0.1:x/a", "http://host/a\r\nX: y"]
)
def test_a_malformed_url_is_a_400_naming_the_field(downloader, url):
    request = ChallengeRequest(challenge_id="c", video_url=url)
    with pytest.raises(DownloadError) as raised, challenge_video(request, downloader):
        pass
    assert (
        raised.value.http_status == 400 and "video_url" in str(raised.value) and "not a valid URL" in str(raised.value)
    )


def test_frames_too_small_or_declaring_too_many_pixels_are_refused_before_decoding(downloader):
    with MediaServer({"tiny.png": png(1, 1), "bomb.png": png_header(20000, 20000)}) as server:
        server.files["large.png"] = png_header(8192, 4608)
        for name, size in (
            ("tiny.png", "is 1 × 1 px"),
            ("large.png", "is 8192 × 4608 px"),
            ("bomb.png", "is 20000 × 20000 px"),
        ):
            request = ChallengeRequest(challenge_id="c", image_url=server.url(f"/video/{name}"))
            with pytest.raises(VideoError, match=f"image_url {size}.*; a frame's sides must lie within 16–7680"):
                with challenge_video(request, downloader):
                    pass
        # the refusals named the field; a good image is still answered as a one-frame video
        good = ChallengeRequest(challenge_id="c", image_url=server.url("/video/good.png"))
        server.files["good.png"] = png(320, 180)
        with challenge_video(good, downloader) as media:
            assert media.frame_ids == [0] and media.path.stat().st_size > 0


def test_a_frame_url_error_names_the_frame_not_video_url(downloader):
    with MediaServer() as server:
        request = ChallengeRequest(challenge_id="c", frames=[{"frame_id": 3, "url": server.url("/status/404")}])
        with pytest.raises(DownloadError, match="frame 3's url: its host answered 404"):
            with challenge_video(request, downloader):
                pass


def test_frame_data_as_a_data_uri_is_read_like_plain_base64(downloader):
    data = base64.b64encode(png(64, 36)).decode()
    frames = [{"frame_id": 0, "data": f"data:image/png;base64,{data}"}, {"frame_id": 1, "data": data}]
    with challenge_video(ChallengeRequest(challenge_id="c", frames=frames), downloader) as media:
        capture = cv2.VideoCapture(str(media.path))
        assert media.frame_ids == [0, 1] and int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 2
        capture.release()


def test_old_challenge_media_is_swept_and_fresh_media_kept(tmp_path):
    import os
    import time

    from scoreminer.server.download import TEMP_PREFIX, sweep_temp_media

    old, fresh, other = (tmp_path / f"{TEMP_PREFIX}old.mp4", tmp_path / f"{TEMP_PREFIX}new.mp4", tmp_path / "x.mp4")
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    os.utime(old, (time.time() - 3600, time.time() - 3600))  # left by a miner killed an hour ago
    os.utime(other, (time.time() - 3600, time.time() - 3600))
    assert sweep_temp_media(tmp_path) == 1 and not old.exists() and fresh.exists() and other.exists()


def test_a_client_hanging_up_mid_body_is_one_line_and_an_answer_not_a_traceback(caplog):
    import asyncio
    import logging

    from starlette.requests import Request

    from scoreminer.server.http import signed_payload

    async def receive():
        return {"type": "http.disconnect"}

    scope = {"type": "http", "method": "POST", "path": "/challenge", "headers": [], "client": ("10.0.0.9", 5)}
    with caplog.at_level(logging.INFO):
        response = asyncio.run(signed_payload(Request(scope, receive), None, ChallengeRequest, 1000, 422))
    assert response.status_code == 400 and b"hung up" in response.body
    lines = [r for r in caplog.records if "hung up" in r.getMessage()]
    assert len(lines) == 1 and "10.0.0.9" in lines[0].getMessage() and lines[0].exc_info is None


def test_a_frames_list_over_max_frames_is_refused_before_any_frame_is_decoded(downloader):
    from scoreminer.errors import MediaRefused
    from scoreminer.server.media import MediaLimits

    limits = MediaLimits(max_frames=750)
    broken = [{"frame_id": i, "data": "!!not base64!!"} for i in range(751)]  # decoding any would fail otherwise
    with pytest.raises(MediaRefused, match="frames carries 751 frames; at most 750 are processed") as raised:
        with challenge_video(ChallengeRequest(challenge_id="c", frames=broken), downloader, limits):
            pass
    assert raised.value.http_status == 413
    good = [{"frame_id": i, "data": base64.b64encode(png(64, 36)).decode()} for i in range(3)]
    with challenge_video(ChallengeRequest(challenge_id="c", frames=good), downloader, limits) as media:
        assert media.frame_ids == [0, 1, 2]


def test_frames_are_decoded_one_at_a_time_into_the_video(downloader, monkeypatch):
    # 200 UHD frames held at once cost 5 GB; streamed, one frame's worth is ever decoded ahead of the writer.
    from scoreminer.server import media

    live, peak = [0], [0]
    decode = media._decode

    def counting(raw, what, max_side_px=media.MAX_SIDE_PX):
        live[0] += 1
        peak[0] = max(peak[0], live[0])
        return decode(raw, what, max_side_px)

    class Writer:
        def __init__(self, *args):
            pass

        def isOpened(self):
            return True

        def write(self, picture):
            live[0] -= 1

        def release(self):
            pass

    monkeypatch.setattr(media, "_decode", counting)
    monkeypatch.setattr(media.cv2, "VideoWriter", Writer)
    monkeypatch.setattr(media.cv2.VideoWriter, "fourcc", staticmethod(lambda *c: 0), raising=False)
    frames = [{"frame_id": i, "data": base64.b64encode(png(64, 36)).decode()} for i in range(20)]
    with challenge_video(ChallengeRequest(challenge_id="c", frames=frames), downloader):
        pass
    assert peak[0] <= 2 and live[0] == 0


def test_a_video_over_max_frames_is_refused_naming_video_url(downloader, tmp_path):
    from scoreminer.errors import MediaRefused
    from scoreminer.server.media import MediaLimits
    from synthetic_video import write_synthetic_clip

    clip = write_synthetic_clip(tmp_path / "long.mp4", frames=40, width=160, height=96)
    with MediaServer({"long.mp4": clip.path.read_bytes()}) as server:
        request = ChallengeRequest(challenge_id="c", video_url=server.url("/video/long.mp4"))
        with pytest.raises(MediaRefused, match="video_url carries 40 frames; at most 30"):
            with challenge_video(request, downloader, MediaLimits(max_frames=30)):
                pass
        with challenge_video(request, downloader, MediaLimits(max_frames=750)) as media:
            assert media.path.stat().st_size > 0


@pytest.fixture
def service(downloader, tmp_path):
    """A Turbo Vision service on fake models (each batch a little slow), and a clip it can answer."""
    import time

    from fakes import FakeDetector, FakeKeypoints
    from scoreminer.inference.actions.spotter import RuleSpotter
    from scoreminer.inference.pipeline import Pipeline, PipelineConfig
    from scoreminer.inference.yolo import ByteTrackTracker
    from scoreminer.network.auth.verify import StakePolicy
    from scoreminer.server.service import MinerService
    from synthetic_video import write_synthetic_clip

    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=40, width=160, height=96)

    class SlowDetector(FakeDetector):
        def __call__(self, frames):
            time.sleep(0.05)
            return super().__call__(frames)

    config = PipelineConfig(sightings=True, batch_size=4)
    pipeline = Pipeline(SlowDetector(clip), FakeKeypoints(), ByteTrackTracker, config)
    miner = MinerService(
        keypair=None,
        pipeline=pipeline,
        downloader=downloader,
        metagraph=None,
        policy=StakePolicy(0.0, frozenset(), False),
        device="cpu",
        protocol="turbovision-private",
        verify=False,
        spotter=RuleSpotter({}),
    )
    with MediaServer({"clip.mp4": clip.path.read_bytes()}) as server:
        yield miner, ChallengeRequest(challenge_id="c", video_url=server.url("/video/clip.mp4")), server


def test_processing_time_counts_from_arrival_queueing_included(service):
    # A challenge that waited 11 s in the queue and took 2 s to answer reported 2 s; the validator saw 13.
    import time

    from scoreminer.server.deadline import Deadline

    miner, request, _ = service
    fresh = miner.process_actions(request, "v")
    waited = miner.process_actions(request, "v", Deadline.for_wait(30.0, time.perf_counter() - 5.0))
    assert fresh.processing_time < 5.0 <= waited.processing_time < fresh.processing_time + 6.0


def test_a_challenge_whose_deadline_passed_in_the_queue_is_refused_without_fetching(service):
    import time

    from scoreminer.errors import DeadlinePassed
    from scoreminer.server.deadline import Deadline

    miner, request, server = service
    fetched = server.total_requests
    with pytest.raises(DeadlinePassed, match="deadline passed during the queue") as raised:
        miner.process_actions(request, "v", Deadline.for_wait(30.0, time.perf_counter() - 40.0))
    assert raised.value.http_status == 503 and server.total_requests == fetched
    assert miner.process_actions(request, "v").prediction is not None  # the next good one is answered


def test_inference_stops_when_the_deadline_passes_and_when_the_client_has_gone(service):
    import time

    from scoreminer.errors import ClientGone, DeadlinePassed
    from scoreminer.server.deadline import Deadline

    miner, request, _ = service
    started = time.perf_counter()
    with pytest.raises(DeadlinePassed, match="during inference"):
        miner.process_actions(request, "v", Deadline(0.2))
    assert time.perf_counter() - started < 0.45  # 10 batches of 50 ms would take 0.5 s and more
    gone = Deadline(30.0)
    gone.gone.set()
    with pytest.raises(ClientGone):
        miner.process_actions(request, "v", gone)


def test_a_trickling_download_gives_up_at_the_challenges_deadline_not_download_timeout(downloader):
    import time

    from scoreminer.server.deadline import Deadline

    with MediaServer() as server:
        request = ChallengeRequest(challenge_id="c", video_url=server.url("/slow"))
        started = time.perf_counter()
        with pytest.raises(DownloadError, match="the download took over"):
            with challenge_video(request, downloader, deadline=Deadline(1.0)):
                pass
        assert time.perf_counter() - started < 3.0  # DOWNLOAD_TIMEOUT_S here is 10 s


def test_stopping_the_server_removes_the_media_of_challenges_in_flight(tmp_path):
    # SIGTERM mid-challenge used to leave its scoreminer-video-*.mp4 behind: close() removes what is in flight.
    folder = tmp_path / "media"
    downloader = Downloader(10_000_000, 10.0, folder)
    frames = [{"frame_id": 0, "data": base64.b64encode(png(64, 36)).decode()}]
    with MediaServer({"a.png": png(64, 36)}) as server:
        with downloader.fetch(server.url("/video/a.png")) as fetched:
            with challenge_video(ChallengeRequest(challenge_id="c", frames=frames), downloader) as written:
                assert fetched.exists() and written.path.exists()
                downloader.close()  # what the app's shutdown does
                assert not fetched.exists() and not written.path.exists()
    assert not list(folder.iterdir())
