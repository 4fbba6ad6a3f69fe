"""A real miner on 127.0.0.1: uvicorn in a thread, stand-in models, a chain stub and a file server."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from conftest import write_env
from scoreminer.server.app import create_app
from scoreminer.server.startup import start_miner
from scoreminer.settings import load_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def miner_env(tmp_path: Path, models: Path, wallet: dict, **extra) -> Path:
    values = {
        "NETUID": 44,
        "MODELS_DIR": models,
        "DEVICE": "cpu",
        "IMG_SIZE": 160,
        "BATCH_SIZE": 4,
        "HOST": "127.0.0.1",
        "PORT": free_port(),
        "DOWNLOAD_DIR": tmp_path / "downloads",
        "NODES_SNAPSHOT": tmp_path / "nodes.json",
        "DETECTION_CONFIDENCE": 0.01,
        **wallet["env"],
        **extra,
    }
    return write_env(tmp_path / "miner" / ".env", values)


@contextmanager
def running_miner(env: Path):
    """Start-up as `serve` does it, then uvicorn; yields (base_url, service)."""
    settings = load_settings(env)
    service = start_miner(settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(service), host=settings.host, port=settings.port, log_config=None, lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://{settings.host}:{settings.port}", service
    finally:
        server.should_exit = True
        thread.join(timeout=20)
