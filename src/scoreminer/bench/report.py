"""The benchmark's tables: rich on a terminal, plain text off one, CSV and Markdown for files."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scoreminer.bench.result import BenchmarkResult, BenchRow

BENCH_COLUMNS = (
    "config",
    "median s",
    "min–max",
    "fps",
    "×ref",
    "750f s",
    "infer s",
    "fwd s",
    "other ms/f",
    "decode s",
    "thr",
    "flt/f",
    "RSS MB",
    "GPU MB",
    "F1",
    "kp px",
    "kp rec",
    "kp est",
    "drop",
    "act",
    "frames",
)
BENCH_CAPTION = (
    "s: stride, b: batch, sizes player/pitch; F1: worst class box F1 vs the reference; 750f: projected "
    "challenge seconds; fwd: the forward passes alone; other ms/f: wall time outside them per frame; "
    "thr: torch threads; flt/f: minor page faults per frame; kp est: the validator's keypoint "
    "score (CLIP steps not run); drop: boxes its rules drop; act: the private track's action score"
)


def bench_cells(result: BenchmarkResult) -> list[list[str]]:
    """Every row's numbers as text, in BENCH_COLUMNS order."""
    cells = []
    for row in result.rows:
        a = row.agreement
        cells.append(
            [
                row.config.label,
                f"{row.median_s:.2f}",
                f"{min(row.wall_s):.2f}–{max(row.wall_s):.2f}",
                f"{row.fps:.1f}",
                f"{row.speedup:.2f}",
                f"{row.projected_750_s:.1f}",
                f"{row.stages['inference']:.2f}",
                f"{row.stages.get('forward', 0.0):.2f}",
                f"{(row.median_s - row.stages.get('forward', 0.0)) / row.frames * 1000:.1f}",
                f"{row.stages.get('decode', 0.0):.2f}",
                str(row.threads or "–"),
                _num(row.faults_per_frame, 0),
                f"{row.peak_rss_mb:.0f}",
                "–" if row.peak_gpu_mb is None else f"{row.peak_gpu_mb:.0f}",
                f"{row.agreement_score:.2f}",
                _num(a.keypoint_error_px, 1),
                _num(a.keypoint_recall),
                _num(row.keypoint_estimate, 3),
                "–" if row.boxes_dropped_share is None else f"{row.boxes_dropped_share:.0%}",
                _num(row.action_score, 3),
                f"{a.frames_answered:.0%}",
            ]
        )
    return cells


def bench_table(result: BenchmarkResult) -> Table:
    table = Table(title=f"benchmark on {result.device}: {result.video}", caption=BENCH_CAPTION)
    for column in BENCH_COLUMNS:
        table.add_column(column, no_wrap=column == "config")
    for row, cells in zip(result.rows, bench_cells(result), strict=False):
        if row.projected_750_s > result.budget_s:
            cells[5] = f"[red]{cells[5]}[/]"
        table.add_row(*cells)
    return table


def plain_bench_table(result: BenchmarkResult) -> str:
    """The same table as aligned plain text, every number whole (for pipes, files and CI logs)."""
    rows = [list(BENCH_COLUMNS), *bench_cells(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(BENCH_COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=False))
        )
        for r in rows
    ]
    return "\n".join([f"benchmark on {result.device}: {result.video}", *lines, BENCH_CAPTION])


def print_benchmark(console: Console, result: BenchmarkResult) -> None:
    """A rich table on a terminal; elsewhere a plain one (rich would squeeze 15 columns into 80)."""
    if console.is_terminal:
        console.print(bench_table(result))
    else:
        console.print(plain_bench_table(result), highlight=False, markup=False, soft_wrap=True, crop=False)
    best = result.best()
    if best is None:
        kept = (
            f"an action score ≥ {result.min_agreement:g} of the best row's"
            if result.protocol == "turbovision-private"
            else f"box agreement and keypoint estimate ≥ {result.min_agreement:g} of the reference's"
        )
        console.print(f"[bold red]no configuration fits {result.budget_s:g} s for 750 frames with {kept}[/]")
        return
    console.print(
        f"best: {best.config.label} — {best.projected_750_s:.1f} s per 750 frames, "
        f"×{best.speedup:.2f} the reference loop; put in your .env:"
    )
    console.print("\n".join(best.config.env_lines()), highlight=False)


def write_bench_csv(result: BenchmarkResult, path: Path) -> None:
    """Every row, one line each, for spreadsheets."""
    rows = [r.as_dict() for r in result.rows]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "label",
                "backend",
                "median_s",
                "fps",
                "speedup",
                "projected_750_s",
                "decode_s",
                "inference_s",
                "forward_s",
                "threads",
                "faults_per_frame",
                "peak_rss_mb",
                "peak_gpu_mb",
                "agreement_score",
                "keypoint_error_px",
                "keypoint_recall",
                "keypoint_estimate",
                "boxes_dropped_share",
                "action_score",
                "frames_answered",
            ]
        )
        for r in rows:
            a = r["agreement"]
            writer.writerow(
                [
                    r["label"],
                    r["backend"],
                    r["median_s"],
                    r["fps"],
                    r["speedup"],
                    r["projected_750_s"],
                    r["stages"].get("decode"),
                    r["stages"].get("inference"),
                    r["stages"].get("forward"),
                    r["threads"],
                    r["faults_per_frame"],
                    r["peak_rss_mb"],
                    r["peak_gpu_mb"],
                    r["agreement_score"],
                    a["keypoint_error_px"],
                    a["keypoint_recall"],
                    r["keypoint_estimate"],
                    r["boxes_dropped_share"],
                    r["action_score"],
                    a["frames_answered"],
                ]
            )


def markdown_table(result: BenchmarkResult) -> list[str]:
    """The rows as a Markdown table (docs/performance.md)."""
    columns = [*BENCH_COLUMNS[:1], "backend", *BENCH_COLUMNS[1:]]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row, cells in zip(result.rows, bench_cells(result), strict=True):
        lines.append("| " + " | ".join([cells[0], row.backend, *cells[1:]]) + " |")
    return lines


@contextmanager
def bench_progress(console: Console, grid: list) -> Iterator[Callable[[BenchRow], None]]:
    """A progress bar over rows; the callback prints each finished row's headline."""
    with Progress(
        TextColumn("rows"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("rows", total=len(grid))

        def done(row: BenchRow) -> None:
            progress.console.print(
                f"  {row.config.label}: {row.median_s:.2f} s, {row.fps:.1f} fps, ×{row.speedup:.2f}", highlight=False
            )
            progress.advance(task)

        yield done


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"
