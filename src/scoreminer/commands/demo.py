"""`demo run`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import console, demo_preset, err_console

demo_app = typer.Typer(help="The demo: a rendered match and small models trained on it.", no_args_is_help=True)


@demo_app.command("run")
def demo_run_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder for clip, truth, answer and annotated video.")] = Path(
        "demo"
    ),
    frames: Annotated[int, typer.Option("--frames", help="Frames to render (25 fps).")] = 250,
    seed: Annotated[int, typer.Option("--seed", help="Match seed (the models never saw 300+).")] = 300,
) -> None:
    """Render a played match, answer it with the shipped demo models, compare with the exact truth: boxes and
    keypoints as Score Vision asks, the actions as Turbo Vision's private track scores them."""
    from scoreminer.demo.run import run_demo
    from scoreminer.inference.actions.choice import make_spotter
    from scoreminer.inference.factory import build_pipeline

    settings = ctx.obj.settings(demo_preset(True))
    with err_console.status("loading and warming the demo models …"):
        pipeline = build_pipeline(settings, sightings=True)
    # the actions come from a pass at the private track's preset (its stride): the score serve would earn
    served = ctx.obj.settings(demo_preset(True), protocol="turbovision-private")
    with err_console.status("loading the private track's pipeline …"):
        actions_pipeline = build_pipeline(served, sightings=True)
    spotter = make_spotter(served.action_spotter, served.action_floors)
    with terminal.frame_progress(err_console, frames) as advance:
        result = run_demo(pipeline, out, frames, seed, advance, settings.keypoint_confidence, spotter, actions_pipeline)
    console.print(terminal.run_summary_table(result.summary))
    console.print(terminal.agreement_line(result.agreement, "accuracy against the ground truth"))
    if result.actions is not None:
        served_at = f" — as PROTOCOL=turbovision-private serve answers (stride {served.frame_stride})"
        console.print(terminal.action_line(result.actions) + served_at, highlight=False)
    for name, path in result.files.items():
        console.print(f"{name}: {path}", highlight=False)
