"""SCALE-encoded chain answers built by the tests (real encoding through scalecodec)."""

from __future__ import annotations

import ipaddress

from scoreminer.network.chain import scale_types
from scoreminer.network.chain.fetch import NEURONS_LITE, netuid_param


def neuron(
    uid: int,
    hotkey: str,
    coldkey: str,
    *,
    netuid: int = 44,
    stake_rao: int = 0,
    permit: bool = False,
    vtrust: int = 0,
    ip: str = "0.0.0.0",
    port: int = 0,
) -> dict:
    ip_int = int(ipaddress.ip_address(ip))
    return {
        "hotkey": hotkey,
        "coldkey": coldkey,
        "uid": uid,
        "netuid": netuid,
        "active": True,
        "axon_info": {
            "block": 1,
            "version": 1,
            "ip": ip_int,
            "port": port,
            "ip_type": 4,
            "protocol": 4,
            "placeholder1": 0,
            "placeholder2": 0,
        },
        "prometheus_info": {"block": 0, "version": 0, "ip": 0, "port": 0, "ip_type": 0},
        "stake": [(coldkey, stake_rao)],
        "rank": 0,
        "emission": 1_000_000,
        "incentive": 100,
        "consensus": 0,
        "trust": 0,
        "validator_trust": vtrust,
        "dividends": 0,
        "last_update": 10,
        "validator_permit": permit,
        "pruning_score": 65535,
    }


def neurons_handler(by_netuid: dict[int, list[dict]]):
    """A `state_call` handler answering get_neurons_lite for the given subnets."""
    encoded = {netuid_param(n): scale_types.encode("Vec<NeuronInfoLite>", ns) for n, ns in by_netuid.items()}

    def handle(params: list):
        method, arg = params[0], params[1]
        if method != NEURONS_LITE:
            raise LookupError(method)
        return encoded.get(arg, "0x00")

    return handle


def timestamp_hex(ms: int) -> str:
    return "0x" + ms.to_bytes(8, "little").hex()
