"""What the README promises about settings, exit codes and commands, driven through the real console script."""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import write_env
from process_harness import SCRIPT, script_env
from synthetic_video import write_synthetic_clip


def scoreminer(*args: str, cwd: Path, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**script_env(), **(env or {})},
    )


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_synthetic_clip(tmp_path / "clip.mp4", frames=15, width=320, height=192).path


@pytest.fixture
def models_env(tmp_path: Path, tiny_models: Path) -> Path:
    return write_env(tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160})


# -- 1. a flag not given is not said: --set reaches every command ------------------------------------------------


@pytest.mark.slow
def test_set_frame_stride_reaches_process_video_and_a_given_flag_still_wins(tmp_path, clip, models_env):
    via_set = scoreminer("--set", "FRAME_STRIDE=3", "process-video", str(clip), "--json", "--no-score", cwd=tmp_path)
    assert via_set.returncode == 0, via_set.stderr
    assert json.loads(via_set.stdout)["processed_frames"] == math.ceil(15 / 3)

    flag_wins = scoreminer(
        "process-video", str(clip), "--set", "FRAME_STRIDE=3", "--stride", "2", "--json", "--no-score", cwd=tmp_path
    )
    assert flag_wins.returncode == 0, flag_wins.stderr
    assert json.loads(flag_wins.stdout)["processed_frames"] == math.ceil(15 / 2)


def test_set_batch_size_zero_is_validated_not_dropped(tmp_path, clip, models_env):
    result = scoreminer("--set", "BATCH_SIZE=0", "process-video", str(clip), cwd=tmp_path)
    assert result.returncode == 1
    assert "BATCH_SIZE='0' from --set is invalid" in result.stderr and "Traceback" not in result.stderr


def test_set_subtensor_address_and_netuid_reach_sync_metagraph(tmp_path):
    from chain_stub import ChainStub
    from scoreminer.network.auth.hotkey import new_keypair
    from test_metagraph import neuron, neurons_handler

    people = [new_keypair().ss58_address for _ in range(2)]
    with ChainStub({"state_call": neurons_handler({7: [neuron(0, people[0], people[1])]})}, block=91) as stub:
        result = scoreminer(
            "sync-metagraph", "--json", "--set", f"SUBTENSOR_ADDRESS={stub.url}", "--set", "NETUID=7", cwd=tmp_path
        )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["netuid"], data["block"], data["address"]) == (7, 91, stub.url)


# -- 2. misspelled keys are never silent --------------------------------------------------------------------------


def test_unknown_env_key_is_a_doctor_warning_with_the_closest_setting(tmp_path):
    write_env(
        tmp_path / ".env",
        {"NETUID": 44, "FRAME_STRDE": 2, "BT_AXON_PORT": 1, "CUDA_VISIBLE_DEVICES": 0, "YOLO_VERBOSE": "false"},
    )
    result = scoreminer("check-env", "--offline", "--json", cwd=tmp_path)
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["env keys"]["status"] == "warn"
    assert "FRAME_STRDE (did you mean FRAME_STRIDE?)" in checks["env keys"]["found"]
    assert not any(key in checks["env keys"]["found"] for key in ("BT_AXON_PORT", "CUDA_VISIBLE", "YOLO_VERBOSE"))


