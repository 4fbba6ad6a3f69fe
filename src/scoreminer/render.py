"""Rich rendering of library results for the terminal (the CLI's only output code)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

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
