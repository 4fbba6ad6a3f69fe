"""Which .env file is in use: --env-file, else $SCOREMINER_ENV_FILE, else the nearest one up from the cwd."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from scoreminer.errors import ConfigError, UsageError

ENV_FILE_VARIABLE = "SCOREMINER_ENV_FILE"


@dataclass(frozen=True)
class EnvFileLookup:
    """The .env file used (path None when none was found), how it was chosen, and where we looked."""

    path: Path | None
    how: str
    searched: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        if self.path:
            return f"{self.path} ({self.how})"
        return "none found; looked in " + ", ".join(str(p) for p in self.searched)

    def describe_target(self) -> str:
        return str(self.path) if self.path else "a .env file (or the environment)"


def find_env_file(explicit: Path | None = None, cwd: Path | None = None) -> EnvFileLookup:
    """The .env to use: --env-file, else $SCOREMINER_ENV_FILE, else .env in cwd or a parent."""
    cwd = (cwd or Path.cwd()).resolve()
    for given, how in ((explicit, "--env-file"), (os.environ.get(ENV_FILE_VARIABLE), ENV_FILE_VARIABLE)):
        if given:
            path = (cwd / Path(given).expanduser()).resolve()
            if not path.is_file():
                error = UsageError if how == "--env-file" else ConfigError
                raise error(f"env file {path} (from {how}) does not exist", f"fix the path or drop {how}")
            return EnvFileLookup(path, how, [path])
    searched = [directory / ".env" for directory in (cwd, *cwd.parents)]
    for candidate in searched:
        if candidate.is_file():
            how = "found in the working directory" if candidate.parent == cwd else "found in a parent directory"
            return EnvFileLookup(candidate, how, searched[: searched.index(candidate) + 1])
    return EnvFileLookup(None, "none found", searched)
