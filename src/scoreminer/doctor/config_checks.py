"""Checks on the working directory, the .env file and the settings in it."""

from __future__ import annotations

from pathlib import Path

from scoreminer.doctor.report import Check, fail, ok, warn
from scoreminer.settings import EnvFileLookup, Settings


def check_env_file(lookup: EnvFileLookup, cwd: Path) -> Check:
    """Which .env is in use and how it was found; a warning when there is none."""
    if lookup.path:
        return ok("env file", f"cwd {cwd}; {lookup.describe()}")
    return warn(
        "env file",
        f"cwd {cwd}; {lookup.describe()}",
        "create a .env (see .env.example) here or pass --env-file /abs/path/.env",
    )


def check_required(settings: Settings) -> Check:
    """Every value valid (a lenient load lists the invalid ones) and NETUID present."""
    target = settings.env_lookup.describe_target()
    if settings.invalid:
        return fail("settings", "; ".join(settings.invalid.values()), f"correct the values named above in {target}")
    if settings.netuid is None:
        return fail("settings", "NETUID is missing", f"add NETUID=44 to {target}")
    return ok("settings", f"NETUID={settings.netuid} ({settings.source('netuid')}); all values valid")


def check_unknown_keys(settings: Settings) -> Check:
    """Keys in the .env that no setting reads: a typo there silently leaves the default in force."""
    unknown = settings.unknown_env_keys
    if not unknown:
        return ok("env keys", "every key in the .env is a setting" if settings.env_lookup.path else "no .env in use")
    described = [f"{key} (did you mean {near}?)" if near else key for key, near in unknown.items()]
    return warn(
        "env keys",
        f"not settings, ignored: {', '.join(described)}",
        f"rename or remove them in {settings.env_lookup.path}; every setting is listed in .env.example",
    )


def check_verification(settings: Settings) -> Check:
    """Who may send challenges, and under which protocol: a miner answering unsigned requests is a warning."""
    route = "POST /challenge" if settings.protocol == "turbovision-private" else "POST /soccer/challenge"
    served = (
        f"{settings.protocol}: {route} on port {settings.port}, validators wait {settings.challenge_deadline_s:g} s"
    )
    if settings.spotcheck_mode:
        return warn(
            "protocol",
            f"{served}; SPOTCHECK_MODE: no hotkey, unsigned requests answered",
            "only Turbo Vision's spot check sets SPOTCHECK_MODE; unset it to mine",
        )
    if not settings.verify_enabled:
        return warn(
            "protocol", f"{served}; VERIFY_ENABLED=false: unsigned requests answered", "set VERIFY_ENABLED=true"
        )
    if not settings.blacklist_enabled:
        return warn(
            "protocol", f"{served}; BLACKLIST_ENABLED=false: any signer is served", "set BLACKLIST_ENABLED=true"
        )
    return ok("protocol", f"{served}; signatures and stake checked")
