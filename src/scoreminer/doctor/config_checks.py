"""Checks on the working directory, the .env file and the settings in it."""

from __future__ import annotations

from pathlib import Path

from scoreminer.doctor.report import Check, fail, ok, warn
from scoreminer.settings import EnvFileLookup, Settings


def check_env_file(lookup: EnvFileLookup, cwd: Path) -> Check:
    """Which .env is in use and how it was found; a warning when there is none."""
    if lookup.path:
        return ok("env file", f"cwd {cwd}; {lookup.describe()}")
    return warn("env file", f"cwd {cwd}; {lookup.describe()}",
                "create a .env (see .env.example) here or pass --env-file /abs/path/.env")


def check_required(settings: Settings) -> Check:
    """NETUID present (the other settings have defaults and were validated on load)."""
    if settings.netuid is None:
        return fail("settings", "NETUID is missing", f"add NETUID=44 to {settings.env_lookup.describe_target()}")
    return ok("settings", f"NETUID={settings.netuid} ({settings.source('netuid')}); all values valid")
