"""One challenge at a time, one waiting; anything more is turned away at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class GateFull(Exception):
    """A challenge is running and another is already waiting (503)."""


class ChallengeGate:
    """An asyncio lock with a bounded queue in front of it."""

    def __init__(self, max_waiting: int = 1) -> None:
        self._lock = asyncio.Lock()
        self._admitted = 0  # running + waiting
        self._capacity = 1 + max_waiting

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        if self._admitted >= self._capacity:
            raise GateFull
        self._admitted += 1
        try:
            async with self._lock:
                yield
        finally:
            self._admitted -= 1
