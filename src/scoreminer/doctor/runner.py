"""Run every doctor check and collect a DoctorReport."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoreminer.doctor import config_checks, files, host, pm2, python_env
from scoreminer.doctor.report import Check, DoctorReport, fail, skip
from scoreminer.errors import ConfigError
from scoreminer.settings import EnvFileLookup, Settings, find_env_file, load_settings


def run_doctor(
    env_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    offline: bool = False,
    cwd: Path | None = None,
    show_settings: bool = False,
) -> DoctorReport:
    """Run all checks; a settings problem becomes a failed row, never an exception."""
    cwd = (cwd or Path.cwd()).resolve()
    checks: list[Check] = [python_env.check_interpreter(), python_env.check_packages()]
    try:
        lookup = find_env_file(env_file, cwd)
    except ConfigError as exc:
        lookup = EnvFileLookup(None, exc.problem, [])
        checks.append(fail("env file", exc.problem, exc.fix))
        return _report(checks, lookup, None, show_settings)
    checks.append(config_checks.check_env_file(lookup, cwd))
    try:
        settings = load_settings(env_file, overrides, cwd=cwd)
    except ConfigError as exc:
        checks.append(fail("settings", str(exc), "correct the values named above"))
        return _report(checks, lookup, None, show_settings)
    checks += settings_checks(settings, offline=offline)
    return _report(checks, lookup, settings, show_settings)


def settings_checks(settings: Settings, *, offline: bool, include_pm2: bool = True) -> list[Check]:
    """The checks that need valid settings (serve runs these at start-up)."""
    checks = [
        config_checks.check_required(settings),
        files.check_hotkey(settings),
        files.check_models(settings),
        host.check_device(settings),
        host.check_port(settings),
        host.check_disk(),
    ]
    if offline:
        checks.append(skip("chain", "--offline"))
    else:
        from scoreminer.doctor.chain_checks import check_chain

        checks += check_chain(settings)
    return checks + (pm2.check_pm2() if include_pm2 else [])


def _report(checks: list[Check], lookup: EnvFileLookup, settings: Settings | None, show: bool) -> DoctorReport:
    rows = [{"key": k, "value": v, "source": s} for k, v, s in settings.rows()] if settings and show else []
    return DoctorReport(
        checks=checks,
        env_file=str(lookup.path) if lookup.path else None,
        env_file_how=lookup.how,
        env_searched=[str(p) for p in lookup.searched],
        settings=rows,
    )
