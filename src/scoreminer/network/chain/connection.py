"""A connection to a subtensor node over substrate-interface, with errors that name the endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from substrateinterface import SubstrateInterface

from scoreminer.errors import ChainError

# twox128("Timestamp") ++ twox128("Now"): the storage key of the block timestamp.
TIMESTAMP_NOW_KEY = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb"


@dataclass(frozen=True)
class ChainHead:
    """The latest block as the node reports it."""

    number: int
    hash: str


@contextmanager
def connect(address: str, timeout: float = 10.0) -> Iterator[SubstrateInterface]:
    """An open SubstrateInterface to `address`; any failure becomes a ChainError naming it."""
    try:
        substrate = SubstrateInterface(
            url=address, ss58_format=42, auto_discover=False, auto_reconnect=False, ws_options={"timeout": timeout}
        )
    except Exception as exc:  # websocket-client raises a zoo of types
        raise _unreachable(address, exc) from None
    try:
        yield substrate
    except ChainError:
        raise
    except Exception as exc:
        raise ChainError(
            f"chain {address} failed mid-request ({type(exc).__name__}: {exc})", "check the node and retry"
        ) from None
    finally:
        substrate.close()


def chain_head(substrate: SubstrateInterface) -> ChainHead:
    """Number and hash of the best block."""
    header = substrate.rpc_request("chain_getHeader", [])["result"]
    block_hash = substrate.rpc_request("chain_getBlockHash", [int(header["number"], 16)])["result"]
    return ChainHead(number=int(header["number"], 16), hash=block_hash)


def block_timestamp_ms(substrate: SubstrateInterface, block_hash: str) -> int:
    """`Timestamp.Now` of a block, in milliseconds since the epoch."""
    raw = substrate.rpc_request("state_getStorage", [TIMESTAMP_NOW_KEY, block_hash])["result"]
    if not raw:
        raise ChainError("the node returned no Timestamp.Now", "check that the node is synced")
    return int.from_bytes(bytes.fromhex(raw.removeprefix("0x"))[:8], "little")


def _unreachable(address: str, exc: Exception) -> ChainError:
    return ChainError(
        f"cannot reach the chain at {address} ({type(exc).__name__}: {exc})",
        "check SUBTENSOR_ADDRESS / SUBTENSOR_NETWORK, that the node is up and that outbound websockets are allowed",
    )
