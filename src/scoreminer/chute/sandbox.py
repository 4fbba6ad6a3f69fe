"""Run a chute folder's miner.py the way the validator's compliance worker does: in a child process pinned to two
CPUs, under its resource limits, only the standard library and site-packages importable while it loads, sockets
refused while it predicts, one timed `predict_batch` call per challenge."""

from __future__ import annotations

import importlib.abc
import importlib.util
import inspect
import json
import multiprocessing
import os
import resource
import site
import sys
import sysconfig
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

LOAD_LIMIT_S = 45.0  # the worker gives Miner(...) this long
CALL_LIMIT_S = 45.0  # and each predict_batch call this long
MEMORY_BYTES = 8 * 2**30  # RLIMIT_AS
OPEN_FILES = 128  # RLIMIT_NOFILE
PARAMETERS = ("batch_images", "offset", "n_keypoints")
CPUS = 2


@dataclass
class SandboxRun:
    """What the child reported: load time, per-call latencies, each call's frames as dicts, or the error."""

    load_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    answers: list[list[dict]] = field(default_factory=list)
    cpus: list[int] = field(default_factory=list)
    error: str | None = None
    stage: str = ""

    def p95_ms(self) -> float:
        """The validator's p95: the sorted latencies at index ⌊0.95 (n − 1)⌋."""
        ordered = sorted(self.latencies_ms)
        return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("inf")


def run_sandboxed(
    folder: Path, challenges: list[list[np.ndarray]], overrides: dict | None = None, cpus: int = CPUS
) -> SandboxRun:
    """Load `folder`'s Miner in a fresh child and time one predict_batch call per challenge; `overrides` replace
    keys of chute.json in a temporary copy (input size, threads) so variants run without a rebuild."""
    if not overrides:
        return _run_child(folder, challenges, cpus)
    # made and removed here, not in the child: a child killed at its deadline cannot clean up after itself
    with tempfile.TemporaryDirectory(prefix="scoreminer-chute-variant-") as copy:
        return _run_child(_with_overrides(folder, Path(copy), overrides), challenges, cpus)


def _run_child(folder: Path, challenges: list[list[np.ndarray]], cpus: int) -> SandboxRun:
    context = multiprocessing.get_context("spawn")  # a clean interpreter: nothing of this process leaks in
    parent, child = context.Pipe()
    worker = context.Process(target=_worker, args=(str(folder), cpus, child), daemon=True)
    worker.start()
    child.close()
    run = SandboxRun()
    try:
        parent.send(challenges)
        deadline = LOAD_LIMIT_S + CALL_LIMIT_S * max(len(challenges), 1)
        if not parent.poll(deadline):
            run.error, run.stage = f"no answer within {deadline:.0f} s", "timeout"
            return run
        report = parent.recv()
    except (EOFError, BrokenPipeError):
        run.error, run.stage = f"the worker died (exit code {worker.exitcode})", "crash"
        return run
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
    for key, value in report.items():
        setattr(run, key, value)
    return run


class _Whitelist(importlib.abc.MetaPathFinder):
    """Refuse any module whose file lies outside the standard library and the site-packages folders."""

    def __init__(self) -> None:
        roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
        self.roots = tuple(str(Path(r).resolve()) for r in roots if r)

    def allowed(self, origin: str | None) -> bool:
        return origin in (None, "built-in", "frozen") or str(Path(origin).resolve()).startswith(self.roots)

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if not self.allowed(spec.origin):
                    raise ImportError(f"{name} ({spec.origin}) is outside the standard library and site-packages")
                return None
        return None


def _refuse_sockets(*args: Any, **kwargs: Any) -> Any:
    raise OSError("network access is disabled while predict_batch runs")


def _worker(folder: str, cpus: int, pipe: Any) -> None:
    report: dict[str, Any] = {"stage": "limits"}
    root = Path(folder)
    try:
        allowed = sorted(os.sched_getaffinity(0))[:cpus]
        os.sched_setaffinity(0, allowed)
        report["cpus"] = allowed
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
        challenges = pipe.recv()
        report["stage"] = "load"
        sys.path.insert(0, str(root))  # as if run from the repo: a sibling .py is found, and then refused
        guard = _Whitelist()
        sys.meta_path.insert(0, guard)
        started = time.monotonic()
        try:
            spec = importlib.util.spec_from_file_location("miner", root / "miner.py")
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            miner = module.Miner(path_hf_repo=root)
        finally:
            sys.meta_path.remove(guard)
        report["load_s"] = time.monotonic() - started
        if report["load_s"] > LOAD_LIMIT_S:
            raise TimeoutError(f"Miner(...) took {report['load_s']:.1f} s, over {LOAD_LIMIT_S:.0f} s")
        report["stage"] = "signature"
        names = tuple(inspect.signature(miner.predict_batch).parameters)
        if names[:3] != PARAMETERS:
            raise TypeError(f"predict_batch takes ({', '.join(names)}), the validator calls it with {PARAMETERS}")
        report["stage"] = "predict"
        import socket

        latencies, answers = [], []
        for frames in challenges:
            original, socket.socket = socket.socket, _refuse_sockets  # type: ignore[misc,assignment]
            try:
                started = time.monotonic()
                results = miner.predict_batch(batch_images=frames, offset=0, n_keypoints=32)
                latencies.append((time.monotonic() - started) * 1000)
            finally:
                socket.socket = original  # type: ignore[misc]
            answers.append([r.model_dump() for r in results])
        report.update(latencies_ms=latencies, answers=answers, stage="done")
    except BaseException as exc:  # the miner may raise anything; the parent reports it as the stage's failure
        report["error"] = f"{type(exc).__name__}: {exc}"
        report["traceback"] = traceback.format_exc(limit=3)
    report.pop("traceback", None)
    pipe.send(report)


def _with_overrides(root: Path, copy: Path, overrides: dict) -> Path:
    """`copy` holding links to `root`'s files and a chute.json that carries `overrides` ("section.key": value)."""
    for path in root.iterdir():
        if path.is_file() and path.name != "chute.json":
            (copy / path.name).symlink_to(path.resolve())
    config = json.loads((root / "chute.json").read_text())
    for key, value in overrides.items():
        section, _, name = key.rpartition(".")
        (config[section] if section else config)[name] = value
    (copy / "chute.json").write_text(json.dumps(config))
    return copy
