"""The paying endpoint under hostile and heavy input: peak memory, time to the answer or the refusal.

    python benchmarks/bench_hostile_media.py [--json]

Starts `scoreminer serve --demo` under PROTOCOL=turbovision-private in spot-check mode (no signature needed, so
every request reaches media handling) and a loopback video host, then sends, one at a time: 200 inline UHD
frames (3840 × 2160 PNGs of one colour), an image URL whose PNG declares 20000 × 20000 pixels, a 4,000-frame
clip; for each, the status, the seconds to the answer, and the server's peak RSS over its warm RSS (sampled
from /proc every 20 ms). Then a burst of 20 challenges whose video host answers 404, and 20 good 750-frame
challenges sent together: each must be answered within 30 s or refused within 2 s.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import httpx
import numpy as np
from rich.console import Console
from rich.table import Table


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header declares `width` × `height` (a decompression bomb's shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    chunks = b""
    for kind, data in ((b"IHDR", ihdr), (b"IDAT", idat), (b"IEND", b"")):
        chunks += struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunks


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """The highest RSS of `pid` while the block runs, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()

    def __enter__(self) -> PeakRss:
        self.peak = rss_kb(self.pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_kb(self.pid))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def write_clip(path: Path, frames: int, width: int = 320, height: int = 180) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 25.0, (width, height))
    for n in range(frames):
        writer.write(np.full((height, width, 3), (40, 120 + n % 60, 40), np.uint8))
    writer.release()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    console = Console(stderr=args.json)
    with tempfile.TemporaryDirectory(prefix="scoreminer-bench-hostile-") as tmp:
        root = Path(tmp)
        media = root / "media"
        media.mkdir()
        (media / "bomb.png").write_bytes(png_declaring(20000, 20000))
        write_clip(media / "long.mp4", 4000)
        from scoreminer.demo.play import FPS, PlayedMatch
        from scoreminer.demo.render import render_clip

        console.print("rendering a played 750-frame match …")
        render_clip(media / "good.mp4", seed=300, frames=750, match=PlayedMatch(300, 750 / FPS))
        host = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(media)))
        threading.Thread(target=host.serve_forever, daemon=True).start()
        files = f"http://127.0.0.1:{host.server_address[1]}"
        port = free_port()
        env = {
            **os.environ,
            "PROTOCOL": "turbovision-private",
            "SPOTCHECK_MODE": "true",
            "VERIFY_ENABLED": "false",
            "BLACKLIST_ENABLED": "false",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "DOWNLOAD_DIR": str(root / "downloads"),
            "NODES_SNAPSHOT": str(root / "nodes.json"),
            "SUBTENSOR_ADDRESS": "ws://127.0.0.1:9",
            "WALLET_PATH": str(root / "no-wallet"),
        }
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("scoreminer")), "serve", "--demo"],
            env=env,
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=open(root / "serve.log", "w"),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            started = time.time()
            while time.time() - started < 300:
                try:
                    if httpx.get(f"{url}/docs", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None:
                    raise SystemExit("serve exited: " + (root / "serve.log").read_text()[-2000:])
                time.sleep(0.5)
            post = partial(httpx.post, f"{url}/challenge", timeout=120)
            warm = post(json={"challenge_id": "warm", "video_url": f"{files}/good.mp4"})
            console.print(f"warm-up challenge: {warm.status_code}")
            uhd = cv2.imencode(".png", np.full((2160, 3840, 3), 70, np.uint8))[1].tobytes()
            frames = [{"frame_id": i, "data": base64.b64encode(uhd).decode()} for i in range(200)]
            cases = {
                "200 inline UHD frames": {"challenge_id": "uhd", "frames": frames},
                "a 20000 × 20000 PNG (image_url)": {"challenge_id": "bomb", "image_url": f"{files}/bomb.png"},
                "a 4,000-frame clip (video_url)": {"challenge_id": "long", "video_url": f"{files}/long.mp4"},
            }
            rows = []
            for name, body in cases.items():
                warm_kb = rss_kb(server.pid)
                with PeakRss(server.pid) as peak:
                    t0 = time.perf_counter()
                    response = post(json=body)
                    took = time.perf_counter() - t0
                message = response.json().get("error", "answered")[:90] if response.content else ""
                rows.append(
                    {
                        "case": name,
                        "status": response.status_code,
                        "seconds": round(took, 2),
                        "peak_over_warm_mb": round((peak.peak - warm_kb) / 1024, 1),
                        "warm_rss_mb": round(warm_kb / 1024, 1),
                        "message": message,
                    }
                )
            for i in range(20):
                post(json={"challenge_id": f"gone-{i}", "video_url": f"{files}/missing-{i}.mp4"})

            def good(i: int) -> tuple[int, float]:
                t0 = time.perf_counter()
                response = post(json={"challenge_id": f"good-{i}", "video_url": f"{files}/good.mp4"})
                return response.status_code, time.perf_counter() - t0

            with ThreadPoolExecutor(20) as pool:
                burst = list(pool.map(good, range(20)))
            answered = [t for s, t in burst if s == 200]
            refused = [t for s, t in burst if s != 200]
            in_time = sum(t <= 30 for t in answered) + sum(t <= 2 for t in refused)
            figures = {
                "cases": rows,
                "burst": {
                    "answered": len(answered),
                    "answered_max_s": round(max(answered, default=0), 2),
                    "refused": len(refused),
                    "refused_max_s": round(max(refused, default=0), 2),
                    "statuses": sorted({s for s, _ in burst}),
                    "within_rule": f"{in_time}/20",
                },
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
            host.shutdown()
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    table = Table(title="hostile media against serve --demo (turbovision-private, spot-check mode)")
    for column in ("case", "status", "seconds", "peak RSS over warm (MB)", "message"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["case"], str(r["status"]), f"{r['seconds']:.2f}", f"{r['peak_over_warm_mb']:.0f}", r["message"])
    console.print(table)
    b = figures["burst"]
    console.print(
        f"after 20 quick failures, 20 good challenges at once: {b['answered']} answered (slowest "
        f"{b['answered_max_s']:.1f} s), {b['refused']} refused (slowest {b['refused_max_s']:.2f} s); "
        f"{b['within_rule']} answered within 30 s or refused within 2 s"
    )


if __name__ == "__main__":
    main()
