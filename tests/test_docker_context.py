"""`scoreminer docker`: an image context that serves the private track, carries the answer-shaping settings and
the weights, and holds no secret even when the miner's wallet and .env sit right beside it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_env
from scoreminer.cli import app
from scoreminer.network.auth.hotkey import create_hotkey


@pytest.fixture
def miner_home(tmp_path, tiny_models):
    """An operator's folder: a real hotkey, a .env with a secret-looking key, the weights."""
    created = create_hotkey(tmp_path / "wallets" / "mine" / "hotkeys" / "hot")
    env = write_env(
        tmp_path / ".env",
        {
            "NETUID": 44,
            "WALLET_PATH": tmp_path / "wallets",
            "WALLET_NAME": "mine",
            "HOTKEY_NAME": "hot",
            "MODELS_DIR": tiny_models,
            "FRAME_STRIDE": 5,
            "HF_TOKEN": "hf_secretsecretsecret",
        },
    )
    return {"root": tmp_path, "env": env, "hotkey": created}


def test_the_context_has_the_package_the_weights_and_the_settings_and_no_secret(miner_home):
    out = miner_home["root"] / "image"
    result = CliRunner().invoke(app, ["--env-file", str(miner_home["env"]), "docker", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads(result.output)
    files = [out / name for name in written["files"]]
    names = {p.name for p in files}
    assert {"Dockerfile", ".dockerignore", "pyproject.toml", "football-player-detection.pt", "cli.py"} <= names
    assert ".env" not in names and not any("wallets" in p.parts or "hotkeys" in p.parts for p in files)
    secrets = [miner_home["hotkey"].mnemonic, "hf_secretsecretsecret", miner_home["hotkey"].ss58_address]
    for path in files:
        content = path.read_bytes()
        assert not any(secret.encode() in content for secret in secrets), path
    dockerfile = (out / "Dockerfile").read_text()
    assert 'CMD ["scoreminer", "serve"]' in dockerfile and "EXPOSE 8000" in dockerfile
    env = written["env"]
    assert env["PROTOCOL"] == "turbovision-private" and env["PORT"] == "8000" and env["FRAME_STRIDE"] == "5"
    assert "WALLET_NAME" not in env and "HF_TOKEN" not in env and env["WALLET_PATH"] == "/wallets"
    assert "**/.env" in (out / ".dockerignore").read_text()


def test_the_context_builds_a_wheel_with_the_entry_point(miner_home, tmp_path):
    out = tmp_path / "ctx"
    assert CliRunner().invoke(app, ["--env-file", str(miner_home["env"]), "docker", "--out", str(out)]).exit_code == 0
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "w"),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = zipfile.ZipFile(next((tmp_path / "w").glob("scoreminer-*.whl")))
    entry = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "scoreminer = scoreminer.cli:main" in wheel.read(entry).decode()


def test_an_occupied_folder_is_refused_and_a_previous_context_replaced(miner_home, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    refused = CliRunner().invoke(app, ["--env-file", str(miner_home["env"]), "docker", "--out", str(busy)])
    assert refused.exit_code == 1 and "is not empty" in refused.output
    again = tmp_path / "again"
    for _ in range(2):
        assert (
            CliRunner().invoke(app, ["--env-file", str(miner_home["env"]), "docker", "--out", str(again)]).exit_code
            == 0
        )
    assert Path(again / "Dockerfile").is_file()
