"""Fetch a challenge video to a temp file: http(s) only, streamed, capped, timed, retried once."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_fixed

from scoreminer.errors import DownloadError

if TYPE_CHECKING:
    from scoreminer.settings import Settings

TEMP_PREFIX = "scoreminer-video-"


class Downloader:
    """One keep-alive client shared by all challenges."""

    def __init__(
        self,
        max_bytes: int,
        timeout_s: float,
        directory: Path | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self.directory = directory
        self._live: set[Path] = set()  # temp media of challenges in flight, removed on close if still there
        self._client = httpx.Client(
            timeout=httpx.Timeout(min(30.0, timeout_s), connect=10.0),
            follow_redirects=True,
            transport=transport,
            headers={"user-agent": "scoreminer"},
        )

    @classmethod
    def from_settings(cls, settings: Settings, transport: httpx.BaseTransport | None = None) -> Downloader:
        """DOWNLOAD_MAX_MB (10^6 bytes, one meaning everywhere), DOWNLOAD_TIMEOUT_S and DOWNLOAD_DIR."""
        return cls(settings.download_max_mb * 1_000_000, settings.download_timeout_s, settings.download_dir, transport)

    def close(self) -> None:
        """Close the client and remove the media of any challenge still in flight (the server is stopping)."""
        self._client.close()
        for path in list(self._live):
            path.unlink(missing_ok=True)
        self._live.clear()

    @contextmanager
    def temp_file(self) -> Iterator[Path]:
        """A new temp media path (TEMP_PREFIX, in DOWNLOAD_DIR), removed when the block exits or on close()."""
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(prefix=TEMP_PREFIX, suffix=".mp4", dir=self.directory, delete=False)
        handle.close()
        path = Path(handle.name)
        self._live.add(path)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)
            self._live.discard(path)

    @contextmanager
    def fetch(self, url: str, field: str = "video_url", within_s: float | None = None) -> Iterator[Path]:
        """A temp file holding the media at `url` (`field` names it in errors: video_url, image_url, frame 3's url);
        removed when the block exits, whatever happens. The download may take DOWNLOAD_TIMEOUT_S, or `within_s`
        when that is less (what is left of the challenge's deadline)."""
        if not url.startswith(("http://", "https://")):
            raise DownloadError(f"{field} {url[:80]!r} is not http(s)", http_status=400)
        try:
            parts = urlsplit(url)
            if not parts.hostname or parts.port == 0 or any(c in url for c in "\r\n "):
                raise ValueError("no host, port 0 or whitespace")
        except ValueError as exc:  # urlsplit refuses a port past 65535 or a broken IPv6 literal
            raise DownloadError(f"{field} {url[:80]!r} is not a valid URL ({exc})", http_status=400) from None
        with self.temp_file() as path:
            with path.open("wb") as handle:
                limit = self.timeout_s if within_s is None else max(min(self.timeout_s, within_s), 0.0)
                self._download(url, handle, field, limit)
            yield path

    @retry(
        retry=retry_if_exception_type((httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)),
        stop=stop_after_attempt(2),
        wait=wait_fixed(0.5),
        reraise=True,
    )
    def _stream(self, url: str, handle, deadline: float, field: str, limit: float) -> int:
        handle.seek(0)
        handle.truncate()
        with self._client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise DownloadError(f"{field}: its host answered {response.status_code} for {url[:120]}")
            declared = int(response.headers.get("content-length") or 0) if _digits(response) else 0
            if declared > self.max_bytes:
                raise DownloadError(f"{field} is {declared} bytes, over the {self.max_bytes}-byte cap", http_status=400)
            size = 0
            for chunk in response.iter_bytes():  # pieces as they arrive, so the deadline is checked often
                size += len(chunk)
                if size > self.max_bytes:
                    raise DownloadError(f"{field} passed the {self.max_bytes}-byte cap", http_status=400)
                if time.monotonic() > deadline:
                    raise DownloadError(f"{field}: the download took over {limit:.3g} s")
                handle.write(chunk)
        return size

    def _download(self, url: str, handle, field: str, limit: float) -> None:
        try:
            size = self._stream(url, handle, time.monotonic() + limit, field, limit)  # one deadline for all tries
        except DownloadError:
            raise
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            # not an HTTPError in httpx: a malformed host, a bad port, a CR/LF in the URL is the client's mistake
            raise DownloadError(f"{field} {url[:80]!r} is not a valid URL ({exc})", http_status=400) from None
        except httpx.TimeoutException:
            raise DownloadError(f"{field}: its host timed out for {url[:120]}") from None
        except httpx.HTTPError as exc:
            raise DownloadError(f"{field}: the download failed ({type(exc).__name__}: {exc})") from None
        if size == 0:
            raise DownloadError(f"{field}: its host sent an empty body", http_status=502)


def _digits(response: httpx.Response) -> bool:
    return (response.headers.get("content-length") or "").strip().isdigit()


def sweep_temp_media(directory: Path | None, older_than_s: float = 600.0) -> int:
    """Remove media a killed miner left behind (`scoreminer-video-*` older than `older_than_s`); returns how many.

    The age keeps another miner's challenge in flight on the same machine safe: a challenge lasts minutes at most."""
    folder = directory or Path(tempfile.gettempdir())
    removed, now = 0, time.time()
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            if now - path.stat().st_mtime > older_than_s:
                path.unlink()
                removed += 1
        except OSError:
            continue  # gone already, or not ours to remove
    return removed