@pytest.mark.parametrize("place", ["before", "after"])
def test_unknown_set_key_is_a_usage_error(tmp_path, place):
    args = ["--set", "FRAME_STRDE=2", "check-env"] if place == "before" else ["check-env", "--set", "FRAME_STRDE=2"]
    result = scoreminer(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "FRAME_STRDE is not a setting" in result.stderr and "did you mean FRAME_STRIDE?" in result.stderr


# -- 4. the doctor shows every failure at once ------------------------------------------------------------------


def test_doctor_with_a_broken_netuid_still_checks_hotkey_models_and_port(tmp_path, free_port):
    write_env(tmp_path / ".env", {"NETUID": "abc", "PORT": free_port, "HOST": "127.0.0.1"})
    result = scoreminer("doctor", "--offline", "--json", cwd=tmp_path)
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["settings"]["status"] == "fail" and "NETUID='abc'" in checks["settings"]["found"]
    assert checks["hotkey"]["status"] == "fail" and "no hotkey file" in checks["hotkey"]["found"]
    assert checks["models"]["status"] == "fail"
    assert checks["port"]["status"] == "ok" and str(free_port) in checks["port"]["found"]


# -- 5 and 6. start-up refusals exit 3 before any model is loaded; the exit code table ---------------------------


def test_serve_on_a_held_port_is_refused_naming_the_holder_before_loading(tmp_path, free_port, tiny_models, wallet):
    env = write_env(
        tmp_path / ".env",
        {
            "NETUID": 44,
            "HOST": "127.0.0.1",
            "PORT": free_port,
            "MODELS_DIR": tiny_models,
            "DEVICE": "cpu",
            **wallet["env"],
        },
    )
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", free_port))
        holder.listen()
        result = scoreminer("--env-file", str(env), "serve", cwd=tmp_path, timeout=60)
    assert result.returncode == 3
    assert f"127.0.0.1:{free_port} is in use by pid {os.getpid()}" in result.stderr
    assert "loading and warming" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "env", "code"),
    [
        (["serve"], {"PORT": "abc"}, 3),
        (["--env-file", "missing.env", "serve"], {}, 2),
        (["serve", "--env-file", "missing.env"], {}, 2),
        (["--env-file", "missing.env", "pm2"], {}, 2),
        (["--env-file", "/nope/.env", "check-env"], {}, 2),
        (["--env-file", "/nope/.env", "hotkey", "new", "k"], {}, 2),
        (["--set", "NOEQUALS", "check-env"], {}, 2),
        (["check-env", "--no-such-option"], {}, 2),
        (["--version"], {}, 0),
    ],
)
def test_exit_codes_follow_the_table(tmp_path, args, env, code):
    result = scoreminer(*args, cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    if code == 3:
        assert result.stderr.strip().splitlines()[-1].startswith("error: cannot start:")


def test_a_missing_env_file_is_exit_2_even_for_commands_that_read_no_setting(tmp_path):
    answer = tmp_path / "a.json"
    answer.write_text('{"actions": [{"frame": 1, "action": "pass"}]}')
    result = scoreminer("--env-file", "/nope/.env", "score", str(answer), "--actions", str(answer), cwd=tmp_path)
    assert result.returncode == 2 and "/nope/.env" in result.stderr and "Traceback" not in result.stderr


def test_version_and_switches_without_a_type_in_help(tmp_path):
    assert scoreminer("--version", cwd=tmp_path).stdout.startswith("scoreminer ")
    helps = scoreminer("process-video", "--help", cwd=tmp_path).stdout
    assert "--json" in helps and "--half / --no-half" in helps and "<bool>" not in helps


# -- 8. chain waits are visible and bounded --------------------------------------------------------------------


class SilentNode:
    """Accepts TCP connections and never says a word (a hung node behind a load balancer)."""

    def __enter__(self) -> str:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()
        return f"ws://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def test_sync_metagraph_against_a_silent_node_falls_back_to_the_snapshot_within_the_timeout(tmp_path):
    from scoreminer.network.chain.nodes import MetagraphSnapshot
    from scoreminer.network.chain.snapshot import save_snapshot

    save_snapshot(tmp_path / "nodes.json", MetagraphSnapshot(netuid=44, block=5, address="ws://old", nodes=[]))
    with SilentNode() as url:
        write_env(tmp_path / ".env", {"NETUID": 44, "SUBTENSOR_ADDRESS": url, "CHAIN_TIMEOUT_S": 2})
        started = time.monotonic()
        result = scoreminer("sync-metagraph", "--json", cwd=tmp_path, timeout=60)
        took = time.monotonic() - started
    assert took < 15  # bounded by CHAIN_TIMEOUT_S, not the 30 s it used to take
    assert result.returncode == 1
    assert f"connecting to {url}" in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "saved snapshot" in warnings[0]
    data = json.loads(result.stdout)
    assert data["stale"] is True and data["block"] == 5


def test_serve_start_against_a_silent_node_logs_the_wait_and_goes_on(tmp_path, wallet, caplog):
    import logging

    from scoreminer.server.startup import start_metagraph
    from scoreminer.settings import load_settings

    with SilentNode() as url:
        env = write_env(
            tmp_path / ".env",
            {
                "NETUID": 44,
                "SUBTENSOR_ADDRESS": url,
                "CHAIN_TIMEOUT_S": 1,
                "LOAD_OLD_NODES": "false",
                "REFRESH_NODES": "true",
                "ALLOWED_VALIDATOR_HOTKEYS": wallet["keypair"].ss58_address,
            },
        )
        caplog.set_level(logging.INFO)
        started = time.monotonic()
        graph = start_metagraph(load_settings(env))
        took = time.monotonic() - started
        graph.stop()
    assert took < 8
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"connecting to {url}") for m in messages)
    assert [r.levelname for r in caplog.records if "no snapshot and no chain" in r.getMessage()] == ["WARNING"]


