"""`audit pull`: the subnet's published private-track audits fetched into a folder, one clip per entry.

A clip folder holds `entry.json` (as published), `video.mp4`, `truth.json` (the ground truth as a truth file)
and `winner.json` (the winner's answer). Each is assembled in a hidden staging folder and renamed into place
whole, so a failed or killed pull leaves nothing half-written, and a second pull skips the clips it has.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import ValidationError

from scoreminer.contract.audit import AuditEntry, index_keys, key_parts
from scoreminer.errors import AuditError, DownloadError
from scoreminer.server.download import Downloader

STAGING = ".partial-"


@dataclass
class PullReport:
    """What a pull did: clips fetched now, clips already there, and one line per entry that failed."""

    fetched: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def entry_url(index_url: str, key: str) -> str:
    """An index key as a URL: absolute as is, else from the bucket's root (the exporter's keys are full paths)."""
    if key.startswith(("http://", "https://")):
        return key
    parts = urlsplit(index_url)
    return urljoin(f"{parts.scheme}://{parts.netloc}/", key.lstrip("/"))


def fetch_index(client: httpx.Client, index_url: str) -> list[str]:
    """The entry keys the index lists, newest block first; AuditError when it cannot be fetched or read."""
    try:
        response = client.get(index_url)
        response.raise_for_status()
        keys = index_keys(response.json())
    except (httpx.HTTPError, ValueError) as exc:
        raise AuditError(
            f"the audit index {index_url} cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
            "check AUDIT_INDEX_URL / --index (the published index is a JSON list of entry keys)",
        ) from None
    entries = [(parts[1], key) for key in keys if (parts := key_parts(key)) is not None]
    return [key for _, key in sorted(entries, reverse=True)]


def pull(
    index_url: str,
    out: Path,
    downloader: Downloader,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> PullReport:
    """Fetch up to `limit` entries (newest first) with their videos into `out/<element>-<block>/`."""
    report = PullReport()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(f"{STAGING}*"):
        shutil.rmtree(stale, ignore_errors=True)  # a pull killed mid-clip
    with httpx.Client(timeout=30.0, follow_redirects=True, transport=transport) as client:
        keys = fetch_index(client, index_url)[:limit]
        for done, key in enumerate(keys):
            if progress is not None:
                progress(done, len(keys))
            element, block = key_parts(key) or ("?", 0)
            folder = out / f"{element}-{block:09d}"
            if (folder / "truth.json").is_file():
                report.kept.append(folder)
                continue
            try:
                _pull_one(client, entry_url(index_url, key), folder, downloader)
                report.fetched.append(folder)
            except AuditError as exc:
                report.failed.append(f"{key}: {exc}")
        if progress is not None:
            progress(len(keys), len(keys))
    return report


def _pull_one(client: httpx.Client, url: str, folder: Path, downloader: Downloader) -> None:
    try:
        response = client.get(url)
        response.raise_for_status()
        entry = AuditEntry.model_validate(response.json())
    except httpx.HTTPError as exc:
        raise AuditError(f"the entry cannot be fetched ({type(exc).__name__}: {str(exc)[:120]})") from None
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AuditError(f"the entry is not a football audit ({first[:160]})") from None
    video = entry.miner_response.video_url
    if not video:
        raise AuditError("the entry has no video_url (frame lists are not pulled)")
    staging = folder.parent / f"{STAGING}{folder.name}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        try:
            with downloader.fetch(video) as path:
                shutil.move(path, staging / "video.mp4")
        except DownloadError as exc:
            raise AuditError(f"its video cannot be downloaded ({exc})") from None
        (staging / "entry.json").write_text(response.text)
        truth = {
            "challenge_id": folder.name,
            "video_url": video,
            "actions": [a.model_dump() for a in entry.groundtruth],
        }
        (staging / "truth.json").write_text(json.dumps(truth))
        winner = {"prediction": {"items": [a.model_dump() for a in entry.miner_response.predictions]}}
        (staging / "winner.json").write_text(json.dumps({"challenge_id": folder.name, **winner}))
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
