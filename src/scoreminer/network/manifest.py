"""The live Turbo Vision manifest: its public index lists manifests by block; the newest one is read."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import httpx

from scoreminer.contract.manifest import Manifest, parse_manifest_document
from scoreminer.errors import ManifestError

BLOCK = re.compile(r"(\d+)")


def newest_key(index: Any) -> str:
    """The index entry with the highest leading block number (the index is a list of names, or {"manifests": [...]})."""
    names = index.get("manifests", []) if isinstance(index, dict) else index
    keyed = [(int(m.group(1)), name) for name in names or [] if isinstance(name, str) and (m := BLOCK.match(name))]
    if not keyed:
        raise ManifestError("the manifest index lists no manifest", "pass a manifest file with --manifest")
    return max(keyed)[1]


def fetch_manifest(index_url: str, timeout_s: float = 5.0, transport: httpx.BaseTransport | None = None) -> Manifest:
    """The newest manifest the index at `index_url` lists; ManifestError when it cannot be reached or read."""
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=True, transport=transport) as client:
            index = client.get(index_url)
            index.raise_for_status()
            url = urljoin(index_url, newest_key(index.json()))
            document = client.get(url)
            document.raise_for_status()
    except (httpx.HTTPError, ValueError) as exc:
        raise ManifestError(f"the manifest index {index_url} cannot be read ({type(exc).__name__}: {exc})") from None
    return parse_manifest_document(document.text, url)
