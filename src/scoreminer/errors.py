"""The exceptions scoreminer raises; each message says what went wrong and how to fix it.

    ScoreminerError
     ├── ConfigError        a setting is missing or invalid, or the .env file is not there
     │    └── UsageError    the command line itself is wrong: unknown --set key, missing --env-file
     ├── HotkeyError        the wallet hotkey file is missing or unreadable
     ├── ChainError         the subtensor endpoint failed or answered nonsense
     ├── VideoError         a video could not be downloaded or decoded
     ├── ModelLoadError     a weights file is missing or unreadable
     └── StartupError       `serve` refused to start (a fatal doctor check failed)

The CLI catches the root once, prints one red line and exits with the error's `exit_code`:
1 a command or check failed, 2 the command line is wrong, 3 `serve` refused to start (any error
before its port opens becomes a StartupError).
"""

from __future__ import annotations


class ScoreminerError(Exception):
    """Root of every error scoreminer raises on purpose: the problem, and the fix when known."""

    exit_code = 1

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(f"{problem}: {fix}" if fix else problem)
        self.problem = problem
        self.fix = fix


class ConfigError(ScoreminerError):
    """A setting is missing or invalid, or an explicit .env file does not exist."""


class UsageError(ConfigError):
    """The command line is wrong (exit 2, as for an unknown option)."""

    exit_code = 2


class HotkeyError(ScoreminerError):
    """The hotkey file is missing, unreadable or inconsistent."""


class ChainError(ScoreminerError):
    """The chain endpoint could not be reached or its answer could not be decoded."""


class VideoError(ScoreminerError):
    """A video could not be fetched or decoded."""


class ModelLoadError(ScoreminerError):
    """A weights file is missing or unreadable."""


class StartupError(ScoreminerError):
    """The miner refused to start; the message carries the failed checks."""

    exit_code = 3
