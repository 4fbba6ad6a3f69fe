"""Faults: the chain down at start or mid-run, truncated weights, a pipeline bug, a killed process under PM2."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from chain_data import neuron, neurons_handler
from chain_stub import ChainStub
from fakes import ExplodingDetector
from process_harness import env_value
from reliability_harness import good_clip, make_wallet, payload, reliability_miner, signed_post, temp_files
from reliability_log import record
from scoreminer.errors import ChainError, StartupError
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.server.startup import start_miner
from scoreminer.settings import load_settings
from server_harness import free_port, miner_env, running_miner

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
VENV_BIN = Path(sys.executable).parent


def test_chain_down_at_start_serves_from_the_snapshot_and_health_says_stale(tmp_path, tiny_models):
    wallet, validator = make_wallet(tmp_path), new_keypair()
    nodes = [neuron(0, validator.ss58_address, new_keypair().ss58_address, stake_rao=10**13, permit=True)]
    with ChainStub({"state_call": neurons_handler({44: nodes})}) as chain:
        env = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=chain.url)
        with running_miner(env):
            pass  # first start: snapshot saved from the chain
    dead = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=f"ws://127.0.0.1:{free_port()}")
    with running_miner(dead) as (url, service):
        deadline = time.time() + 10
        while service.metagraph.last_error is None and time.time() < deadline:
            time.sleep(0.05)
        health = httpx.get(f"{url}/health").json()
    record(
        "faults",
        "chain down at start, snapshot on disk",
        "serves from the snapshot; /health stale",
        f"nodes {health['metagraph']['nodes']}, stale {health['metagraph']['stale']}, status {health['status']}",
    )
    assert health["metagraph"]["nodes"] == 1 and health["metagraph"]["stale"] and health["status"] == "degraded"
    assert any("last metagraph refresh failed" in why for why in health["why"])  # degraded says why


def test_chain_killed_mid_run_keeps_the_last_snapshot(tmp_path_factory, tiny_models):
    root = tmp_path_factory.mktemp("faults-chain")
    with reliability_miner(root, tiny_models, {"good.mp4": good_clip(root)}) as miner:
        miner["chain"].stop()
        with pytest.raises(ChainError):
            miner["service"].metagraph.refresh()
        response = signed_post(miner, payload(miner["media"].url("/video/good.mp4")))
        health = httpx.get(f"{miner['url']}/health").json()
    record(
        "faults",
        "chain killed mid-run",
        "last snapshot kept; challenges still verified and served",
        f"challenge {response.status_code}; nodes {health['metagraph']['nodes']}, stale {health['metagraph']['stale']}",
    )
    assert response.status_code == 200 and health["metagraph"]["nodes"] == 2 and health["metagraph"]["stale"]


def test_truncated_weights_refuse_start_up_with_the_fix(tmp_path, tiny_models):
    models = tmp_path / "models"
    models.mkdir()
    for name in ("football-player-detection.pt", "football-pitch-detection.pt"):
        data = (tiny_models / name).read_bytes()
        (models / name).write_bytes(data[: len(data) // 3] if "player" in name else data)
    env = miner_env(
        tmp_path,
        models,
        make_wallet(tmp_path),
        REFRESH_NODES="false",
        LOAD_OLD_NODES="false",
        ALLOWED_VALIDATOR_HOTKEYS=new_keypair().ss58_address,
    )
    with pytest.raises(StartupError) as info:
        start_miner(load_settings(env))
    served = subprocess.run(
        [str(VENV_BIN / "scoreminer"), "serve", "--env-file", str(env)], capture_output=True, text=True, timeout=120
    )
    record(
        "faults",
        "player weights truncated",
        "start-up refused, exit 3, the fix named",
        f"exit {served.returncode}: {info.value.problem[:70]}…",
    )
    assert "football-player-detection.pt" in info.value.problem and "MODELS_DIR" in info.value.fix
    assert served.returncode == 3 and "Traceback" not in served.stderr


def test_exception_inside_the_pipeline_is_a_500_and_the_next_challenge_is_served(tmp_path_factory, tiny_models):
    root = tmp_path_factory.mktemp("faults-bug")
    with reliability_miner(root, tiny_models, {"good.mp4": good_clip(root)}) as miner:
        pipeline = miner["service"].pipeline
        healthy = pipeline.detector
        pipeline.detector = ExplodingDetector(healthy, after=0)
        broken = signed_post(miner, payload(miner["media"].url("/video/good.mp4"), "boom"))
        available = httpx.get(f"{miner['url']}/availability").json()["available"]
        pipeline.detector = healthy
        after = signed_post(miner, payload(miner["media"].url("/video/good.mp4"), "after"))
        leftovers = temp_files(miner)
    record(
        "faults",
        "exception injected in the pipeline",
        "500 JSON; lock released; next challenge 200",
        f"{broken.status_code} {broken.json()['error']}; available {available}; next {after.status_code}",
    )
    assert broken.status_code == 500 and "error" in broken.json()
    assert available and after.status_code == 200 and leftovers == []


def test_killed_under_pm2_is_restarted(pm2, tmp_path, tiny_models):
    env = miner_env(
        tmp_path,
        tiny_models,
        make_wallet(tmp_path),
        REFRESH_NODES="false",
        LOAD_OLD_NODES="false",
        ALLOWED_VALIDATOR_HOTKEYS=new_keypair().ss58_address,
    )
    port = env_value(env, "PORT")
    name = "sm-kill"
    subprocess.run(
        [str(VENV_BIN / "scoreminer"), "--env-file", str(env), "pm2", "--name", name],
        check=True,
        capture_output=True,
        env=pm2,
        cwd=tmp_path,
    )
    subprocess.run(["pm2", "start", str(env.parent / "ecosystem.config.js")], check=True, capture_output=True, env=pm2)

    def pid() -> int:
        listing = json.loads(subprocess.run(["pm2", "jlist"], capture_output=True, text=True, env=pm2).stdout)
        return next(p["pid"] for p in listing if p["name"] == name)

    def wait_available(timeout: float = 120) -> float:
        started = time.time()
        while time.time() - started < timeout:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/availability", timeout=1).json() == {"available": True}:
                    return time.time() - started
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.3)
        raise AssertionError("never answered")

    try:
        wait_available()
        first = pid()
        os.kill(first, signal.SIGKILL)
        back_after = wait_available()
        second = pid()
    finally:
        subprocess.run(["pm2", "delete", name], capture_output=True, env=pm2)
    record(
        "faults",
        "process SIGKILLed under PM2",
        "PM2 restarts it; /availability returns",
        f"pid {first} → {second}; answering again after {back_after:.1f} s",
    )
    assert second != first
