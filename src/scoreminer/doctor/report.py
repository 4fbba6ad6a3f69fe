"""What `check-env` returns: one row per check, and the verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    """One check: its name, status, what it found and, when not ok, the fix."""

    name: str
    status: Status
    found: str
    fix: str = ""


def ok(name: str, found: str) -> Check:
    return Check(name, "ok", found)


def warn(name: str, found: str, fix: str) -> Check:
    return Check(name, "warn", found, fix)


def fail(name: str, found: str, fix: str) -> Check:
    return Check(name, "fail", found, fix)


def skip(name: str, why: str) -> Check:
    return Check(name, "skip", why)


@dataclass(frozen=True)
class DoctorReport:
    """Every check's result, the .env lookup and, when asked, the settings table."""

    checks: list[Check]
    env_file: str | None
    env_file_how: str
    env_searched: list[str]
    settings: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "env_file": {"path": self.env_file, "how": self.env_file_how, "searched": self.env_searched},
            "checks": [asdict(c) for c in self.checks],
            "settings": self.settings,
        }
