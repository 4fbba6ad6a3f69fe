"""Export backends behind the model seam: ultralytics' own export and loader, a keyed cache, a torch fallback."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ultralytics import YOLO

from scoreminer.inference.yolo.loader import RunOptions, load_yolo

log = logging.getLogger(__name__)
BACKENDS = ("torch", "onnx", "openvino", "tensorrt")
EXPORT_FORMAT = {"onnx": "onnx", "openvino": "openvino", "tensorrt": "engine"}
# The Python packages each backend needs (the last one's version goes into the cache key).
PACKAGES = {"torch": ("torch",), "onnx": ("onnx", "onnxruntime"), "openvino": ("openvino",), "tensorrt": ("tensorrt",)}
EXTRA = {"onnx": "onnx", "openvino": "openvino", "tensorrt": "tensorrt"}
DONE = "export.json"


def installed(backend: str) -> bool:
    """Are the packages this backend needs importable?"""
    return all(importlib.util.find_spec(name) is not None for name in PACKAGES[backend])


def backend_version(backend: str) -> str:
    try:
        return importlib.metadata.version(PACKAGES[backend][-1])
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def choose_backend(wanted: str, device: str) -> str:
    """BACKEND=auto → TensorRT on CUDA when installed (else torch), OpenVINO on CPU when installed (else torch)."""
    if wanted != "auto":
        return wanted
    if device.startswith("cuda"):
        return "tensorrt" if installed("tensorrt") else "torch"
    if device == "cpu":
        return "openvino" if installed("openvino") else "torch"
    return "torch"


@dataclass(frozen=True)
class ExportKey:
    """Everything an exported file depends on: a change in any of them means a new export."""

    weights_sha256: str
    backend: str
    backend_version: str
    imgsz: int
    batch: int
    half: bool
    device: str

    @classmethod
    def of(cls, weights: Path, backend: str, options: RunOptions) -> ExportKey:
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        return cls(
            digest, backend, backend_version(backend), options.imgsz, options.batch_size, options.half, options.device
        )

    def folder(self, stem: str) -> str:
        precision = "fp16" if self.half else "fp32"
        device = self.device.replace(":", "")
        return (
            f"{stem}-{self.weights_sha256[:16]}-{self.backend}-{self.backend_version}-{self.imgsz}-b{self.batch}"
            f"-{precision}-{device}"
        )


def exported(weights: Path, task: str, backend: str, options: RunOptions, cache: Path) -> Path:
    """The exported model for these options: from the cache, or exported now into a temp folder renamed into place."""
    key = ExportKey.of(weights, backend, options)
    folder = cache / key.folder(weights.stem)
    done = folder / DONE
    if done.is_file():
        artifact = folder / json.loads(done.read_text())["artifact"]
        if artifact.exists():
            return artifact
    shutil.rmtree(folder, ignore_errors=True)  # no marker: a half-written or damaged entry
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=cache))
    try:
        copy = work / weights.name
        shutil.copy2(weights, copy)
        log.info(
            "exporting %s for %s (imgsz %d, batch %d) into %s …",
            weights.name,
            backend,
            options.imgsz,
            options.batch_size,
            cache,
        )
        with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
            warnings.simplefilter("ignore")  # torch.jit's deprecation notes; stdout stays clean for --json
            out = Path(
                YOLO(str(copy), task=task).export(
                    format=EXPORT_FORMAT[backend],
                    imgsz=options.imgsz,
                    half=options.half,
                    batch=options.batch_size,
                    dynamic=backend != "tensorrt",
                    device=options.device,
                    verbose=False,
                )
            )
        copy.unlink()
        (work / DONE).write_text(json.dumps({**asdict(key), "artifact": out.name}, indent=2))
        os.replace(work, folder)  # the marker arrives with the folder: a killed export leaves only a .tmp folder
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder / out.name


def load_model(weights: Path, task: str, backend: str, options: RunOptions, cache: Path) -> tuple[Any, str]:
    """(model, backend in use): the exported model, else torch with one warning line saying why."""
    if backend == "torch":
        return load_yolo(weights, task), "torch"
    if not weights.is_file():
        load_yolo(weights, task)  # raises the ModelLoadError that names the fix
    if not installed(backend):
        log.warning(
            "BACKEND=%s but %s is not installed (pip install 'scoreminer[%s]'); using torch for %s",
            backend,
            "/".join(PACKAGES[backend]),
            EXTRA[backend],
            weights.name,
        )
        return load_yolo(weights, task), "torch"
    try:
        return _load_exported(weights, task, backend, options, cache), backend
    except Exception as exc:  # exporters and runtimes raise many types
        log.warning(
            "%s export of %s failed (%s: %s); using torch", backend, weights.name, type(exc).__name__, str(exc)[:160]
        )
        return load_yolo(weights, task), "torch"


def _load_exported(weights: Path, task: str, backend: str, options: RunOptions, cache: Path) -> Any:
    for attempt in (1, 2):
        artifact = exported(weights, task, backend, options, cache)
        try:
            model = YOLO(str(artifact), task=task)
            # ultralytics opens the runtime on the first call: a damaged cached file fails here, not mid-challenge
            model.predict(
                np.zeros((64, 64, 3), np.uint8),
                imgsz=options.imgsz,
                device=options.device,
                half=options.half,
                verbose=False,
            )
            if backend == "openvino":
                pin_openvino_precision(model, artifact, options)
            return model
        except Exception:
            if attempt == 2:
                raise
            log.warning("cached %s export %s is unreadable; exporting again", backend, artifact.parent.name)
            shutil.rmtree(artifact.parent, ignore_errors=True)
    raise AssertionError("unreachable")


def pin_openvino_precision(model: Any, artifact: Path, options: RunOptions) -> str:
    """Recompile the OpenVINO model ultralytics opened with the asked inference precision; returns the one in use.

    ultralytics compiles without a precision hint, so OpenVINO runs bf16 wherever the CPU has AVX-512 BF16 or AMX
    and the same weights answer differently on another machine."""
    import openvino as ov

    holder = model.predictor.model
    holder = getattr(holder, "backend", holder)  # ultralytics 8.4 keeps the runtime one level down
    if options.precision != "auto" and options.device == "cpu":
        core = ov.Core()
        xml = artifact if artifact.is_file() else next(artifact.glob("*.xml"))
        config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": options.precision}
        compile_model = functools.partial(core.compile_model, device_name="CPU", config=config)
        holder.compile_model = compile_model  # ultralytics recompiles through it when a shape changes
        holder.ov_compiled_model = compile_model(core.read_model(str(xml)))
    return openvino_precision(model)


def openvino_precision(model: Any) -> str:
    """The inference precision an OpenVINO model ultralytics runs actually uses (`f32`, `bf16`, `f16`)."""
    holder = model.predictor.model
    holder = getattr(holder, "backend", holder)
    hint = holder.ov_compiled_model.get_property("INFERENCE_PRECISION_HINT")
    return hint.to_string() if hasattr(hint, "to_string") else str(hint)
