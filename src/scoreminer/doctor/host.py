"""Checks on this machine: the compute device, the listening port and the temp disk."""

from __future__ import annotations

import errno
import shutil
import socket
import tempfile

import httpx
import psutil

from scoreminer.doctor.report import Check, fail, ok, skip, warn
from scoreminer.errors import ScoreminerError
from scoreminer.settings import Settings

MIN_FREE_BYTES = 512 * 2**20
WARN_FREE_BYTES = 2 * 2**30


def check_device(settings: Settings) -> Check:
    """The requested torch device exists (CUDA name and memory when present)."""
    import torch

    wanted = settings.device
    if torch.cuda.is_available():
        index = int(wanted.partition(":")[2] or 0)
        if wanted.startswith("cuda") and index >= torch.cuda.device_count():
            return fail(
                "device", f"{wanted} requested, {torch.cuda.device_count()} GPU(s) present", "set DEVICE=cuda:0"
            )
        props = torch.cuda.get_device_properties(index)
        return ok("device", f"{wanted}: {props.name}, {props.total_memory / 2**30:.0f} GiB")
    if wanted.startswith("cuda"):
        return fail(
            "device",
            f"DEVICE={wanted} but torch {torch.__version__} sees no CUDA GPU",
            "set DEVICE=cpu (slow) or fix the NVIDIA driver / install a CUDA build of torch",
        )
    if wanted == "mps" and not torch.backends.mps.is_available():
        return fail("device", "DEVICE=mps but MPS is not available", "set DEVICE=cpu")
    if wanted == "auto":
        return warn("device", "auto → cpu: no GPU visible; challenges will be slow", "run the miner on a CUDA machine")
    return ok("device", wanted)


def check_backend(settings: Settings) -> Check:
    """Which export backends are installed and which one BACKEND resolves to on this device."""
    from scoreminer.inference.yolo.export import BACKENDS, EXTRA, backend_version, choose_backend, installed
    from scoreminer.inference.yolo.loader import resolve_device

    try:
        device = resolve_device(settings.device)
    except ScoreminerError:
        return skip("backend", "no usable DEVICE (see the device row)")
    chosen = choose_backend(settings.backend, device)
    present = [f"{b} {backend_version(b)}" for b in BACKENDS if installed(b)]
    found = (
        f"BACKEND={settings.backend} → {chosen} {_precision(settings, chosen, device)} on {device}; "
        f"installed: {', '.join(present)}; {settings.threads} torch threads"
    )
    if not installed(chosen):
        return warn("backend", found, f"pip install 'scoreminer[{EXTRA[chosen]}]' (until then torch is used)")
    if settings.protocol == "turbovision-private":
        # the spot check reruns the image on the validator's machine (1 GPU): what `auto` picks there differs
        there = choose_backend(settings.backend, "cuda:0") if settings.device == "auto" else chosen
        moved = settings.device == "auto" and device != "cuda:0"
        if moved or settings.half or (chosen == "openvino" and settings.openvino_precision != "f32"):
            spot = f"cuda:0 with {there}" if moved else f"{device} with {chosen}"
            return warn(
                "backend",
                f"{found}; the spot check (1 GPU) would run {spot}{' in fp16' if settings.half else ''}",
                "pin DEVICE and BACKEND (and HALF=false, OPENVINO_PRECISION=f32) in the image: a rerun scoring "
                "0.02 away from the first answer blacklists the miner",
            )
    return ok("backend", found)


def _precision(settings: Settings, backend: str, device: str) -> str:
    if backend == "openvino":
        return f"({settings.openvino_precision})"
    return "(fp16)" if settings.half and device.startswith("cuda") else "(fp32)"


def check_port(settings: Settings, held_by_scoreminer_ok: bool = True) -> Check:
    """HOST:PORT can be bound; when it cannot, name the process holding it.

    The doctor accepts a running scoreminer on the port (PM2 runs it); `serve` does not: a second miner
    would load and warm both models only to die in the bind.
    """
    where = f"{settings.host}:{settings.port}"
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((settings.host, settings.port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                return fail("port", f"cannot bind {where}: {exc.strerror}", "set HOST to an address of this machine")
            holder = port_holder(settings.port)
            if _scoreminer_answers(settings.port):
                found = f"{where} is held by a running scoreminer ({holder})"
                if held_by_scoreminer_ok:
                    return ok("port", found)
                return fail("port", found, "stop that miner first (`pm2 stop <name>` if PM2 runs it) or set PORT")
            return fail("port", f"{where} is in use by {holder}", "stop that process or set PORT")
    return ok("port", f"{where} is free")


def port_holder(port: int) -> str:
    """`pid N: command line` of the process listening on `port`, as far as this user may see it."""
    try:
        listeners = [
            c
            for c in psutil.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port
        ]
    except (psutil.Error, OSError):
        listeners = []
    for conn in listeners:
        if conn.pid:
            try:
                command = " ".join(psutil.Process(conn.pid).cmdline()) or psutil.Process(conn.pid).name()
            except psutil.Error:
                command = "?"
            return f"pid {conn.pid}: {command[:160]}"
    return "a process this user cannot see (`sudo ss -ltnp` shows it)"


def check_disk() -> Check:
    """Enough free space where challenge videos are downloaded."""
    directory = tempfile.gettempdir()
    free = shutil.disk_usage(directory).free
    found = f"{free / 2**30:.1f} GiB free in {directory}"
    if free < MIN_FREE_BYTES:
        return fail("disk", found, "free space there or set TMPDIR to a roomier disk")
    if free < WARN_FREE_BYTES:
        return warn("disk", found, "free space there or set TMPDIR to a roomier disk")
    return ok("disk", found)


def check_docker() -> Check:
    """The docker client and a reachable engine (to build the image the private track commits and spot-checks)."""
    import subprocess

    client = shutil.which("docker")
    if client is None:
        return fail("docker", "no docker command on PATH", "install Docker Engine (docs.docker.com/engine/install)")
    try:
        done = subprocess.run(
            [client, "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, timeout=15
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return fail("docker", f"{client} did not answer ({type(exc).__name__})", "check the docker install")
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no engine"])[-1][:160]
        return fail(
            "docker", f"client {client}, engine not reachable: {reason}", "start dockerd (systemctl start docker)"
        )
    return ok("docker", f"engine {done.stdout.strip()} via {client}")


def _scoreminer_answers(port: int) -> bool:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0)
        return response.json().get("service") == "scoreminer"
    except (httpx.HTTPError, ValueError, AttributeError):
        return False
