"""Nonces seen recently: replay, age and format checks in bounded memory, safe across threads."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from scoreminer.errors import NonceError


@dataclass(frozen=True)
class NonceFormat:
    """How a scheme writes its nonce: a pattern whose first group is the timestamp in ns, and its description."""

    pattern: re.Pattern[str]
    description: str


FIBER_NONCE = NonceFormat(re.compile(r"^(\d{1,20})_([A-Za-z0-9]{1,64})$"), "`<time_ns>_<letters/digits>`")
TIMESTAMP_NONCE = NonceFormat(re.compile(r"^(\d{1,20})$"), "integer nanoseconds")


class NonceStore:
    """Remembers nonces for `max_age_s`; past `capacity` the oldest are dropped first."""

    def __init__(self, max_age_s: float = 120.0, capacity: int = 50_000, form: NonceFormat = FIBER_NONCE) -> None:
        self.max_age_ns = int(max_age_s * 1e9)
        self.capacity = capacity
        self.form = form
        self._seen: OrderedDict[str, int] = OrderedDict()  # key -> time first seen (ns)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def check_and_remember(self, nonce: str, now_ns: int | None = None, signer: str = "") -> None:
        """Accept a fresh, well-formed nonce not yet seen from `signer` and remember it; else raise NonceError.

        A bare timestamp can come from two validators in the same nanosecond: a nonce is replayed only when the
        same signer sends it again."""
        now_ns = now_ns if now_ns is not None else time.time_ns()
        stamp = self._timestamp(nonce)
        if stamp < now_ns - self.max_age_ns:
            raise NonceError("nonce is too old")
        if stamp > now_ns + self.max_age_ns:
            raise NonceError("nonce is in the future")
        key = f"{signer}:{nonce}"
        with self._lock:
            self._evict(now_ns)
            if key in self._seen:
                raise NonceError("nonce was already used")
            self._seen[key] = now_ns

    def _evict(self, now_ns: int) -> None:
        # Entries are in arrival order, so expired ones sit at the front.
        while self._seen and next(iter(self._seen.values())) < now_ns - 2 * self.max_age_ns:
            self._seen.popitem(last=False)
        while len(self._seen) >= self.capacity:
            self._seen.popitem(last=False)

    def _timestamp(self, nonce: str) -> int:
        match = self.form.pattern.match(nonce or "")
        if not match:
            raise NonceError(f"nonce is malformed (want {self.form.description})")
        return int(match.group(1))
