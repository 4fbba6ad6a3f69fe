"""`hotkey new`: a miner hotkey without btcli."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import Json, console

hotkey_app = typer.Typer(help="Miner hotkeys in the bittensor wallet layout (no btcli needed).", no_args_is_help=True)


@hotkey_app.command("new")
def hotkey_new_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Hotkey file name (HOTKEY_NAME).")],
    wallet: Annotated[str | None, typer.Option("--wallet", help="Wallet folder (default: WALLET_NAME).")] = None,
    as_json: Json = False,
) -> None:
    """Create WALLET_PATH/WALLET/hotkeys/NAME with a new sr25519 key, as btcli would; never overwrites."""
    from scoreminer.network.auth.hotkey import create_hotkey

    settings = ctx.obj.settings()
    created = create_hotkey(settings.wallet_path / (wallet or settings.wallet_name) / "hotkeys" / name)
    custom_path = settings.wallet_path if settings.source("wallet_path") != "default" else None
    if as_json:
        answer = {
            "path": str(created.path),
            "ss58_address": created.ss58_address,
            "mnemonic": created.mnemonic,
            "created_folders": [str(f) for f in created.created_folders],
            "env": {
                **({"WALLET_PATH": str(custom_path)} if custom_path else {}),
                "WALLET_NAME": wallet or settings.wallet_name,
                "HOTKEY_NAME": name,
            },
        }
        typer.echo(json.dumps(answer, indent=2))
        return
    text = terminal.new_hotkey_text(created, wallet or settings.wallet_name, name, custom_path)
    console.print(text, highlight=False, soft_wrap=True)
