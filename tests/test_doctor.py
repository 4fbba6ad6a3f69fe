"""Each doctor check in a passing and a failing state, built from real files, sockets and processes."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import pytest

from chain_stub import ChainStub
from conftest import write_env
from scoreminer.doctor import config_checks, files, host, pm2_checks, python_env
from scoreminer.doctor.chain_checks import check_chain
from scoreminer.doctor.runner import run_doctor
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.settings import find_env_file, load_settings

VENV_BIN = Path(sys.executable).parent


def settings_with(tmp_path: Path, **values):
    return load_settings(write_env(tmp_path / "doctor.env", {"NETUID": 44, **values}))


def test_interpreter_ok_in_this_venv_and_warns_when_bare_python_resolves_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{VENV_BIN}:/usr/bin:/bin")
    assert python_env.check_interpreter().status == "ok"
    other = tmp_path / "otherbin"
    other.mkdir()
    (other / "python").write_text("#!/bin/sh\n")
    (other / "python").chmod(0o755)
    monkeypatch.setenv("PATH", f"{other}:{VENV_BIN}")
    check = python_env.check_interpreter()
    assert check.status == "warn" and str(other / "python") in check.found
    assert sys.executable in check.fix


def test_interpreter_outside_a_venv_is_flagged(monkeypatch):
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    assert python_env.check_interpreter().status == "warn"


def test_packages_ok_and_missing(monkeypatch):
    assert python_env.check_packages().status == "ok"
    monkeypatch.setattr(python_env, "REQUIRED", [("numpy", "numpy"), ("nosuchdist", "nosuchmodule_xyz")])
    check = python_env.check_packages()
    assert check.status == "fail" and "nosuchdist" in check.found


def test_env_file_check_ok_and_warn(tmp_path):
    env = write_env(tmp_path / "with" / ".env", {"NETUID": 44})
    assert config_checks.check_env_file(find_env_file(cwd=env.parent), env.parent).status == "ok"
    bare = tmp_path / "bare"
    bare.mkdir()
    check = config_checks.check_env_file(find_env_file(cwd=bare), bare)
    assert check.status == "warn" and str(bare / ".env") in check.found
    assert env.exists()


def test_required_settings_ok_and_missing_netuid(tmp_path):
    assert config_checks.check_required(settings_with(tmp_path)).status == "ok"
    check = config_checks.check_required(load_settings(use_env_file=False))
    assert check.status == "fail" and "NETUID" in check.found


def test_hotkey_ok_missing_and_mismatched(tmp_path, wallet):
    assert files.check_hotkey(settings_with(tmp_path, **wallet["env"])).status == "ok"
    missing = files.check_hotkey(settings_with(tmp_path, **{**wallet["env"], "HOTKEY_NAME": "nope"}))
    assert missing.status == "fail" and "btcli" in missing.fix
    data = json.loads(wallet["path"].read_text())
    data["ss58Address"] = new_keypair().ss58_address
    wallet["path"].write_text(json.dumps(data))
    mismatch = files.check_hotkey(settings_with(tmp_path, **wallet["env"]))
    assert mismatch.status == "fail" and "secretSeed gives" in mismatch.found


def test_models_ok_and_missing(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    s = settings_with(tmp_path, MODELS_DIR=models)
    check = files.check_models(s)
    assert check.status == "fail" and "football-player-detection.pt" in check.found
    for name in ("football-player-detection.pt", "football-pitch-detection.pt"):
        (models / name).write_bytes(b"x" * 1000)
    assert files.check_models(s).status == "ok"


def test_device_cpu_ok_and_unavailable_cuda_fails(tmp_path):
    import torch

    assert host.check_device(settings_with(tmp_path, DEVICE="cpu")).status == "ok"
    cuda = host.check_device(settings_with(tmp_path, DEVICE="cuda:7"))
    assert cuda.status == "fail"
    if not torch.cuda.is_available():
        assert "DEVICE=cpu" in cuda.fix


def test_port_free_and_busy(tmp_path, free_port):
    s = settings_with(tmp_path, HOST="127.0.0.1", PORT=free_port)
    assert host.check_port(s).status == "ok"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port))
        sock.listen()
        busy = host.check_port(s)
    assert busy.status == "fail" and str(free_port) in busy.found and "PORT" in busy.fix
    assert f"pid {os.getpid()}" in busy.found  # the holder is named


def test_disk_ok_and_full(monkeypatch):
    assert host.check_disk().status in ("ok", "warn")
    monkeypatch.setattr(host, "MIN_FREE_BYTES", 2**62)
    assert host.check_disk().status == "fail"


def test_chain_reachable_and_unreachable(tmp_path, free_port):
    with ChainStub(block=123) as stub:
        check = check_chain(settings_with(tmp_path, SUBTENSOR_ADDRESS=stub.url))[0]
    assert check.status == "ok" and "block 123" in check.found
    down = check_chain(settings_with(tmp_path, SUBTENSOR_ADDRESS=f"ws://127.0.0.1:{free_port}"))[0]
    assert down.status == "fail" and f"127.0.0.1:{free_port}" in down.found and "SUBTENSOR_ADDRESS" in down.fix


def fake_pm2(tmp_path: Path, monkeypatch, processes: list[dict]) -> None:
    bindir = tmp_path / "pm2bin"
    bindir.mkdir()
    (bindir / "jlist.json").write_text(json.dumps(processes))
    script = bindir / "pm2"
    script.write_text(f"#!/bin/sh\ncat {bindir / 'jlist.json'}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")


def fake_daemon(tmp_path: Path, monkeypatch, pid: int) -> Path:
    """A PM2_HOME whose pid file names `pid` (a live process reads as a running daemon)."""
    home = tmp_path / "pm2home"
    home.mkdir(exist_ok=True)
    (home / "pm2.pid").write_text(str(pid))
    monkeypatch.setenv("PM2_HOME", str(home))
    return home


def test_pm2_installed_but_not_running_is_skipped_without_calling_pm2(tmp_path, monkeypatch):
    fake_pm2(tmp_path, monkeypatch, [])
    marker = tmp_path / "pm2-was-called"
    (tmp_path / "pm2bin" / "pm2").write_text(f"#!/bin/sh\ntouch {marker}\necho '[]'\n")
    for pid in (None, 2**22 + 1):  # no pid file; a pid above Linux's pid_max: no such process
        home = fake_daemon(tmp_path, monkeypatch, pid or 0)
        if pid is None:
            (home / "pm2.pid").unlink()
        [check] = pm2_checks.check_pm2()
        assert check.status == "skip" and "PM2 not running" in check.found
    assert not marker.exists()  # any pm2 command would have spawned the daemon


def jlist_entry(name: str, cwd: Path, interpreter: str, script: str, args: list[str]) -> dict:
    return {
        "name": name,
        "pm_id": 0,
        "pm2_env": {
            "status": "online",
            "pm_cwd": str(cwd),
            "exec_interpreter": interpreter,
            "pm_exec_path": script,
            "args": args,
        },
    }


def test_pm2_absent_is_skipped(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert pm2_checks.check_pm2()[0].status == "skip"


def test_pm2_good_process_passes_and_bare_python_wrong_cwd_fails(tmp_path, monkeypatch):
    env = write_env(tmp_path / "miner" / ".env", {"NETUID": 44})
    good = jlist_entry(
        "sn44", env.parent, sys.executable, str(VENV_BIN / "scoreminer"), ["serve", "--env-file", str(env)]
    )
    bad = jlist_entry("sn44-old", Path("/Users/someone/miner"), "python", "scoreminer", ["serve"])
    other = jlist_entry("web", tmp_path, "node", "/srv/app.js", [])
    fake_pm2(tmp_path, monkeypatch, [good, bad, other])
    fake_daemon(tmp_path, monkeypatch, os.getpid())

    checks = {c.name: c for c in pm2_checks.check_pm2()}

    assert set(checks) == {"pm2 sn44", "pm2 sn44-old"}
    assert checks["pm2 sn44"].status == "ok"
    assert checks["pm2 sn44-old"].status == "fail"
    found = checks["pm2 sn44-old"].found
    assert "bare `python`" in found and "/Users/someone/miner does not exist" in found
    assert sys.executable in checks["pm2 sn44-old"].fix


def test_run_doctor_shows_every_failure_and_skips_only_what_reads_a_broken_value(tmp_path, wallet, free_port):
    env = write_env(
        tmp_path / ".env",
        {
            "NETUID": "abc",
            "DEVICE": "tpu",
            "PORT": free_port,
            "HOST": "127.0.0.1",
            "MODELS_DIR": "nowhere",
            **wallet["env"],
        },
    )
    report = run_doctor(env, offline=True)
    checks = {c.name: c for c in report.checks}
    assert checks["settings"].status == "fail"
    assert "NETUID='abc'" in checks["settings"].found and "DEVICE='tpu'" in checks["settings"].found
    assert checks["hotkey"].status == "ok"  # not hidden behind the broken NETUID
    assert checks["models"].status == "fail" and "nowhere" in checks["models"].found
    assert checks["port"].status == "ok" and str(free_port) in checks["port"].found
    assert checks["device"].status == "skip" and "DEVICE is invalid" in checks["device"].found
    assert checks["disk"].status == "ok"


def test_run_doctor_with_a_missing_env_file_still_runs_the_other_checks(tmp_path):
    report = run_doctor(tmp_path / "missing.env", offline=True)
    checks = {c.name: c for c in report.checks}
    assert report.failed[0].name == "env file"
    assert {"settings", "hotkey", "models", "device", "port", "disk"} <= set(checks)


@pytest.mark.parametrize("offline", [True])
def test_run_doctor_lists_settings_when_asked(tmp_path, wallet, offline):
    env = write_env(tmp_path / ".env", {"NETUID": 44, **wallet["env"]})
    report = run_doctor(env, offline=offline, show_settings=True)
    names = [c.name for c in report.checks]
    assert names[:3] == ["interpreter", "packages", "env file"]
    assert {"settings", "hotkey", "models", "device", "port", "disk", "chain"} <= set(names)
    assert {"key": "NETUID", "value": "44", "source": str(env)} in report.settings


def test_check_env_demo_passes_with_no_chain_and_says_why_it_skipped_it(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from scoreminer.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SUBTENSOR_ADDRESS", "ws://127.0.0.1:9")  # nothing listens there
    result = CliRunner().invoke(app, ["check-env", "--demo", "--json"])
    assert result.exit_code == 0, result.output
    chain = next(c for c in json.loads(result.output)["checks"] if c["name"] == "chain")
    assert chain["status"] == "skip" and "demo uses no chain" in chain["found"]


def test_offline_chain_row_names_offline_even_when_netuid_is_broken(tmp_path):
    report = run_doctor(write_env(tmp_path / ".env", {"NETUID": "abc"}), offline=True, cwd=tmp_path)
    chain = next(c for c in report.checks if c.name == "chain")
    assert chain.status == "skip" and chain.found == "--offline"


def test_missing_weights_say_where_the_reference_weights_come_from(tmp_path):
    check = files.check_models(settings_with(tmp_path, MODELS_DIR=tmp_path / "empty"))
    assert check.status == "fail" and "roboflow/sports" in check.fix and "--demo" in check.fix


def test_the_packages_check_names_a_missing_torch_instead_of_crashing():
    import subprocess

    script = (
        "import sys; sys.modules['torch'] = None\n"  # as if torch were not installed
        "from scoreminer.doctor.python_env import check_packages\n"
        "check = check_packages(); print(check.status); print(check.found)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    status, found = done.stdout.splitlines()[:2]
    assert status == "fail" and "torch (" in found
