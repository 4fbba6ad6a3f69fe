"""Shared fixtures: a clean environment, a temp working directory, wallets and ports."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from scoreminer.network.auth.hotkey import new_keypair, write_hotkey
from scoreminer.settings import ENV_FILE_VARIABLE, Settings

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell, and each test runs in its own cwd."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv(ENV_FILE_VARIABLE, raising=False)
    # Tests run torch unless they ask for an export backend (auto would export with OpenVINO when installed).
    monkeypatch.setenv("BACKEND", "torch")
    monkeypatch.setenv("YOLO_OFFLINE", "1")
    monkeypatch.setenv("YOLO_AUTOINSTALL", "false")
    # Exports land in the user's cache folder by default: a throwaway one per test, never the developer's.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def wallet(tmp_path: Path) -> dict:
    """A generated sr25519 hotkey in the bittensor wallet layout."""
    keypair = new_keypair()
    root = tmp_path / "wallets"
    path = write_hotkey(root / "miner" / "hotkeys" / "hot", keypair)
    return {
        "root": root,
        "path": path,
        "keypair": keypair,
        "env": {"WALLET_PATH": str(root), "WALLET_NAME": "miner", "HOTKEY_NAME": "hot"},
    }


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_env(path: Path, values: dict[str, object]) -> Path:
    """Write a .env file with KEY=VALUE lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> Path:
    """A MODELS_DIR with random-weight stand-ins of both models (real ultralytics .pt files)."""
    from scoreminer.inference.yolo.standin import build_standin_pair

    folder = tmp_path_factory.mktemp("models")
    build_standin_pair(folder)
    return folder


def pytest_sessionfinish(session, exitstatus):
    from reliability_log import write_if_asked

    write_if_asked()


@pytest.fixture(scope="session")
def pm2(tmp_path_factory):
    """pm2 installed from npm into a temp dir, with its own PM2_HOME; killed afterwards."""
    if not shutil.which("npm"):
        pytest.skip("npm is not installed: cannot install pm2")
    root = tmp_path_factory.mktemp("pm2")
    install = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(root), "pm2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if install.returncode:
        pytest.skip(f"npm install pm2 failed: {install.stderr[-300:]}")
    env = {
        **os.environ,
        "PM2_HOME": str(root / "home"),
        "PATH": f"{root / 'node_modules' / '.bin'}:{os.environ['PATH']}",
    }
    yield env
    subprocess.run(["pm2", "kill"], env=env, capture_output=True, timeout=60)
