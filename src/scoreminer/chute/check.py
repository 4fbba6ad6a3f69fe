"""`scoreminer chute check`: the validator's checks on a chute folder, locally, as PASS/FAIL rows with reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scoreminer.chute.build import CONFIG
from scoreminer.chute.consistency import MATCH_LINE, agreement
from scoreminer.chute.rules import code_findings, file_findings
from scoreminer.chute.sandbox import SandboxRun, run_sandboxed
from scoreminer.contract.manifest import Element
from scoreminer.errors import ChuteError
from scoreminer.scoring.elements import Box, boxes_of, matched_f1, score_element
from scoreminer.settings import Settings

MIN_CALLS = 10  # the validator takes its p95 over (at most) 10 accepted challenges


@dataclass
class Row:
    check: str
    passed: bool | None  # None: information, not a rule
    detail: str


@dataclass
class Sample:
    """Frames to run (one challenge each), their numbers, and the truth when the frames come from a render."""

    frames: list[np.ndarray]
    numbers: list[int]
    truth: dict[int, list[Box]] | None = None
    source: str = ""


@dataclass
class ChuteReport:
    rows: list[Row] = field(default_factory=list)
    variants: list[dict] = field(default_factory=list)
    element_score: dict | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed is not False for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "rows": [r.__dict__ for r in self.rows],
            "variants": self.variants,
            "element_score": self.element_score,
        }


def sample_from_video(video: Path, count: int, truth: list[dict] | None = None) -> Sample:
    """`count` frames spread over the video (the validator's challenges are separate moments)."""
    from scoreminer.video.source import FrameSource

    with FrameSource(video, prefetch=4) as source:
        all_frames = dict(source)
    numbers = [int(n) for n in np.linspace(0, len(all_frames) - 1, min(count, len(all_frames)))]
    by_number = {f["frame_number"]: f for f in truth} if truth else None
    return Sample(
        [all_frames[n] for n in numbers],
        numbers,
        boxes_of([by_number[n] for n in numbers], [])[0] if by_number else None,
        str(video),
    )


def sample_from_images(folder: Path, count: int) -> Sample:
    import cv2

    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".bmp"})[:count]
    if not paths:
        raise ChuteError(f"no images in {folder}", "give a folder of .png or .jpg frames")
    frames = []
    for path in paths:
        picture = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if picture is None:
            raise ChuteError(f"{path} is not a readable image", "give a folder of .png or .jpg frames")
        frames.append(picture)
    return Sample(frames, list(range(len(frames))), None, str(folder))


def reference_answers(settings: Settings, config: dict, frames: list[np.ndarray]) -> list[list[dict]]:
    """What `serve`'s detector and floors answer for the same frames at the chute's input size (the detector, then
    people at their floor and the best ball at its own): the stand-in for the chute's GPU answer that the
    validator compares its CPU rerun with."""
    from scoreminer.contract.score_vision import BALL
    from scoreminer.inference.ball import ConfidenceFloors, join
    from scoreminer.inference.yolo import YoloDetector
    from scoreminer.inference.yolo.loader import RunOptions

    detector = config.get("detector")
    if not detector:
        return [[] for _ in frames]  # no detector in the chute: both sides answer no boxes
    people = float(detector["confidence"])
    ball = float(detector.get("class_confidence", {}).get(str(BALL), people))
    floors = ConfidenceFloors(people, ball)
    model = YoloDetector(
        settings.player_model_path, RunOptions("cpu", False, int(detector["imgsz"]), 1, min(people, ball))
    )
    table = {int(k): int(v) for k, v in detector["class_ids"].items()}
    answers = []
    for frame in frames:
        found = join(*floors.split(model([frame])[0]))
        answers.append(
            [
                {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "cls_id": table[int(c)], "conf": float(conf)}
                for (x1, y1, x2, y2), c, conf in zip(
                    np.rint(found.xyxy).astype(int).tolist(), found.class_id, found.confidence, strict=True
                )
                if int(c) in table
            ]
        )
    return answers


