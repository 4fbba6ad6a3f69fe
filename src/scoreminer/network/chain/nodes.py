"""Typed metagraph nodes and snapshots, converted from the chain's decoded structs."""

from __future__ import annotations

import ipaddress
import time
from typing import Any, Literal

from pydantic import BaseModel, Field

RAO = 1e9
U16_MAX = 65535


class Node(BaseModel):
    """One neuron of the subnet, in human units (stake in TAO/alpha, trust 0..1)."""

    uid: int
    hotkey: str
    coldkey: str
    netuid: int
    active: bool
    stake: float = Field(description="NeuronInfoLite stake: the hotkey's alpha on this subnet")
    alpha_stake: float | None = None
    tao_stake: float | None = None
    total_stake: float | None = Field(None, description="alpha + TaoWeight × tao, from the subnet state")
    validator_trust: float
    validator_permit: bool
    incentive: float
    emission: float
    ip: str
    port: int
    last_update: int

    @property
    def check_stake(self) -> float:
        """The figure the stake check compares with MIN_STAKE_THRESHOLD."""
        return self.total_stake if self.total_stake is not None else self.stake

    @classmethod
    def from_neuron_lite(cls, raw: dict[str, Any]) -> Node:
        axon = raw["axon_info"]
        return cls(
            uid=raw["uid"],
            hotkey=raw["hotkey"],
            coldkey=raw["coldkey"],
            netuid=raw["netuid"],
            active=raw["active"],
            stake=sum(amount for _, amount in raw["stake"]) / RAO,
            validator_trust=raw["validator_trust"] / U16_MAX,
            validator_permit=raw["validator_permit"],
            incentive=raw["incentive"] / U16_MAX,
            emission=raw["emission"] / RAO,
            ip=ip_text(axon["ip"], axon["ip_type"]),
            port=axon["port"],
            last_update=raw["last_update"],
        )


class MetagraphSnapshot(BaseModel):
    """The nodes of one subnet at one block, as saved to NODES_SNAPSHOT."""

    netuid: int
    block: int
    address: str
    fetched_at: float = Field(default_factory=time.time)
    stake_figure: Literal["total_stake", "stake"] = "stake"
    nodes: list[Node]

    @property
    def age_s(self) -> float:
        return max(0.0, time.time() - self.fetched_at)

    def by_hotkey(self) -> dict[str, Node]:
        return {node.hotkey: node for node in self.nodes}


def ip_text(value: int, ip_type: int) -> str:
    """u128 + ip_type (4 or 6) → dotted or colon text; 0 → "0.0.0.0"."""
    if ip_type == 6:
        return str(ipaddress.IPv6Address(value))
    return str(ipaddress.IPv4Address(value & 0xFFFFFFFF))


def merge_subnet_state(nodes: list[Node], state: dict[str, Any]) -> list[Node]:
    """Attach alpha/tao/total stake from `SubnetInfoRuntimeApi_get_subnet_state` by position."""
    by_uid = {}
    for uid, hotkey in enumerate(state["hotkeys"]):
        by_uid[uid] = (hotkey, state["alpha_stake"][uid], state["tao_stake"][uid], state["total_stake"][uid])
    merged = []
    for node in nodes:
        hotkey, alpha, tao, total = by_uid.get(node.uid, (None, None, None, None))
        if hotkey != node.hotkey:
            merged.append(node)
            continue
        merged.append(
            node.model_copy(update={"alpha_stake": alpha / RAO, "tao_stake": tao / RAO, "total_stake": total / RAO})
        )
    return merged
