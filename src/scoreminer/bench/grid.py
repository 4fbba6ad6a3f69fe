"""The grid of configurations to measure, parsed from comma-separated flags."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from scoreminer.errors import UsageError


@dataclass(frozen=True)
class BenchConfig:
    """One row: how the pipeline is run."""

    stride: int
    batch: int
    imgsz: int
    pitch_imgsz: int
    half: bool
    reference: bool = False
    backend: str = "torch"
    preprocess: str = "auto"
    precision: str = "f32"  # OpenVINO's inference precision (the other runtimes ignore it)

    @property
    def label(self) -> str:
        """Short: `ref 1280/640 fp32` for the stock loop, `s2 b8 1280/640 fp16 openvino` for a row."""
        head = "ref" if self.reference else f"s{self.stride} b{self.batch}"
        tail = "" if self.backend == "torch" else f" {self.backend}"
        tail += f" {self.precision}" if self.backend == "openvino" else ""
        tail += "" if self.preprocess == "auto" else f" {self.preprocess}"
        return f"{head} {self.imgsz}/{self.pitch_imgsz} {'fp16' if self.half else 'fp32'}{tail}"

    def env_lines(self) -> list[str]:
        """The .env lines that reproduce this row (PREPROCESS only when the row chose one)."""
        chosen = [] if self.preprocess == "auto" else [f"PREPROCESS={self.preprocess}"]
        return [
            f"FRAME_STRIDE={self.stride}",
            f"BATCH_SIZE={self.batch}",
            f"PLAYER_IMG_SIZE={self.imgsz}",
            f"PITCH_IMG_SIZE={self.pitch_imgsz}",
            f"HALF={'true' if self.half else 'false'}",
            f"BACKEND={self.backend}",
            *([f"OPENVINO_PRECISION={self.precision}"] if self.backend == "openvino" else []),
            *chosen,
        ]


def parse_ints(text: str, name: str, low: int = 1, high: int = 4096, multiple: int = 1) -> list[int]:
    """ "1,2,3" → [1, 2, 3]; UsageError naming the flag and the bad item."""
    values = []
    for item in (part.strip() for part in text.split(",")):
        if not item.isdigit() or not low <= int(item) <= high or int(item) % multiple:
            allowed = f"whole numbers {low}–{high}" + (f", multiples of {multiple}" if multiple > 1 else "")
            raise UsageError(f"--{name} {text!r}: {item!r} is not allowed", f"use comma-separated {allowed}")
        values.append(int(item))
    return sorted(set(values))


def build_grid(
    strides: list[int],
    batches: list[int],
    sizes: list[int],
    pitch_sizes: list[int] | None,
    precisions: list[bool],
    backends: list[str] | None = None,
    preprocesses: list[str] | None = None,
    openvino_precisions: list[str] | None = None,
) -> list[BenchConfig]:
    """The reference row (stride 1, batch 1, largest sizes, fp32, torch) first, then every combination
    (OpenVINO rows once per precision in `openvino_precisions`)."""
    pitch: list[int | None] = list(pitch_sizes) if pitch_sizes else [None]
    rows = [BenchConfig(1, 1, max(sizes), max(pitch_sizes or sizes), False, reference=True)]
    for backend, pre, stride, batch, size, psize, half in itertools.product(
        backends or ["torch"], preprocesses or ["auto"], strides, batches, sizes, pitch, precisions
    ):
        for precision in (openvino_precisions or ["f32"]) if backend == "openvino" else ["f32"]:
            rows.append(
                BenchConfig(
                    stride, batch, size, psize or size, half, backend=backend, preprocess=pre, precision=precision
                )
            )
    return rows


def parse_preprocesses(text: str) -> list[str]:
    """ "per-model,shared" → both (order kept); UsageError for an unknown name."""
    names = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    allowed = ("auto", "shared", "per-model")
    if not names or any(name not in allowed for name in names):
        raise UsageError(f"--preprocess {text!r} is not allowed", f"use comma-separated {', '.join(allowed)}")
    return names


def parse_backends(text: str) -> list[str]:
    """ "torch,openvino" → ["torch", "openvino"] (order kept); UsageError for an unknown name."""
    from scoreminer.inference.yolo.export import BACKENDS

    names = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise UsageError(
            f"--backend {text!r}: {', '.join(unknown) or 'empty'}", f"use comma-separated {', '.join(BACKENDS)}"
        )
    return names


def parse_precisions(text: str) -> list[str]:
    """ "f32,bf16" → both (order kept); UsageError for an unknown name."""
    names = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names or any(name not in ("f32", "bf16", "auto") for name in names):
        raise UsageError(f"--openvino-precision {text!r} is not allowed", "use comma-separated f32, bf16, auto")
    return names
