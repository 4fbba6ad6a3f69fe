"""The `scoreminer` command: parse, call the library, render, map errors to exit codes."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from scoreminer import terminal
from scoreminer.errors import ScoreminerError, StartupError, UsageError
from scoreminer.settings import Preset, Settings, check_keys, load_settings

console = Console()
err_console = Console(stderr=True)


GLOBAL_OPTIONS = ("--set", "--env-file")
EXIT_CODES = {
    0: "success",
    1: "a check or the command failed",
    2: "the command line is wrong",
    3: "serve refused to start",
}


class _Group(TyperGroup):
    """Accepts the global options after the command too; turns a ScoreminerError into one red line and its exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer hands its vendored click Context
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ScoreminerError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None


def hoist_global_options(args: list[str]) -> list[str]:
    """Move `--set K=V` / `--env-file P` given after the command name in front of it (one option, any place)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        elif name in GLOBAL_OPTIONS and i + 1 < len(args):
            front += [arg, args[i + 1]]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


app = typer.Typer(
    cls=_Group,
    help="Run and tune a Score Vision (subnet 44) miner.",
    epilog="Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items()) + ".",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: switches shown as switches, not `<bool>`
)


@dataclass
class CliState:
    """Global options; settings are built when a command asks, so `--help` never trips on a bad .env."""

    env_file: Path | None
    sets: dict[str, str] = field(default_factory=dict)

    def settings(self, preset: Preset | None = None, **flags: Any) -> Settings:
        """The one settings object: this command's flags > --set > environment > .env > preset > defaults."""
        return load_settings(self.env_file, self.sets, flags=flags, preset=preset)


def _parse_sets(values: list[str]) -> dict[str, str]:
    pairs = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r} is not KEY=VALUE", "write e.g. --set FRAME_STRIDE=2")
        pairs[key.strip().lower()] = value
    check_keys(pairs, "--set")
    return pairs


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"scoreminer {package_version('scoreminer')}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    ctx: typer.Context,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", help="The .env to use (else $SCOREMINER_ENV_FILE, else .env in cwd or a parent)."),
    ] = None,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Override a setting for this run (repeatable; before or after the command).",
        ),
    ] = [],
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Run and tune a Score Vision (subnet 44) miner.

    Exit codes: 0 success, 1 a check or the command failed, 2 the command line is wrong, 3 serve refused to start.
    """
    try:
        sets = _parse_sets(set_)
    except UsageError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    ctx.obj = CliState(env_file=env_file, sets=sets)


Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Demo = Annotated[
    bool,
    typer.Option("--demo", help="Use the shipped demo models at their sizes (a preset: .env and --set still win)."),
]


@app.command("check-env")
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
) -> None:
    """Check this install the way a validator would find it broken; exit 1 if any check fails."""
    from scoreminer.doctor import run_doctor

    state: CliState = ctx.obj
    preset = _demo_miner_preset()[0] if demo else None
    report = run_doctor(state.env_file, state.sets, offline=offline, show_settings=show_settings, preset=preset)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        terminal.print_doctor(console, report)
    raise typer.Exit(0 if report.ok else 1)


app.command("doctor", help="Alias of check-env.")(check_env)


@app.command("sync-metagraph")
def sync_metagraph_cmd(
    ctx: typer.Context,
    as_json: Json = False,
    netuid: Annotated[int | None, typer.Option("--netuid", help="Subnet uid (default: NETUID).")] = None,
    address: Annotated[
        str | None, typer.Option("--subtensor-address", help="Chain websocket URL (default: SUBTENSOR_ADDRESS).")
    ] = None,
) -> None:
    """Fetch the subnet's nodes from the chain, save the snapshot and show them (the snapshot if the chain is down)."""
    from scoreminer.network.chain.sync import sync_metagraph

    settings = ctx.obj.settings(netuid=netuid, subtensor_address=address)
    err_console.print(
        f"connecting to {settings.chain_address} … (netuid {settings.require_netuid()}, "
        f"up to {settings.chain_timeout_s:g} s per answer)",
        highlight=False,
    )
    result = sync_metagraph(settings)
    if result.fallback:
        err_console.print(f"[yellow]warning:[/] {result.fallback}", highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        terminal.print_sync(console, result)
    raise typer.Exit(1 if result.fallback else 0)


@app.command("process-video")
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
        _demo_preset(demo),
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


def _demo_preset(demo: bool) -> Preset | None:
    from scoreminer.demo.presets import demo_models

    return demo_models() if demo else None


@app.command("score")
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


@app.command("serve")
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
        preset, validator_key = _demo_miner_preset() if demo else (None, None)
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


def _demo_miner_preset() -> tuple[Preset, Path]:
    from scoreminer.demo.presets import demo_miner

    return demo_miner(Path("demo").resolve())


def _print_demo_challenge(settings: Settings, validator_key: Path) -> None:
    from scoreminer.demo.presets import demo_clip

    with err_console.status(f"looking for (or rendering) a demo clip in {validator_key.parent} …"):
        clip = demo_clip(validator_key.parent)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    err_console.print(
        f"demo: once it listens, try `scoreminer challenge http://{host}:{settings.port} "
        f"--video {clip} --key {validator_key}`",
        highlight=False,
        soft_wrap=True,
    )


@app.command("pm2")
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
    typer.echo(f"wrote {eco.path}\nstart it with:\n  {eco.start_command}\n  pm2 save")


@app.command("challenge")
def challenge_cmd(
    miner: Annotated[str, typer.Argument(help="Miner base URL, e.g. http://127.0.0.1:7999")],
    video: Annotated[str, typer.Option("--video", help="Video URL, or a local file served on a loopback port.")],
    key: Annotated[Path | None, typer.Option("--key", help="Validator hotkey file (default: a throwaway key).")] = None,
    hotkey: Annotated[
        str | None, typer.Option("--miner-hotkey", help="The miner's ss58 (default: from its /health).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Play validator: send one signed challenge to a miner and report status, time and answer."""
    from contextlib import nullcontext

    from scoreminer.network.auth.hotkey import load_hotkey, new_keypair
    from scoreminer.network.challenge import miner_hotkey, send_challenge, serve_file

    keypair = load_hotkey(key) if key else new_keypair()
    base = miner.rstrip("/")
    if video.startswith(("http://", "https://")):
        source: Any = nullcontext(video)
    elif Path(video).is_file():
        source = serve_file(Path(video).resolve())
    else:
        raise UsageError(f"--video {video}: no such file", "pass an existing local file or an http(s) URL")
    with source as url, err_console.status(f"challenge → {base} as {keypair.ss58_address} …"):
        report = send_challenge(base, url, keypair, hotkey or miner_hotkey(base))
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "validator": keypair.ss58_address}, indent=2))
    else:
        console.print(terminal.challenge_report(report, keypair.ss58_address))
    raise typer.Exit(0 if report.status == 200 else 1)


@app.command("benchmark")
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
    budget: Annotated[float, typer.Option("--budget", help="Seconds allowed for a 750-frame challenge.")] = 15.0,
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
    demo: Demo = False,
    as_json: Json = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write every row to this CSV file.")] = None,
) -> None:
    """Measure stride / batch / image size / precision on a video: speed, and the quality each costs."""
    from scoreminer.bench import report as bench_report
    from scoreminer.bench.grid import build_grid, parse_backends, parse_ints
    from scoreminer.bench.prepare import prepare_models, prepare_video, work_folder
    from scoreminer.bench.runner import ModelCache, run_benchmark
    from scoreminer.inference.yolo import resolve_device
    from scoreminer.inference.yolo.export import choose_backend

    settings = ctx.obj.settings(_demo_preset(demo), device=device)
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
    grid = build_grid(
        parse_ints(stride, "stride", 1, 10), parse_ints(batch, "batch", 1, 1024), sizes, pitch_sizes, halves, backends
    )
    expected = json.loads(reference.read_text())["frames"] if reference else None
    _exit_cleanly_on_sigterm()
    with work_folder() as work:
        with err_console.status("preparing the video and models …"):
            clip = prepare_video(video, synthetic, frames, work)
            player, pitch = prepare_models(settings, standin, work)
            cache = ModelCache(
                player,
                pitch,
                settings.device,
                settings.detection_confidence,
                settings.keypoint_mode,
                settings.threads,
                None if standin else settings.export_cache,
            )
        with bench_report.bench_progress(err_console, grid) as on_row:
            result = run_benchmark(
                clip, grid, cache, repeats, budget, min_agreement, expected, settings.keypoint_confidence, on_row
            )
    if csv_out:
        bench_report.write_bench_csv(result, csv_out)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        bench_report.print_benchmark(console, result)


