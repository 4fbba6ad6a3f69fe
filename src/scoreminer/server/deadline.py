"""One deadline per challenge, from its arrival: queueing, download, decoding and inference each ask it before
going on, so an answer that could no longer arrive in time is refused at once instead of computed for nobody;
a client that hung up stops the work it started the same way."""

from __future__ import annotations

import threading
import time

from scoreminer.errors import ClientGone, DeadlinePassed

MARGIN_S = 1.5  # the answer must still travel back and be read before the validator's own clock runs out


class Deadline:
    """`seconds` from `started` (time.perf_counter()); `gone` is set when the client hangs up."""

    def __init__(self, seconds: float, started: float | None = None) -> None:
        self.seconds = seconds
        self.started = time.perf_counter() if started is None else started
        self.gone = threading.Event()

    @classmethod
    def for_wait(cls, wait_s: float, started: float | None = None) -> Deadline:
        """The deadline for a validator that waits `wait_s` for the answer: that wait less MARGIN_S."""
        return cls(max(wait_s - MARGIN_S, 1.0), started)

    def remaining(self) -> float:
        return self.seconds - (time.perf_counter() - self.started)

    def check(self, stage: str) -> None:
        """ClientGone or DeadlinePassed when the work should stop now, else nothing."""
        if self.gone.is_set():
            raise ClientGone(stage)
        if self.remaining() <= 0:
            raise DeadlinePassed(stage, self.seconds)
