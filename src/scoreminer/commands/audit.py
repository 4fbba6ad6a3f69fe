"""`audit pull` and `audit score`: the subnet's published winning challenges, fetched and answered here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import Demo, Json, console, demo_preset, err_console
from scoreminer.errors import AuditError

audit_app = typer.Typer(help="Turbo Vision's published private-track audits: pull them, score this miner on them.")


@audit_app.command("pull")
def pull_cmd(
    ctx: typer.Context,
    index: Annotated[
        str | None, typer.Option("--index", help="The audit index URL (default: AUDIT_INDEX_URL).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder the clips go into.")] = Path("audit"),
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many entries, newest first.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Fetch each published entry's video, ground truth and the winner's answer (resumable)."""
    from scoreminer.network.audit import pull
    from scoreminer.server.download import Downloader

    settings = ctx.obj.settings()
    url = index or settings.audit_index_url
    downloader = Downloader.from_settings(settings)
    try:
        with terminal.count_progress(err_console, "audits") as advance:
            report = pull(url, out, downloader, limit, advance)
    finally:
        downloader.close()
    if as_json:
        data = {"fetched": [str(p) for p in report.fetched], "kept": [str(p) for p in report.kept]}
        typer.echo(json.dumps({**data, "failed": report.failed}, indent=2))
    else:
        console.print(f"{len(report.fetched)} fetched, {len(report.kept)} already there → {out}", highlight=False)
        for line in report.failed:
            err_console.print(f"[bold red]failed:[/] {line}", highlight=False, soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)


@audit_app.command("score")
def score_cmd(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A folder `audit pull` filled.")],
    demo: Demo = False,
    as_json: Json = False,
) -> None:
    """Answer each pulled clip with this miner's pipeline and spotter; its validator score beside the winner's."""
    from scoreminer.inference.actions.choice import make_spotter
    from scoreminer.inference.factory import build_pipeline
    from scoreminer.inference.process import process_video
    from scoreminer.scoring.actions import load_actions, score_actions

    clips = sorted(p for p in folder.glob("*") if (p / "truth.json").is_file() and (p / "video.mp4").is_file())
    if not clips:
        raise AuditError(f"{folder} holds no pulled clip", "run `scoreminer audit pull --out FOLDER` first")
    settings = ctx.obj.settings(demo_preset(demo), protocol="turbovision-private")
    with err_console.status("loading and warming the models …"):
        pipeline = build_pipeline(settings, sightings=True)
    spotter = make_spotter(settings.action_spotter, settings.action_floors)
    rows = []
    with terminal.count_progress(err_console, "clips") as advance:
        for done, clip in enumerate(clips):
            advance(done, len(clips))
            truth = load_actions(clip / "truth.json")
            run = process_video(
                pipeline, clip / "video.mp4", min_confidence=settings.keypoint_confidence, spotter=spotter
            )
            ours = score_actions([(a.frame, a.action) for a in run.actions or []], truth)
            winner = score_actions(load_actions(clip / "winner.json"), truth)
            rows.append(
                {
                    "clip": clip.name,
                    "score": round(ours.score, 4),
                    "winner_score": round(winner.score, 4),
                    "answered": len(run.actions or []),
                    "winner_answered": len(load_actions(clip / "winner.json")),
                    "truth": len(truth),
                    "seconds": round(run.output.timings.total, 2),
                }
            )
        advance(len(clips), len(clips))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    console.print(terminal.audit_table(rows))
