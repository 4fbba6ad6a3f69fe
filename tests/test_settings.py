"""The settings layer: precedence, .env discovery, validation messages, derived values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import write_env
from scoreminer.errors import ConfigError
from scoreminer.settings import Preset, load_settings

SRC = Path(__file__).parents[1] / "src" / "scoreminer"


def test_precedence_flag_over_set_over_environment_over_file_over_preset_over_default(tmp_path, monkeypatch):
    env = write_env(tmp_path / "cfg" / ".env", {"PORT": 1111, "BATCH_SIZE": 4})
    monkeypatch.setenv("PORT", "2222")
    preset = Preset("demo", {"port": 5555, "batch_size": 2, "frame_stride": 3})

    s = load_settings(env, {"port": 3333}, flags={"port": 4444}, preset=preset)
    assert (s.port, s.source("port")) == (4444, "flag")
    s = load_settings(env, {"port": 3333}, flags={"port": None}, preset=preset)  # a flag not given is not said
    assert (s.port, s.source("port")) == (3333, "--set")
    assert (s.batch_size, s.source("batch_size")) == (4, str(env))  # the .env beats the preset
    assert (s.frame_stride, s.source("frame_stride")) == (3, "preset demo")
    s = load_settings(env)
    assert (s.port, s.source("port")) == (2222, "environment")
    assert (s.batch_size, s.source("batch_size")) == (4, str(env))
    monkeypatch.delenv("PORT")
    s = load_settings(env)
    assert (s.port, s.source("port")) == (1111, str(env))
    s = load_settings(use_env_file=False)
    assert (s.port, s.source("port")) == (7999, "default")


def test_discovery_walks_up_from_a_nested_cwd(tmp_path):
    env = write_env(tmp_path / "miner" / ".env", {"NETUID": 44})
    nested = tmp_path / "miner" / "a" / "b"
    nested.mkdir(parents=True)

    s = load_settings(cwd=nested)

    assert s.netuid == 44
    assert s.env_lookup.path == env
    assert s.env_lookup.how == "found in a parent directory"
    assert s.env_lookup.searched[0] == nested / ".env"


def test_discovery_prefers_cwd_and_reports_places_searched_when_none(tmp_path):
    write_env(tmp_path / "here" / ".env", {"NETUID": 1})
    assert load_settings(cwd=tmp_path / "here").env_lookup.how == "found in the working directory"
    empty = tmp_path / "empty"
    empty.mkdir()
    lookup = load_settings(cwd=empty).env_lookup
    assert lookup.path is None
    assert empty / ".env" in lookup.searched and Path("/.env") in lookup.searched
    assert "none found; looked in" in lookup.describe()


def test_env_file_variable_is_used(tmp_path, monkeypatch):
    env = write_env(tmp_path / "elsewhere.env", {"NETUID": 261})
    monkeypatch.setenv("SCOREMINER_ENV_FILE", str(env))
    s = load_settings()
    assert (s.netuid, s.env_lookup.how) == (261, "SCOREMINER_ENV_FILE")


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_explicit_missing_env_file_is_an_error(tmp_path, monkeypatch, how):
    missing = tmp_path / "nope" / ".env"
    if how == "variable":
        monkeypatch.setenv("SCOREMINER_ENV_FILE", str(missing))
    with pytest.raises(ConfigError, match="does not exist") as info:
        load_settings(missing if how == "flag" else None)
    assert str(missing) in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("BATCH_SIZE", "abc", "1 to 1024"),
        ("PORT", "70000", "1 to 65535"),
        ("DEVICE", "tpu", "auto, cpu, cuda, cuda:N, mps"),
        ("FRAME_STRIDE", "0", "1 to 10"),
        ("IMG_SIZE", "1000", "multiple of 32"),
        ("ALLOWED_VALIDATOR_HOTKEYS", "not-a-key", "ss58"),
    ],
)
def test_bad_value_names_key_value_allowed_and_file(tmp_path, key, value, allowed):
    env = write_env(tmp_path / ".env", {"NETUID": 44, key: value})
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    message = str(info.value)
    assert f"{key}={value!r}" in message
    assert allowed in message
    assert str(env) in message


def test_bad_value_from_environment_says_environment(monkeypatch):
    monkeypatch.setenv("PORT", "0")
    with pytest.raises(ConfigError, match=r"PORT='0' from the environment"):
        load_settings(use_env_file=False)


def test_missing_netuid_is_not_a_load_error_but_required_by_commands(tmp_path):
    s = load_settings(use_env_file=False)
    assert s.netuid is None
    with pytest.raises(ConfigError, match="NETUID is not set"):
        s.require_netuid()


def test_image_sizes_default_to_img_size_unless_set(tmp_path):
    s = load_settings(write_env(tmp_path / "a.env", {"IMG_SIZE": 640}))
    assert (s.player_img_size, s.pitch_img_size) == (640, 640)
    s = load_settings(write_env(tmp_path / "b.env", {"IMG_SIZE": 640, "PITCH_IMG_SIZE": 960, "PLAYER_IMG_SIZE": ""}))
    assert (s.player_img_size, s.pitch_img_size) == (640, 960)


def test_relative_paths_are_anchored_at_the_env_file(tmp_path):
    env = write_env(tmp_path / "miner" / ".env", {"MODELS_DIR": "weights"})
    s = load_settings(env, cwd=tmp_path)
    assert s.models_dir == tmp_path / "miner" / "weights"
    assert s.nodes_snapshot == tmp_path / "miner" / "nodes.json"


def test_allowed_hotkeys_parse_as_a_comma_list(tmp_path, wallet):
    other = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    env = write_env(tmp_path / ".env", {"ALLOWED_VALIDATOR_HOTKEYS": f"{wallet['keypair'].ss58_address}, {other}"})
    assert load_settings(env).allowed_validator_hotkeys == [wallet["keypair"].ss58_address, other]


def test_rows_list_every_setting_with_its_source(tmp_path):
    s = load_settings(write_env(tmp_path / ".env", {"NETUID": 44}))
    rows = {key: (value, source) for key, value, source in s.rows()}
    assert rows["NETUID"] == ("44", str(tmp_path / ".env"))
    assert rows["PORT"] == ("7999", "default")


def test_env_example_documents_every_setting():
    example = (Path(__file__).parents[1] / ".env.example").read_text()
    from scoreminer.settings import Settings

    missing = [n.upper() for n in Settings.model_fields if not re.search(rf"^{n.upper()}=", example, re.M)]
    assert missing == []


def test_nothing_outside_settings_reads_the_environment():
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if "settings" not in path.relative_to(SRC).parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"os\.getenv|os\.environ", line)
    ]
    assert offenders == []


def test_turbovision_has_its_own_port_and_wait_unless_they_are_said(tmp_path):
    s = load_settings(use_env_file=False, sets={"protocol": "turbovision-private"})
    assert (s.port, s.challenge_deadline_s) == (8000, 30.0)
    assert s.source("port") == "default for turbovision-private"
    env = write_env(tmp_path / ".env", {"PROTOCOL": "turbovision-private", "PORT": 7999, "CHALLENGE_DEADLINE_S": 25})
    s = load_settings(env)
    assert (s.port, s.challenge_deadline_s, s.source("port")) == (7999, 25.0, str(env))
    assert load_settings(use_env_file=False).port == 7999


def test_action_floors_replace_the_measured_ones_one_by_one():
    defaults = load_settings(use_env_file=False).action_floors
    s = load_settings(use_env_file=False, sets={"action_floors": "pass=0.2, goal=off"})
    assert s.action_floors["pass"] == 0.2 and s.action_floors["goal"] > 1
    assert {k: v for k, v in s.action_floors.items() if k not in ("pass", "goal")} == {
        k: v for k, v in defaults.items() if k not in ("pass", "goal")
    }
    for bad, why in (("dance=0.3", "no scored action"), ("pass=3", "outside 0 to 1"), ("pass", "not ACTION=FLOOR")):
        with pytest.raises(ConfigError, match=why):
            load_settings(use_env_file=False, sets={"action_floors": bad})


def test_a_spot_check_never_verifies_and_stake_is_checked_only_with_signatures():
    s = load_settings(use_env_file=False)
    assert s.verifies and s.checks_stake
    assert not load_settings(use_env_file=False, sets={"spotcheck_mode": "true"}).verifies
    unsigned = load_settings(use_env_file=False, sets={"verify_enabled": "false"})
    assert not unsigned.verifies and not unsigned.checks_stake
    assert not load_settings(use_env_file=False, sets={"blacklist_enabled": "false"}).checks_stake


def test_exports_are_cached_in_the_users_cache_never_beside_the_weights(tmp_path, monkeypatch):
    from scoreminer.demo.presets import WEIGHTS, demo_models

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    demo = load_settings(use_env_file=False, preset=demo_models())
    assert demo.models_dir == WEIGHTS and demo.export_cache == tmp_path / "cache" / "scoreminer" / "exports"
    assert WEIGHTS not in demo.export_cache.parents
    chosen = load_settings(use_env_file=False, sets={"export_cache_dir": str(tmp_path / "mine")})
    assert chosen.export_cache == tmp_path / "mine"
