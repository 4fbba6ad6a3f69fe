"""Save and load metagraph snapshots atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from scoreminer.errors import ChainError
from scoreminer.network.chain.nodes import MetagraphSnapshot


def save_snapshot(path: Path, snapshot: MetagraphSnapshot) -> Path:
    """Write to a temp file beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(snapshot.model_dump_json())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_snapshot(path: Path) -> MetagraphSnapshot:
    """The snapshot at `path`; ChainError when missing or unreadable."""
    try:
        return MetagraphSnapshot.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise ChainError(
            f"no metagraph snapshot at {path}", "run `scoreminer sync-metagraph` once the chain is reachable"
        ) from None
    except (OSError, ValidationError, ValueError) as exc:
        raise ChainError(
            f"metagraph snapshot {path} is unreadable ({type(exc).__name__})",
            "delete it and run `scoreminer sync-metagraph`",
        ) from None
