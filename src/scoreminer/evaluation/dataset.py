"""A YOLO-format labelled folder read once: images, their boxes or pose keypoints, class names mapped to ours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoreminer.contract.score_vision import CLASS_NAMES, KEYPOINT_COUNT
from scoreminer.errors import ScoreminerError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
# Exporters name our classes their own way; every alias maps to a contract class name.
ALIASES = {"football": "ball", "sports ball": "ball", "goalie": "goalkeeper", "keeper": "goalkeeper", "ref": "referee"}


class DatasetError(ScoreminerError):
    """A labelled folder that cannot be read as YOLO detection or pose labels (exit 2)."""

    exit_code = 2


class DataYaml(BaseModel):
    """The fields of a Roboflow/ultralytics `data.yaml` that say where the images are and what the classes mean."""

    model_config = ConfigDict(extra="ignore")

    path: str | None = None
    train: str | list[str] | None = None
    val: str | list[str] | None = None
    test: str | list[str] | None = None
    names: dict[int, str] = Field(default_factory=dict)
    kpt_shape: list[int] | None = None

    @field_validator("names", mode="before")
    @classmethod
    def _names_as_dict(cls, value: object) -> object:
        return dict(enumerate(value)) if isinstance(value, list) else value


@dataclass(frozen=True)
class LabelledFrame:
    """One image and its truth, normalised to [0, 1]: boxes as (class id, x1, y1, x2, y2) in our class ids,
    keypoints (K, 3) as x, y, labelled (1/0) for a pose folder."""

    image: Path
    group: str
    boxes: np.ndarray
    keypoints: np.ndarray | None = None


@dataclass(frozen=True)
class LabelledSet:
    task: Literal["detect", "pose"]
    frames: list[LabelledFrame]
    names: dict[int, str]  # the folder's own class ids to the names they were mapped to

    def only(self, groups: set[str]) -> LabelledSet:
        """The frames of these groups; DatasetError when none is there."""
        kept = [f for f in self.frames if f.group in groups]
        if not kept:
            present = sorted({f.group for f in self.frames})
            raise DatasetError(f"no frame is in {sorted(groups)}", f"the groups are {present[:20]} (see --group-by)")
        return LabelledSet(self.task, kept, self.names)


def class_map(names: dict[int, str], extra: dict[str, str] | None = None) -> dict[int, int]:
    """The folder's class ids to contract class ids, by name (`football` → ball); a name we do not know is dropped."""
    ours = {name: cid for cid, name in CLASS_NAMES.items()}
    aliases = {**ALIASES, **(extra or {})}
    mapped = {}
    for cid, name in names.items():
        key = aliases.get(name.lower().strip(), name.lower().strip())
        if key in ours:
            mapped[cid] = ours[key]
    return mapped


def group_of(image: Path, pattern: str | None) -> str:
    """The group a frame belongs to: the first capture group (or whole match) of `pattern` in its file name."""
    if not pattern:
        return "all"
    found = re.search(pattern, image.name)
    if not found:
        return "other"
    return found.group(1) if found.groups() else found.group(0)


