"""Draw a real broadcast frame of a held-out match as the shipped demo models answer it (README's first picture).

    python scripts/real_frame.py [--real ../shared/data/real] [--frame 08fd33_9_6] [--out docs/real-frame.png]

The frame is one of the labelled players frames (Roboflow Universe `football-players-detection-3zvbc-bf79d` v1,
CC BY 4.0; frames from the DFL Bundesliga Data Shootout), restored to 1920×1080 as the exporter stretched it,
answered through serve's models at the demo presets (people at their floor, one ball, keypoints registered and
fitted to the lines), drawn, and saved at 1280×720 with the credit on the picture.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from scoreminer.demo.presets import demo_models
from scoreminer.evaluation.dataset import load_folder
from scoreminer.evaluation.runner import answer_still, read_frame
from scoreminer.inference.ball import ConfidenceFloors
from scoreminer.inference.factory import build_pipeline
from scoreminer.settings import load_settings
from scoreminer.video.annotate import draw

CREDIT = "real frame: DFL Bundesliga Data Shootout via Roboflow Universe (CC BY 4.0); held-out match, scoreminer demo"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/real")
    parser.add_argument("--frame", default="08fd33_9_6", help="the start of a players file name")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs/real-frame.png")
    args = parser.parse_args()
    data = load_folder(args.real / "players")
    frame = next(f for f in data.frames if f.image.name.startswith(args.frame + "_"))
    settings = load_settings(preset=demo_models(), flags={"device": "cpu"}, use_env_file=False)
    pipeline = build_pipeline(settings, warm_shape=None, sightings=False)
    image = read_frame(frame, (16, 9))
    floors = ConfidenceFloors(settings.detection_confidence, settings.ball_floor)
    still = answer_still(image, pipeline, floors, settings.keypoint_confidence, settings.line_fit_every)
    drawn = draw(image.copy(), still.result, settings.keypoint_confidence)
    drawn = cv2.resize(drawn, (1280, 720), interpolation=cv2.INTER_AREA)
    cv2.rectangle(drawn, (0, 0), (1280, 26), (0, 0, 0), -1)
    cv2.putText(drawn, CREDIT, (8, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), drawn)
    print(args.out, len(still.result.detections), "boxes")


if __name__ == "__main__":
    main()
