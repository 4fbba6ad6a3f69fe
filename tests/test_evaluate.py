"""`scoreminer evaluate` on tiny YOLO folders written here: metrics, restored frames, pose labels, bad folders."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from scoreminer.cli import app
from scoreminer.contract.score_vision import BALL, PLAYER, REFEREE
from scoreminer.evaluation.dataset import DatasetError, load_folder
from scoreminer.evaluation.runner import evaluate
from scoreminer.inference.ball import ConfidenceFloors
from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.inference.registration import project
from scoreminer.inference.types import Detections
from scoreminer.pitch import keypoints as template

# BGR colours a scene is drawn with, and the class the colour-blob detector below answers for each
COLOURS = {PLAYER: (0, 0, 255), REFEREE: (0, 255, 0), BALL: (255, 0, 0)}


class BlobDetector:
    """Finds the drawn rectangles by colour: a real detector on real pixels whose answers are exact. A ball must be
    square-ish (as a real ball is), so a frame squashed by an export loses it until its aspect is restored."""

    def __init__(self) -> None:
        self.shapes: list[tuple[int, int]] = []

    def __call__(self, frames):
        out = []
        for frame in frames:
            self.shapes.append(frame.shape[:2])
            boxes, classes = [], []
            for cid, colour in COLOURS.items():
                mask = np.all(np.abs(frame.astype(int) - colour) < 60, axis=2).astype(np.uint8)
                count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
                for x, y, w, h, area in stats[1:count]:
                    if area < 20 or (cid == BALL and not 0.75 < w / h < 1.33):
                        continue
                    boxes.append((x, y, x + w, y + h))
                    classes.append(cid)
            out.append(Detections.of(boxes, classes, np.full(len(boxes), 0.9)))
        return out


class FixedKeypoints:
    """Answers the same 32 keypoints (pixels, confidence) for every frame."""

    def __init__(self, points: np.ndarray) -> None:
        self.points = points

    def __call__(self, frames):
        return [self.points.copy() for _ in frames]


def pipeline(detector=None, keypoints=None) -> Pipeline:
    return Pipeline(detector or BlobDetector(), keypoints or FixedKeypoints(np.zeros((32, 3))), None, PipelineConfig())


def write_scene(root: Path, name: str, boxes: list[tuple[int, tuple[int, int, int, int]]], label_rows=None, size=None):
    """A 1920×1080 frame with these rectangles drawn and labelled; `size` stretches the saved image (an export)."""
    image = np.full((1080, 1920, 3), (40, 120, 40), np.uint8)
    rows = []
    for cid, (x1, y1, x2, y2) in boxes:
        cv2.rectangle(image, (x1, y1), (x2 - 1, y2 - 1), COLOURS[cid], -1)
        rows.append(
            f"{cid} {(x1 + x2) / 3840:.6f} {(y1 + y2) / 2160:.6f} {(x2 - x1) / 1920:.6f} {(y2 - y1) / 1080:.6f}"
        )
    if size:
        image = cv2.resize(image, size, interpolation=cv2.INTER_NEAREST)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "labels").mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(root / "images" / f"{name}.png"), image)
    (root / "labels" / f"{name}.txt").write_text("\n".join(label_rows if label_rows is not None else rows) + "\n")


PEOPLE = [(PLAYER, (100, 100, 140, 220)), (PLAYER, (600, 400, 650, 540)), (REFEREE, (1000, 500, 1040, 620))]
BALL_BOX = (BALL, (1500, 700, 1530, 730))


def figures(root: Path, aspect=None, detector=None, **kw):
    data = load_folder(root, **kw)
    return evaluate(data, pipeline(detector), ConfidenceFloors(0.25, 0.1), 0.5, 0, aspect)


def test_every_box_found_is_f1_one(tmp_path):
    write_scene(tmp_path, "a_1", [*PEOPLE, BALL_BOX])
    result = figures(tmp_path).total.classes
    assert result["player"].f1 == 1.0 and result["referee"].f1 == 1.0 and result["ball"].f1 == 1.0
    assert result["player"].ap50 == pytest.approx(1.0) and result["goalkeeper"].f1 is None


def test_a_missed_box_and_a_false_positive(tmp_path):
    labels = [f"2 {0.5:.3f} {0.9:.3f} 0.02 0.1"]  # a labelled player nobody drew: missed
    write_scene(tmp_path, "a_1", PEOPLE, label_rows=None)
    rows = (tmp_path / "labels" / "a_1.txt").read_text().splitlines()
    # the referee is drawn but not labelled: one false positive
    (tmp_path / "labels" / "a_1.txt").write_text("\n".join([*rows[:2], *labels]) + "\n")
    result = figures(tmp_path).total.classes
    player, referee = result["player"], result["referee"]
    assert (player.truth, player.answered, player.matched) == (3, 2, 2)
    assert player.recall == pytest.approx(2 / 3) and player.precision == 1.0 and player.f1 == pytest.approx(0.8)
    assert (referee.truth, referee.answered, referee.precision, referee.f1) == (0, 1, 0.0, 0.0)


def test_a_stretched_frame_is_restored_before_the_models_see_it(tmp_path):
    write_scene(tmp_path, "a_1", [*PEOPLE, BALL_BOX], size=(640, 640))
    squashed, restored = BlobDetector(), BlobDetector()
    assert figures(tmp_path, None, squashed).total.classes["ball"].recall == 0.0  # a squashed ball is no ball
    result = figures(tmp_path, (16, 9), restored).total.classes
    assert restored.shapes == [(1080, 1920)] and squashed.shapes == [(640, 640)]
    assert result["ball"].f1 == 1.0 and result["player"].f1 == 1.0


def test_groups_by_match_and_keeps_only_the_asked_ones(tmp_path):
    write_scene(tmp_path, "aa11_1", [*PEOPLE, BALL_BOX])
    write_scene(tmp_path, "bb22_1", PEOPLE[:1])
    result = figures(tmp_path, group_by=r"^([a-z0-9]+)_")
    assert sorted(result.groups) == ["aa11", "bb22"] and result.groups["bb22"].classes["player"].truth == 1
    only = load_folder(tmp_path, group_by=r"^([a-z0-9]+)_").only({"bb22"})
    assert [f.image.stem for f in only.frames] == ["bb22_1"]


def test_class_names_are_mapped_by_name(tmp_path):
    # a Roboflow export: its own ids and names (football → ball, "man" mapped by the user onto player)
    for split in ("train", "valid"):
        write_scene(tmp_path / split, f"{split}_1", [(PLAYER, (100, 100, 140, 220)), BALL_BOX])
        path = tmp_path / split / "labels" / f"{split}_1.txt"
        rows = [r.split(" ", 1) for r in path.read_text().splitlines()]
        ids = {str(PLAYER): "0", str(BALL): "1"}
        path.write_text("\n".join(f"{ids[c]} {rest}" for c, rest in rows) + "\n")
    (tmp_path / "data.yaml").write_text(
        "train: ../train/images\nval: ../valid/images\nnc: 2\nnames: ['man', 'football']\n"
    )
    data = load_folder(tmp_path, names={"man": "player"})
    assert data.names == {0: "player", 1: "ball"} and len(data.frames) == 2
    result = evaluate(data, pipeline(), ConfidenceFloors(0.25, 0.1), 0.5, 0).total.classes
    assert result["player"].f1 == 1.0 and result["ball"].f1 == 1.0
    assert load_folder(tmp_path).names == {1: "ball"}  # without the map "man" is no class of ours
    (tmp_path / "data.yaml").write_text("train: ../train/images\nnames: ['man', 'woman']\n")
    with pytest.raises(DatasetError, match="map one with --name"):
        load_folder(tmp_path)


def test_pose_labels_with_unlabelled_points(tmp_path):
    # the pitch seen through a known homography; the truth labels 6 of the points in view, the model answers 8 of
    # them (5 px off, confident) and nothing else; registration then answers every point in view.
    homography = np.array([[0.08, 0.02, 200.0], [0.0, 0.06, 250.0], [0.0, 0.00002, 1.0]])
    seen = project(homography, 1920, 1080)
    visible = np.flatnonzero(seen[:, 2] > 0)
    assert len(visible) >= 10
    labelled, answered = visible[:6], visible[:8]
    rows = []
    for i in range(32):
        x, y = seen[i, :2] / [1920, 1080]
        rows += [f"{x:.6f}", f"{y:.6f}", "2" if i in labelled else "0"]
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    cv2.imwrite(str(tmp_path / "images" / "m_1.png"), np.zeros((1080, 1920, 3), np.uint8))
    (tmp_path / "labels" / "m_1.txt").write_text("0 0.5 0.5 1 1 " + " ".join(rows) + "\n")
    model = np.zeros((32, 3))
    model[answered, :2] = seen[answered, :2] + [3.0, 4.0]  # 5 px off
    model[answered, 2] = 0.9
    data = load_folder(tmp_path)
    assert data.task == "pose" and data.frames[0].keypoints[:, 2].sum() == 6
    result = evaluate(data, pipeline(keypoints=FixedKeypoints(model)), ConfidenceFloors(), 0.5, 0).total
    raw, registered = result.raw, result.answered
    assert (raw.labelled, raw.answered, raw.within, raw.unlabelled_answered) == (6, 6, 6, 2)
    assert raw.median_px == pytest.approx(5.0, abs=0.01) and raw.recall == 1.0  # labels keep 6 decimals
    assert registered.unlabelled_answered == len(visible) - 6 and registered.within == 6
    assert template().shape == (32, 2)
    # below the keypoint floor nothing is answered, raw or registered (as serve's answer drops them)
    unsure = model.copy()
    unsure[answered, 2] = 0.3
    low = evaluate(data, pipeline(keypoints=FixedKeypoints(unsure)), ConfidenceFloors(), 0.5, 0).total
    assert low.raw.answered == 0 and low.answered.answered == 0 and low.answered.recall == 0.0


def test_bad_folders_give_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match="not a folder"):
        load_folder(tmp_path / "nowhere")
    (tmp_path / "empty" / "images").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "empty" / "images" / "a.png"), np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(DatasetError, match="no labels folder"):
        load_folder(tmp_path / "empty")
    write_scene(tmp_path / "four", "a_1", PEOPLE, label_rows=["2 0.5 0.5 0.1"])
    with pytest.raises(DatasetError, match=r"a_1\.txt:1 has 4 numbers"):
        load_folder(tmp_path / "four")


def test_cli_json_and_a_bad_folder_exit_code(tmp_path):
    write_scene(tmp_path / "set", "c0ffee_1", [*PEOPLE, BALL_BOX], size=(640, 640))
    args = ["evaluate", str(tmp_path / "set"), "--demo", "--restore-aspect", "16:9", "--group-by", "^([0-9a-f]+)_"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["task"] == "detect" and data["total"]["classes"]["player"]["truth"] == 2
    assert list(data["groups"]) == ["c0ffee"] and data["player_img_size"] == 1280
    bad = CliRunner().invoke(app, ["evaluate", str(tmp_path / "missing")])
    assert bad.exit_code == 2 and "not a folder" in bad.output
    wrong = CliRunner().invoke(app, ["evaluate", str(tmp_path / "set"), "--restore-aspect", "wide"])
    assert wrong.exit_code == 2 and "not W:H" in wrong.output
