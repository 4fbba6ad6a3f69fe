"""The miner served under PROTOCOL=turbovision-private: uvicorn on loopback, stand-in models, challenges signed
as Turbo Vision's central validator signs them, and the spot check's unsigned requests to a wallet-less image."""

from __future__ import annotations

import base64
import json
import time

import cv2
import httpx
import pytest

from chain_data import neuron, neurons_handler
from chain_stub import ChainStub
from scoreminer.contract import turbovision as tv
from scoreminer.network.auth import turbovision
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.challenge import send_challenge, serve_file
from scoreminer.network.client import SigningClient
from server_harness import miner_env, running_miner
from synthetic_video import write_synthetic_clip

pytestmark = pytest.mark.slow
FRAMES = 30


@pytest.fixture(scope="module")
def validators():
    return {"rich": new_keypair(), "poor": new_keypair()}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_synthetic_clip(tmp_path_factory.mktemp("media") / "clip.mp4", frames=FRAMES, width=320, height=192)


@pytest.fixture(scope="module")
def clip_url(clip):
    with serve_file(clip.path) as url:
        yield url


@pytest.fixture
def miner(tmp_path, tiny_models, wallet, validators):
    nodes = [
        neuron(0, validators["rich"].ss58_address, new_keypair().ss58_address, stake_rao=50_000 * 10**9, permit=True),
        neuron(1, validators["poor"].ss58_address, new_keypair().ss58_address, stake_rao=3 * 10**9),
    ]
    with ChainStub({"state_call": neurons_handler({44: nodes})}) as chain:
        env = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=chain.url, PROTOCOL="turbovision-private")
        with running_miner(env) as (url, service):
            yield {"url": url, "service": service, "hotkey": wallet["keypair"].ss58_address}


def post(miner, validator, body: dict, **variant) -> httpx.Response:
    with SigningClient(validator, miner["url"], protocol="turbovision-private") as client:
        return client.post("/challenge", body, miner["hotkey"], **variant)


def challenge(url: str | None = None, cid: str = "1", **media) -> dict:
    return {"challenge_id": cid, "video_url": url, "image_url": None, "frames": None, **media}


@pytest.mark.parametrize("variant", [{}, {"prefix": ""}, {"spaced": True}], ids=["x-headers", "plain", "old-httpx"])
def test_a_signed_challenge_is_answered_in_the_documented_shape(miner, validators, clip_url, variant):
    response = post(miner, validators["rich"], challenge(clip_url, "t1"), **variant)
    assert response.status_code == 200, response.text
    answer = tv.ChallengeResponse.model_validate(response.json())
    assert answer.challenge_id == "t1" and answer.prediction.type == "soccer_action"
    assert answer.processing_time > 0 and set(response.json()) == {"challenge_id", "prediction", "processing_time"}


def test_each_bad_signature_is_401_and_a_poor_validator_403(miner, validators, clip_url):
    body, headers = turbovision.request_parts(validators["rich"], miner["hotkey"], challenge(clip_url))
    url = f"{miner['url']}/challenge"
    assert httpx.post(url, content=body, headers=headers, timeout=60).status_code == 200
    replay = httpx.post(url, content=body, headers=headers, timeout=60)
    assert replay.status_code == 401 and "already used" in replay.json()["error"]
    body, headers = turbovision.request_parts(validators["rich"], miner["hotkey"], challenge(clip_url, "2"))
    changed = httpx.post(url, content=body.replace(b'"2"', b'"3"'), headers=headers)
    assert changed.status_code == 401 and "does not match" in changed.json()["error"]
    missing = httpx.post(url, content=body, headers={k: v for k, v in headers.items() if k != "X-Nonce"})
    assert missing.status_code == 401 and "nonce" in missing.json()["error"]
    stale = turbovision.signed_headers(
        validators["rich"], miner["hotkey"], body, nonce=turbovision.make_nonce(time.time_ns() - 200 * 10**9)
    )
    assert httpx.post(url, content=body, headers=stale).status_code == 401
    other_miner = turbovision.signed_headers(validators["rich"], new_keypair().ss58_address, body)
    assert (
        httpx.post(url, content=body, headers=other_miner).json()["error"] == "miner-hotkey is not this miner's hotkey"
    )
    poor = post(miner, validators["poor"], challenge(clip_url, "4"))
    assert poor.status_code == 403 and "below the minimum" in poor.json()["error"]


def test_a_challenge_without_media_is_422_and_the_old_route_is_gone(miner, validators):
    response = post(miner, validators["rich"], challenge(None))
    assert response.status_code == 422 and "no video_url, image_url or frames" in response.json()["error"]
    assert httpx.post(f"{miner['url']}/soccer/challenge", json={}).status_code == 404


def test_frames_and_a_single_image_are_answered_too(miner, validators, clip):
    capture, frames = cv2.VideoCapture(str(clip.path)), []
    for i in range(6):
        ok, picture = capture.read()
        frames.append({"frame_id": 100 + 2 * i, "data": base64.b64encode(cv2.imencode(".png", picture)[1]).decode()})
    capture.release()
    response = post(miner, validators["rich"], challenge(None, "frames", frames=frames))
    assert response.status_code == 200, response.text
    assert all(item["frame"] in range(100, 112, 2) for item in response.json()["prediction"]["items"])
    broken = post(
        miner, validators["rich"], challenge(None, "bad", frames=[{"frame_id": 0, "data": "bm90IGFuIGltYWdl"}])
    )
    assert broken.status_code == 400 and "not a decodable image" in broken.json()["error"]
    cv2.imwrite(str(clip.path.with_suffix(".png")), picture)
    with serve_file(clip.path.with_suffix(".png")) as image_url:
        single = post(miner, validators["rich"], challenge(None, "image", image_url=image_url))
    assert single.status_code == 200 and single.json()["prediction"]["items"] == []


def test_health_names_the_protocol_and_the_challenge_command_signs_it(miner, validators, clip_url):
    health = httpx.get(f"{miner['url']}/health").json()
    assert health["protocol"] == "turbovision-private" and health["verifies_signatures"] is True
    report = send_challenge(miner["url"], clip_url, validators["rich"], miner["hotkey"], protocol="turbovision-private")
    assert report.status == 200 and report.actions is not None and report.protocol == "turbovision-private"


def test_a_spot_check_runs_the_image_without_a_wallet_and_answers_unsigned_requests(tmp_path, tiny_models, clip_url):
    no_wallet = {"env": {"WALLET_PATH": str(tmp_path / "nowhere")}}
    env = miner_env(
        tmp_path,
        tiny_models,
        no_wallet,
        PROTOCOL="turbovision-private",
        SPOTCHECK_MODE="true",
        VERIFY_ENABLED="false",
        BLACKLIST_ENABLED="false",
        SUBTENSOR_ADDRESS="ws://127.0.0.1:9",  # unreachable: a spot check needs no chain
    )
    with running_miner(env) as (url, _):
        assert httpx.get(f"{url}/docs").status_code == 200  # what the spot check polls for readiness
        response = httpx.post(
            f"{url}/challenge",
            json=challenge(clip_url, "spot"),
            headers={"X-Miner-Hotkey": new_keypair().ss58_address},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        assert httpx.get(f"{url}/health").json()["hotkey"] is None
        # the spot check reruns a challenge and compares: the same request gives the same items
        again = httpx.post(f"{url}/challenge", json=challenge(clip_url, "spot"), timeout=60)
        assert again.status_code == 200 and again.json()["prediction"] == response.json()["prediction"]
    assert json.loads(json.dumps(response.json()))["challenge_id"] == "spot"
