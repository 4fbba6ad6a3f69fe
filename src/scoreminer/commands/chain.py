"""`sync-metagraph`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import Json, console, err_console


def sync_metagraph_cmd(
    ctx: typer.Context,
    as_json: Json = False,
    netuid: Annotated[int | None, typer.Option("--netuid", help="Subnet uid (default: NETUID).")] = None,
    address: Annotated[
        str | None, typer.Option("--subtensor-address", help="Chain websocket URL (default: SUBTENSOR_ADDRESS).")
    ] = None,
) -> None:
    """Fetch the subnet's nodes from the chain, save the snapshot and show them (the snapshot if the chain is down)."""
    from scoreminer.network.chain.sync import sync_metagraph

    settings = ctx.obj.settings(netuid=netuid, subtensor_address=address)
    err_console.print(
        f"connecting to {settings.chain_address} … (netuid {settings.require_netuid()}, "
        f"up to {settings.chain_timeout_s:g} s per answer)",
        highlight=False,
    )
    result = sync_metagraph(settings)
    if result.fallback:
        err_console.print(f"[yellow]warning:[/] {result.fallback}", highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        terminal.print_sync(console, result)
    raise typer.Exit(1 if result.fallback else 0)
