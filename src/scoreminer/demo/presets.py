"""The `--demo` presets: a settings layer between the defaults and the .env (anything the operator says wins)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scoreminer.network.auth.hotkey import load_hotkey, new_keypair, write_hotkey
from scoreminer.settings import Preset

WEIGHTS = Path(__file__).parent / "weights"
PLAYER, PITCH = "demo-player.pt", "demo-pitch.pt"
# The detector runs at 1280, the frame's own width: a ball 22 cm across is 6-10 px there. Scaled down (640:
# 3-5 px) it falls between the centres of the model's finest 8-px grid, so training assigns it no anchor and
# it is never learned (measured: ball AP 0 at 640 and 960). It is trained on 640-px crops at this scale.
PLAYER_IMG_SIZE, PITCH_IMG_SIZE = 1280, 480
# Measured on held-out clips (docs/demo-models.md): at 0.4 the small pose model keeps half the visible
# keypoints at 15 px; at 0.5 a third, and almost none on some clips; at 0.3 gross confusions get in.
DEMO_KEYPOINT_CONFIDENCE = 0.4
# The small pose model is tens of pixels off; fitting the template to the white lines every 2nd frame brings
# the held-out median under a few pixels (docs/demo-models.md) for about 0.1 s of CPU per fitted frame.
DEMO_LINE_FIT_EVERY = 2
# The ball is the detector's least sure class on unseen looks; one ball per frame is answered, so a lower floor
# costs at most one wrong box a frame. Chosen on seeds 303-305 (ball F1 0.58 at 0.25, 0.66 at 0.15, 0.72 at 0.1).
DEMO_BALL_CONFIDENCE = 0.1


# Under Turbo Vision's private track the demo answers actions within the validator's 30 s. Measured on held-out
# played renders (docs/actions.md, 750 frames, 2 cores): stride 5 with the lines fitted on every processed
# frame scored 0.333 in 23.2 s (too close to 30 s once the clip is downloaded), stride 6 0.320 in 18.4 s,
# stride 5 fitting every 2nd frame 0.289 in 16.4 s.
DEMO_ACTIONS = {"frame_stride": 6, "line_fit_every": 1}


def demo_models() -> Preset:
    """The shipped demo weights at the sizes they were trained at (process-video, bench, demo run)."""
    return Preset(
        "demo",
        {
            "models_dir": WEIGHTS,
            "player_model": PLAYER,
            "pitch_model": PITCH,
            "player_img_size": PLAYER_IMG_SIZE,
            "pitch_img_size": PITCH_IMG_SIZE,
            "keypoint_confidence": DEMO_KEYPOINT_CONFIDENCE,
            "line_fit_every": DEMO_LINE_FIT_EVERY,
            "ball_confidence": DEMO_BALL_CONFIDENCE,
        },
        by_protocol={"turbovision-private": DEMO_ACTIONS},
    )


def demo_miner(folder: Path) -> tuple[Preset, Path]:
    """Demo models, a throwaway miner hotkey and an allow-listed throwaway validator key (returned), no chain."""
    wallets = folder / "wallets"
    miner_key = wallets / "demo" / "hotkeys" / "miner"
    if not miner_key.exists():
        write_hotkey(miner_key, new_keypair())
    validator_key = folder / "validator-key"
    if not validator_key.exists():
        write_hotkey(validator_key, new_keypair())
    validator = load_hotkey(validator_key).ss58_address
    values = {
        **demo_models().values,
        "wallet_path": wallets,
        "wallet_name": "demo",
        "hotkey_name": "miner",
        "allowed_validator_hotkeys": validator,
        "refresh_nodes": False,
        "load_old_nodes": False,
        "nodes_snapshot": folder / "nodes.json",
        "netuid": 0,
    }  # no chain in the demo: any subnet id will do
    return Preset("demo", values, demo_models().by_protocol), validator_key


def demo_clip(folder: Path, frames: int = 250, played: bool = False, say: Callable[[str], None] | None = None) -> Path:
    """The absolute path of a demo clip in `folder`, rendered (seed 300, `frames` at 25 fps) when it is not there:
    clip.mp4, or with `played` played-<frames>.mp4, a scripted match whose true actions lie beside it. `say` hears
    one line before a render starts (it takes about 0.1 s a frame)."""
    from scoreminer.demo.render import render_clip, write_truth

    clip = (folder / (f"played-{frames}.mp4" if played else "clip.mp4")).resolve()
    if clip.is_file():
        return clip
    if say is not None:
        say(f"rendering the demo clip {clip} ({frames} frames, about {max(1, round(frames * 0.1))} s, once) …")
    if not played:
        render_clip(clip, seed=300, frames=frames)
        return clip
    from scoreminer.demo.play import FPS, PlayedMatch

    match = PlayedMatch(300, frames / FPS)
    truth = render_clip(clip, seed=300, frames=frames, match=match)
    write_truth(clip.with_suffix(".truth.json"), truth, actions=match.truth_actions())
    return clip
