"""The metagraph over a real websocket chain stub: decode, snapshot, refresh, failures, CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chain_data import neuron, neurons_handler, timestamp_hex
from chain_stub import ChainStub
from conftest import write_env
from scoreminer.cli import app
from scoreminer.doctor.chain_checks import check_chain, check_clock
from scoreminer.errors import ChainError
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.chain import scale_types
from scoreminer.network.chain.fetch import decode_neurons, fetch_snapshot
from scoreminer.network.chain.metagraph import Metagraph
from scoreminer.network.chain.nodes import Node, merge_subnet_state
from scoreminer.network.chain.snapshot import load_snapshot
from scoreminer.settings import load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "chain"
runner = CliRunner()


@pytest.fixture(scope="module")
def people():
    return {name: new_keypair().ss58_address for name in ("validator", "poor", "miner", "cold")}


@pytest.fixture
def chain(people):
    neurons = [
        neuron(0, people["validator"], people["cold"], stake_rao=25_000 * 10**9, permit=True, vtrust=65535),
        neuron(1, people["poor"], people["cold"], stake_rao=12 * 10**9),
        neuron(2, people["miner"], people["cold"], ip="203.0.113.9", port=7999),
    ]
    with ChainStub({"state_call": neurons_handler({44: neurons})}, block=777) as stub:
        yield stub


def test_real_finney_neurons_lite_decodes_every_byte():
    nodes = [
        Node.from_neuron_lite(n)
        for n in decode_neurons((FIXTURES / "sn1_neurons_lite_6852690.hex").read_text().strip())
    ]
    assert len(nodes) == 1024
    assert sum(n.validator_permit for n in nodes) == 12
    assert nodes[630].stake == pytest.approx(312_460, rel=1e-3)
    state = scale_types.decode("Option<SubnetState>", (FIXTURES / "sn1_subnet_state_6852690.hex").read_text().strip())
    merged = merge_subnet_state(nodes, state)[630]
    assert (merged.alpha_stake, merged.tao_stake, merged.total_stake) == pytest.approx(
        (442_560, 1_125_630, 645_173), rel=1e-3
    )
    assert merged.check_stake == merged.total_stake


def test_legacy_vec_u8_wrapped_answer_still_decodes(people):
    inner = scale_types.encode("Vec<NeuronInfoLite>", [neuron(0, people["validator"], people["cold"])])
    wrapped = scale_types.encode("Vec<u8>", inner)
    assert decode_neurons(wrapped)[0]["hotkey"] == people["validator"]


def test_fetch_decodes_nodes_in_human_units(chain, people):
    snapshot = fetch_snapshot(chain.url, 44)
    assert snapshot.block == 777 and snapshot.stake_figure == "stake"
    by = snapshot.by_hotkey()
    assert by[people["validator"]].stake == 25_000 and by[people["validator"]].validator_trust == 1.0
    assert (by[people["miner"]].ip, by[people["miner"]].port) == ("203.0.113.9", 7999)
    params = next(params for method, params in chain.calls if method == "state_call")
    assert params[:2] == ["NeuronInfoRuntimeApi_get_neurons_lite", "0x2c00"]


def test_sync_metagraph_json_saves_and_highlights_us(chain, people, tmp_path, wallet):
    env = write_env(tmp_path / ".env", {"NETUID": 44, "SUBTENSOR_ADDRESS": chain.url, **wallet["env"]})
    result = runner.invoke(app, ["--env-file", str(env), "sync-metagraph", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [n["hotkey"] for n in data["nodes"]] == [people["validator"], people["poor"], people["miner"]]
    assert data["nodes"][1]["stake"] == 12.0 and data["stake_check_uses"] == "stake"
    assert data["registered"] is False and data["our_hotkey"] == wallet["keypair"].ss58_address
    saved = load_snapshot(tmp_path / "nodes.json")
    assert saved.block == 777 and len(saved.nodes) == 3


def test_sync_metagraph_table_and_flags(chain, people, tmp_path):
    result = runner.invoke(app, ["sync-metagraph", "--netuid", "44", "--subtensor-address", chain.url])
    assert result.exit_code == 0, result.output
    assert people["validator"][:8] in result.stdout and "stake check uses" in result.stdout


def test_refresh_failure_keeps_last_snapshot_with_a_clear_message(chain, tmp_path):
    graph = Metagraph(chain.url, 44, tmp_path / "snap.json")
    graph.refresh()
    chain.stop()
    with pytest.raises(ChainError, match=f"cannot reach the chain at {chain.url}"):
        graph.refresh()
    assert graph.snapshot is not None and len(graph.snapshot.nodes) == 3
    assert graph.age_s is not None and graph.age_s >= 0
    assert "cannot reach" in graph.last_error


def test_server_dying_mid_request_is_a_chain_error(tmp_path):
    def die(params):
        raise RuntimeError("node crashed")

    with ChainStub({"state_call": die}) as stub:
        with pytest.raises(ChainError, match="failed mid-request"):
            fetch_snapshot(stub.url, 44)


def test_snapshot_reloaded_by_a_new_metagraph_and_netuid_checked(chain, tmp_path):
    Metagraph(chain.url, 44, tmp_path / "snap.json").refresh()
    fresh = Metagraph("ws://127.0.0.1:1", 44, tmp_path / "snap.json")
    assert fresh.load_saved() and fresh.snapshot.block == 777
    wrong = Metagraph("ws://127.0.0.1:1", 45, tmp_path / "snap.json")
    assert not wrong.load_saved() and "netuid 44" in wrong.last_error


def test_background_refresh_updates_the_snapshot(chain, tmp_path):
    graph = Metagraph(chain.url, 44, tmp_path / "snap.json")
    graph.start_refreshing(interval_s=0.05)
    deadline = time.time() + 10
    while graph.snapshot is None and time.time() < deadline:
        time.sleep(0.02)
    graph.stop()
    assert graph.snapshot is not None


def test_sync_metagraph_with_chain_down_is_one_red_line(tmp_path, free_port):
    result = runner.invoke(
        app, ["sync-metagraph", "--netuid", "44", "--subtensor-address", f"ws://127.0.0.1:{free_port}"]
    )
    assert result.exit_code == 1
    assert "cannot reach the chain" in result.output and "Traceback" not in result.output


def test_doctor_chain_checks_registration_axon_and_clock(tmp_path, wallet, people):
    me = wallet["keypair"].ss58_address
    neurons = [neuron(0, me, people["cold"], ip="203.0.113.9", port=8091)]
    stale = timestamp_hex(int((time.time() - 200) * 1000))
    with ChainStub({"state_call": neurons_handler({44: neurons}), "state_getStorage": lambda p: stale}) as stub:
        s = load_settings(write_env(tmp_path / ".env", {"NETUID": 44, "SUBTENSOR_ADDRESS": stub.url, **wallet["env"]}))
        checks = {c.name: c for c in check_chain(s)}
    assert checks["chain"].status == "ok"
    assert checks["clock"].status == "fail"
    assert checks["registration"].status == "ok" and "uid 0" in checks["registration"].found
    assert checks["axon"].status == "fail" and "8091" in checks["axon"].found


def test_doctor_reports_unregistered_hotkey(chain, tmp_path, wallet):
    s = load_settings(write_env(tmp_path / ".env", {"NETUID": 44, "SUBTENSOR_ADDRESS": chain.url, **wallet["env"]}))
    checks = {c.name: c for c in check_chain(s)}
    assert checks["clock"].status == "ok"
    assert checks["registration"].status == "fail" and "btcli subnet register" in checks["registration"].fix


@pytest.mark.parametrize(("skew", "status"), [(5, "ok"), (-45, "warn"), (130, "fail")])
def test_clock_thresholds(skew, status):
    assert check_clock(1000.0, 1000.0 + skew).status == status
