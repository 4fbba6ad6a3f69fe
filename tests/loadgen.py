"""A minimal HTTP/1.1 load generator on raw asyncio sockets (light enough not to be the bottleneck)."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit


async def _get(host: str, port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1]), time.perf_counter() - started


async def _burst(url: str, count: int) -> list[tuple[int, float]]:
    parts = urlsplit(url)
    return await asyncio.gather(*(_get(parts.hostname, parts.port, parts.path) for _ in range(count)))


def burst(url: str, count: int) -> list[tuple[int, float]]:
    """`count` concurrent GETs of `url`: (status, seconds) each."""
    return asyncio.run(_burst(url, count))


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
