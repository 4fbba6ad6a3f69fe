"""A connection to a subtensor node over substrate-interface, with errors that name the endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from substrateinterface import SubstrateInterface

from scoreminer.errors import ChainError


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
        raise ChainError(f"chain {address} failed mid-request ({type(exc).__name__}: {exc})", "check the node and retry") from None
    finally:
        substrate.close()


def chain_head(substrate: SubstrateInterface) -> ChainHead:
    """Number and hash of the best block."""
    header = substrate.rpc_request("chain_getHeader", [])["result"]
    block_hash = substrate.rpc_request("chain_getBlockHash", [int(header["number"], 16)])["result"]
    return ChainHead(number=int(header["number"], 16), hash=block_hash)


def _unreachable(address: str, exc: Exception) -> ChainError:
    return ChainError(
        f"cannot reach the chain at {address} ({type(exc).__name__}: {exc})",
        "check SUBTENSOR_ADDRESS / SUBTENSOR_NETWORK, that the node is up and that outbound websockets are allowed",
    )
