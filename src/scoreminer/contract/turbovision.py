"""Turbo Vision's private-track football contract: the challenge a central validator posts, the actions answered.

The validator posts `{challenge_id, video_url?, image_url?, frames?}` to `POST /challenge` and waits 30 s; the
miner answers `{challenge_id, prediction: {type: "soccer_action", items: [{frame, action, confidence}]},
processing_time}`. Frames are counted at 25 fps; confidence is carried but not scored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FRAME_RATE = 25.0
# The scored football actions, in the validator's order (scorevision/utils/actions.py at ea7412f).
ACTIONS = (
    "pass",
    "pass_received",
    "recovery",
    "tackle",
    "interception",
    "ball_out_of_play",
    "clearance",
    "take_on",
    "substitution",
    "block",
    "aerial_duel",
    "shot",
    "save",
    "foul",
    "goal",
)
Action = Literal[
    "pass",
    "pass_received",
    "recovery",
    "tackle",
    "interception",
    "ball_out_of_play",
    "clearance",
    "take_on",
    "substitution",
    "block",
    "aerial_duel",
    "shot",
    "save",
    "foul",
    "goal",
]
MAX_FRAMES = 3000  # two minutes at 25 fps: a payload past this is no football clip


class ChallengeFrame(BaseModel):
    """One frame sent in the payload: base64 of an encoded image (`data`, preferred) or its URL."""

    model_config = ConfigDict(extra="ignore")

    frame_id: int = Field(ge=0)
    url: str | None = None
    data: str | None = None

    @model_validator(mode="after")
    def _has_pixels(self) -> ChallengeFrame:
        if not self.url and not self.data:
            raise ValueError(f"frame {self.frame_id} has neither data nor url")
        return self


class ChallengeRequest(BaseModel):
    """What the central validator POSTs to /challenge: a video, one image, or frames (at least one of them)."""

    model_config = ConfigDict(extra="ignore")

    challenge_id: str = Field(min_length=1, max_length=200)
    video_url: str | None = None
    image_url: str | None = None
    frames: list[ChallengeFrame] | None = Field(None, max_length=MAX_FRAMES)

    @model_validator(mode="before")
    @classmethod
    def _id_as_text(cls, data: object) -> object:
        # The validator's ids are task numbers; a JSON number is the same challenge.
        if isinstance(data, dict) and isinstance(data.get("challenge_id"), int):
            return {**data, "challenge_id": str(data["challenge_id"])}
        return data

    @model_validator(mode="after")
    def _has_media(self) -> ChallengeRequest:
        if not (self.video_url or self.image_url or self.frames):
            raise ValueError("the challenge has no video_url, image_url or frames")
        return self


class ActionItem(BaseModel):
    """One action seen: the frame it happened on (25 fps, 0-based), its name, how sure the miner is."""

    frame: int = Field(ge=0)
    action: Action
    confidence: float = Field(ge=0, le=1)


class SoccerActions(BaseModel):
    type: Literal["soccer_action"] = "soccer_action"
    items: list[ActionItem]


class ChallengeResponse(BaseModel):
    """The miner's answer: every action it reports (each unmatched one costs its weight), in frame order."""

    challenge_id: str
    prediction: SoccerActions
    processing_time: float
