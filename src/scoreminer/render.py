"""Rich rendering of library results for the terminal (the CLI's only output code)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scoreminer.bench.result import BenchmarkResult
from scoreminer.compare import Agreement
from scoreminer.doctor.report import DoctorReport
from scoreminer.inference.summary import RunSummary
from scoreminer.network.poke import ChallengeReport
from scoreminer.network.sync import SyncResult

STATUS_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


def doctor_table(report: DoctorReport) -> Table:
    table = Table(title="scoreminer check-env", show_lines=False)
    for column in ("check", "status", "found", "fix"):
        table.add_column(column, overflow="fold")
    for check in report.checks:
        style = STATUS_STYLE[check.status]
        table.add_row(check.name, f"[{style}]{check.status}[/]", check.found, check.fix)
    return table


def settings_table(rows: list[dict[str, str]]) -> Table:
    table = Table(title="settings")
    for column in ("key", "value", "source"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["key"], row["value"], row["source"])
    return table


def print_doctor(console: Console, report: DoctorReport) -> None:
    console.print(doctor_table(report))
    if report.settings:
        console.print(settings_table(report.settings))
    failed = len(report.failed)
    verdict = "[green]all checks passed[/]" if not failed else f"[bold red]{failed} check(s) failed[/]"
    console.print(verdict)


def metagraph_table(result: SyncResult, limit: int | None = None) -> Table:
    snap = result.snapshot
    table = Table(title=f"netuid {snap.netuid} at block {snap.block} ({len(snap.nodes)} nodes)")
    for column in ("uid", "hotkey", "stake", "check stake", "vtrust", "permit", "axon"):
        table.add_column(column, overflow="fold")
    nodes = sorted(snap.nodes, key=lambda n: (-n.check_stake, n.uid))
    for node in nodes[:limit] if limit else nodes:
        style = "bold cyan" if node.hotkey == result.our_hotkey else None
        table.add_row(str(node.uid), node.hotkey, f"{node.stake:,.2f}", f"{node.check_stake:,.2f}",
                      f"{node.validator_trust:.3f}", "yes" if node.validator_permit else "",
                      f"{node.ip}:{node.port}", style=style)
    return table


def print_sync(console: Console, result: SyncResult) -> None:
    console.print(metagraph_table(result))
    figure = {"total_stake": "total stake (alpha + 0.18 × tao, from the subnet state)",
              "stake": "NeuronInfoLite stake (alpha on this subnet)"}[result.snapshot.stake_figure]
    console.print(f"stake check uses: {figure}; saved to {result.saved_to}")
    if result.our_hotkey is None:
        console.print("[yellow]our hotkey: no hotkey file, not looked up[/]")
    elif result.our_node is None:
        console.print(f"[bold red]our hotkey {result.our_hotkey} is not registered on netuid {result.snapshot.netuid}[/]")
    else:
        node = result.our_node
        verdict = "[green]matches PORT[/]" if result.axon_matches else f"[bold red]does not match PORT {result.port}[/]"
        console.print(f"our hotkey: uid {node.uid}, axon {node.ip}:{node.port} {verdict}")


def run_summary_table(summary: RunSummary) -> Table:
    table = Table(title=f"process-video ({summary.mode})", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("frames answered", f"{summary.frames} ({summary.processed_frames} through the models)")
    if summary.truncated:
        table.add_row("[yellow]decode[/]", "[yellow]file ended before its claimed length[/]")
    table.add_row("wall time", f"{summary.wall_s:.2f} s")
    table.add_row("fps", f"{summary.fps:.1f}")
    for stage, seconds in summary.stages.items():
        if stage != "total":
            table.add_row(f"  {stage}", f"{seconds:.2f} s")
    objects = ", ".join(f"{name} {count}" for name, count in summary.objects_per_class.items()) or "none"
    table.add_row("objects", objects)
    table.add_row("frames with ≥ 4 keypoints", f"{summary.frames_with_4_keypoints} / {summary.frames}")
    return table


def estimate_line(estimate) -> str:
    """The validator estimate in one line: keypoint score, frames, boxes dropped, speed."""
    k, b = estimate.keypoints, estimate.boxes
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(b.dropped.items())) or "none"
    speed = "" if estimate.speed is None else f"; speed {estimate.speed:.2f} at {estimate.wall_s:.1f} s"
    return (f"validator estimate: keypoints {k.score:.3f} over {k.frames_scored} pitch frames "
            f"({k.frames_fitted} fitted); boxes dropped {b.dropped_share:.0%} ({reasons}){speed} "
            f"[dim](CLIP steps not run)[/]")


def estimate_table(estimate) -> Table:
    """Every part of the keypoint score and what the box rules do, for `scoreminer score`."""
    table = Table(title="validator estimate (CLIP steps not run)", show_header=False)
    table.add_column("what")
    table.add_column("value")
    k = estimate.keypoints
    table.add_row("keypoint score (0..1)", f"[bold]{k.score:.4f}[/]")
    table.add_row("frames scored / fitted", f"{k.frames_scored} / {k.frames_fitted}")
    for name, weight in (("fit", "0.25"), ("on_line", "0.40"), ("inside", "0.20"), ("stability", "0.05"),
                         ("players", "0.10")):
        table.add_row(f"  {name} (× {weight})", f"{getattr(k, name):.1f} / 100")
    table.add_row("  scale multiplier", f"{k.scale:.3f}")
    table.add_row("  frame consistency multiplier", f"{k.consistency:.3f}")
    if k.mean_reprojection_px is not None:
        table.add_row("  mean reprojection error", f"{k.mean_reprojection_px:.1f} px")
    b = estimate.boxes
    table.add_row("boxes dropped", f"{sum(b.dropped.values())} of {b.boxes} ({b.dropped_share:.0%}): "
                  + (", ".join(f"{r} {n}" for r, n in sorted(b.dropped.items())) or "none"))
    table.add_row("extra balls (−1 each)", str(b.extra_balls))
    table.add_row("frames emptied by the rules (score 0)", f"{b.frames_emptied} of {b.frames}")
    table.add_row("box ceiling if CLIP agreed with every label", f"{b.ceiling:.3f}")
    if estimate.speed is not None:
        table.add_row("speed term", f"{estimate.speed:.3f} at {estimate.wall_s:.2f} s")
    return table


@contextmanager
def frame_progress(console: Console, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar over frames with live fps; yields a callback taking frames done."""
    columns = [TextColumn("frames"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[fps]} fps"),
               TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("frames", total=total or None, fps="–")

        def advance(done: int) -> None:
            elapsed = progress.tasks[0].elapsed or 0
            progress.update(task, completed=done, fps=f"{done / elapsed:.1f}" if elapsed else "–")

        yield advance


def challenge_report(report: ChallengeReport, validator: str) -> Table:
    table = Table(title="challenge", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    style = "green" if report.status == 200 else "bold red"
    table.add_row("status", f"[{style}]{report.status}[/]" + (f" {report.error}" if report.error else ""))
    table.add_row("validator key", validator)
    table.add_row("round trip", f"{report.seconds:.2f} s")
    table.add_row("frames", str(report.frames))
    table.add_row("objects", str(report.objects))
    table.add_row("frames with ≥ 4 keypoints", str(report.frames_with_4_keypoints))
    return table


def agreement_line(agreement: Agreement, title: str) -> str:
    f1 = ", ".join(f"{name} {value:.2f}" for name, value in agreement.f1.items() if value is not None)
    kp = "n/a" if agreement.keypoint_error_px is None else f"{agreement.keypoint_error_px:.1f} px"
    recall = "n/a" if agreement.keypoint_recall is None else f"{agreement.keypoint_recall:.0%}"
    return (f"{title}: box F1@0.5 {f1}; keypoint error {kp}, recall {recall}; "
            f"frames answered {agreement.frames_answered:.0%}")


BENCH_COLUMNS = ("config", "median s", "min–max", "fps", "×ref", "750f s", "infer s", "decode s", "thr", "flt/f",
                 "RSS MB", "GPU MB", "F1", "kp px", "kp rec", "kp est", "drop", "frames")
BENCH_CAPTION = ("s: stride, b: batch, sizes player/pitch; F1: worst class box F1 vs the reference; 750f: projected "
                 "challenge seconds; thr: torch threads; flt/f: minor page faults per frame; kp est: the validator's keypoint "
                 "score (CLIP steps not run); drop: boxes its rules drop")


def bench_cells(result: BenchmarkResult) -> list[list[str]]:
    """Every row's numbers as text, in BENCH_COLUMNS order."""
    cells = []
    for row in result.rows:
        a = row.agreement
        cells.append([
            row.config.label, f"{row.median_s:.2f}", f"{min(row.wall_s):.2f}–{max(row.wall_s):.2f}", f"{row.fps:.1f}",
            f"{row.speedup:.2f}", f"{row.projected_750_s:.1f}", f"{row.stages['inference']:.2f}",
            f"{row.stages.get('decode', 0.0):.2f}", str(row.threads or "–"), _num(row.faults_per_frame, 0),
            f"{row.peak_rss_mb:.0f}", "–" if row.peak_gpu_mb is None else f"{row.peak_gpu_mb:.0f}",
            f"{row.agreement_score:.2f}", _num(a.keypoint_error_px, 1), _num(a.keypoint_recall),
            _num(row.keypoint_estimate, 3), "–" if row.boxes_dropped_share is None else f"{row.boxes_dropped_share:.0%}",
            f"{a.frames_answered:.0%}"])
    return cells


def bench_table(result: BenchmarkResult) -> Table:
    table = Table(title=f"benchmark on {result.device}: {result.video}", caption=BENCH_CAPTION)
    for column in BENCH_COLUMNS:
        table.add_column(column, no_wrap=column == "config")
    for row, cells in zip(result.rows, bench_cells(result)):
        if row.projected_750_s > result.budget_s:
            cells[5] = f"[red]{cells[5]}[/]"
        table.add_row(*cells)
    return table


def plain_bench_table(result: BenchmarkResult) -> str:
    """The same table as aligned plain text, every number whole (for pipes, files and CI logs)."""
    rows = [list(BENCH_COLUMNS), *bench_cells(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(BENCH_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    return "\n".join([f"benchmark on {result.device}: {result.video}", *lines, BENCH_CAPTION])


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def print_benchmark(console: Console, result: BenchmarkResult) -> None:
    """A rich table on a terminal; elsewhere a plain one (rich would squeeze 15 columns into 80)."""
    if console.is_terminal:
        console.print(bench_table(result))
    else:
        console.print(plain_bench_table(result), highlight=False, markup=False, soft_wrap=True, crop=False)
    best = result.best()
    if best is None:
        console.print(f"[bold red]no configuration fits {result.budget_s:g} s for 750 frames with box agreement and "
                      f"keypoint estimate ≥ {result.min_agreement} of the reference's[/]")
        return
    console.print(f"best: {best.config.label} — {best.projected_750_s:.1f} s per 750 frames, "
                  f"×{best.speedup:.2f} the reference loop; put in your .env:")
    console.print("\n".join(best.config.env_lines()), highlight=False)


def write_bench_csv(result: BenchmarkResult, path) -> None:
    import csv

    rows = [r.as_dict() for r in result.rows]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "backend", "median_s", "fps", "speedup", "projected_750_s", "decode_s", "threads",
                         "faults_per_frame", "peak_rss_mb", "peak_gpu_mb", "agreement_score", "keypoint_error_px",
                         "keypoint_recall", "keypoint_estimate", "boxes_dropped_share", "frames_answered"])
        for r in rows:
            a = r["agreement"]
            writer.writerow([r["label"], r["backend"], r["median_s"], r["fps"], r["speedup"], r["projected_750_s"],
                             r["stages"].get("decode"), r["threads"], r["faults_per_frame"], r["peak_rss_mb"],
                             r["peak_gpu_mb"], r["agreement_score"], a["keypoint_error_px"], a["keypoint_recall"],
                             r["keypoint_estimate"], r["boxes_dropped_share"], a["frames_answered"]])


@contextmanager
def bench_progress(console: Console, grid: list) -> Iterator[Callable]:
    """A progress bar over rows; the callback prints each finished row's headline."""
    with Progress(TextColumn("rows"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task("rows", total=len(grid))

        def done(row) -> None:
            progress.console.print(f"  {row.config.label}: {row.median_s:.2f} s, {row.fps:.1f} fps, ×{row.speedup:.2f}",
                                   highlight=False)
            progress.advance(task)

        yield done


def new_hotkey_text(created, wallet: str, name: str) -> str:
    """What `scoreminer hotkey new` tells the operator: where, the address, the mnemonic once, what next."""
    return "\n".join([
        f"wrote {created.path} (mode 600)",
        f"ss58 address: {created.ss58_address}",
        f"mnemonic (back it up offline now; it is not shown again): {created.mnemonic}",
        f"in your .env: WALLET_NAME={wallet} and HOTKEY_NAME={name}",
        "to mine, register it from a funded coldkey: "
        f"btcli subnet register --netuid 44 --wallet.name {wallet} --wallet.hotkey {name}",
    ])
