"""Every exception scoreminer raises on purpose; each message says what went wrong and how to fix it.

    ScoreminerError
     ├── ConfigError          a setting is missing or invalid, or the .env file is not there
     │    └── UsageError      the command line itself is wrong: unknown --set key, missing --env-file
     ├── HotkeyError          the wallet hotkey file is missing or unreadable
     ├── ChainError           the subtensor endpoint failed or answered nonsense
     ├── VideoError           a video could not be decoded
     │    └── DownloadError   a challenge video could not be downloaded (http_status 502 or 400)
     │         └── MediaRefused  the media is over a limit, read before decoding: frames, pixels (413)
     ├── ModelLoadError       a weights file is missing or unreadable
     ├── StartupError         `serve` refused to start (a fatal check failed, or any error before the port opens)
     ├── MinerUnreachable     `scoreminer challenge` found no miner, or no hotkey, at the URL
     ├── AnswerFileError      a file given to `scoreminer score` is not an answer (exit 2)
     ├── ManifestError        a Turbo Vision manifest cannot be read or lacks the Element asked for (exit 2)
     ├── ChuteError           a chute folder cannot be built, loaded or served as the template would
 ├── AuditError           the published audit index or one of its entries cannot be fetched or read
     └── RequestRefused       the miner refuses a challenge request; `http_status` is the answer's status
          ├── AuthError       not properly signed (401)
          │    └── NonceError the nonce is stale, from the future, malformed or replayed (401)
          ├── StakeError      the signer may not use this miner (403)
          ├── BodyTooLarge    the request body is over the cap (413)
          ├── QueueFull       the answer would come after the validator stops waiting (503, Retry-After)
          ├── DeadlinePassed  the challenge's deadline passed mid-way: the work stops, the refusal leaves (503)
          └── ClientGone      the client hung up: the work it started stops (499, read by nobody)

The CLI catches the root once, prints one red line and exits with the error's `exit_code`:
1 a command or check failed, 2 the command line is wrong, 3 `serve` refused to start (any error
before its port opens becomes a StartupError). The HTTP app maps RequestRefused and DownloadError
to their `http_status`.
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
    """A video could not be decoded."""


class DownloadError(VideoError):
    """The video host failed us (502) or the URL itself is unusable (400)."""

    def __init__(self, problem: str, fix: str = "", http_status: int = 502) -> None:
        super().__init__(problem, fix)
        self.http_status = http_status


class MediaRefused(DownloadError):
    """The challenge's media is over a limit (MAX_FRAMES, MAX_SIDE_PX), found before it was decoded."""

    def __init__(self, problem: str, fix: str = "", http_status: int = 413) -> None:
        super().__init__(problem, fix, http_status)


class ModelLoadError(ScoreminerError):
    """A weights file is missing or unreadable."""


class StartupError(ScoreminerError):
    """The miner refused to start; the message carries the failed checks."""

    exit_code = 3


class MinerUnreachable(ScoreminerError):
    """Nothing answers at the miner URL, or its /health gives no hotkey."""


class AnswerFileError(ScoreminerError):
    """A file given as an answer is not one (exit 2: the command was pointed at the wrong input)."""

    exit_code = 2


class RequestRefused(ScoreminerError):
    """A challenge request the miner refuses; the message is the short reason sent back."""

    http_status = 400


class AuthError(RequestRefused):
    """The request is not properly signed."""

    http_status = 401


class NonceError(AuthError):
    """A nonce that must be refused."""


class StakeError(RequestRefused):
    """The signer is not in the metagraph with enough stake, nor allow-listed."""

    http_status = 403


class BodyTooLarge(RequestRefused):
    """The request body passed the size cap (it is never read whole)."""

    http_status = 413


class QueueFull(RequestRefused):
    """The challenge would be answered after the validator stops waiting."""

    http_status = 503

    def __init__(self, projected_s: float, retry_after_s: int) -> None:
        super().__init__(f"the answer would take ~{projected_s:.0f} s, past the validator's wait")
        self.projected_s = projected_s
        self.retry_after_s = retry_after_s


class DeadlinePassed(RequestRefused):
    """The challenge's deadline (from its arrival) passed before its answer was ready."""

    http_status = 503

    def __init__(self, stage: str, seconds: float) -> None:
        super().__init__(f"the {seconds:g} s deadline passed during {stage}: an answer now would come too late")
        self.stage = stage


class ClientGone(RequestRefused):
    """The client hung up while its challenge was being worked on."""

    http_status = 499  # nginx's "client closed request": nobody reads it

    def __init__(self, stage: str) -> None:
        super().__init__(f"the client hung up during {stage}")
        self.stage = stage


class ManifestError(ScoreminerError):
    """A Turbo Vision manifest that cannot be read, or lacks the Element asked for."""

    exit_code = 2


class AuditError(ScoreminerError):
    """The published audit index, an entry or its video cannot be fetched or read."""


class ChuteError(ScoreminerError):
    """A chute folder that cannot be built, loaded or served the way the validator's template would."""
