"""`make demo` / `scoreminer demo run` and `serve --demo`: the demo models on a rendered match."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2

from scoreminer.compare import Agreement, compare
from scoreminer.demo.render import render_clip, write_truth
from scoreminer.inference.pipeline import Pipeline, Progress
from scoreminer.inference.summary import RunSummary, challenge_answer, summarize
from scoreminer.network.hotkey import load_hotkey, new_keypair, write_hotkey
from scoreminer.video.annotate import draw, write_annotated

WEIGHTS = Path(__file__).parent / "weights"
PLAYER, PITCH = "demo-player.pt", "demo-pitch.pt"
PLAYER_IMG_SIZE, PITCH_IMG_SIZE = 640, 320  # the sizes the demo models were trained at
# Measured on held-out clips (docs/demo-models.md): at 0.4 the small pose model keeps half the visible
# keypoints at 15 px; at 0.5 a third, and almost none on some clips; at 0.3 gross confusions get in.
DEMO_KEYPOINT_CONFIDENCE = 0.4


def demo_model_overrides() -> dict[str, Any]:
    """Settings that point the pipeline at the shipped demo weights."""
    return {"models_dir": WEIGHTS, "player_model": PLAYER, "pitch_model": PITCH,
            "player_img_size": PLAYER_IMG_SIZE, "pitch_img_size": PITCH_IMG_SIZE,
            "keypoint_confidence": DEMO_KEYPOINT_CONFIDENCE}


def demo_serve_overrides(folder: Path) -> tuple[dict[str, Any], Path]:
    """Demo models, a throwaway miner hotkey and an allow-listed throwaway validator key (its file)."""
    wallets = folder / "wallets"
    miner_key = wallets / "demo" / "hotkeys" / "miner"
    if not miner_key.exists():
        write_hotkey(miner_key, new_keypair())
    validator_key = folder / "validator-key"
    if not validator_key.exists():
        write_hotkey(validator_key, new_keypair())
    validator = load_hotkey(validator_key).ss58_address
    overrides = {**demo_model_overrides(), "wallet_path": wallets, "wallet_name": "demo", "hotkey_name": "miner",
                 "allowed_validator_hotkeys": validator, "refresh_nodes": False, "load_old_nodes": False,
                 "nodes_snapshot": folder / "nodes.json"}
    return overrides, validator_key


@dataclass(frozen=True)
class DemoResult:
    summary: RunSummary
    agreement: Agreement
    files: dict[str, Path]


def run_demo(pipeline: Pipeline, folder: Path, frames: int = 250, seed: int = 7, progress: Progress | None = None,
             min_confidence: float = 0.5) -> DemoResult:
    """Render a match, answer it, compare with the truth; leave answer, truth, annotated video and a still."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "clip.mp4"
    truth = render_clip(clip, seed=seed, frames=frames)
    output = pipeline.run(clip, progress=progress)
    files = {"clip": clip, "truth": write_truth(folder / "truth.json", truth),
             "answer": folder / "answer.json", "annotated": folder / "annotated.mp4", "still": folder / "annotated.png"}
    files["answer"].write_text(json.dumps(challenge_answer(output, "demo").model_dump(mode="json")))
    write_annotated(clip, output.frames, files["annotated"], min_confidence)
    _write_still(clip, output.frames[len(output.frames) // 3], files["still"], min_confidence)
    return DemoResult(summarize(output), compare(output.answers, truth), files)


def _write_still(clip: Path, result, out: Path, min_confidence: float) -> None:
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, result.frame_number)
    ok, frame = capture.read()
    capture.release()
    if ok:
        cv2.imwrite(str(out), draw(frame, result, min_confidence))