# -- 10. bench: the sizes in force, its temp folder always removed, a plain table off a terminal -----------------


def bench_leftovers(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("scoreminer-bench-*"))


@pytest.mark.slow
def test_bench_honours_pitch_size_from_the_env_and_prints_a_whole_plain_table(tmp_path, clip, tiny_models):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    write_env(
        tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "PLAYER_IMG_SIZE": 128, "PITCH_IMG_SIZE": 96}
    )
    result = scoreminer(
        "bench",
        str(clip),
        "--stride",
        "1",
        "--batch",
        "4",
        "--repeats",
        "1",
        "--frames",
        "6",
        cwd=tmp_path,
        env={"TMPDIR": str(scratch)},
    )
    assert result.returncode == 0, result.stderr
    table = [line for line in result.stdout.splitlines() if line.startswith(("ref ", "s1 b4"))]
    assert [line.split()[:3] for line in table] == [["ref", "128/96", "fp32"], ["s1", "b4", "128/96"]]
    assert "…" not in result.stdout and all(len(line.split()) >= 15 for line in table)
    assert bench_leftovers(scratch) == []


def test_bench_removes_its_temp_folder_when_it_fails(tmp_path, clip):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = scoreminer(
        "bench", str(clip), "--frames", "5", "--standin", "nonsense", cwd=tmp_path, env={"TMPDIR": str(scratch)}
    )
    assert result.returncode == 1 and "--standin 'nonsense'" in result.stderr
    assert bench_leftovers(scratch) == []


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_bench_removes_its_temp_folder_when_interrupted(tmp_path, clip, tiny_models, sig):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    write_env(tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160})
    log = tmp_path / "bench.err"
    with open(log, "w") as err:
        # 13 rows of 3 runs: several seconds left after the first row is printed
        bench = subprocess.Popen(
            [
                str(SCRIPT),
                "bench",
                str(clip),
                "--frames",
                "12",
                "--stride",
                "1,2,3",
                "--batch",
                "1,2,4,8",
                "--repeats",
                "3",
            ],
            cwd=tmp_path,
            env={**script_env(), "TMPDIR": str(scratch)},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    deadline = time.time() + 120
    while "ref 160/160" not in log.read_text() and bench.poll() is None and time.time() < deadline:
        time.sleep(0.2)  # the reference row is done: the bench is inside its measured rows
    assert bench.poll() is None and bench_leftovers(scratch), log.read_text()
    bench.send_signal(sig)
    bench.wait(timeout=60)
    assert bench.returncode != 0
    assert bench_leftovers(scratch) == []


# -- 13. --demo runs the shipped weights at the demo presets ------------------------------------------------------


@pytest.mark.slow
def test_process_video_demo_uses_the_shipped_weights_and_shows_the_preset_as_source(tmp_path, clip):
    result = scoreminer("process-video", str(clip), "--demo", "--json", "--no-score", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["frames"] == 15
    shown = scoreminer("check-env", "--demo", "--offline", "--json", "--show-settings", cwd=tmp_path)
    rows = {row["key"]: row for row in json.loads(shown.stdout)["settings"]}
    assert rows["PITCH_IMG_SIZE"] == {"key": "PITCH_IMG_SIZE", "value": "480", "source": "preset demo"}
    assert rows["PLAYER_MODEL"]["value"] == "demo-player.pt"


# -- 15. a hotkey without btcli, the demo under PM2, a README that stays inside the repo ----------------------------


def test_hotkey_new_writes_the_btcli_layout_and_never_overwrites(tmp_path):
    from scoreminer.network.auth.hotkey import load_hotkey

    args = ["--set", f"WALLET_PATH={tmp_path / 'wallets'}", "hotkey", "new", "hot", "--wallet", "miner", "--json"]
    made = scoreminer(*args, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    path = tmp_path / "wallets" / "miner" / "hotkeys" / "hot"
    assert created["path"] == str(path) and path.stat().st_mode & 0o777 == 0o600
    assert load_hotkey(path).ss58_address == created["ss58_address"]
    assert (
        json.loads(path.read_text())["secretPhrase"] == created["mnemonic"] and len(created["mnemonic"].split()) == 12
    )
    again = scoreminer(*args, cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert load_hotkey(path).ss58_address == created["ss58_address"]


def test_pm2_demo_writes_an_ecosystem_for_serve_demo(tmp_path):
    result = scoreminer("pm2", "--demo", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})  # no pm2 on this PATH
    assert result.returncode == 0, result.stderr
    assert "pm2 save" not in result.stdout and "pm2 is not on PATH" in result.stderr
    text = (tmp_path / "demo" / "ecosystem.config.js").read_text()
    app = json.loads(text.split("module.exports = ", 1)[1].rstrip(";\n"))["apps"][0]
    assert app["args"] == ["serve", "--demo"] and app["cwd"] == str(tmp_path) and app["name"] == "scoreminer-demo"


README = Path(__file__).parents[1] / "README.md"


def test_readme_links_stay_in_the_repo_and_it_states_precedence_exit_codes_and_the_new_commands():
    import re

    text = README.read_text()
    targets = re.findall(r"\]\(([^)]+)\)", text)
    assert targets and not [t for t in targets if t.startswith("../") or "shared/" in t]
    for target in (t for t in targets if not t.startswith(("http", "#"))):
        assert (README.parent / target.split("#")[0]).exists(), target
    assert "../shared" not in text
    assert "flag > `--set` > environment > `.env` > preset > default" in text
    for row in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert row in text
    for command in ("scoreminer hotkey new", "scoreminer pm2 --demo", "process-video clip.mp4 --demo", "bench --demo"):
        assert command in text


@pytest.mark.slow
def test_bench_demo_measures_the_shipped_weights_at_their_sizes(tmp_path):
    result = scoreminer(
        "bench",
        "--demo",
        "--synthetic",
        "--frames",
        "8",
        "--stride",
        "1",
        "--batch",
        "8",
        "--repeats",
        "1",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [r["label"] for r in rows] == ["ref 1280/480 fp32", "s1 b8 1280/480 fp32"]
    assert all(r["frames"] == 8 for r in rows)


def test_the_readme_states_the_venv_size_a_fresh_install_has():
    import re
    import sys

    venv = README.parent / ".venv"
    if Path(sys.prefix).resolve() != venv.resolve():
        pytest.skip("not running from the repository's own .venv")
    stated = float(re.search(r"([\d.]+) GB for the whole `.venv`", README.read_text()).group(1))
    done = subprocess.run(["du", "-sk", str(venv)], capture_output=True, text=True, check=True)
    measured = int(done.stdout.split()[0]) * 1024 / 1e9 / 1.073741824  # du's KiB → GiB, as `du -sh` prints
    assert abs(measured - stated) <= 0.3, f"README says {stated} GB, du measures {measured:.1f}"
