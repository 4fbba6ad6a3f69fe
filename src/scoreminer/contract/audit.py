"""Turbo Vision's published private-track audit: the index and one element's entry, as its exporter writes them.

Source: score-technologies/turbovision `scorevision/validator/audit/private_track/export.py`. Once a day one
randomly chosen winning challenge per private Element is published under `manako/audit/<element>/<block>.json`
(block zero-padded to 9 digits), listed in `manako/audit/index.json` and `manako/audit/<element>/index.json`
(JSON lists of those keys). An entry is `{miner_response: {miner_hotkey, video_url | frames, predictions:
[{frame, action}]}, groundtruth: [{frame, action}]}` for football.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

KEY = re.compile(r"(?:^|/)(?P<element>[^/]+)/(?P<block>\d+)(?:-[^/]*)?\.json$")


class ActionAt(BaseModel):
    model_config = ConfigDict(extra="ignore")

    frame: int = Field(ge=0)
    action: str


class AuditResponse(BaseModel):
    """What the winning miner was sent and what it answered."""

    model_config = ConfigDict(extra="ignore")

    miner_hotkey: str | None = None
    video_url: str | None = None
    frames: list[Any] | None = None
    predictions: list[ActionAt] = Field(min_length=1)


class AuditEntry(BaseModel):
    """One published football audit: the winner's answer and the ground truth."""

    model_config = ConfigDict(extra="ignore")

    miner_response: AuditResponse
    groundtruth: list[ActionAt] = Field(min_length=1)

    @field_validator("groundtruth", mode="before")
    @classmethod
    def _truth_list(cls, value: object) -> object:
        # the exporter writes the list itself; the API it reads wraps it as {"ground_truth": [...]}
        return value.get("ground_truth", value) if isinstance(value, dict) else value


def index_keys(data: Any) -> list[str]:
    """The keys an index lists: a JSON list of keys, or `{"entries": [{"path": ...}]}` (both the exporter reads)."""
    if isinstance(data, list):
        return [key for key in data if isinstance(key, str)]
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        return [e["path"] for e in data["entries"] if isinstance(e, dict) and isinstance(e.get("path"), str)]
    raise ValueError("an audit index is a list of keys")


def key_parts(key: str) -> tuple[str, int] | None:
    """(element, block) of an entry key like `manako/audit/<element>/000123456.json`; None for an index."""
    found = KEY.search(key)
    if found is None:
        return None
    return found.group("element"), int(found.group("block"))
