"""Checks against the chain endpoint (skipped with --offline): reachable, registered, axon, clock."""

from __future__ import annotations

import time

from scoreminer.doctor.report import Check, fail, ok, skip, warn
from scoreminer.errors import ChainError, HotkeyError
from scoreminer.network.auth.hotkey import load_hotkey
from scoreminer.network.chain.connection import block_timestamp_ms, chain_head, connect
from scoreminer.network.chain.fetch import fetch_snapshot
from scoreminer.network.chain.nodes import MetagraphSnapshot
from scoreminer.settings import Settings

# How each protocol's miners post their axon.
POST_AXON = {
    "score-vision": "fiber-post-ip",
    "turbovision-private": "btcli axon set --netuid 44 --ip <public ip> --port {port} --wallet-name … "
    "--wallet-hotkey …",
}
SKEW_WARN_S = 30.0
SKEW_FAIL_S = 120.0


def check_chain(settings: Settings) -> list[Check]:
    """Endpoint reachable, clock skew against the latest block, our hotkey registered and its axon."""
    address = settings.chain_address
    try:
        with connect(address, timeout=settings.chain_timeout_s) as substrate:
            head = chain_head(substrate)
            block_ms = block_timestamp_ms(substrate, head.hash)
    except ChainError as exc:
        return [fail("chain", exc.problem, exc.fix)]
    checks = [ok("chain", f"{address} at block {head.number}"), check_clock(block_ms / 1000, time.time())]
    return checks + registration_checks(settings)


def check_clock(block_time_s: float, now_s: float) -> Check:
    """Nonces expire after ±120 s, so our clock must agree with the chain's."""
    skew = now_s - block_time_s
    found = f"local clock is {skew:+.1f} s from the latest block's timestamp"
    fix = "enable time sync (timedatectl set-ntp true / chrony)"
    if abs(skew) > SKEW_FAIL_S:
        return fail("clock", found, fix)
    if abs(skew) > SKEW_WARN_S:
        return warn("clock", found, fix)
    return ok("clock", found)


def registration_checks(settings: Settings) -> list[Check]:
    """Is our hotkey registered on NETUID, and does its posted axon port match PORT?"""
    if settings.netuid is None:
        return [skip("registration", "NETUID not set")]
    try:
        hotkey = load_hotkey(settings.hotkey_path).ss58_address
        snapshot = fetch_snapshot(settings.chain_address, settings.netuid, timeout=settings.chain_timeout_s)
    except (HotkeyError, ChainError) as exc:
        return [skip("registration", f"not checked: {exc.problem}")]
    return registration_rows(snapshot, hotkey, settings.port, settings.protocol)


def registration_rows(
    snapshot: MetagraphSnapshot, hotkey: str, port: int, protocol: str = "score-vision"
) -> list[Check]:
    node = snapshot.by_hotkey().get(hotkey)
    if node is None:
        return [
            fail(
                "registration",
                f"{hotkey} is not registered on netuid {snapshot.netuid}",
                f"btcli subnet register --netuid {snapshot.netuid}",
            )
        ]
    rows = [ok("registration", f"uid {node.uid} on netuid {snapshot.netuid}")]
    axon = f"{node.ip}:{node.port}"
    if node.port != port or node.ip == "0.0.0.0":
        rows.append(
            fail(
                "axon",
                f"posted axon {axon}, miner listens on port {port}",
                f"post this machine's public ip and port {port} ({POST_AXON[protocol].format(port=port)}) "
                f"or set PORT={node.port}",
            )
        )
    else:
        rows.append(ok("axon", f"posted {axon} matches PORT"))
    return rows