app.command("bench", help="Alias of benchmark.")(benchmark_cmd)


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (kill, PM2, CI timeouts) unwinds like Ctrl-C, so `with` blocks remove their temp folders."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


hotkey_app = typer.Typer(help="Miner hotkeys in the bittensor wallet layout (no btcli needed).", no_args_is_help=True)
app.add_typer(hotkey_app, name="hotkey")


@hotkey_app.command("new")
def hotkey_new_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Hotkey file name (HOTKEY_NAME).")],
    wallet: Annotated[str | None, typer.Option("--wallet", help="Wallet folder (default: WALLET_NAME).")] = None,
    as_json: Json = False,
) -> None:
    """Create WALLET_PATH/WALLET/hotkeys/NAME with a new sr25519 key, as btcli would; never overwrites."""
    from scoreminer.network.auth.hotkey import create_hotkey

    settings = ctx.obj.settings()
    created = create_hotkey(settings.wallet_path / (wallet or settings.wallet_name) / "hotkeys" / name)
    if as_json:
        typer.echo(
            json.dumps(
                {"path": str(created.path), "ss58_address": created.ss58_address, "mnemonic": created.mnemonic},
                indent=2,
            )
        )
        return
    console.print(terminal.new_hotkey_text(created, wallet or settings.wallet_name, name), highlight=False)


demo_app = typer.Typer(help="The demo: a rendered match and small models trained on it.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("run")
def demo_run_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder for clip, truth, answer and annotated video.")] = Path(
        "demo"
    ),
    frames: Annotated[int, typer.Option("--frames", help="Frames to render (25 fps).")] = 250,
    seed: Annotated[int, typer.Option("--seed", help="Match seed (the models never saw 300+).")] = 300,
) -> None:
    """Render a match, answer it with the shipped demo models, compare with the exact truth."""
    from scoreminer.demo.run import run_demo
    from scoreminer.inference.factory import build_pipeline

    settings = ctx.obj.settings(_demo_preset(True))
    with err_console.status("loading and warming the demo models …"):
        pipeline = build_pipeline(settings)
    with terminal.frame_progress(err_console, frames) as advance:
        result = run_demo(pipeline, out, frames, seed, advance, settings.keypoint_confidence)
    console.print(terminal.run_summary_table(result.summary))
    console.print(terminal.agreement_line(result.agreement, "accuracy against the ground truth"))
    for name, path in result.files.items():
        console.print(f"{name}: {path}", highlight=False)


def main() -> None:
    """Console-script entry point."""
    from scoreminer.inference.allocator import keep_freed_memory

    keep_freed_memory()  # before any thread exists: every thread then shares the one arena
    sys.exit(app())
