"""Checks against the chain endpoint (skipped with --offline)."""

from __future__ import annotations

from scoreminer.doctor.report import Check, fail, ok
from scoreminer.errors import ChainError
from scoreminer.network.chain import chain_head, connect
from scoreminer.settings import Settings

TIMEOUT_S = 5.0


def check_chain(settings: Settings) -> list[Check]:
    """The endpoint answers within a few seconds."""
    address = settings.chain_address
    try:
        with connect(address, timeout=TIMEOUT_S) as substrate:
            head = chain_head(substrate)
    except ChainError as exc:
        return [fail("chain", exc.problem, exc.fix)]
    return [ok("chain", f"{address} at block {head.number}")]
