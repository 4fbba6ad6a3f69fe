"""`process-video` and `score`: the pipeline and the validator estimate on local files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scoreminer import terminal
from scoreminer.commands.common import Demo, Json, console, demo_preset, err_console


def process_video_cmd(
    ctx: typer.Context,
    video: Annotated[Path, typer.Argument(help="A local video file.", exists=True, dir_okay=False)],
    out: Annotated[Path | None, typer.Option("--out", help="Write the contract answer JSON here.")] = None,
    annotate: Annotated[Path | None, typer.Option("--annotate", help="Write an annotated MP4 here.")] = None,
    stride: Annotated[int | None, typer.Option("--stride", help="FRAME_STRIDE for this run.")] = None,
    batch: Annotated[int | None, typer.Option("--batch", help="BATCH_SIZE for this run.")] = None,
    imgsz: Annotated[int | None, typer.Option("--imgsz", help="Input size of both models for this run.")] = None,
    device: Annotated[str | None, typer.Option("--device", help="DEVICE for this run.")] = None,
    half: Annotated[bool | None, typer.Option("--half/--no-half", help="HALF for this run.")] = None,
    demo: Demo = False,
    reference: Annotated[
        bool, typer.Option("--reference", help="Run the stock miner's sequential loop instead.")
    ] = False,
    score: Annotated[
        bool, typer.Option("--score/--no-score", help="Estimate the validator's score of the answer.")
    ] = True,
    as_json: Json = False,
) -> None:
    """Run the miner's pipeline on a local video: every frame answered, a summary and the validator estimate."""
    from scoreminer.inference.factory import build_pipeline
    from scoreminer.inference.process import process_video

    settings = ctx.obj.settings(
        demo_preset(demo),
        frame_stride=stride,
        batch_size=batch,
        player_img_size=imgsz,
        pitch_img_size=imgsz,
        device=device,
        half=half,
    )
    with err_console.status("loading and warming the models …"):
        pipeline = build_pipeline(settings)
    with terminal.frame_progress(err_console, _frame_count(video)) as advance:
        run = process_video(
            pipeline,
            video,
            out=out,
            annotate=annotate,
            mode="reference" if reference else "pipelined",
            min_confidence=settings.keypoint_confidence,
            progress=advance,
        )
    output, summary = run.output, run.summary
    estimate = None
    if score:
        from scoreminer.scoring.estimate import estimate as estimate_answer
        from scoreminer.scoring.estimate import read_evidence

        with err_console.status("scoring the answer the way the validator would …"):
            estimate = estimate_answer(output.answers, read_evidence(video), output.timings.total)
    if as_json:
        extra = {"validator_estimate": estimate.as_dict()} if estimate else {}
        typer.echo(json.dumps({**summary.as_dict(), **extra}, indent=2))
    else:
        console.print(terminal.run_summary_table(summary))
        if estimate:
            console.print(terminal.estimate_line(estimate), highlight=False)


def _frame_count(video: Path) -> int:
    from scoreminer.video.info import open_capture

    capture, info = open_capture(video)
    capture.release()
    return info.frame_count


def score_cmd(
    answer: Annotated[
        Path, typer.Argument(help="An answer JSON (or a truth file: the ceiling).", exists=True, dir_okay=False)
    ],
    video: Annotated[Path, typer.Option("--video", help="The clip the answer is for.", exists=True, dir_okay=False)],
    seconds: Annotated[
        float | None, typer.Option("--seconds", help="Answer time for the speed term (default: its processing_time).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Score an answer file the way the validator would (CLIP steps left out), part by part."""
    from scoreminer.scoring.estimate import estimate as estimate_answer
    from scoreminer.scoring.estimate import load_answer, read_evidence

    frames, recorded = load_answer(answer)
    with err_console.status("reading the video: pitch frames and painted lines …"):
        evidence = read_evidence(video)
    result = estimate_answer(frames, evidence, seconds if seconds is not None else recorded)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        console.print(terminal.estimate_table(result))
