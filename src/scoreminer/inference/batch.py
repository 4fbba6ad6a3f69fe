"""One batch of decoded frames, and what the models derive from it once for each other (device tensors)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, overload

import numpy as np


class FrameBatch(Sequence[np.ndarray]):
    """The frames (BGR, H×W×3) of one batch; `once` keeps a derived value so both models share it."""

    def __init__(self, frames: Sequence[np.ndarray]) -> None:
        self.frames = list(frames)
        self._derived: dict[Hashable, Any] = {}

    def once(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """`make()` the first time `key` is asked for in this batch, the same object after that."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def __len__(self) -> int:
        return len(self.frames)

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, index: slice) -> list[np.ndarray]: ...
    def __getitem__(self, index: int | slice) -> np.ndarray | list[np.ndarray]:
        return self.frames[index]
