"""Load and soak against `scoreminer serve` in its own process: fast status, bounded queue, no leaks."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest

from loadgen import burst, p99
from media_server import MediaServer
from process_harness import miner_process
from reliability_harness import good_clip, make_wallet, payload
from reliability_log import figure, record
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.client import SigningClient
from scoreminer.server.download import TEMP_PREFIX
from server_harness import miner_env

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


@pytest.fixture(scope="module")
def miner(tmp_path_factory, tiny_models):
    root = tmp_path_factory.mktemp("reliability-load")
    validator, wallet = new_keypair(), make_wallet(root)
    files = {"good.mp4": good_clip(root), "long.mp4": good_clip(root, 100, 640, 360)}
    env = miner_env(
        root,
        tiny_models,
        wallet,
        REFRESH_NODES="false",
        LOAD_OLD_NODES="false",
        ALLOWED_VALIDATOR_HOTKEYS=validator.ss58_address,
    )
    with MediaServer(files) as media, miner_process(env, root / "miner.log") as (url, process):
        yield {
            "url": url,
            "process": psutil.Process(process.pid),
            "validator": validator,
            "media": media,
            "hotkey": wallet["keypair"].ss58_address,
            "downloads": root / "downloads",
            "log": root / "miner.log",
        }


def post(miner, name: str, cid: str) -> httpx.Response:
    with SigningClient(miner["validator"], miner["url"], timeout=120) as client:
        return client.post("/soccer/challenge", payload(miner["media"].url(f"/video/{name}"), cid), miner["hotkey"])


def temp_files(miner) -> list:
    return list(miner["downloads"].glob(f"{TEMP_PREFIX}*")) if miner["downloads"].exists() else []


def test_status_endpoints_stay_fast_while_a_challenge_runs(miner):
    # The same burst on an idle miner first: how much of the p99 is the burst itself on this machine.
    idle = p99([t for _, t in burst(f"{miner['url']}/availability", 200)]) * 1000
    figure("load: 200 concurrent /availability on an idle miner, p99 ms", round(idle, 1))
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(r=post(miner, "long.mp4", "long")))
    worker.start()
    deadline = time.time() + 30
    while httpx.get(f"{miner['url']}/availability").json()["available"] and time.time() < deadline:
        time.sleep(0.01)
    availability = burst(f"{miner['url']}/availability", 200)
    health = burst(f"{miner['url']}/health", 50)
    still_busy = not httpx.get(f"{miner['url']}/availability").json()["available"]
    worker.join()
    a99, h99 = p99([t for _, t in availability]) * 1000, p99([t for _, t in health]) * 1000
    figure("load: 200 concurrent /availability during a challenge, p99 ms", round(a99, 1))
    figure("load: 50 concurrent /health during a challenge, p99 ms", round(h99, 1))
    record(
        "load",
        "200 × /availability, then 50 × /health, during a challenge",
        "all 200; p99 < 100 ms (target)",
        f"statuses {sorted({c for c, _ in availability + health})}; p99 {a99:.0f} ms / {h99:.0f} ms "
        f"(idle miner, same burst: {idle:.0f} ms)",
    )
    assert {c for c, _ in availability + health} == {200}
    assert still_busy and result["r"].status_code == 200
    assert max(a99, h99) < 1000  # the target is 100 ms; 1 s bounds a loaded 2-core CI machine
    # 250 polls leave no access-log line; the challenge does.
    log = miner["log"].read_text()
    assert "GET /availability" not in log and "GET /health" not in log and "POST /soccer/challenge" in log


def test_twenty_concurrent_challenges_are_served_or_told_to_retry(miner):
    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(lambda i: post(miner, "good.mp4", f"c{i}"), range(20)))
    codes = [r.status_code for r in responses]
    record(
        "load",
        "20 concurrent signed challenges",
        "those that can finish within the deadline 200, the rest 503 + Retry-After",
        f"{codes.count(200)} × 200, {codes.count(503)} × 503",
    )
    # A validator waits 240 s; even planned at 15 s each (before any challenge ran) 16 of 20 fit.
    assert set(codes) <= {200, 503} and codes.count(200) >= 16
    assert all(r.headers.get("retry-after") for r in responses if r.status_code == 503)
    assert httpx.get(f"{miner['url']}/availability").json() == {"available": True}
    assert temp_files(miner) == []


def resources(process: psutil.Process) -> dict[str, float]:
    return {"rss_mb": process.memory_info().rss / 2**20, "fds": process.num_fds(), "threads": process.num_threads()}


def test_soak_30_sequential_challenges_leak_nothing(miner):
    for i in range(3):  # warm every code path first
        assert post(miner, "good.mp4", f"warm{i}").status_code == 200
    before = resources(miner["process"])
    for i in range(30):
        assert post(miner, "good.mp4", f"soak{i}").status_code == 200
    after = resources(miner["process"])
    growth = {k: after[k] - before[k] for k in before}
    for key in before:
        figure(f"soak: server {key}, before → after 30 challenges", f"{before[key]:.0f} → {after[key]:.0f}")
    record(
        "soak",
        "30 sequential challenges (server process)",
        "RSS +<150 MB, fds +≤5, threads +≤3, no temp files",
        f"RSS {growth['rss_mb']:+.0f} MB, fds {growth['fds']:+.0f}, threads {growth['threads']:+.0f}, "
        f"temp files {len(temp_files(miner))}",
    )
    assert growth["rss_mb"] < 150 and growth["fds"] <= 5 and growth["threads"] <= 3
    assert temp_files(miner) == []
