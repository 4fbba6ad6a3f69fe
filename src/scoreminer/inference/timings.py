"""Per-stage wall time of one pipeline run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass


@dataclass
class StageTimings:
    """Seconds spent per stage; stages overlap in the pipelined mode, so they may sum past `total`."""

    decode_wait: float = 0.0  # the consumer blocked on the decoder
    decode: float = 0.0  # the decoder thread's own work (grab and, for frames the models see, retrieve)
    inference: float = 0.0  # the model calls: ultralytics' pre-processing, forward passes and NMS
    forward: float = 0.0  # the forward passes alone (part of inference), as ultralytics times them
    tracking: float = 0.0
    serialisation: float = 0.0
    registration: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


@contextmanager
def timed(timings: StageTimings, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        setattr(timings, stage, getattr(timings, stage) + time.perf_counter() - started)
