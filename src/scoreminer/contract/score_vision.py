"""Score Vision's contract, shared by every layer: the request, the answer, 32 keypoints, the class table."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Len
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

KEYPOINT_COUNT = 32
BALL, GOALKEEPER, PLAYER, REFEREE = 0, 1, 2, 3
CLASS_NAMES = {BALL: "ball", GOALKEEPER: "goalkeeper", PLAYER: "player", REFEREE: "referee"}

Point = Annotated[list[float], Len(2, 2)]


class ChallengeRequest(BaseModel):
    """What a validator POSTs to /soccer/challenge; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    challenge_id: str = Field(min_length=1, max_length=200)
    type: str = "gsr"
    video_url: HttpUrl
    created_at: str | None = None


class ObjectAnswer(BaseModel):
    id: int
    bbox: Annotated[list[float], Len(4, 4)]
    class_id: int = Field(ge=BALL, le=REFEREE)


class FrameAnswer(BaseModel):
    frame_number: int = Field(ge=0)
    keypoints: Annotated[list[Point], Len(KEYPOINT_COUNT, KEYPOINT_COUNT)]
    objects: list[ObjectAnswer]


class ChallengeAnswer(BaseModel):
    """The miner's answer: one entry per decoded frame, numbered as in the file."""

    challenge_id: str
    frames: list[FrameAnswer]
    processing_time: float
