"""Prepare `make demo`: a synthetic clip and stand-in models under demo/ (nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

from scoreminer.inference.yolo.standin import build_standin_pair
from scoreminer.video.synthetic import write_synthetic_clip

DEMO = Path(__file__).parents[1] / "demo"


def main() -> None:
    DEMO.mkdir(exist_ok=True)
    clip = write_synthetic_clip(DEMO / "clip.mp4", frames=125, width=1280, height=720, movers=12, seed=7)
    if not (DEMO / "models" / "football-player-detection.pt").exists():
        build_standin_pair(DEMO / "models")
    print(f"clip: {clip.path} ({clip.frames} frames); models: {DEMO / 'models'}")


if __name__ == "__main__":
    main()
