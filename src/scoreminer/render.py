"""Rich rendering of library results for the terminal (the CLI's only output code)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from scoreminer.doctor.report import DoctorReport

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
