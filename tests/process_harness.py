"""The miner as operators run it: `scoreminer serve` in its own process, polled until it answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

SCRIPT = Path(sys.executable).parent / "scoreminer"


def script_env() -> dict[str, str]:
    """This environment without the settings a developer's shell might carry into a child `scoreminer`."""
    return {k: v for k, v in os.environ.items() if k not in ("NETUID", "SCOREMINER_ENV_FILE")}


def env_value(env_file: Path, key: str) -> str:
    return next(line.split("=", 1)[1] for line in env_file.read_text().splitlines() if line.startswith(f"{key}="))


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Poll /health until the miner answers; fail with its log if it exits first."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"miner exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            httpx.get(f"{url}/health", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError("miner never answered /health")


@contextmanager
def miner_process(env_file: Path, log: Path, timeout: float = 120):
    """Start `scoreminer serve --env-file`, wait for /health, yield (url, Popen); terminate after."""
    url = f"http://127.0.0.1:{env_value(env_file, 'PORT')}"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(SCRIPT), "serve", "--env-file", str(env_file)], stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_for_health(url, process, log, timeout)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
