"""`challenge`: play validator against any miner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from scoreminer import terminal
from scoreminer.commands.common import Json, console, err_console
from scoreminer.errors import UsageError


def challenge_cmd(
    ctx: typer.Context,
    miner: Annotated[str | None, typer.Argument(help="Miner base URL, e.g. http://127.0.0.1:7999")] = None,
    video: Annotated[str, typer.Option("--video", help="Video URL, or a local file served on a loopback port.")] = "",
    chute: Annotated[
        str | None,
        typer.Option("--chute", help="A chute's base URL (`chute serve`): send its /predict what a validator sends."),
    ] = None,
    frames: Annotated[
        int, typer.Option("--frames", help="With --chute and a local video: frames sent as base64 PNG.")
    ] = 3,
    key: Annotated[Path | None, typer.Option("--key", help="Validator hotkey file (default: a throwaway key).")] = None,
    hotkey: Annotated[
        str | None, typer.Option("--miner-hotkey", help="The miner's ss58 (default: from its /health).")
    ] = None,
    protocol: Annotated[
        str | None,
        typer.Option(
            "--protocol",
            help="Sign and send as this protocol's validators do: score-vision or turbovision-private "
            "(default: PROTOCOL).",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Play validator: send one signed challenge to a miner and report status, time and answer; with --chute,
    send a chute the open-source track's /predict request instead (frames of a local video, or its URL)."""
    from contextlib import nullcontext

    if not video:
        raise UsageError("challenge needs --video", "pass a local file or an http(s) URL")
    if chute is not None:
        _chute_challenge(chute, video, frames, as_json)
        return
    if miner is None:
        raise UsageError("challenge needs the miner's URL (or --chute URL)")

    from scoreminer.network.auth.hotkey import load_hotkey, new_keypair
    from scoreminer.network.challenge import ROUTES, miner_hotkey, send_challenge, serve_file

    protocol = protocol or ctx.obj.settings(lenient=True).protocol
    if protocol not in ROUTES:
        raise UsageError(f"--protocol {protocol} is not a protocol", f"use one of {', '.join(ROUTES)}")
    keypair = load_hotkey(key) if key else new_keypair()
    base = miner.rstrip("/")
    if video.startswith(("http://", "https://")):
        source: Any = nullcontext(video)
    elif Path(video).is_file():
        source = serve_file(Path(video).resolve())
    else:
        raise UsageError(f"--video {video}: no such file", "pass an existing local file or an http(s) URL")
    with source as url, err_console.status(f"challenge → {base} as {keypair.ss58_address} …"):
        report = send_challenge(base, url, keypair, hotkey or miner_hotkey(base), protocol=protocol)
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "validator": keypair.ss58_address}, indent=2))
    else:
        console.print(terminal.challenge_report(report, keypair.ss58_address))
    raise typer.Exit(0 if report.status == 200 else 1)


def _chute_challenge(base: str, video: str, count: int, as_json: bool) -> None:
    from scoreminer.chute.serve import frame_payload
    from scoreminer.network.challenge import send_to_chute

    if video.startswith(("http://", "https://")):
        payload: dict = {"url": video, "meta": {"batch_size": 64, "n_keypoints": 32}}
    elif Path(video).is_file():
        from scoreminer.video.source import FrameSource

        with FrameSource(Path(video), prefetch=4) as source:
            pictures = [frame for _, (_, frame) in zip(range(count), source, strict=False)]
        payload = frame_payload(pictures)
    else:
        raise UsageError(f"--video {video}: no such file", "pass an existing local file or an http(s) URL")
    status, seconds, body = send_to_chute(base, payload)
    answered = (body.get("predictions") or {}).get("frames", [])
    if as_json:
        typer.echo(json.dumps({"status": status, "seconds": seconds, **body}, indent=2))
    else:
        boxes = sum(len(f.get("boxes", [])) for f in answered)
        outcome = "success" if body.get("success") else f"failed: {body.get('error')}"
        console.print(
            f"chute {base}: HTTP {status} in {seconds:.2f} s, {outcome}; {len(answered)} frames, {boxes} boxes",
            highlight=False,
            soft_wrap=True,
        )
    raise typer.Exit(0 if body.get("success") else 1)
