"""Real PM2 (from npm): the generated ecosystem file starts the miner from any cwd, doctor reads it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from process_harness import env_value
from server_harness import miner_env

pytestmark = pytest.mark.slow
VENV_BIN = Path(sys.executable).parent


def run(args, env, cwd, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def wait_available(url: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            return httpx.get(url, timeout=2).json()
        except (httpx.HTTPError, ValueError):
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


def test_pm2_starts_the_miner_from_an_unrelated_cwd_and_doctor_checks_it(pm2, tmp_path, tiny_models, wallet):
    env_file = miner_env(
        tmp_path,
        tiny_models,
        wallet,
        REFRESH_NODES="false",
        LOAD_OLD_NODES="false",
        ALLOWED_VALIDATOR_HOTKEYS=wallet["keypair"].ss58_address,
    )
    port = env_value(env_file, "PORT")
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)

    written = run(
        [str(VENV_BIN / "scoreminer"), "--env-file", str(env_file), "pm2", "--name", "sm-test"], pm2, elsewhere
    )
    assert written.returncode == 0, written.stderr
    ecosystem = env_file.parent / "ecosystem.config.js"
    assert f"pm2 start {ecosystem}" in written.stdout

    started = run(["pm2", "start", str(ecosystem)], pm2, elsewhere)
    assert started.returncode == 0, started.stderr
    assert wait_available(f"http://127.0.0.1:{port}/availability") == {"available": True}

    logs = env_file.parent / "logs"
    out_log, err_log = (logs / "sm-test.out.log").read_text(), (logs / "sm-test.err.log").read_text()
    assert "INFO" in out_log and "models ready" in out_log and "WARNING" not in out_log
    assert "INFO" not in err_log  # the error log holds warnings and errors only

    by_hand = run([str(VENV_BIN / "scoreminer"), "serve", "--env-file", str(env_file)], pm2, elsewhere, timeout=60)
    assert by_hand.returncode == 3
    refusal = by_hand.stderr.strip().splitlines()[-1]
    assert f":{port} is held by a running scoreminer (pid " in refusal and "pm2 stop" in refusal
    assert "loading and warming" not in by_hand.stdout + by_hand.stderr  # refused before any model was loaded

    processes = {p["name"]: p["pm2_env"] for p in json.loads(run(["pm2", "jlist"], pm2, elsewhere).stdout)}
    assert Path(processes["sm-test"]["exec_interpreter"]).parent == VENV_BIN
    assert processes["sm-test"]["pm_cwd"] == str(env_file.parent)

    bad = tmp_path / "bad.config.js"
    bad.write_text(
        "module.exports = "
        + json.dumps(
            {
                "apps": [
                    {
                        "name": "sm-bad",
                        "script": str(VENV_BIN / "scoreminer"),
                        "interpreter": "python",
                        "args": ["serve"],
                        "cwd": str(elsewhere),
                        "autorestart": False,
                    }
                ]
            }
        )
    )
    assert run(["pm2", "start", str(bad)], pm2, elsewhere).returncode == 0

    doctor = run(
        [str(VENV_BIN / "scoreminer"), "--env-file", str(env_file), "check-env", "--offline", "--json"], pm2, elsewhere
    )
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["pm2 sm-test"]["status"] == "ok", checks["pm2 sm-test"]
    assert checks["port"]["status"] == "ok" and "running scoreminer" in checks["port"]["found"]
    assert checks["pm2 sm-bad"]["status"] == "fail"
    assert "bare `python`" in checks["pm2 sm-bad"]["found"] and "no .env found" in checks["pm2 sm-bad"]["found"]
    assert str(VENV_BIN) in checks["pm2 sm-bad"]["fix"]

    assert run(["pm2", "delete", "all"], pm2, elsewhere).returncode == 0


def test_ecosystem_file_has_absolute_venv_paths_and_restart_policy(tmp_path):
    from scoreminer.server.ecosystem import ecosystem

    env = tmp_path / "miner" / ".env"
    env.parent.mkdir()
    env.write_text("NETUID=44\n")
    eco = ecosystem(env)
    app = json.loads(eco.text.split("module.exports = ", 1)[1].rstrip(";\n"))["apps"][0]
    assert Path(app["interpreter"]).parent == VENV_BIN and Path(app["script"]) == VENV_BIN / "scoreminer"
    assert app["args"] == ["--env-file", str(env), "serve"] and app["cwd"] == str(env.parent)
    assert app["autorestart"] is True and app["max_restarts"] > 0


def test_ecosystem_refused_outside_a_venv_or_without_env(tmp_path, monkeypatch):
    from scoreminer.errors import ConfigError
    from scoreminer.server.ecosystem import ecosystem

    with pytest.raises(ConfigError, match="no .env"):
        ecosystem(None)
    env = tmp_path / ".env"
    env.write_text("NETUID=44\n")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    with pytest.raises(ConfigError, match="not a virtualenv"):
        ecosystem(env)


def test_doctor_does_not_start_a_pm2_daemon(pm2, tmp_path):
    home = tmp_path / "fresh-pm2-home"
    env = {**pm2, "PM2_HOME": str(home)}
    doctor = run([str(VENV_BIN / "scoreminer"), "check-env", "--offline", "--json"], env, tmp_path)
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["pm2"]["status"] == "skip" and "PM2 not running" in checks["pm2"]["found"]
    assert not (home / "pm2.pid").exists()
    daemons = [p for p in psutil.process_iter(["cmdline"]) if str(home) in " ".join(p.info["cmdline"] or [])]
    assert daemons == []
