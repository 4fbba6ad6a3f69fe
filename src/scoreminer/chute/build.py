"""`scoreminer chute build`: ONNX exports of the served models, the miner.py template, its settings and config."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from scoreminer.contract.manifest import Element
from scoreminer.contract.score_vision import BALL
from scoreminer.errors import ChuteError
from scoreminer.pitch import keypoints as template_cm
from scoreminer.settings import Settings

CONFIG = "chute.json"
MINER = "miner.py"
DETECTOR_FILE, PITCH_FILE = "detector.onnx", "pitch.onnx"
# What the chute image installs; the compliance image has these too (onnxruntime 1.26 there, on CPU).
PACKAGES = ("onnxruntime-gpu", "opencv-python-headless", "numpy", "pydantic")


@dataclass(frozen=True)
class BuiltChute:
    """The folder written, its size against the Element's cap, and what it holds."""

    folder: Path
    size_bytes: int
    cap_bytes: int
    detector_imgsz: int | None
    pitch_imgsz: int | None
    class_ids: dict[int, int]


def template_source() -> str:
    """The miner.py every build writes (shipped as package data)."""
    return files("scoreminer.chute").joinpath("template", MINER).read_text()


def class_table(model_names: dict[int, str], objects: list[str]) -> dict[int, int]:
    """Model class index → the Element's cls_id, by name; a class the Element does not list is left out."""
    table = {index: objects.index(name) for index, name in model_names.items() if name in objects}
    if not table:
        raise ChuteError(
            f"none of the detector's classes ({', '.join(model_names.values())}) is among the Element's objects "
            f"({', '.join(o for o in objects if o) or 'none'})",
            "pick an Element whose objects the detector knows (--element), or train a detector for them",
        )
    return table


def build_chute(out: Path, settings: Settings, element: Element, threads: int = 2) -> BuiltChute:
    """Write `out`: miner.py, chute.json, chute_config.yml, README.md and the ONNX weights; ChuteError over the cap."""
    from scoreminer.inference.yolo import load_yolo
    from scoreminer.inference.yolo.export import exported, installed
    from scoreminer.inference.yolo.loader import RunOptions

    if not installed("onnx"):
        raise ChuteError("exporting to ONNX needs onnx and onnxruntime", "pip install 'scoreminer[onnx]'")
    if out.exists() and any(out.iterdir()):
        raise ChuteError(f"{out} is not empty", "give a new folder (the build writes every file in it)")
    out.mkdir(parents=True, exist_ok=True)
    detector_size = settings.player_img_size or settings.img_size
    pitch_size = settings.pitch_img_size or settings.img_size
    config: dict = {"element": element.id, "threads": threads}

    def onnx(weights: Path, task: str, size: int, name: str) -> None:
        options = RunOptions("cpu", False, size, 1, settings.detection_confidence)
        shutil.copy2(exported(weights, task, "onnx", options, settings.export_cache), out / name)

    table: dict[int, int] = {}
    if element.objects:  # an Element without objects (PitchCalib) scores no box: no detector to run
        detector = load_yolo(settings.player_model_path, "detect")
        names = {int(k): str(v) for k, v in detector.names.items()}
        table = class_table(names, element.objects)
        config["detector"] = {
            "file": DETECTOR_FILE,
            "imgsz": detector_size,
            "confidence": settings.detection_confidence,
            "class_confidence": {str(k): settings.ball_floor for k in names if k == BALL},
            "one_per_frame": [k for k in names if k == BALL],  # one ball per frame, as `serve` answers it
            "class_ids": {str(k): v for k, v in table.items()},
            "class_names": {str(k): v for k, v in names.items()},
        }
        onnx(settings.player_model_path, "detect", detector_size, DETECTOR_FILE)
    if element.scores_keypoints:
        onnx(settings.pitch_model_path, "pose", pitch_size, PITCH_FILE)
        config["pitch"] = {
            "file": PITCH_FILE,
            "imgsz": pitch_size,
            "confidence": min(settings.detection_confidence, settings.ball_floor),  # the pose model's floor in serve
            "keypoint_confidence": settings.keypoint_confidence,
            # the template's 32 points on the pitch (cm), for the RANSAC fit that projects them all
            "template": [[round(float(x), 1), round(float(y), 1)] for x, y in template_cm()[:, :2]],
        }
    if len(config) == 2:
        raise ChuteError(
            f"{element.id} scores neither boxes nor keypoints", "pick a PlayerDetect, Detect or PitchCalib Element"
        )
    (out / CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    (out / MINER).write_text(template_source())
    (out / "chute_config.yml").write_text(chute_config())
    (out / "README.md").write_text(readme(element, config))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if size > element.max_repo_bytes:
        raise ChuteError(
            f"{out} holds {size / 2**20:.1f} MiB, over the {element.max_repo_bytes / 2**20:.0f} MiB allowed",
            "use smaller models (or a smaller export); the folder is left for inspection",
        )
    detector_imgsz = config["detector"]["imgsz"] if "detector" in config else None
    return BuiltChute(out, size, element.max_repo_bytes, detector_imgsz, config.get("pitch", {}).get("imgsz"), table)


def chute_config() -> str:
    """The three sections the template's load_chute reads: the image, the GPU it needs, the chute's scaling."""
    pip = " ".join(PACKAGES)
    return f"""Image:
  from_base: parachutes/python:3.12
  run_command:
    - pip install --upgrade setuptools wheel
    - pip install {pip}
  set_workdir: /app

NodeSelector:
  gpu_count: 1
  min_vram_gb_per_gpu: 16

Chute:
  shutdown_after_seconds: 300
  concurrency: 4
  max_instances: 5
  scaling_threshold: 0.5
"""


def readme(element: Element, config: dict) -> str:
    pitch = config.get("pitch")
    keypoints = (
        f"- `{PITCH_FILE}`: pitch keypoint model at {pitch['imgsz']} px; 32 keypoints, (0, 0) below "
        f"{pitch['keypoint_confidence']}\n"
        if pitch
        else "- no keypoint model: this Element does not score keypoints; `keypoints` are all (0, 0)\n"
    )
    detector = config.get("detector")
    boxes = (
        f"- `{DETECTOR_FILE}`: player detector at {detector['imgsz']} px (letterboxed to the frame's shape), "
        f"confidence {detector['confidence']}; model classes → the Element's `cls_id`: {detector['class_ids']}\n"
        if detector
        else "- no detector: this Element scores no boxes; `boxes` are empty\n"
    )
    return f"""# Turbo Vision chute miner for `{element.id}`

Written by `scoreminer chute build`. Upload this folder to a Hugging Face repo as it is, deploy it with the
validator's chute template, then commit it for the Element.

- `{MINER}`: class `Miner`, `predict_batch(batch_images, offset, n_keypoints)`; onnxruntime with CUDA when the
  chute has it, CPU otherwise (the validator's compliance rerun).
{boxes}{keypoints}- `{CONFIG}`: the settings above, read by `{MINER}`.
- `chute_config.yml`: image, GPU and scaling for Chutes.

Check it locally before deploying: `scoreminer chute check <this folder>`.
"""
