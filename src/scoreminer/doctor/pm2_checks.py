"""Check every PM2 process that runs scoreminer against this install."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

from scoreminer.doctor.report import Check, fail, ok, skip, warn
from scoreminer.errors import ConfigError
from scoreminer.settings import find_env_file, pm2_home


@dataclass(frozen=True)
class Pm2Process:
    """The parts of a `pm2 jlist` entry that decide how the miner starts."""

    name: str
    status: str
    cwd: str
    script: str
    interpreter: str
    args: list[str]

    @classmethod
    def from_jlist(cls, entry: dict) -> Pm2Process:
        env = entry.get("pm2_env", {})
        args = env.get("args") or []
        return cls(
            name=str(entry.get("name", env.get("name", "?"))),
            status=str(env.get("status", "?")),
            cwd=str(env.get("pm_cwd", "")),
            script=str(env.get("pm_exec_path", "")),
            interpreter=str(env.get("exec_interpreter", "")),
            args=shlex.split(args) if isinstance(args, str) else [str(a) for a in args],
        )

    @property
    def runs_scoreminer(self) -> bool:
        return any("scoreminer" in part for part in (self.name, self.script, *self.args))

    @property
    def env_file_arg(self) -> str | None:
        for i, arg in enumerate(self.args):
            if arg == "--env-file" and i + 1 < len(self.args):
                return self.args[i + 1]
            if arg.startswith("--env-file="):
                return arg.split("=", 1)[1]
        return None


def check_pm2(pm2: str = "pm2") -> list[Check]:
    """One row per PM2 process running scoreminer (skipped when PM2 is not installed or not running)."""
    executable = shutil.which(pm2)
    if not executable:
        return [skip("pm2", "pm2 not on PATH")]
    if not daemon_running():
        # Any pm2 command, `jlist` included, would start the daemon: a check must not change the machine.
        return [skip("pm2", f"PM2 not running (no live daemon in {pm2_home()})")]
    try:
        out = subprocess.run([executable, "jlist"], capture_output=True, text=True, timeout=20, check=True).stdout
        entries = json.loads(out[out.index("[") :])
    except (subprocess.SubprocessError, OSError, ValueError) as exc:
        return [warn("pm2", f"`pm2 jlist` failed: {exc}", "run `pm2 jlist` by hand to see why")]
    processes = [p for p in map(Pm2Process.from_jlist, entries) if p.runs_scoreminer]
    if not processes:
        return [ok("pm2", f"{len(entries)} PM2 process(es), none runs scoreminer")]
    return [check_process(p) for p in processes]


def daemon_running() -> bool:
    """Is a PM2 daemon alive for this user's PM2_HOME (its pid file names a live process)?"""
    try:
        pid = int((pm2_home() / "pm2.pid").read_text().strip())
    except (OSError, ValueError):
        return False
    return psutil.pid_exists(pid)


def check_process(proc: Pm2Process) -> Check:
    """Compare one PM2 process's interpreter, script, cwd and env file with this install."""
    problems = [*_launch_problems(proc), *_env_problems(proc)]
    found = f"{proc.status}; cwd {proc.cwd}; {proc.interpreter} {proc.script} {' '.join(proc.args)}"
    name = f"pm2 {proc.name}"
    if problems:
        fix = (
            f"interpreter {sys.executable}, script {Path(sys.executable).parent / 'scoreminer'}, "
            "args `serve --env-file /abs/path/.env`, cwd that .env's folder"
        )
        return fail(name, "; ".join(problems), fix)
    if proc.status != "online":
        return warn(name, found, f"pm2 logs {proc.name}")
    return ok(name, found)


def _launch_problems(proc: Pm2Process) -> list[str]:
    bin_dir = Path(sys.executable).parent
    problems = []
    if proc.interpreter not in ("none", "") and not Path(proc.interpreter).is_absolute():
        resolved = shutil.which(proc.interpreter) or "nothing"
        problems.append(f"interpreter is a bare `{proc.interpreter}` (here it resolves to {resolved})")
    elif proc.interpreter not in ("none", "") and Path(proc.interpreter).parent != bin_dir:
        problems.append(f"interpreter {proc.interpreter} is not this venv's ({bin_dir})")
    if not Path(proc.script).is_absolute() or not Path(proc.script).exists():
        problems.append(f"script {proc.script} is not an existing absolute path")
    elif Path(proc.script).parent != bin_dir:
        problems.append(f"script {proc.script} is not this venv's scoreminer")
    if not Path(proc.cwd).is_dir():
        problems.append(f"cwd {proc.cwd} does not exist on this machine")
    return problems


def _env_problems(proc: Pm2Process) -> list[str]:
    explicit = proc.env_file_arg
    if explicit and not Path(explicit).is_absolute():
        return [f"--env-file {explicit} is relative (depends on cwd)"]
    if not Path(proc.cwd).is_dir() and not explicit:
        return []
    try:
        lookup = find_env_file(Path(explicit) if explicit else None, cwd=Path(proc.cwd))
    except ConfigError as exc:
        return [exc.problem]
    return [] if lookup.path else [f"no --env-file and no .env found from cwd {proc.cwd}"]
