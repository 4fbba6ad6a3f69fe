"""`benchmark` / `bench`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from scoreminer.commands.common import Demo, Json, console, demo_preset, err_console


def benchmark_cmd(
    ctx: typer.Context,
    video: Annotated[Path | None, typer.Argument(help="The video to measure on (or --synthetic).")] = None,
    stride: Annotated[str, typer.Option("--stride", help="FRAME_STRIDE values, e.g. 1,2,3.")] = "1,2",
    batch: Annotated[str, typer.Option("--batch", help="BATCH_SIZE values, e.g. 1,8,16.")] = "8",
    imgsz: Annotated[str | None, typer.Option("--imgsz", help="Player model sizes (default: PLAYER_IMG_SIZE).")] = None,
    pitch_imgsz: Annotated[
        str | None,
        typer.Option("--pitch-imgsz", help="Pitch model sizes (default: --imgsz when given, else PITCH_IMG_SIZE)."),
    ] = None,
    half: Annotated[
        bool | None, typer.Option("--half/--no-half", help="Only fp16 / only fp32 rows (default: HALF).")
    ] = None,
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="Timed runs per row after a warm-up.")] = 3,
    frames: Annotated[int | None, typer.Option("--frames", min=1, help="Cut the clip to its first N frames.")] = None,
    device: Annotated[str | None, typer.Option("--device", help="DEVICE for the benchmark.")] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Seconds allowed for a 750-frame challenge (default: 15, Score Vision's speed limit; 30, the "
            "private track's wait).",
        ),
    ] = None,
    min_agreement: Annotated[
        float,
        typer.Option(
            "--min-agreement", help="Least box F1 against the reference, and least share of its keypoint estimate."
        ),
    ] = 0.9,
    reference: Annotated[
        Path | None, typer.Option("--reference", help="Reference answer.json to judge quality by.")
    ] = None,
    synthetic: Annotated[bool, typer.Option("--synthetic", help="Render a 1280×720 match to measure on.")] = False,
    standin: Annotated[
        str | None, typer.Option("--standin", help="Random-weight stand-ins of this scale (n…x) instead of MODELS_DIR.")
    ] = None,
    backend: Annotated[
        str | None, typer.Option("--backend", help="Runtimes to compare, e.g. torch,openvino,onnx (default: BACKEND).")
    ] = None,
    preprocess: Annotated[
        str | None,
        typer.Option("--preprocess", help="Letterboxing to compare: per-model,shared (default: PREPROCESS)."),
    ] = None,
    openvino_precision: Annotated[
        str | None,
        typer.Option(
            "--openvino-precision", help="OpenVINO precisions to compare side by side: f32,bf16 (default: setting)."
        ),
    ] = None,
    demo: Demo = False,
    as_json: Json = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write every row to this CSV file.")] = None,
) -> None:
    """Measure stride / batch / image size / precision on a video: speed, and the quality each costs."""
    from scoreminer.bench import report as bench_report
    from scoreminer.bench.grid import build_grid, parse_backends, parse_ints, parse_precisions, parse_preprocesses
    from scoreminer.bench.prepare import prepare_models, prepare_video, work_folder
    from scoreminer.bench.runner import ModelCache, run_benchmark
    from scoreminer.inference.actions.choice import make_spotter
    from scoreminer.inference.factory import Wiring
    from scoreminer.inference.yolo import resolve_device
    from scoreminer.inference.yolo.export import choose_backend

    settings = ctx.obj.settings(demo_preset(demo), device=device)
    sizes = parse_ints(imgsz, "imgsz", 32, 4096, 32) if imgsz else [settings.player_img_size]
    pitch_sizes = (
        parse_ints(pitch_imgsz, "pitch-imgsz", 32, 4096, 32)
        if pitch_imgsz
        else None
        if imgsz
        else [settings.pitch_img_size]
    )
    halves = [settings.half] if half is None else [half]
    backends = (
        parse_backends(backend) if backend else [choose_backend(settings.backend, resolve_device(settings.device))]
    )
    preprocesses = parse_preprocesses(preprocess) if preprocess else [settings.preprocess]
    grid = build_grid(
        parse_ints(stride, "stride", 1, 10),
        parse_ints(batch, "batch", 1, 1024),
        sizes,
        pitch_sizes,
        halves,
        backends,
        preprocesses,
        parse_precisions(openvino_precision) if openvino_precision else [settings.openvino_precision],
    )
    expected = json.loads(reference.read_text())["frames"] if reference else None
    actions = settings.protocol == "turbovision-private"
    budget = budget if budget is not None else (settings.challenge_deadline_s if actions else 15.0)
    _exit_cleanly_on_sigterm()
    with work_folder() as work:
        with err_console.status("preparing the video and models …"):
            clip, true_actions = prepare_video(video, synthetic, frames, work, played=actions)
            player, pitch = prepare_models(settings, standin, work)
            base = Wiring.from_settings(settings)  # the miner's own pipeline; rows vary only the grid's dimensions
            cache = ModelCache(
                replace(
                    base, player=player, pitch=pitch, export_cache=work / "exports" if standin else base.export_cache
                )
            )
        spotter = make_spotter(settings.action_spotter, settings.action_floors) if actions else None
        with bench_report.bench_progress(err_console, grid) as on_row:
            result = run_benchmark(
                clip,
                grid,
                cache,
                repeats,
                budget,
                min_agreement,
                expected,
                on_row,
                spotter=spotter,
                true_actions=true_actions,
                protocol=settings.protocol,
            )
    if csv_out:
        bench_report.write_bench_csv(result, csv_out)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        bench_report.print_benchmark(console, result)


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (kill, PM2, CI timeouts) unwinds like Ctrl-C, so `with` blocks remove their temp folders."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
