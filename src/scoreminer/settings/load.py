"""Build the settings once from every layer, record where each value came from, explain bad values."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import ValidationError

from scoreminer.errors import ConfigError, UsageError
from scoreminer.settings.env_file import EnvFileLookup, find_env_file
from scoreminer.settings.model import Preset, Settings

PATH_FIELDS = ("wallet_path", "models_dir", "nodes_snapshot", "download_dir", "export_cache_dir")
# Keys operators keep in the same .env for other tools: never reported as misspelled settings.
FOREIGN_PREFIXES = (
    "BT_",
    "BITTENSOR_",
    "CUDA_",
    "NVIDIA_",
    "YOLO_",
    "OMP_",
    "MKL_",
    "MALLOC_",
    "PYTORCH_",
    "TORCH_",
    "HF_",
    "PYTHON",
    "PM2_",
    "SCOREMINER_",
    "WANDB_",
    "NCCL_",
    "TZ",
    "PATH",
    "HOME",
    "LANG",
)


def load_settings(
    env_file: Path | None = None,
    sets: dict[str, Any] | None = None,
    *,
    flags: dict[str, Any] | None = None,
    preset: Preset | None = None,
    cwd: Path | None = None,
    use_env_file: bool = True,
    lenient: bool = False,
) -> Settings:
    """Build the settings once: flags > `sets` (--set) > environment > .env > preset > defaults.

    A flag or --set value of None means "not said". With `lenient`, invalid values fall back to their
    default and are listed in `Settings.invalid` instead of raising (the doctor uses this).
    """
    if preset is not None and preset.by_protocol:
        # Which protocol is in force decides the preset's values: find it first (a bad value fails below).
        protocol = load_settings(env_file, sets, flags=flags, cwd=cwd, use_env_file=use_env_file, lenient=True).protocol
        preset = preset.for_protocol(protocol)
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    sets = {k.lower(): v for k, v in (sets or {}).items() if v is not None}
    check_keys(sets, "--set")
    check_keys(flags, "flag")
    lookup = find_env_file(env_file, cwd) if use_env_file else EnvFileLookup(None, "ignored", [])
    file_values = {k.upper(): v for k, v in dotenv_values(lookup.path).items() if v} if lookup.path else {}
    sources = _sources(flags, sets, file_values, lookup.path, preset)
    preset_values = {
        k: v for k, v in (preset.values if preset else {}).items() if sources.get(k, "").startswith("preset")
    }
    given = {**preset_values, **sets, **flags}
    invalid: dict[str, str] = {}
    try:
        settings = Settings(_env_file=lookup.path, **given)
    except ValidationError as exc:
        if not lenient:
            raise ConfigError(_explain(exc, sources)) from None
        invalid = _invalid_fields(exc, sources)
        defaults = {name: Settings.model_fields[name].default for name in invalid}
        settings = Settings(_env_file=lookup.path, **{**given, **defaults})
    _anchor_paths(settings, sources, lookup, cwd or Path.cwd())
    for name in settings.protocol_defaults():
        sources.setdefault(name, f"default for {settings.protocol}")
    settings._sources = sources
    settings._lookup = lookup
    settings._invalid = invalid
    settings._unknown = {key: closest_setting(key) for key in file_values if _is_unknown(key)}
    return settings


def check_keys(values: dict[str, Any], how: str) -> None:
    """Refuse keys that are no setting (a typo on the command line must not be silently ignored)."""
    for key in values:
        if key.lower() not in Settings.model_fields:
            near = closest_setting(key)
            hint = f"did you mean {near}?" if near else "see `scoreminer check-env --show-settings` for every key"
            raise UsageError(f"{how} {key.upper()} is not a setting", hint)


def closest_setting(key: str) -> str | None:
    """The setting name closest to a misspelled key, when one is close."""
    names = [name.upper() for name in Settings.model_fields]
    match = difflib.get_close_matches(key.upper(), names, n=1, cutoff=0.6)
    return match[0] if match else None


def _sources(
    flags: dict[str, Any], sets: dict[str, Any], file_values: dict[str, str], path: Path | None, preset: Preset | None
) -> dict[str, str]:
    environment = {k.upper() for k, v in os.environ.items() if v}
    sources = {}
    for name in Settings.model_fields:
        key = name.upper()
        if name in flags:
            sources[name] = "flag"
        elif name in sets:
            sources[name] = "--set"
        elif key in environment:
            sources[name] = "environment"
        elif key in file_values:
            sources[name] = str(path)
        elif preset and name in preset.values:
            sources[name] = f"preset {preset.name}"
    return sources


def _is_unknown(key: str) -> bool:
    return key.lower() not in Settings.model_fields and not key.startswith(FOREIGN_PREFIXES)


def _invalid_fields(exc: ValidationError, sources: dict[str, str]) -> dict[str, str]:
    return {str(e["loc"][0]): _explain_one(e, sources) for e in exc.errors() if e["loc"]}


def _explain(exc: ValidationError, sources: dict[str, str]) -> str:
    return "; ".join(_explain_one(error, sources) for error in exc.errors())


def _explain_one(error: Any, sources: dict[str, str]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "settings"
    info = Settings.model_fields.get(name)
    allowed = (info.json_schema_extra or {}).get("allowed", "") if info else ""  # type: ignore[union-attr]
    where = sources.get(name, "default")
    if where == "--set":
        pass
    elif where in ("flag", "environment", "default") or where.startswith("preset"):
        where = f"the {where}"
    else:
        where = f"the .env file {where}"
    reason = error["msg"].removeprefix("Value error, ")
    return f"{name.upper()}={error.get('input')!r} from {where} is invalid ({reason}); allowed: {allowed}"


def _anchor_paths(settings: Settings, sources: dict[str, str], lookup: EnvFileLookup, cwd: Path) -> None:
    # A relative path in (or defaulted beside) a .env means "next to that file", whatever the cwd:
    # PM2 may start the process anywhere.
    for name in PATH_FIELDS:
        if getattr(settings, name) is None:
            continue
        path = Path(getattr(settings, name)).expanduser()
        if not path.is_absolute():
            from_shell = sources.get(name, "default") in ("flag", "--set", "environment")
            base = lookup.path.parent if lookup.path and not from_shell else cwd
            path = (base / path).resolve()
        setattr(settings, name, path)
