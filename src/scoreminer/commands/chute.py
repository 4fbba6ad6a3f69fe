"""`chute build|check|serve` and `elements`: Turbo Vision's open-source track, before anything is deployed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scoreminer.commands.common import Demo, Json, console, demo_preset, err_console, load_manifest

chute_app = typer.Typer(
    no_args_is_help=True, help="Build, check and serve a Turbo Vision open-source-track chute miner."
)

ElementOption = Annotated[
    str | None, typer.Option("--element", help="Element id in the manifest (default: its first public one).")
]
ManifestOption = Annotated[
    Path | None, typer.Option("--manifest", help="A manifest file (default: MANIFEST_URL, else the shipped one).")
]


def elements_cmd(ctx: typer.Context, manifest: ManifestOption = None, as_json: Json = False) -> None:
    """List the manifest's Elements: objects, pillars, latency line and weight."""
    found, source = load_manifest(ctx, manifest, say=not as_json)
    if as_json:
        typer.echo(json.dumps({"source": source, "elements": [e.model_dump() for e in found.elements]}, indent=2))
        return
    table = Table(title=f"Elements ({source})")
    for column in ("id", "track", "weight", "pillars", "objects", "p95 line", "θ / δ / β"):
        table.add_column(column)
    for e in found.elements:
        pillars = ", ".join(f"{k} {v:g}" for k, v in e.metrics.pillars.items())
        objects = ", ".join(o for o in e.objects if o) or "—"
        line = f"{e.latency_line_ms:.0f} ms" if e.public else "—"
        table.add_row(
            e.id,
            e.track,
            f"{e.weight:g}",
            pillars,
            objects,
            line,
            f"{e.baseline_theta:g} / {e.delta_floor:g} / {e.beta:g}",
        )
    console.print(table)


@chute_app.command("build")
def build_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="New folder for the Hugging Face repo.")],
    element: ElementOption = None,
    manifest: ManifestOption = None,
    threads: Annotated[
        int,
        typer.Option(
            "--threads",
            help="onnxruntime threads (0: one per core it sees, too many where a container is limited to 2 CPUs).",
        ),
    ] = 2,
    demo: Demo = False,
    as_json: Json = False,
) -> None:
    """Export the served models to ONNX and write miner.py, chute.json, chute_config.yml and a README into OUT."""
    from scoreminer.chute.build import build_chute

    found, _ = load_manifest(ctx, manifest, say=not as_json)
    chosen = found.element(element)
    settings = ctx.obj.settings(demo_preset(demo))
    built = build_chute(out.resolve(), settings, chosen, threads)
    if as_json:
        typer.echo(json.dumps({"folder": str(built.folder), "bytes": built.size_bytes, "element": chosen.id}))
        return
    models = [f"detector at {built.detector_imgsz} px"] if built.detector_imgsz else []
    models += [f"pitch keypoints at {built.pitch_imgsz} px"] if built.pitch_imgsz else []
    console.print(
        f"wrote {built.folder} for {chosen.id}: {built.size_bytes / 2**20:.1f} MiB of {built.cap_bytes / 2**20:.0f}, "
        + ", ".join(models),
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"next: scoreminer chute check {out}{' --demo' if demo else ''}", highlight=False, soft_wrap=True)


@chute_app.command("check")
def check_cmd(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A chute folder (what goes to Hugging Face).")],
    element: ElementOption = None,
    manifest: ManifestOption = None,
    video: Annotated[Path | None, typer.Option("--video", help="Take frames from this video.")] = None,
    images: Annotated[Path | None, typer.Option("--images", help="Take frames from this folder of images.")] = None,
    frames: Annotated[int, typer.Option("--frames", help="Challenges to time, one frame each (≥ 10).")] = 10,
    sizes: Annotated[str, typer.Option("--sizes", help="Input sizes to try, e.g. 1280,960,640.")] = "",
    threads: Annotated[str, typer.Option("--threads", help="Thread counts to try, e.g. 1,2.")] = "",
    demo: Demo = False,
    as_json: Json = False,
) -> None:
    """The validator's checks: files, code rules, loading, p95 latency on 2 CPUs, ONNX-vs-torch boxes, the score.
    Exit 0 only when every rule passes."""
    from scoreminer.chute.check import check_chute, sample_from_images, sample_from_video
    from scoreminer.errors import ChuteError

    if not folder.is_dir():
        raise ChuteError(f"{folder} is not a folder", "give the folder `scoreminer chute build` wrote")
    found, _ = load_manifest(ctx, manifest, say=not as_json)
    chosen = found.element(element)
    settings = ctx.obj.settings(demo_preset(demo))
    if images is not None:
        sample = sample_from_images(images, frames)
    elif video is not None:
        sample = sample_from_video(video, frames)
    else:
        sample = _demo_sample(frames, say=not as_json)
    report = check_chute(folder.resolve(), settings, chosen, sample, _ints(sizes) or None, _ints(threads) or None)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        table = Table(title=f"chute check {folder} ({chosen.id}, frames from {sample.source})")
        for column in ("check", "result", "detail"):
            table.add_column(column)
        for row in report.rows:
            result = "[green]PASS[/]" if row.passed else "[red]FAIL[/]" if row.passed is False else "info"
            table.add_row(row.check, result, row.detail)
        console.print(table)
        if report.variants:
            variants = Table(title="p95 by input size and threads (2 CPUs)")
            for column in ("input size", "threads", "p95", "passes"):
                variants.add_column(column)
            for v in report.variants:
                p95 = "error" if v["error"] else f"{v['p95_ms']:.0f} ms"
                variants.add_row(str(v["imgsz"]), str(v["threads"]), p95, "yes" if v["passes"] else "no")
            console.print(variants)
    if not report.passed:
        raise typer.Exit(1)


@chute_app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A chute folder.")],
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """/health and /predict as the chute template serves them, to replay a validator's request locally."""
    import uvicorn

    from scoreminer.chute.serve import create_chute_app
    from scoreminer.server.download import Downloader

    settings = ctx.obj.settings(lenient=True)
    downloader = Downloader.from_settings(settings)
    app = create_chute_app(folder.resolve(), downloader)
    console.print(f"chute {folder} on http://{host}:{port} (POST /health, POST /predict)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _demo_sample(count: int, say: bool):
    """Unseen demo frames with their truth (a render of seed 950: neither training nor the other checks use it)."""
    import tempfile

    from scoreminer.chute.check import sample_from_video
    from scoreminer.demo.render import render_clip

    if say:
        err_console.print(f"rendering {count * 5} demo frames (seed 950) …", highlight=False)
    with tempfile.TemporaryDirectory(prefix="scoreminer-chute-") as folder:  # the sample keeps the frames
        clip = Path(folder) / "clip.mp4"
        sample = sample_from_video(clip, count, render_clip(clip, seed=950, frames=count * 5))
    sample.source = "a demo render (seed 950)"
    return sample


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip()]
