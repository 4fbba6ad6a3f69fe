"""Run every doctor check and collect a DoctorReport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from scoreminer.doctor import config_checks, files, host, pm2_checks, python_env
from scoreminer.doctor.report import Check, DoctorReport, fail, skip
from scoreminer.errors import ConfigError
from scoreminer.settings import EnvFileLookup, Preset, Settings, find_env_file, load_settings

# The settings each check reads: a check is skipped (not run on a default) when one of them is invalid.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "hotkey": ("wallet_path", "wallet_name", "hotkey_name", "spotcheck_mode"),
    "verification": ("verify_enabled", "blacklist_enabled", "spotcheck_mode", "protocol"),
    "models": ("models_dir", "player_model", "pitch_model"),
    "device": ("device",),
    "backend": ("device", "backend", "torch_threads"),
    "port": ("host", "port"),
    "disk": ("download_dir",),
    "chain": (
        "netuid",
        "subtensor_network",
        "subtensor_address",
        "chain_timeout_s",
        "wallet_path",
        "wallet_name",
        "hotkey_name",
        "port",
    ),
}


def run_doctor(
    env_file: Path | None = None,
    sets: dict[str, Any] | None = None,
    *,
    offline: bool | str = False,
    cwd: Path | None = None,
    show_settings: bool = False,
    preset: Preset | None = None,
    docker: bool = False,
) -> DoctorReport:
    """Run every check; a broken setting fails its own row and skips only the checks that read it."""
    cwd = (cwd or Path.cwd()).resolve()
    checks: list[Check] = [python_env.check_interpreter(), python_env.check_packages()]
    try:
        lookup = find_env_file(env_file, cwd)
        use_env_file = True
        checks.append(config_checks.check_env_file(lookup, cwd))
    except ConfigError as exc:
        lookup, use_env_file = EnvFileLookup(None, exc.problem, []), False
        checks.append(fail("env file", exc.problem, exc.fix))
    try:
        settings = load_settings(
            env_file if use_env_file else None, sets, cwd=cwd, use_env_file=use_env_file, preset=preset, lenient=True
        )
    except ConfigError as exc:  # an unknown --set key: nothing below would mean what the operator asked
        checks.append(fail("settings", str(exc), exc.fix or "correct the command line"))
        return _report(checks, lookup, None, show_settings)
    checks += settings_checks(settings, offline=offline)
    if docker:
        checks.append(host.check_docker())
    return _report(checks, lookup, settings, show_settings)


def settings_checks(
    settings: Settings, *, offline: bool | str, include_pm2: bool = True, serving: bool = False
) -> list[Check]:
    """The checks on a loaded settings object (serve runs these at start-up, with `serving`); `offline`, when
    true, skips the chain (a text says why)."""
    checks = [config_checks.check_required(settings), config_checks.check_unknown_keys(settings)]
    runs: list[tuple[str, Callable[[], list[Check]]]] = [
        ("hotkey", lambda: [files.check_hotkey(settings)]),
        ("verification", lambda: [config_checks.check_verification(settings)]),
        ("models", lambda: [files.check_models(settings)]),
        ("device", lambda: [host.check_device(settings)]),
        ("backend", lambda: [host.check_backend(settings)]),
        ("port", lambda: [host.check_port(settings, held_by_scoreminer_ok=not serving)]),
        ("disk", lambda: [host.check_disk()]),
    ]
    if not offline:
        from scoreminer.doctor.chain_checks import check_chain

        runs.append(("chain", lambda: check_chain(settings)))
    for name, run in runs:
        broken = [key.upper() for key in DEPENDS_ON[name] if key in settings.invalid]
        checks += [skip(name, f"not checked: {', '.join(broken)} is invalid")] if broken else run()
    if offline:  # whatever the chain settings hold, the operator asked for no chain: that is the reason given
        checks.append(skip("chain", offline if isinstance(offline, str) else "--offline"))
    return checks + (pm2_checks.check_pm2() if include_pm2 else [])


def _report(checks: list[Check], lookup: EnvFileLookup, settings: Settings | None, show: bool) -> DoctorReport:
    rows = [{"key": k, "value": v, "source": s} for k, v, s in settings.rows()] if settings and show else []
    return DoctorReport(
        checks=checks,
        env_file=str(lookup.path) if lookup.path else None,
        env_file_how=lookup.how,
        env_searched=[str(p) for p in lookup.searched],
        settings=rows,
    )
