"""`check-env` / `doctor`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import CliState, Json, console, demo_miner_preset


def check_env(
    ctx: typer.Context,
    as_json: Json = False,
    offline: Annotated[bool, typer.Option("--offline", help="Skip the checks that need the chain.")] = False,
    show_settings: Annotated[
        bool, typer.Option("--show-settings", help="Also list every setting, its value and source.")
    ] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="Check what `serve --demo` runs (its preset and throwaway keys in ./demo).")
    ] = False,
    docker: Annotated[
        bool, typer.Option("--docker", help="Also check the Docker engine (to build the private track's image).")
    ] = False,
) -> None:
    """Check this install the way a validator would find it broken; exit 1 if any check fails."""
    from scoreminer.doctor import run_doctor

    state: CliState = ctx.obj
    preset = demo_miner_preset()[0] if demo else None
    # The demo serves allow-listed throwaway keys from no metagraph: the chain is not part of it.
    chain = "the demo uses no chain" if demo else offline
    report = run_doctor(
        state.env_file, state.sets, offline=chain, show_settings=show_settings, preset=preset, docker=docker
    )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        terminal.print_doctor(console, report)
    raise typer.Exit(0 if report.ok else 1)
