"""The console script as operators run it: from any cwd, with or without a .env."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import write_env
from process_harness import script_env
from scoreminer.cli import app

SCRIPT = str(Path(sys.executable).parent / "scoreminer")
runner = CliRunner()


def run_script(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SCRIPT, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env={**script_env(), **(env or {})}
    )


def test_script_from_unrelated_cwd_finds_settings_through_env_file(tmp_path, wallet):
    env = write_env(tmp_path / "miner" / ".env", {"NETUID": 261, "MODELS_DIR": "weights", **wallet["env"]})
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)

    result = run_script("--env-file", str(env), "check-env", "--offline", "--json", "--show-settings", cwd=elsewhere)

    report = json.loads(result.stdout)
    settings = {row["key"]: row for row in report["settings"]}
    assert report["env_file"] == {"path": str(env), "how": "--env-file", "searched": [str(env)]}
    assert settings["NETUID"] == {"key": "NETUID", "value": "261", "source": str(env)}
    assert settings["MODELS_DIR"]["value"] == str(env.parent / "weights")
    hotkey = next(c for c in report["checks"] if c["name"] == "hotkey")
    assert hotkey["status"] == "ok" and wallet["keypair"].ss58_address in hotkey["found"]


def test_no_env_file_json_names_missing_netuid_and_places_searched(tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()

    result = run_script("check-env", "--json", "--offline", cwd=bare)

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["env_file"]["path"] is None
    assert str(bare / ".env") in report["env_file"]["searched"]
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["settings"]["status"] == "fail" and "NETUID" in checks["settings"]["found"]
    assert checks["env file"]["status"] == "warn" and str(bare / ".env") in checks["env file"]["found"]


def test_doctor_alias_and_set_override(tmp_path):
    env = write_env(tmp_path / ".env", {"NETUID": 44, "PORT": 1234})
    result = runner.invoke(
        app, ["--env-file", str(env), "--set", "PORT=4321", "doctor", "--offline", "--json", "--show-settings"]
    )
    settings = {row["key"]: row for row in json.loads(result.stdout)["settings"]}
    assert settings["PORT"] == {"key": "PORT", "value": "4321", "source": "--set"}


def test_help_works_with_a_broken_env_in_cwd(tmp_path, monkeypatch):
    write_env(tmp_path / "cwd" / ".env", {"BATCH_SIZE": "abc"})
    result = runner.invoke(app, ["check-env", "--help"])
    assert result.exit_code == 0 and "--offline" in result.stdout


def test_bad_set_is_one_red_line_not_a_traceback(tmp_path):
    result = run_script("--set", "NOEQUALS", "check-env", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "KEY=VALUE" in result.stderr