def load_folder(
    root: Path, names: dict[str, str] | None = None, group_by: str | None = None, split: str | None = None
) -> LabelledSet:
    """Read a YOLO folder: a `data.yaml` with its splits (all, or `split`), or `images/` + `labels/` side by side.

    `names` maps more of the folder's class names onto ours; `group_by` is a regex on file names (per match)."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(
            f"{root} is not a folder", "point evaluate at a YOLO folder (data.yaml, or images/ + labels/)"
        )
    spec = _read_yaml(root)
    image_dirs = _image_dirs(root, spec, split)
    kpt_shape = spec.kpt_shape or _sniff_kpt_shape(image_dirs)
    task: Literal["detect", "pose"] = "pose" if kpt_shape else "detect"
    frames = []
    folder_names = spec.names or dict(CLASS_NAMES)
    mapping = class_map(folder_names, names)
    for images in image_dirs:
        labels = _labels_dir(images)
        if not labels.is_dir():
            raise DatasetError(
                f"{images} has no labels folder beside it ({labels})", "export the dataset in YOLO format"
            )
        for image in sorted(p for p in images.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            label = labels / f"{image.stem}.txt"
            boxes, points = _read_label(label, task, mapping, kpt_shape)
            frames.append(LabelledFrame(image, group_of(image, group_by), boxes, points))
    if not frames:
        raise DatasetError(f"no images under {root}", "a YOLO folder holds images/*.jpg and labels/*.txt")
    if task == "detect" and not any(len(f.boxes) for f in frames):
        raise DatasetError(f"no label under {root} names a class scoreminer answers", _names_fix(folder_names))
    return LabelledSet(task, frames, {cid: CLASS_NAMES[ours] for cid, ours in mapping.items()})


def _labels_dir(images: Path) -> Path:
    # `images/` beside `labels/`, or `images/<split>` beside `labels/<split>`
    return images.parent / "labels" if images.name == "images" else images.parent.parent / "labels" / images.name


def _sniff_kpt_shape(image_dirs: list[Path]) -> list[int] | None:
    # Without a data.yaml a pose folder says what it is by its rows: 5 + 32 × 3 numbers.
    for images in image_dirs:
        labels = _labels_dir(images)
        for label in sorted(labels.glob("*.txt"))[:20] if labels.is_dir() else []:
            for line in label.read_text().splitlines():
                if len(line.split()) == 5 + KEYPOINT_COUNT * 3:
                    return [KEYPOINT_COUNT, 3]
                if line.strip():
                    return None
    return None


def _names_fix(names: dict[int, str]) -> str:
    return (
        f"the folder's classes are {sorted(names.values())}; map one with --name THEIRS=ball|goalkeeper|player|referee"
    )


def _read_yaml(root: Path) -> DataYaml:
    path = next((p for p in (root / "data.yaml", root / "data.yml") if p.is_file()), None)
    if path is None:
        return DataYaml()
    try:
        return DataYaml.model_validate(yaml.safe_load(path.read_text()) or {})
    except (yaml.YAMLError, ValueError) as exc:
        raise DatasetError(f"{path} is not a YOLO data.yaml ({str(exc).splitlines()[0]})", "fix or remove it") from exc


def _image_dirs(root: Path, spec: DataYaml, split: str | None) -> list[Path]:
    if (root / "images").is_dir() and not any(
        (root / "images" / s).is_dir() for s in ("train", "valid", "val", "test")
    ):
        return [root / "images"]
    wanted = {"train": spec.train, "val": spec.val, "test": spec.test}
    if split:
        wanted = {split: wanted.get(split) or split}
    found: list[Path] = []
    for name, entry in wanted.items():
        for candidate in _split_paths(root, name, entry):
            if candidate.is_dir() and candidate not in found:
                found.append(candidate)
    if not found:
        raise DatasetError(
            f"{root} has no images folder", "a YOLO folder holds images/ + labels/, or splits named in data.yaml"
        )
    return found


def _split_paths(root: Path, name: str, entry: str | list[str] | None) -> list[Path]:
    # Roboflow writes "../train/images" relative to data.yaml's folder; ultralytics writes "images/train".
    entries = entry if isinstance(entry, list) else [entry] if entry else []
    paths = [(root / e).resolve() for e in entries] + [(root / e.lstrip("./")).resolve() for e in entries]
    aliases = ["valid", "val"] if name == "val" else [name]
    paths += [root / a / "images" for a in aliases] + [root / "images" / a for a in aliases]
    return paths


def _read_label(
    label: Path, task: str, mapping: dict[int, int], kpt_shape: list[int] | None
) -> tuple[np.ndarray, np.ndarray | None]:
    rows = [line.split() for line in label.read_text().splitlines() if line.strip()] if label.is_file() else []
    boxes, points = [], None
    width = 5 + (kpt_shape[0] * kpt_shape[1] if kpt_shape else 0)
    for number, row in enumerate(rows, 1):
        if len(row) != width and not (task == "detect" and len(row) > 5 and (len(row) - 1) % 2 == 0):
            raise DatasetError(
                f"{label}:{number} has {len(row)} numbers, a {task} label has {width} (class cx cy w h"
                + (f" then {kpt_shape[0]} × x y v)" if kpt_shape else ")"),
                "re-export the dataset in YOLO format",
            )
        try:
            values = [float(v) for v in row]
        except ValueError as exc:
            raise DatasetError(f"{label}:{number} is not numbers", "re-export the dataset in YOLO format") from exc
        cls = int(values[0])
        if task == "pose":
            assert kpt_shape is not None
            k = np.array(values[5:], np.float64).reshape(kpt_shape[0], kpt_shape[1])
            visible = (k[:, 2] > 0) if kpt_shape[1] == 3 else np.ones(len(k), bool)
            points = np.column_stack([k[:, 0], k[:, 1], visible.astype(np.float64)])
            if len(points) != KEYPOINT_COUNT:
                raise DatasetError(f"{label} has {len(points)} keypoints, the pitch has {KEYPOINT_COUNT}", "")
            continue
        if len(row) > 5:  # a polygon (segment export): its bounding box
            xs, ys = np.array(values[1::2]), np.array(values[2::2])
            cx, cy, w, h = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2, np.ptp(xs), np.ptp(ys)
        else:
            cx, cy, w, h = values[1:5]
        if cls in mapping:
            boxes.append((mapping[cls], cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return np.array(boxes, np.float64).reshape(-1, 5), points
