"""Fetch a subnet's nodes from subtensor through runtime-API `state_call`s."""

from __future__ import annotations

import logging
from typing import Any, Literal

from substrateinterface import SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

from scoreminer.errors import ChainError
from scoreminer.network.chain import scale_types
from scoreminer.network.chain.connection import chain_head, connect
from scoreminer.network.chain.nodes import MetagraphSnapshot, Node, merge_subnet_state

log = logging.getLogger(__name__)
NEURONS_LITE = "NeuronInfoRuntimeApi_get_neurons_lite"
SUBNET_STATE = "SubnetInfoRuntimeApi_get_subnet_state"


def netuid_param(netuid: int) -> str:
    """The u16 little-endian argument, e.g. 44 → 0x2c00."""
    return "0x" + netuid.to_bytes(2, "little").hex()


def runtime_call(substrate: SubstrateInterface, method: str, params: str, block_hash: str | None) -> str:
    result = substrate.rpc_request("state_call", [method, params, block_hash])["result"]
    if not isinstance(result, str) or not result.startswith("0x"):
        raise ChainError(
            f"{method} answered {str(result)[:60]!r}, not hex bytes", "check that the node is a subtensor node"
        )
    return result


def decode_neurons(hex_data: str) -> list[dict[str, Any]]:
    """The `Vec<NeuronInfoLite>`, also from runtimes before Feb 2025 that wrapped it in `Vec<u8>`."""
    try:
        return scale_types.decode("Vec<NeuronInfoLite>", hex_data)
    except Exception as current:  # scalecodec raises several types on a format mismatch
        try:
            inner = scale_types.decode("Vec<u8>", hex_data)
            return scale_types.decode(
                "Vec<NeuronInfoLite>", inner if isinstance(inner, str) else "0x" + bytes(inner).hex()
            )
        except Exception:
            raise ChainError(
                f"cannot decode {NEURONS_LITE} ({current})",
                "the runtime's NeuronInfoLite layout may have changed; update scoreminer",
            ) from None


def fetch_snapshot(address: str, netuid: int, timeout: float = 30.0) -> MetagraphSnapshot:
    """Connect, read the subnet's nodes (and total stake when the runtime offers it), return a snapshot."""
    with connect(address, timeout=timeout) as substrate:
        head = chain_head(substrate)
        raw = decode_neurons(runtime_call(substrate, NEURONS_LITE, netuid_param(netuid), head.hash))
        nodes = [Node.from_neuron_lite(n) for n in raw]
        state = _subnet_state(substrate, netuid, head.hash)
    if not raw and netuid is not None:
        log.warning("subnet %s has no neurons at block %s", netuid, head.number)
    if state:
        nodes = merge_subnet_state(nodes, state)
    figure: Literal["total_stake", "stake"] = "total_stake" if state else "stake"
    return MetagraphSnapshot(netuid=netuid, block=head.number, address=address, stake_figure=figure, nodes=nodes)


def _subnet_state(substrate: SubstrateInterface, netuid: int, block_hash: str) -> dict[str, Any] | None:
    # Older runtimes (and minimal nodes) lack this call; NeuronInfoLite's stake is the fallback.
    try:
        return scale_types.decode(
            "Option<SubnetState>", runtime_call(substrate, SUBNET_STATE, netuid_param(netuid), block_hash)
        )
    except (SubstrateRequestException, ChainError, ValueError) as exc:
        log.info("subnet state unavailable (%s); the stake check uses NeuronInfoLite stake", exc)
        return None