def check_chute(
    folder: Path,
    settings: Settings,
    element: Element,
    sample: Sample,
    sizes: list[int] | None = None,
    threads: list[int] | None = None,
) -> ChuteReport:
    """Every check, in the validator's order; a failed load stops there (nothing after it can run)."""
    report = ChuteReport()
    files = file_findings(folder, element.max_repo_bytes)
    report.rows.append(_rule_row("files and size", files, "types allowed, one .onnx at least, within the cap"))
    code = code_findings(folder / "miner.py")
    report.rows.append(_rule_row("miner.py rules", code, "no banned import or call, under 1 MiB"))
    if len(sample.frames) < MIN_CALLS:
        report.rows.append(Row("frames", False, f"{len(sample.frames)} frames, the p95 needs {MIN_CALLS}"))
        return report
    challenges = [[frame] for frame in sample.frames]
    run = run_sandboxed(folder, challenges)
    if run.error:
        stage = {"load": "load as the template does", "signature": "predict_batch parameters"}.get(
            run.stage, "predict in the sandbox"
        )
        report.rows.append(Row(stage, False, run.error))
        return report
    report.rows.append(Row("load as the template does", True, f"Miner(path_hf_repo=…) in {run.load_s:.1f} s"))
    report.rows.append(Row("predict_batch parameters", True, "batch_images, offset, n_keypoints"))
    report.rows.append(_shape_row(run))
    line = element.latency_line_ms
    p95 = run.p95_ms()
    report.rows.append(
        Row(
            "latency p95",
            p95 <= line,
            f"{p95:.0f} ms over {len(run.latencies_ms)} single-frame calls on CPUs {run.cpus} "
            f"(median {np.median(run.latencies_ms):.0f} ms), line {line:.0f} ms",
        )
    )
    config = json.loads((folder / CONFIG).read_text()) if (folder / CONFIG).is_file() else None
    if config is not None and "detector" not in config:
        report.rows.append(Row("ONNX on CPU vs torch", None, "no boxes to compare: the Element scores keypoints only"))
    elif config is not None and settings.player_model_path.is_file():
        local = {n: answer[0]["boxes"] for n, answer in zip(sample.numbers, run.answers, strict=True)}
        reference = dict(zip(sample.numbers, reference_answers(settings, config, sample.frames), strict=True))
        agree = agreement(reference, local)
        report.rows.append(
            Row("ONNX on CPU vs torch", agree >= MATCH_LINE, f"mean same-class IoU {agree:.3f}, line {MATCH_LINE}")
        )
    else:
        report.rows.append(Row("ONNX on CPU vs torch", None, "skipped: the torch weights are not at hand"))
    if sample.truth is not None:
        report.element_score, detail = _element_score(element, sample, run)
        report.rows.append(Row("element score", None, detail))
    if config is not None:
        report.variants = _variants(folder, config, challenges, line, sizes, threads)
        passing = [v for v in report.variants if v["passes"]]
        # the largest size that passes keeps the most detail (a ball is a few pixels at 640); its fastest threads
        best = max(passing, key=lambda v: (v["imgsz"], -v["p95_ms"])) if passing else None
        report.rows.append(
            Row(
                "sizes and threads",
                None,
                f"largest input that passes: {best['imgsz']} px at {best['threads']} threads ({best['p95_ms']:.0f} ms)"
                if best
                else "no size tried passes the line",
            )
        )
    return report


def _rule_row(name: str, findings: list, ok: str) -> Row:
    if not findings:
        return Row(name, True, ok)
    return Row(name, False, "; ".join(f"{f.where}: {f.why}" for f in findings[:4]))


def _shape_row(run: SandboxRun) -> Row:
    """The validator's output check: frame ids, box fields, one result per frame."""
    for frames in run.answers:
        for frame in frames:
            if "frame_id" not in frame:
                return Row("answer shape", False, "a result without frame_id")
            for box in frame.get("boxes", []):
                missing = {"x1", "y1", "x2", "y2", "cls_id"} - set(box)
                if missing:
                    return Row("answer shape", False, f"a box without {', '.join(sorted(missing))}")
    if any(len(frames) != 1 for frames in run.answers):
        return Row("answer shape", False, "not one result per frame")
    return Row("answer shape", True, "one result per frame; boxes with x1 y1 x2 y2 cls_id")


def _element_score(element: Element, sample: Sample, run: SandboxRun) -> tuple[dict, str]:
    assert sample.truth is not None
    # each call answered one frame as frame 0: number them as the sample's frames
    numbered = [{**frames[0], "frame_id": n} for n, frames in zip(sample.numbers, run.answers, strict=True)]
    answer, keypoints = boxes_of(numbered, element.objects)
    height, width = sample.frames[0].shape[:2]
    images = dict(zip(sample.numbers, sample.frames, strict=True))
    scored = score_element(element, sample.truth, answer, (width, height), keypoints, images)
    per_class = {}
    for label in sorted({b.label for boxes in sample.truth.values() for b in boxes} & set(element.objects)):
        values = [
            matched_f1(
                [b for b in sample.truth[n] if b.label == label], [b for b in answer[n] if b.label == label], 0.5
            )
            for n in sample.numbers
        ]
        per_class[label] = float(np.mean(values))
    pillars = ", ".join(f"{k} {v:.2f}" for k, v in scored.pillars.items())
    f1 = ", ".join(f"{k} {v:.2f}" for k, v in per_class.items())
    detail = f"composite {scored.composite:.3f} (total {scored.total:.3f}: {pillars})" + (
        f"; F1@0.5 {f1}" if f1 else ""
    )
    return {"composite": scored.composite, "total": scored.total, "pillars": scored.pillars, "f1": per_class}, detail


def _variants(
    folder: Path, config: dict, challenges: list, line: float, sizes: list[int] | None, threads: list[int] | None
) -> list[dict]:
    section = "detector" if "detector" in config else "pitch"  # the model whose input size sets the time
    built = int(config[section]["imgsz"])
    sizes = sizes or sorted({built, built * 3 // 4 // 32 * 32, built // 2 // 32 * 32}, reverse=True)
    threads = threads or [1, 2]
    rows = []
    for size in sizes:
        for count in threads:
            run = run_sandboxed(folder, challenges, {f"{section}.imgsz": size, "threads": count})
            p95 = run.p95_ms() if not run.error else float("inf")
            rows.append({"imgsz": size, "threads": count, "p95_ms": p95, "passes": p95 <= line, "error": run.error})
    return rows
