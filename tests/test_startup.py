"""What `serve` refuses to start with, and what it starts with anyway."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from chain_data import neuron, neurons_handler
from chain_stub import ChainStub
from scoreminer.cli import app
from scoreminer.errors import StartupError
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.server.startup import settings_block, start_metagraph, start_miner
from scoreminer.settings import load_settings
from server_harness import free_port, miner_env

pytestmark = pytest.mark.slow


def test_serve_without_hotkey_exits_3_with_the_fix(tmp_path, tiny_models, wallet):
    env = miner_env(tmp_path, tiny_models, {**wallet, "env": {**wallet["env"], "HOTKEY_NAME": "missing"}})
    result = CliRunner().invoke(app, ["serve", "--env-file", str(env)])
    assert result.exit_code == 3
    assert "cannot start" in result.output and "btcli wallet new_hotkey" in result.output
    assert "Traceback" not in result.output


def test_no_snapshot_and_no_chain_refuses_unless_allowlisted(tmp_path, tiny_models, wallet):
    dead = f"ws://127.0.0.1:{free_port()}"
    env = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=dead)
    with pytest.raises(StartupError, match="no metagraph") as info:
        start_metagraph(load_settings(env))
    assert "ALLOWED_VALIDATOR_HOTKEYS" in info.value.fix
    allowed = miner_env(
        tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=dead, ALLOWED_VALIDATOR_HOTKEYS=new_keypair().ss58_address
    )
    graph = start_metagraph(load_settings(allowed))
    assert graph.snapshot is None
    graph.stop()


def test_snapshot_serves_when_chain_is_down(tmp_path, tiny_models, wallet):
    with ChainStub(
        {"state_call": neurons_handler({44: [neuron(0, new_keypair().ss58_address, wallet["keypair"].ss58_address)]})}
    ) as chain:
        start_metagraph(load_settings(miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=chain.url))).stop()
    env = miner_env(tmp_path, tiny_models, wallet, SUBTENSOR_ADDRESS=f"ws://127.0.0.1:{free_port()}")
    graph = start_metagraph(load_settings(env))
    assert graph.snapshot is not None and len(graph.snapshot.nodes) == 1
    graph.stop()


def test_start_miner_loads_models_before_returning_and_prints_settings(tmp_path, tiny_models, wallet, caplog):
    env = miner_env(
        tmp_path,
        tiny_models,
        wallet,
        REFRESH_NODES="false",
        LOAD_OLD_NODES="false",
        ALLOWED_VALIDATOR_HOTKEYS=new_keypair().ss58_address,
    )
    settings = load_settings(env)
    with caplog.at_level("INFO"):
        service = start_miner(settings)
    try:
        assert service.health()["models_loaded"] and service.hotkey == wallet["keypair"].ss58_address
        block = settings_block(settings, service.hotkey)
        assert str(env) in block and "netuid 44" in block and service.hotkey in block
        assert any("env file:" in r.getMessage() for r in caplog.records)
    finally:
        service.close()
