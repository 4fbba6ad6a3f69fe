"""The chute's wire format (Turbo Vision open-source track): what /predict takes and the envelope it answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TVFrame(BaseModel):
    """One frame: base64 image bytes (`data`, preferred) or a URL to fetch."""

    model_config = ConfigDict(extra="ignore")

    frame_id: int
    url: str | None = None
    data: str | None = None


class TVPredictInput(BaseModel):
    """A video URL, or the frames themselves; `meta` carries batch_size, n_keypoints, the frame size, …"""

    model_config = ConfigDict(extra="ignore")

    url: str | None = None
    frames: list[TVFrame] | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class TVPredictOutput(BaseModel):
    """The template's envelope: success with the frames' results, or the error text (HTTP 200 either way)."""

    success: bool
    predictions: dict[str, Any] | None = None
    error: str | None = None
