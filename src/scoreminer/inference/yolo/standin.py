"""Random-weight stand-ins of the reference models, built from ultralytics' yaml configs.

They cost the same to run as trained weights of the same architecture, so tests and benchmarks
use them where real weights cannot be downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ultralytics
import yaml
from ultralytics import YOLO

from scoreminer.contract.score_vision import CLASS_NAMES

CONFIGS = Path(ultralytics.__file__).parent / "cfg" / "models" / "v8"
SCALES = {
    "tiny": [0.33, 0.125, 1024],
    "n": [0.33, 0.25, 1024],
    "s": [0.33, 0.5, 1024],
    "m": [0.67, 0.75, 768],
    "l": [1.0, 1.0, 512],
    "x": [1.0, 1.25, 512],
}


def build_standin(out: Path, task: str, scale: str = "tiny") -> Path:
    """Write a random-weight `.pt`: task "detect" (4 classes) or "pose" (1 class, 32 keypoints)."""
    source, extra = {
        "detect": ("yolov8.yaml", {"nc": 4}),
        "pose": ("yolov8-pose.yaml", {"nc": 1, "kpt_shape": [32, 3]}),
    }[task]
    config = yaml.safe_load((CONFIGS / source).read_text())
    config.update(extra, scales={scale: SCALES[scale]}, scale=scale)
    config_path = out.with_suffix(".yaml")
    out.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(yaml.safe_dump(config))
    model = YOLO(str(config_path), task=task)
    if task == "detect":
        network: Any = model.model
        network.names = dict(CLASS_NAMES)
    model.save(str(out))
    config_path.unlink()
    return out


def build_standin_pair(
    folder: Path,
    scale: str = "tiny",
    player: str = "football-player-detection.pt",
    pitch: str = "football-pitch-detection.pt",
) -> tuple[Path, Path]:
    """Both models of the miner, under the names the settings expect."""
    return build_standin(folder / player, "detect", scale), build_standin(folder / pitch, "pose", scale)
