"""A FIFO queue of authorised challenges, admitted while their projected answer beats the validator's wait.

A validator waits up to 240 s for an answer and stores any non-200 as an empty answer (score 0),
while a late answer still earns the quality part. So a challenge is refused only when it could not
finish in time: (challenges ahead + itself) × the recent time per challenge > the deadline. The recent
times are answered challenges' (and failures slower than planned), never quick failures'.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scoreminer.errors import QueueFull


class ChallengeQueue:
    """Challenges run one at a time in arrival order (asyncio.Lock wakes waiters first come, first served).

    Before any challenge has run, each is planned at 15 s, the validator's speed limit.
    """

    def __init__(
        self, deadline_s: float = 240.0, first_estimate_s: float = 15.0, history: int = 5, max_depth: int = 256
    ) -> None:
        self.deadline_s = deadline_s
        self.max_depth = max_depth
        self._lock = asyncio.Lock()
        self._depth = 0  # running + waiting
        self._first_estimate_s = first_estimate_s
        self._recent: deque[float] = deque(maxlen=history)

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def depth(self) -> int:
        """Challenges admitted and not yet answered (the running one included)."""
        return self._depth

    @property
    def per_challenge_s(self) -> float:
        """Median of the recent challenge times, or the first estimate before any has run."""
        return statistics.median(self._recent) if self._recent else self._first_estimate_s

    def projected_finish_s(self) -> float:
        """When a challenge arriving now would be answered: the queue ahead plus itself."""
        return (self._depth + 1) * self.per_challenge_s

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """Wait for this challenge's turn, or raise QueueFull at once when it could not finish in time."""
        projected = self.projected_finish_s()
        # With nothing ahead a challenge is always taken: even a late answer earns the quality part.
        if self._depth and (projected > self.deadline_s or self._depth >= self.max_depth):
            raise QueueFull(projected, max(1, math.ceil(self._depth * self.per_challenge_s - self.deadline_s / 2)))
        self._depth += 1
        try:
            async with self._lock:
                started = time.perf_counter()
                answered = False
                try:
                    yield
                    answered = True
                finally:
                    took = time.perf_counter() - started
                    # A failure that held the queue longer than planned (a slow host) counts; a quick one (a 404)
                    # never lowers the plan: after a burst of them, 20 good challenges would all be admitted.
                    if answered or took > self.per_challenge_s:
                        self._recent.append(took)
        finally:
            self._depth -= 1

    def status(self) -> dict:
        """For /health: depth, the time per challenge it plans with, and the wait a new challenge faces."""
        return {
            "depth": self._depth,
            "per_challenge_s": round(self.per_challenge_s, 2),
            "projected_wait_s": round(self._depth * self.per_challenge_s, 1),
            "deadline_s": self.deadline_s,
        }
