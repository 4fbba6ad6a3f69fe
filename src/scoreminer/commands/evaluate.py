"""`evaluate`: a YOLO-format labelled folder through serve's models, judged per class and per match."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import Demo, Json, console, demo_preset, err_console
from scoreminer.errors import UsageError


def evaluate_cmd(
    ctx: typer.Context,
    dataset: Annotated[Path, typer.Argument(help="A YOLO folder: data.yaml (Roboflow export) or images/ + labels/.")],
    restore_aspect: Annotated[
        str | None,
        typer.Option(
            "--restore-aspect", help="W:H the export stretched away (16:9): frames are restored to 1920 wide."
        ),
    ] = None,
    group_by: Annotated[
        str | None,
        typer.Option("--group-by", help="Regex on file names; its first group names a frame's group (per match)."),
    ] = None,
    name: Annotated[
        list[str],
        typer.Option("--name", metavar="THEIRS=OURS", help="Map a class name of the folder onto ours (repeatable)."),
    ] = [],  # noqa: B006 - typer reads the default from the signature
    only: Annotated[
        str | None,
        typer.Option("--only", help="Comma-separated groups to keep (with --group-by), e.g. the held-out matches."),
    ] = None,
    split: Annotated[
        str | None, typer.Option("--split", help="Only this split of data.yaml (train, val, test).")
    ] = None,
    demo: Demo = False,
    as_json: Json = False,
) -> None:
    """Measure the models serve runs on labelled frames: per class P/R/F1/AP50 at IoU 0.5, or pitch keypoints."""
    from scoreminer.evaluation.dataset import load_folder
    from scoreminer.evaluation.runner import evaluate
    from scoreminer.inference.ball import ConfidenceFloors
    from scoreminer.inference.factory import build_pipeline

    aspect = _aspect(restore_aspect)
    names = _names(name)
    if group_by:
        try:
            re.compile(group_by)
        except re.error as exc:
            raise UsageError(
                f"--group-by {group_by!r} is not a regex ({exc})", "e.g. --group-by '^([0-9a-f]+)_'"
            ) from exc
    data = load_folder(dataset, names, group_by, split)
    if only:
        data = data.only({g.strip() for g in only.split(",") if g.strip()})
    settings = ctx.obj.settings(demo_preset(demo))
    with err_console.status("loading and warming the models …"):
        pipeline = build_pipeline(settings, warm_shape=None, sightings=False)
    floors = ConfidenceFloors(settings.detection_confidence, settings.ball_floor)
    with terminal.item_progress(err_console, len(data.frames), "frames") as advance:
        result = evaluate(
            data,
            pipeline,
            floors,
            settings.keypoint_confidence,
            settings.line_fit_every,
            aspect,
            advance,
        )
    if as_json:
        models = {"player_model": str(settings.player_model_path), "pitch_model": str(settings.pitch_model_path)}
        sizes = {"player_img_size": settings.player_img_size, "pitch_img_size": settings.pitch_img_size}
        typer.echo(json.dumps({"dataset": str(dataset), **models, **sizes, **result.as_dict()}, indent=2))
        return
    console.print(terminal.evaluation_table(result, str(dataset)))


def _aspect(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d+)\s*[:x/]\s*(\d+)\s*", text)
    if not found or not int(found.group(1)) or not int(found.group(2)):
        raise UsageError(f"--restore-aspect {text!r} is not W:H", "e.g. --restore-aspect 16:9")
    return int(found.group(1)), int(found.group(2))


def _names(pairs: list[str]) -> dict[str, str]:
    from scoreminer.contract.score_vision import CLASS_NAMES

    out = {}
    for pair in pairs:
        theirs, sep, ours = pair.partition("=")
        if not sep or ours.strip() not in CLASS_NAMES.values():
            raise UsageError(f"--name {pair!r} is not THEIRS=OURS", f"OURS is one of {', '.join(CLASS_NAMES.values())}")
        out[theirs.strip().lower()] = ours.strip()
    return out
