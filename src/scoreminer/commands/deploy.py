"""`docker`: the build context of the image Turbo Vision's private track runs and spot-checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scoreminer.commands.common import Demo, Json, console, demo_preset


def docker_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the build context into.")] = Path("docker"),
    tag: Annotated[str, typer.Option("--tag", help="Image name for the commands printed.")] = "scoreminer-miner:v1",
    demo: Demo = False,
    as_json: Json = False,
) -> None:
    """Write a Dockerfile, .dockerignore, this package and the weights: `scoreminer serve` on port 8000 under
    PROTOCOL=turbovision-private, with the settings that shape an answer baked in and no secret in it."""
    from scoreminer.deploy.docker import write_context

    settings = ctx.obj.settings(demo_preset(demo))
    context = write_context(settings, out.resolve())
    if as_json:
        listed = [str(p.relative_to(context.folder)) for p in context.files]
        typer.echo(json.dumps({"folder": str(context.folder), "files": listed, "env": context.environment}, indent=2))
        return
    baked = ", ".join(f"{k}={v}" for k, v in context.environment.items() if k not in ("PYTHONUNBUFFERED",))
    console.print(f"wrote {context.folder} ({len(context.files)} files); baked in: {baked}", highlight=False)
    console.print(
        "\n".join(
            [
                "build and try it:",
                f"  {context.build_command(tag)}",
                f"  {context.run_command(tag)}",
                "push and commit it with the validator's tool (it builds from its own Dockerfile, or use this one):",
                "  sv -v deploy-pt-miner --tag v1  (then share the GHCR package read-only with DataAndMike)",
            ]
        ),
        highlight=False,
        soft_wrap=True,
    )
