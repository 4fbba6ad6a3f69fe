"""The miner served for real: uvicorn on loopback, stand-in models, signed challenges over HTTP."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from typer.testing import CliRunner

from chain_data import neuron, neurons_handler
from chain_stub import ChainStub
from scoreminer.cli import app
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.challenge import send_challenge, serve_file
from scoreminer.network.client import SigningClient, signed_request_parts
from scoreminer.server.download import TEMP_PREFIX
from server_harness import miner_env, running_miner
from synthetic_video import write_synthetic_clip

pytestmark = pytest.mark.slow
FRAMES = 40


@pytest.fixture(scope="module")
def validators():
    return {"rich": new_keypair(), "poor": new_keypair(), "stranger": new_keypair()}


@pytest.fixture(scope="module")
def clip_url(tmp_path_factory):
    clip = write_synthetic_clip(tmp_path_factory.mktemp("media") / "clip.mp4", frames=FRAMES, width=320, height=192)
    with serve_file(clip.path) as url:
        yield url


@pytest.fixture
def miner(tmp_path, tiny_models, wallet, validators):
    cold = new_keypair().ss58_address
    nodes = [
        neuron(0, validators["rich"].ss58_address, cold, stake_rao=50_000 * 10**9, permit=True),
        neuron(1, validators["poor"].ss58_address, cold, stake_rao=3 * 10**9),
    ]
    with ChainStub({"state_call": neurons_handler({44: nodes})}) as chain:
        env = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=chain.url)
        with running_miner(env) as (url, service):
            yield {
                "url": url,
                "service": service,
                "hotkey": wallet["keypair"].ss58_address,
                "downloads": tmp_path / "downloads",
            }


def payload(url: str, cid: str = "1") -> dict:
    return {"challenge_id": cid, "type": "gsr", "video_url": url, "created_at": "2025-01-01T00:00:00+00:00"}


def post(miner, validator, body: dict, **kw) -> httpx.Response:
    with SigningClient(validator, miner["url"]) as client:
        return client.post("/soccer/challenge", body, miner["hotkey"], **kw)


def test_signed_challenge_answers_every_frame(miner, validators, clip_url):
    response = post(miner, validators["rich"], payload(clip_url, "abc"), compact=True)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["challenge_id"] == "abc"
    assert [f["frame_number"] for f in answer["frames"]] == list(range(FRAMES))
    assert all(len(f["keypoints"]) == 32 for f in answer["frames"])
    assert list(miner["downloads"].glob(f"{TEMP_PREFIX}*")) == []


def test_replayed_request_is_401_and_unknown_or_poor_validator_403(miner, validators, clip_url):
    body = payload(clip_url)
    raw, headers = signed_request_parts(validators["rich"], miner["hotkey"], body)
    first = httpx.post(f"{miner['url']}/soccer/challenge", content=raw, headers=headers, timeout=60)
    replay = httpx.post(f"{miner['url']}/soccer/challenge", content=raw, headers=headers, timeout=60)
    assert first.status_code == 200
    assert replay.status_code == 401 and "already used" in replay.json()["error"]
    stranger = post(miner, validators["stranger"], body)
    assert stranger.status_code == 403 and "not in the metagraph" in stranger.json()["error"]
    poor = post(miner, validators["poor"], body)
    assert poor.status_code == 403 and "below the minimum" in poor.json()["error"]


def test_availability_false_while_busy_then_true(miner, validators, clip_url):
    seen = []
    done = threading.Event()

    def poll():
        while not done.is_set():
            seen.append(httpx.get(f"{miner['url']}/availability").json()["available"])
            time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    response = post(miner, validators["rich"], payload(clip_url))
    done.set()
    poller.join()
    assert response.status_code == 200
    assert False in seen
    assert httpx.get(f"{miner['url']}/availability").json() == {"available": True}
    health = httpx.get(f"{miner['url']}/health").json()
    assert health["challenges"]["served"] == 1 and health["metagraph"]["nodes"] == 2 and health["models_loaded"]


def test_first_challenge_is_not_slower_than_the_second(miner, validators, clip_url):
    times = []
    for cid in ("first", "second", "third"):
        started = time.perf_counter()
        assert post(miner, validators["rich"], payload(clip_url, cid)).status_code == 200
        times.append(time.perf_counter() - started)
    assert times[0] <= 1.5 * min(times[1:]) + 0.5, times


def test_challenge_command_plays_validator(miner, validators, clip_url, tmp_path):
    from scoreminer.network.auth.hotkey import write_hotkey

    key = write_hotkey(tmp_path / "validator-key", validators["rich"])
    result = CliRunner().invoke(app, ["challenge", miner["url"], "--video", clip_url, "--key", str(key), "--json"])
    assert result.exit_code == 0, result.output
    assert '"frames": 40' in result.stdout


def test_send_challenge_reports_a_refusal(miner, clip_url):
    report = send_challenge(miner["url"], clip_url, new_keypair(), miner["hotkey"])
    assert report.status == 403 and report.frames == 0 and "metagraph" in report.error
