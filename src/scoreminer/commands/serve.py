"""`serve` and `pm2`: the miner and the PM2 file that runs it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from scoreminer.commands.common import demo_miner_preset, err_console
from scoreminer.errors import ScoreminerError, StartupError
from scoreminer.settings import Settings


def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="HOST to listen on.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="PORT to listen on.")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Demo models, throwaway keys under ./demo, no chain (a preset).")
    ] = False,
) -> None:
    """Run the miner: settings shown, checks passed, hotkey, metagraph and models ready, then the port opens.

    Anything that stops it before the port opens exits 3 with one line naming the fix.
    """
    import uvicorn

    from scoreminer.server.app import create_app
    from scoreminer.server.logs import configure_logging
    from scoreminer.server.startup import start_miner

    configure_logging()
    try:
        preset, validator_key = demo_miner_preset() if demo else (None, None)
        settings = ctx.obj.settings(preset, host=host, port=port)
        service = start_miner(settings)
        if validator_key:
            _print_demo_challenge(settings, validator_key)
    except StartupError:
        raise
    except ScoreminerError as exc:
        raise StartupError(f"cannot start: {exc.problem}", exc.fix) from None
    uvicorn.run(
        create_app(service), host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=10
    )


def _print_demo_challenge(settings: Settings, validator_key: Path) -> None:
    from scoreminer.demo.presets import demo_clip

    actions = settings.protocol == "turbovision-private"
    # The private track's clips are 30 s (750 frames) of play; the demo renders one, about a minute on 2 cores.
    what = "a 30 s played match (750 frames, about a minute)" if actions else "a 10 s match"

    def say(line: str) -> None:  # a plain line: under PM2 or a pipe no spinner shows, and a render takes a while
        err_console.print(f"demo: {line}", highlight=False, soft_wrap=True)

    with err_console.status(f"looking for (or rendering) {what} in {validator_key.parent} …"):
        frames = 750 if actions else 250
        clip = demo_clip(validator_key.parent, frames, played=actions, say=say)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    protocol = " --protocol turbovision-private" if actions else ""
    err_console.print(
        f"demo: once it listens, try `scoreminer challenge http://{host}:{settings.port} "
        f"--video {clip} --key {validator_key}{protocol}`",
        highlight=False,
        soft_wrap=True,
    )


def pm2_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="PM2 process name.")] = "scoreminer",
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write it (default: beside the .env; ./demo with --demo).")
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Run `serve --demo` (no .env needed): the demo miner under PM2.")
    ] = False,
) -> None:
    """Write an ecosystem.config.js that starts `serve` with this venv and this .env, whatever the cwd."""
    from scoreminer.server.ecosystem import demo_ecosystem, ecosystem, write_ecosystem

    if demo:
        eco = demo_ecosystem(Path("demo").resolve(), f"{name}-demo" if name == "scoreminer" else name, out)
    else:
        eco = ecosystem(ctx.obj.settings().env_lookup.path, name, out)
    write_ecosystem(eco)
    # `pm2 save` makes PM2 restart the miner after a reboot: right for a miner, not for a demo.
    steps = [eco.start_command] if demo else [eco.start_command, "pm2 save"]
    typer.echo(f"wrote {eco.path}\nstart it with:\n" + "\n".join(f"  {step}" for step in steps))
    if shutil.which("pm2") is None:
        err_console.print(
            "pm2 is not on PATH: install it first (npm install -g pm2; Node.js from nodejs.org or your distribution)",
            highlight=False,
            soft_wrap=True,
        )
