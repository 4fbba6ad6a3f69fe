"""Write a PM2 ecosystem file that cannot start the miner wrong: absolute venv paths, explicit .env."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from scoreminer.errors import ConfigError


@dataclass(frozen=True)
class Ecosystem:
    """The file's path, its text, and the command that starts it."""

    path: Path
    text: str
    start_command: str
    log_dir: Path


def venv_paths() -> tuple[Path, Path]:
    """(python, scoreminer entry point) of this venv; ConfigError outside a venv."""
    if sys.prefix == sys.base_prefix:
        raise ConfigError(
            f"{sys.executable} is not a virtualenv's python",
            "install scoreminer in a venv and run `<venv>/bin/scoreminer pm2` from it",
        )
    bin_dir = Path(sys.executable).parent
    script = bin_dir / "scoreminer"
    if not script.is_file():
        raise ConfigError(f"no scoreminer entry point at {script}", f"{bin_dir}/pip install -e <scoreminer checkout>")
    return Path(sys.executable).absolute(), script.absolute()


def ecosystem(env_file: Path | None, name: str = "scoreminer", out: Path | None = None) -> Ecosystem:
    """The ecosystem.config.js for this install and this .env (which must exist)."""
    if env_file is None or not env_file.is_file():
        raise ConfigError(
            "no .env file to point PM2 at", "create one (see .env.example) or pass --env-file /abs/path/.env"
        )
    env_file = env_file.resolve()
    return _ecosystem(
        name,
        ["--env-file", str(env_file), "serve"],
        env_file.parent,
        out or env_file.parent / "ecosystem.config.js",
        "this .env",
    )


def demo_ecosystem(folder: Path, name: str = "scoreminer-demo", out: Path | None = None) -> Ecosystem:
    """An ecosystem file that runs `serve --demo` with its keys and clip in `folder` (cwd: its parent)."""
    folder = folder.resolve()
    return _ecosystem(name, ["serve", "--demo"], folder.parent, out or folder / "ecosystem.config.js", "the demo")


def _ecosystem(name: str, args: list[str], cwd: Path, out: Path, what: str) -> Ecosystem:
    python, script = venv_paths()
    logs = cwd / "logs"
    app = {
        "name": name,
        "script": str(script),
        "interpreter": str(python),
        "args": args,
        "cwd": str(cwd),
        "autorestart": True,
        "max_restarts": 50,
        "min_uptime": "60s",
        "exp_backoff_restart_delay": 1000,
        "kill_timeout": 15000,
        # serve logs INFO to stdout and warnings/errors to stderr: two files, the err one worth alerting on
        "out_file": str(logs / f"{name}.out.log"),
        "error_file": str(logs / f"{name}.err.log"),
        "time": True,
        "env": {"PYTHONUNBUFFERED": "1", "YOLO_OFFLINE": "1", "YOLO_AUTOINSTALL": "false"},
    }
    path = out.absolute()
    text = f"// Written by `scoreminer pm2`: absolute paths to this venv and {what}.\n"
    text += "module.exports = " + json.dumps({"apps": [app]}, indent=2) + ";\n"
    return Ecosystem(path, text, f"pm2 start {path}", logs)


def write_ecosystem(eco: Ecosystem) -> Path:
    """Write the file (and create its log folder)."""
    eco.log_dir.mkdir(parents=True, exist_ok=True)
    eco.path.parent.mkdir(parents=True, exist_ok=True)
    eco.path.write_text(eco.text)
    return eco.path
