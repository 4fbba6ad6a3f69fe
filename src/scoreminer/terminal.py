"""Rich rendering of library results for the terminal (the CLI's only output code)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scoreminer.compare import Agreement
from scoreminer.doctor.report import DoctorReport
from scoreminer.inference.summary import RunSummary
from scoreminer.network.chain.sync import SyncResult
from scoreminer.network.challenge import ChallengeReport

if TYPE_CHECKING:  # the evaluation runner pulls in the models' stack; a table needs only its type
    from scoreminer.evaluation.runner import Evaluation

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


def plain_doctor(report: DoctorReport) -> str:
    """The checks as plain lines, nothing wrapped or cut (for pipes, files and PM2 logs): `status  check  found`,
    the fix indented below."""
    width = max((len(c.name) for c in report.checks), default=5)
    lines = []
    for check in report.checks:
        lines.append(f"{check.status:<4}  {check.name:<{width}}  {check.found}")
        if check.fix and check.status != "ok":
            lines.append(f"{'':<4}  {'':<{width}}  fix: {check.fix}")
    for row in report.settings:
        lines.append(f"setting {row['key']}={row['value']} ({row['source']})")
    return "\n".join(lines)


def print_doctor(console: Console, report: DoctorReport) -> None:
    """A rich table on a terminal; elsewhere plain lines, so paths and fixes are never wrapped mid-word."""
    if console.is_terminal:
        console.print(doctor_table(report))
        if report.settings:
            console.print(settings_table(report.settings))
    else:
        console.print(plain_doctor(report), highlight=False, markup=False, soft_wrap=True, crop=False)
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
        table.add_row(
            str(node.uid),
            node.hotkey,
            f"{node.stake:,.2f}",
            f"{node.check_stake:,.2f}",
            f"{node.validator_trust:.3f}",
            "yes" if node.validator_permit else "",
            f"{node.ip}:{node.port}",
            style=style,
        )
    return table


def print_sync(console: Console, result: SyncResult) -> None:
    console.print(metagraph_table(result))
    figure = {
        "total_stake": "total stake (alpha + 0.18 × tao, from the subnet state)",
        "stake": "NeuronInfoLite stake (alpha on this subnet)",
    }[result.snapshot.stake_figure]
    console.print(f"stake check uses: {figure}; saved to {result.saved_to}")
    if result.our_hotkey is None:
        console.print("[yellow]our hotkey: no hotkey file, not looked up[/]")
    elif result.our_node is None:
        console.print(
            f"[bold red]our hotkey {result.our_hotkey} is not registered on netuid {result.snapshot.netuid}[/]"
        )
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
    return (
        f"validator estimate: keypoints {k.score:.3f} over {k.frames_scored} pitch frames "
        f"({k.frames_fitted} fitted); boxes dropped {b.dropped_share:.0%} ({reasons}){speed} "
        f"[dim](CLIP steps not run)[/]"
    )


def estimate_table(estimate) -> Table:
    """Every part of the keypoint score and what the box rules do, for `scoreminer score`."""
    table = Table(title="validator estimate (CLIP steps not run)", show_header=False)
    table.add_column("what")
    table.add_column("value")
    k = estimate.keypoints
    table.add_row("keypoint score (0..1)", f"[bold]{k.score:.4f}[/]")
    table.add_row("frames scored / fitted", f"{k.frames_scored} / {k.frames_fitted}")
    for name, weight in (
        ("fit", "0.25"),
        ("on_line", "0.40"),
        ("inside", "0.20"),
        ("stability", "0.05"),
        ("players", "0.10"),
    ):
        table.add_row(f"  {name} (× {weight})", f"{getattr(k, name):.1f} / 100")
    table.add_row("  scale multiplier", f"{k.scale:.3f}")
    table.add_row("  frame consistency multiplier", f"{k.consistency:.3f}")
    if k.mean_reprojection_px is not None:
        table.add_row("  mean reprojection error", f"{k.mean_reprojection_px:.1f} px")
    b = estimate.boxes
    table.add_row(
        "boxes dropped",
        f"{sum(b.dropped.values())} of {b.boxes} ({b.dropped_share:.0%}): "
        + (", ".join(f"{r} {n}" for r, n in sorted(b.dropped.items())) or "none"),
    )
    table.add_row("extra balls (−1 each)", str(b.extra_balls))
    table.add_row("frames emptied by the rules (score 0)", f"{b.frames_emptied} of {b.frames}")
    table.add_row("box ceiling if CLIP agreed with every label", f"{b.ceiling:.3f}")
    if estimate.speed is not None:
        table.add_row("speed term", f"{estimate.speed:.3f} at {estimate.wall_s:.2f} s")
    return table


@contextmanager
def frame_progress(console: Console, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar over frames with live fps; yields a callback taking frames done."""
    columns = [
        TextColumn("frames"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]} fps"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("frames", total=total or None, fps="–")

        def advance(done: int) -> None:
            elapsed = progress.tasks[0].elapsed or 0
            progress.update(task, completed=done, fps=f"{done / elapsed:.1f}" if elapsed else "–")

        yield advance


