"""The process environment beyond the miner's own settings: variables other programs read or write."""

from __future__ import annotations

import os
from pathlib import Path


def set_process_environment(values: dict[str, str], defaults: dict[str, str] | None = None) -> None:
    """Set variables other libraries read (`defaults` only where unset): the one place that writes the environment."""
    os.environ.update(values)
    for key, value in (defaults or {}).items():
        os.environ.setdefault(key, value)


def ultralytics_offline() -> None:
    """Keep ultralytics from installing packages or reaching the network at run time (set before it is imported)."""
    set_process_environment({"YOLO_AUTOINSTALL": "false", "YOLO_OFFLINE": "1"}, defaults={"YOLO_VERBOSE": "false"})


def pm2_home() -> Path:
    """Where PM2 keeps its daemon files ($PM2_HOME, else ~/.pm2), as the pm2 command finds them."""
    return Path(os.environ.get("PM2_HOME") or Path.home() / ".pm2")
