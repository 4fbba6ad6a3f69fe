"""Load ultralytics weights offline, pick the torch device, warm the model up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from ultralytics import YOLO
from ultralytics.utils import NUM_THREADS

from scoreminer.errors import ModelLoadError

ULTRALYTICS_THREADS: int = NUM_THREADS  # what importing ultralytics leaves torch with: cores − 1
HOW_TO_GET = (
    "copy it from the Score Vision miner's data folder into MODELS_DIR (or set MODELS_DIR / PLAYER_MODEL / PITCH_MODEL)"
)


@dataclass(frozen=True)
class RunOptions:
    """How a model is run: device, half, input size, batch size, confidence floor, shared letterboxing, and the
    OpenVINO precision."""

    device: str
    half: bool
    imgsz: int
    batch_size: int
    confidence: float
    shared: bool = False
    precision: str = "f32"  # OpenVINO's inference precision hint: f32, bf16 or auto (its own choice)


def resolve_device(wanted: str) -> str:
    """`auto` → cuda:0 / mps / cpu; an explicit device is returned as is (ModelLoadError if absent)."""
    if wanted == "auto":
        if torch.cuda.is_available():
            return "cuda:0"
        return "mps" if torch.backends.mps.is_available() else "cpu"
    if wanted.startswith("cuda") and not torch.cuda.is_available():
        raise ModelLoadError(f"DEVICE={wanted} but torch sees no CUDA GPU", "set DEVICE=cpu or fix the GPU driver")
    return "cuda:0" if wanted == "cuda" else wanted


def set_threads(threads: int) -> int:
    """Threads for torch's forward pass, set after ultralytics' import (which leaves cores − 1); returns the old."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    return before


def load_yolo(path: Path, task: str) -> Any:
    """An ultralytics model from a local .pt of the given task ("detect" or "pose")."""
    if not path.is_file():
        raise ModelLoadError(f"weights file {path} not found", HOW_TO_GET)
    try:
        model = YOLO(str(path), task=task)
    except Exception as exc:  # torch/ultralytics raise many types on a bad file
        raise ModelLoadError(
            f"cannot load {path} ({type(exc).__name__}: {str(exc)[:120]})",
            f"the file is truncated or not ultralytics weights; {HOW_TO_GET}",
        ) from None
    if model.task != task:
        raise ModelLoadError(f"{path} is a {model.task} model, expected {task}", HOW_TO_GET)
    return model


def forward_seconds(results: list[Any]) -> float:
    """The models' own forward time in `results` (ultralytics times it per image, in ms, apart from pre/post)."""
    return sum(r.speed.get("inference") or 0.0 for r in results) / 1000


def predict(model: Any, frames: Sequence[np.ndarray], options: RunOptions) -> list[Any]:
    """ultralytics results for `frames` in one call: the pipeline already made the batch (BATCH_SIZE)."""
    return list(
        model.predict(
            list(frames),
            imgsz=options.imgsz,
            device=options.device,
            half=options.half,
            conf=options.confidence,
            batch=len(frames),
            verbose=False,
        )
    )


def warm_up(model: Any, options: RunOptions, shape: tuple[int, int] = (720, 1280)) -> None:
    """One full batch through the model so the first real call pays no set-up cost."""
    blank = np.zeros((*shape, 3), np.uint8)
    predict(model, [blank] * options.batch_size, options)