@contextmanager
def item_progress(console: Console, total: int, what: str) -> Iterator[Callable[[int], None]]:
    """A progress bar over `total` items (frames of a labelled folder); yields a callback taking items done."""
    columns = [TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(what, total=total or None)
        yield lambda done: progress.update(task, completed=done)


@contextmanager
def count_progress(console: Console, what: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar whose total is learnt on the way; yields a callback taking (done, total)."""
    columns = [TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(what, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total or None)


def audit_table(rows: list[dict]) -> Table:
    """`audit score`: per clip, this miner's validator score beside the published winner's."""
    table = Table(title="published audits", caption="score: the private track's action score against the truth")
    for column in ("clip", "score", "winner", "answered", "winner answered", "truth", "s"):
        table.add_column(column, justify="left" if column == "clip" else "right")
    for r in rows:
        cells = (r["answered"], r["winner_answered"], r["truth"], f"{r['seconds']:.1f}")
        table.add_row(r["clip"], f"{r['score']:.3f}", f"{r['winner_score']:.3f}", *map(str, cells))
    return table


def evaluation_table(result: Evaluation, title: str) -> Table:
    """`evaluate`'s figures: per class (detection) or raw and answered keypoints (pose), total then per group."""
    table = Table(title=title, caption=_EVALUATION_CAPTION[result.task])
    rows = [("all", result.total), *result.groups.items()] if len(result.groups) > 1 else [("all", result.total)]
    if result.task == "detect":
        for column in ("group", "frames", "class", "truth", "answered", "P", "R", "F1", "AP50"):
            table.add_column(column, justify="left" if column in ("group", "class") else "right")
        for name, figures in rows:
            for i, (label, c) in enumerate(figures.classes.items()):
                head = (name, str(figures.frames)) if i == 0 else ("", "")
                cells = (c.precision, c.recall, c.f1, c.ap50)
                table.add_row(*head, label, str(c.truth), str(c.answered), *(_num(v) for v in cells))
            mean = [c.ap50 for c in figures.classes.values() if c.ap50 is not None]
            both = f"{_num(sum(mean) / len(mean) if mean else None)} ({_num(figures.element_map50)})"
            table.add_row("", "", "[dim]mAP50 (element)[/]", "", "", "", "", "", both, end_section=True)
        return table
    for column in (
        "group",
        "frames",
        "keypoints",
        "labelled",
        "answered",
        "within",
        "recall",
        "median px",
        "unlabelled answered",
    ):
        table.add_column(column, justify="left" if column in ("group", "keypoints") else "right")
    for name, figures in rows:
        for i, (kind, k) in enumerate((("raw", figures.raw), ("answered", figures.answered))):
            assert k is not None
            head = (name, str(figures.frames)) if i == 0 else ("", "")
            table.add_row(
                *head,
                kind,
                str(k.labelled),
                str(k.answered),
                str(k.within),
                _num(k.recall),
                _num(k.median_px, 1),
                str(k.unlabelled_answered),
                end_section=i == 1,
            )
    return table


_EVALUATION_CAPTION = {
    "detect": "IoU 0.5, greedy by confidence per class; one ball per frame as answered; element mAP50: the open-source "
    "track's adaptive IoU",
    "pose": "within: labelled keypoints answered within 2 % of the frame width (38 px at 1920); errors at 1920 wide; "
    "answered: after registration (and line fitting when LINE_FIT_EVERY > 0)",
}


def challenge_report(report: ChallengeReport, validator: str) -> Table:
    table = Table(title="challenge", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    style = "green" if report.status == 200 else "bold red"
    table.add_row("status", f"[{style}]{report.status}[/]" + (f" {report.error}" if report.error else ""))
    table.add_row("validator key", validator)
    table.add_row("round trip", f"{report.seconds:.2f} s")
    table.add_row("protocol", report.protocol)
    if report.actions is not None:
        seen = ", ".join(f"{name} {count}" for name, count in sorted(report.actions.items())) or "none"
        table.add_row("actions", f"{sum(report.actions.values())}: {seen}")
        return table
    table.add_row("frames", str(report.frames))
    table.add_row("objects", str(report.objects))
    table.add_row("frames with ≥ 4 keypoints", str(report.frames_with_4_keypoints))
    return table


def action_score_table(scored) -> Table:
    """Turbo Vision's action score: per action what was answered, true and matched, then the score."""
    table = Table(title=f"private-track action score {scored.score:.3f}")
    for name in ("action", "answered", "true", "matched", "precision", "recall"):
        table.add_column(name, justify="left" if name == "action" else "right")
    for name, row in scored.per_action().items():
        table.add_row(
            name,
            str(row["predicted"]),
            str(row["true"]),
            str(row["matched"]),
            _num(row["precision"]),
            _num(row["recall"]),
        )
    table.caption = (
        f"earned {scored.earned:.2f} − unmatched {scored.penalty:.2f} over a true weight of {scored.truth_weight:.2f}"
    )
    return table


def actions_line(actions) -> str:
    """The actions spotted, one line: how many of each."""
    counts: dict[str, int] = {}
    for action in actions:
        counts[action.action] = counts.get(action.action, 0) + 1
    listed = ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none"
    return f"actions spotted: {len(actions)} ({listed})"


def action_line(scored) -> str:
    """One line: the action score and precision/recall over every action."""
    rows = scored.per_action().values()
    answered, true, matched = (sum(int(r[k] or 0) for r in rows) for k in ("predicted", "true", "matched"))
    precision = f"{matched / answered:.0%}" if answered else "n/a"
    recall = f"{matched / true:.0%}" if true else "n/a"
    return (
        f"actions: validator score {scored.score:.3f}; {matched} of {answered} answered matched "
        f"(precision {precision}), {matched} of {true} true found (recall {recall})"
    )


def agreement_line(agreement: Agreement, title: str) -> str:
    # a class the truth never shows has F1 0 from any box answered for it: say so rather than print a bare 0.00
    f1 = ", ".join(
        f"{name} none in the truth" if agreement.truth_boxes.get(name, 1) == 0 else f"{name} {value:.2f}"
        for name, value in agreement.f1.items()
        if value is not None
    )
    kp = "n/a"
    if agreement.keypoint_error_px is not None:
        kp = f"median {agreement.keypoint_median_px:.1f} px (mean {agreement.keypoint_error_px:.1f})"
    recall = "n/a" if agreement.keypoint_recall is None else f"{agreement.keypoint_recall:.0%}"
    return (
        f"{title}: box F1@0.5 {f1}; keypoint error {kp}, recall {recall}; "
        f"frames answered {agreement.frames_answered:.0%}"
    )


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def new_hotkey_text(created, wallet: str, name: str, wallet_path: Path | None = None) -> str:
    """What `scoreminer hotkey new` tells the operator: where, the address, the mnemonic once, what next.

    `wallet_path`: WALLET_PATH when it is not the default, so the .env lines find the key again."""
    lines = [f"wrote {created.path} (mode 600)"]
    if created.created_folders:
        lines.append("created " + ", ".join(str(f) for f in created.created_folders))
    env_lines = ([f"WALLET_PATH={wallet_path}"] if wallet_path else []) + [
        f"WALLET_NAME={wallet}",
        f"HOTKEY_NAME={name}",
    ]
    return "\n".join(
        [
            *lines,
            f"ss58 address: {created.ss58_address}",
            "mnemonic (back it up offline now; it is not shown again):",
            created.mnemonic,
            "in your .env:",
            *(f"  {line}" for line in env_lines),
            "to mine, register it from a funded coldkey: "
            f"btcli subnet register --netuid 44 --wallet.name {wallet} --wallet.hotkey {name}",
        ]
    )
