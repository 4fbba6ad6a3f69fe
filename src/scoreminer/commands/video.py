"""`process-video` and `score`: the pipeline and the validator estimate on local files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from scoreminer import terminal
from scoreminer.commands.common import Demo, Json, console, demo_preset, err_console, load_manifest
from scoreminer.errors import UsageError


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
    actions: Annotated[
        bool | None,
        typer.Option(
            "--actions/--no-actions",
            help="Spot the football actions too (default: under PROTOCOL=turbovision-private, whose answer --out "
            "then writes).",
        ),
    ] = None,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth",
            help="True actions to score the spotted ones by (a demo truth.json).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Run the miner's pipeline on a local video: every frame answered, a summary and the validator estimate."""
    from scoreminer.inference.actions.choice import make_spotter
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
    spot = (settings.protocol == "turbovision-private" if actions is None else actions) or truth is not None
    with err_console.status("loading and warming the models …"):
        pipeline = build_pipeline(settings, sightings=spot)
    with terminal.frame_progress(err_console, _frame_count(video)) as advance:
        run = process_video(
            pipeline,
            video,
            out=out,
            annotate=annotate,
            mode="reference" if reference else "pipelined",
            min_confidence=settings.keypoint_confidence,
            progress=advance,
            spotter=make_spotter(settings.action_spotter, settings.action_floors) if spot else None,
        )
    output, summary = run.output, run.summary
    action_score = None
    if truth is not None and run.actions is not None:
        from scoreminer.scoring.actions import load_actions, score_actions

        action_score = score_actions([(a.frame, a.action) for a in run.actions], load_actions(truth))
    estimate = None
    if score:
        from scoreminer.scoring.estimate import estimate as estimate_answer
        from scoreminer.scoring.estimate import read_evidence

        with err_console.status("scoring the answer the way the validator would …"):
            estimate = estimate_answer(output.answers, read_evidence(video), output.timings.total)
    if as_json:
        extra: dict[str, Any] = {"validator_estimate": estimate.as_dict()} if estimate else {}
        if run.actions is not None:
            extra["actions"] = [a.__dict__ for a in run.actions]
        if action_score is not None:
            extra["action_score"] = action_score.as_dict()
        typer.echo(json.dumps({**summary.as_dict(), **extra}, indent=2))
        return
    console.print(terminal.run_summary_table(summary))
    if estimate:
        console.print(terminal.estimate_line(estimate), highlight=False)
    if run.actions is not None:
        console.print(terminal.actions_line(run.actions), highlight=False)
    if action_score is not None:
        console.print(terminal.action_line(action_score), highlight=False)


def _frame_count(video: Path) -> int:
    from scoreminer.video.info import open_capture

    capture, info = open_capture(video)
    capture.release()
    return info.frame_count


def score_cmd(
    ctx: typer.Context,
    answer: Annotated[
        Path, typer.Argument(help="An answer JSON (or a truth file: the ceiling).", exists=True, dir_okay=False)
    ],
    video: Annotated[
        Path | None,
        typer.Option("--video", help="Score Vision: the clip the answer is for.", exists=True, dir_okay=False),
    ] = None,
    actions: Annotated[
        Path | None,
        typer.Option(
            "--actions",
            help="Turbo Vision: the true actions (a demo truth.json, or a list of {frame, action}).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    element: Annotated[
        str | None,
        typer.Option("--element", help="Turbo Vision open-source track: score a chute answer for this Element."),
    ] = None,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth", help="With --element: the true boxes (a demo truth.json or chute frames).", exists=True
        ),
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option("--manifest", help="With --element: the manifest file (default: as `elements`).")
    ] = None,
    seconds: Annotated[
        float | None, typer.Option("--seconds", help="Answer time for the speed term (default: its processing_time).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Score an answer the way the validator would: boxes and keypoints against the video (Score Vision, CLIP
    steps left out), actions against the true actions (Turbo Vision's private track), or a chute's answer for
    an Element against true boxes (its open-source track; --video adds the keypoint pillar's frames)."""
    if element is not None:
        _score_element(ctx, answer, element, truth, manifest, video, as_json)
        return
    if (video is None) == (actions is None):
        raise UsageError("score needs --video (Score Vision), --actions or --element (Turbo Vision), one of them")
    if actions is not None:
        from scoreminer.scoring.actions import load_actions, score_actions

        scored = score_actions(load_actions(answer), load_actions(actions))
        if as_json:
            typer.echo(json.dumps(scored.as_dict(), indent=2))
        else:
            console.print(terminal.action_score_table(scored))
        return
    from scoreminer.scoring.estimate import estimate as estimate_answer
    from scoreminer.scoring.estimate import load_answer, read_evidence

    assert video is not None
    frames, recorded = load_answer(answer)
    with err_console.status("reading the video: pitch frames and painted lines …"):
        evidence = read_evidence(video)
    result = estimate_answer(frames, evidence, seconds if seconds is not None else recorded)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        console.print(terminal.estimate_table(result))


def _score_element(
    ctx: typer.Context, answer: Path, element_id: str, truth: Path | None, manifest: Path | None, video: Path | None,
    as_json: bool,
) -> None:  # fmt: skip
    from scoreminer.errors import AnswerFileError
    from scoreminer.scoring.elements import boxes_of, read_chute_frames, score_element

    if truth is None:
        raise UsageError("score --element needs --truth (the true boxes)")
    found, _ = load_manifest(ctx, manifest, say=not as_json)
    chosen = found.element(element_id)
    sides = []
    for path in (answer, truth):
        try:
            sides.append(boxes_of(read_chute_frames(json.loads(path.read_text())), chosen.objects))
        except (ValueError, KeyError, TypeError) as exc:
            raise AnswerFileError(f"{path} is not a chute answer or truth ({exc})", "pass /predict output") from None
    (mine, keypoints), (true, _) = sides
    frames, size = {}, (1280, 720)
    if video is not None:
        from scoreminer.video.source import FrameSource

        with FrameSource(video, prefetch=4) as source:
            frames = {n: f for n, f in source if n in keypoints}
            size = (source.info.width, source.info.height)
    scored = score_element(chosen, true, mine, size, keypoints, frames)
    if as_json:
        typer.echo(json.dumps({"element": chosen.id, **scored.__dict__}, indent=2))
        return
    pillars = ", ".join(f"{k} {v:.3f}" for k, v in scored.pillars.items())
    console.print(
        f"{chosen.id}: composite {scored.composite:.3f} (total {scored.total:.3f}, θ {chosen.baseline_theta:g}); "
        f"{pillars}",
        highlight=False,
        soft_wrap=True,
    )
