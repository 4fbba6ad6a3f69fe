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

    @property
    def label(self) -> str:
        """Short: `ref 1280/640 fp32` for the stock loop, `s2 b8 1280/640 fp16` for a row."""
        head = "ref" if self.reference else f"s{self.stride} b{self.batch}"
        return f"{head} {self.imgsz}/{self.pitch_imgsz} {'fp16' if self.half else 'fp32'}"

    def env_lines(self) -> list[str]:
        return [f"FRAME_STRIDE={self.stride}", f"BATCH_SIZE={self.batch}", f"PLAYER_IMG_SIZE={self.imgsz}",
                f"PITCH_IMG_SIZE={self.pitch_imgsz}", f"HALF={'true' if self.half else 'false'}"]


def parse_ints(text: str, name: str, low: int = 1, high: int = 4096, multiple: int = 1) -> list[int]:
    """"1,2,3" → [1, 2, 3]; UsageError naming the flag and the bad item."""
    values = []
    for item in (part.strip() for part in text.split(",")):
        if not item.isdigit() or not low <= int(item) <= high or int(item) % multiple:
            allowed = f"whole numbers {low}–{high}" + (f", multiples of {multiple}" if multiple > 1 else "")
            raise UsageError(f"--{name} {text!r}: {item!r} is not allowed", f"use comma-separated {allowed}")
        values.append(int(item))
    return sorted(set(values))


def build_grid(strides: list[int], batches: list[int], sizes: list[int], pitch_sizes: list[int] | None,
               precisions: list[bool]) -> list[BenchConfig]:
    """The reference row (stride 1, batch 1, largest sizes, fp32) first, then every combination."""
    pitch = pitch_sizes or [None]
    rows = [BenchConfig(1, 1, max(sizes), max(pitch_sizes or sizes), False, reference=True)]
    for stride, batch, size, psize, half in itertools.product(strides, batches, sizes, pitch, precisions):
        rows.append(BenchConfig(stride, batch, size, psize or size, half))
    return rows
