"""Each hostile or clumsy challenge, through the app: its status, a message naming the field, and the next good
challenge still answered."""

from __future__ import annotations

import base64
import re

import pytest

from inprocess import turbovision_app
from media_server import MediaServer
from scoreminer.server.media import MediaLimits
from synthetic_video import write_synthetic_clip
from test_media_limits import png, png_header


@pytest.fixture
def miner(tmp_path):
    long_clip = write_synthetic_clip(tmp_path / "long.mp4", frames=40, width=160, height=96)
    with turbovision_app(tmp_path, MediaLimits(max_frames=30)) as (client, clip):
        files = {
            "clip.mp4": clip.path.read_bytes(),
            "long.mp4": long_clip.path.read_bytes(),
            "tiny.png": png(1, 1),
            "large.png": png_header(8192, 4608),
            "bomb.png": png_header(20000, 20000),
        }
        with MediaServer(files) as server:
            yield client, server


def answered(client, server) -> bool:
    response = client.post("/challenge", json={"challenge_id": "good", "video_url": server.url("/video/clip.mp4")})
    return response.status_code == 200 and response.json()["challenge_id"] == "good"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


CASES = {
    "ipv6 bracket": (lambda s: {"video_url": "http://[::1/a.mp4"}, 400, r"video_url '.*' is not a valid URL"),
    "bad port": (lambda s: {"video_url": "http://127.0.0.1:99999/a.mp4"}, 400, r"video_url '.*' is not a valid URL"),
    "header injection": (lambda s: {"video_url": "http://host/a\r\nX: y"}, 400, r"video_url '.*' is not a valid URL"),
    "1x1 image": (lambda s: {"image_url": s.url("/video/tiny.png")}, 400, "image_url is 1 × 1 px"),
    "8192 px image": (lambda s: {"image_url": s.url("/video/large.png")}, 413, "image_url is 8192 × 4608 px"),
    "20000² PNG": (lambda s: {"image_url": s.url("/video/bomb.png")}, 413, "image_url is 20000 × 20000 px"),
    "video over MAX_FRAMES": (lambda s: {"video_url": s.url("/video/long.mp4")}, 413, "video_url carries 40 frames"),
    "frames over MAX_FRAMES": (
        lambda s: {"frames": [{"frame_id": i, "data": "!!"} for i in range(31)]},
        413,
        "frames carries 31 frames; at most 30 are processed",
    ),
    "frame url 404": (
        lambda s: {"frames": [{"frame_id": 3, "url": s.url("/status/404")}]},
        502,  # the media host failed, not the request
        "frame 3's url: its host answered 404",
    ),
    "video url 404": (lambda s: {"video_url": s.url("/status/404")}, 502, "video_url: its host answered 404"),
    "frame too big inline": (
        lambda s: {"frames": [{"frame_id": 0, "data": b64(png_header(9000, 16))}]},
        413,
        "frame 0 is 9000 × 16 px",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_challenge_is_a_4xx_naming_the_field_and_the_next_good_one_is_answered(miner, case):
    client, server = miner
    body, status, message = CASES[case]
    response = client.post("/challenge", json={"challenge_id": "bad", **body(server)})
    assert response.status_code == status, response.text
    assert re.search(message, response.json()["error"]), response.text
    assert answered(client, server)


def test_a_data_uri_frame_and_plain_base64_are_both_answered(miner):
    client, server = miner
    data = b64(png(64, 36))
    frames = [{"frame_id": 7, "data": f"data:image/png;base64,{data}"}, {"frame_id": 8, "data": data}]
    response = client.post("/challenge", json={"challenge_id": "uri", "frames": frames})
    assert response.status_code == 200 and response.json()["processing_time"] >= 0
    assert answered(client, server)


def test_a_client_hanging_up_mid_body_gets_one_line_and_the_app_answers_the_next(miner, caplog):
    import logging

    client, server = miner
    app = client.app
    sent: list[dict] = []
    parts = iter([{"type": "http.request", "body": b'{"challenge_id": "x", ', "more_body": True}])

    async def receive():
        return next(parts, {"type": "http.disconnect"})

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "path": "/challenge",
        "raw_path": b"/challenge",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("10.0.0.9", 5),
        "server": ("testserver", 80),
        "scheme": "http",
    }
    with caplog.at_level(logging.INFO):
        client.portal.call(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 400
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert len([r for r in caplog.records if "hung up" in r.getMessage()]) == 1
    assert answered(client, server)


def test_a_challenge_already_past_its_deadline_is_refused_at_once_and_the_next_answered(miner):
    import time

    from scoreminer.server.deadline import Deadline

    client, server = miner  # a challenge that waited its whole deadline in a queue: nothing is left for it

    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Deadline, "for_wait", classmethod(lambda cls, wait, arrived: cls(0.0, arrived)))
        response = client.post("/challenge", json={"challenge_id": "late", "video_url": server.url("/video/clip.mp4")})
    assert response.status_code == 503 and "deadline passed" in response.json()["error"]
    assert response.headers["Retry-After"] == "1" and time.perf_counter() - started < 2.0
    assert answered(client, server)
