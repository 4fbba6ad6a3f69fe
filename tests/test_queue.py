"""The challenge queue: FIFO, every admitted challenge answered, refusals only past the validator's wait."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from chain_data import neuron, neurons_handler
from chain_stub import ChainStub
from media_server import MediaServer
from scoreminer.errors import DownloadError, QueueFull
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.challenge import serve_file
from scoreminer.network.client import SigningClient
from scoreminer.server.queue import ChallengeQueue
from server_harness import miner_env, running_miner
from synthetic_video import write_synthetic_clip

FRAMES = 30


def test_queue_admits_while_the_projection_fits_the_deadline():
    async def scenario():
        queue = ChallengeQueue(deadline_s=40.0, first_estimate_s=10.0)
        order, refused = [], []

        async def challenge(i: int) -> None:
            try:
                async with queue.admit():
                    order.append(i)
                    await asyncio.sleep(0.01)
            except QueueFull as exc:
                refused.append((i, exc.retry_after_s))

        await asyncio.gather(*(challenge(i) for i in range(6)))
        return order, refused, queue

    order, refused, queue = asyncio.run(scenario())
    assert order == [0, 1, 2, 3]  # projected 10, 20, 30, 40 s: in; 50 and 60 s: out
    assert [i for i, _ in refused] == [4, 5] and all(r >= 1 for _, r in refused)
    assert queue.depth == 0 and queue.per_challenge_s < 1.0  # measured times replace the first estimate


def test_an_empty_queue_always_admits_even_past_the_deadline():
    async def scenario():
        queue = ChallengeQueue(deadline_s=10.0, first_estimate_s=60.0)
        async with queue.admit():
            return True

    assert asyncio.run(scenario())


@pytest.fixture(scope="module")
def clip_url(tmp_path_factory):
    clip = write_synthetic_clip(tmp_path_factory.mktemp("media") / "clip.mp4", frames=FRAMES, width=320, height=192)
    with serve_file(clip.path) as url:
        yield url


@contextmanager
def miner_for(tmp_path, tiny_models, wallet, validator, **extra):
    """A real miner on loopback that serves `validator` (staked in the chain stub); yields (url, service)."""
    nodes = [neuron(0, validator.ss58_address, new_keypair().ss58_address, stake_rao=50_000 * 10**9, permit=True)]
    with ChainStub({"state_call": neurons_handler({44: nodes})}) as chain:
        env = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=chain.url, **extra)
        with running_miner(env) as running:
            yield running


def send_staggered(url: str, hotkey: str, validator, video_url: str, count: int, gap_s: float) -> list[tuple]:
    """`count` signed challenges sent `gap_s` apart from parallel threads: (id, status, frames, finished at)."""

    def one(i: int):
        time.sleep(i * gap_s)
        with SigningClient(validator, url, timeout=240) as client:
            body = {"challenge_id": str(i), "type": "gsr", "video_url": video_url}
            response = client.post("/soccer/challenge", body, hotkey)
        frames = len(response.json().get("frames", [])) if response.status_code == 200 else 0
        return i, response.status_code, frames, time.perf_counter(), response.headers.get("retry-after")

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.slow
def test_four_then_eight_concurrent_challenges_all_answered_in_arrival_order(tmp_path, tiny_models, wallet, clip_url):
    validator = new_keypair()
    with miner_for(tmp_path, tiny_models, wallet, validator) as (url, service):
        for count in (4, 8):
            results = send_staggered(url, wallet["keypair"].ss58_address, validator, clip_url, count, 0.1)
            assert [(status, frames) for _, status, frames, _, _ in results] == [(200, FRAMES)] * count
            finished = [i for i, *_ in sorted(results, key=lambda r: r[3])]
            assert finished == list(range(count))
        health = httpx.get(f"{url}/health").json()
        assert health["queue"]["depth"] == 0 and health["challenges"]["served"] == 12


@pytest.mark.slow
def test_a_challenge_that_would_finish_past_the_deadline_gets_503(tmp_path, tiny_models, wallet, clip_url):
    validator = new_keypair()
    hotkey = wallet["keypair"].ss58_address
    with (
        miner_for(tmp_path, tiny_models, wallet, validator, CHALLENGE_DEADLINE_S=10, DOWNLOAD_TIMEOUT_S=4) as (
            url,
            service,
        ),
        MediaServer() as media,
    ):
        # A video host that drips one byte a second holds the miner for the whole 4 s download deadline. That
        # failure is no measure of an answer: nothing answered yet, the queue still plans with its first 15 s.
        slow = send_staggered(url, hotkey, validator, media.url("/slow"), 1, 0)
        assert slow[0][1] != 200 and service.queue.per_challenge_s == 15.0
        results = send_staggered(url, hotkey, validator, clip_url, 3, 0.05)
        # Projected 15 s (nothing ahead: always taken), then 30 s and 45 s > 10 s: the two behind it are refused.
        assert sorted(status for _, status, *_ in results) == [200, 503, 503]
        refused = next(r for r in results if r[1] == 503)
        assert int(refused[4]) >= 1
        # One answered challenge is what the queue plans with now: three at once fit the 10 s.
        assert service.queue.per_challenge_s < 3
        again = send_staggered(url, hotkey, validator, clip_url, 3, 0.05)
        assert [status for _, status, *_ in again] == [200, 200, 200]


def test_quick_failures_never_lower_the_time_the_queue_plans_with():
    # After a burst of 404s answered in milliseconds, a median of failures would admit 20 good challenges at once.
    async def scenario():
        queue = ChallengeQueue(deadline_s=30.0, first_estimate_s=10.0)
        for _ in range(8):
            try:
                async with queue.admit():
                    raise DownloadError("its host answered 404", http_status=502)
            except DownloadError:
                pass
        planned_after_failures = queue.per_challenge_s
        async with queue.admit():
            await asyncio.sleep(0.05)
        return planned_after_failures, queue.per_challenge_s

    after_failures, after_success = asyncio.run(scenario())
    assert after_failures == 10.0  # still the first estimate: nothing answered yet
    assert 0.04 < after_success < 1.0  # an answered challenge's own time


def test_a_failure_slower_than_planned_still_counts():
    async def scenario():
        queue = ChallengeQueue(deadline_s=30.0, first_estimate_s=0.01)
        try:
            async with queue.admit():
                await asyncio.sleep(0.1)
                raise DownloadError("the download took over 4 s")
        except DownloadError:
            pass
        return queue.per_challenge_s

    assert asyncio.run(scenario()) >= 0.1
