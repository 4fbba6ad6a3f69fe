"""SCALE types of the subtensor runtime APIs we call, decoded with scalecodec (no metadata needed)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from scalecodec.base import RuntimeConfigurationObject, ScaleBytes
from scalecodec.type_registry import load_type_registry_preset


def _struct(*fields: tuple[str, str]) -> dict:
    return {"type": "struct", "type_mapping": [list(f) for f in fields]}


def _vec(*names: str, inner: str) -> list[tuple[str, str]]:
    return [(name, f"Vec<{inner}>") for name in names]


TYPES = {
    "AxonInfo": _struct(
        ("block", "u64"),
        ("version", "u32"),
        ("ip", "u128"),
        ("port", "u16"),
        ("ip_type", "u8"),
        ("protocol", "u8"),
        ("placeholder1", "u8"),
        ("placeholder2", "u8"),
    ),
    "PrometheusInfo": _struct(("block", "u64"), ("version", "u32"), ("ip", "u128"), ("port", "u16"), ("ip_type", "u8")),
    "NeuronInfoLite": _struct(
        ("hotkey", "AccountId"),
        ("coldkey", "AccountId"),
        ("uid", "Compact<u16>"),
        ("netuid", "Compact<u16>"),
        ("active", "bool"),
        ("axon_info", "AxonInfo"),
        ("prometheus_info", "PrometheusInfo"),
        ("stake", "Vec<(AccountId, Compact<u64>)>"),
        ("rank", "Compact<u16>"),
        ("emission", "Compact<u64>"),
        ("incentive", "Compact<u16>"),
        ("consensus", "Compact<u16>"),
        ("trust", "Compact<u16>"),
        ("validator_trust", "Compact<u16>"),
        ("dividends", "Compact<u16>"),
        ("last_update", "Compact<u64>"),
        ("validator_permit", "bool"),
        ("pruning_score", "Compact<u16>"),
    ),
    "SubnetState": _struct(
        ("netuid", "Compact<u16>"),
        *_vec("hotkeys", "coldkeys", inner="AccountId"),
        *_vec("active", "validator_permit", inner="bool"),
        ("pruning_score", "Vec<Compact<u16>>"),
        *_vec("last_update", "emission", inner="Compact<u64>"),
        *_vec("dividends", "incentives", "consensus", "trust", "rank", inner="Compact<u16>"),
        *_vec("block_at_registration", "alpha_stake", "tao_stake", "total_stake", inner="Compact<u64>"),
        ("emission_history", "Vec<Vec<Compact<u64>>>"),
    ),
}


@lru_cache(maxsize=1)
def runtime_config() -> RuntimeConfigurationObject:
    """scalecodec's base types plus ours; AccountIds come out as ss58 (format 42)."""
    config = RuntimeConfigurationObject(ss58_format=42)
    config.update_type_registry(load_type_registry_preset("legacy"))
    config.update_type_registry({"types": TYPES})
    return config


def decode(type_string: str, hex_data: str) -> Any:
    """Decode hex SCALE bytes; ValueError unless every byte is consumed."""
    obj = runtime_config().create_scale_object(type_string, data=ScaleBytes(hex_data))
    value = obj.decode()
    if obj.data.offset != len(obj.data.data):
        raise ValueError(f"{type_string}: {len(obj.data.data) - obj.data.offset} bytes left over")
    return value


def encode(type_string: str, value: Any) -> str:
    """SCALE-encode `value` to 0x-hex (tests build chain answers with this)."""
    return str(runtime_config().create_scale_object(type_string).encode(value))
