"""Checks on the interpreter, the venv and the installed packages."""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import shutil
import sys
from pathlib import Path

from scoreminer.doctor.report import Check, fail, ok, warn
from scoreminer.settings import ultralytics_offline

# (distribution, module) pairs the miner imports
REQUIRED = [
    ("typer", "typer"),
    ("rich", "rich"),
    ("pydantic", "pydantic"),
    ("pydantic-settings", "pydantic_settings"),
    ("python-dotenv", "dotenv"),
    ("fastapi", "fastapi"),
    ("uvicorn", "uvicorn"),
    ("httpx", "httpx"),
    ("substrate-interface", "substrateinterface"),
    ("scalecodec", "scalecodec"),
    ("numpy", "numpy"),
    ("opencv-python", "cv2"),
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("ultralytics", "ultralytics"),
    ("lap", "lap"),
]


def check_interpreter() -> Check:
    """Is this a venv, does it hold scoreminer, and would a bare `python` find the same one?"""
    bin_dir = Path(sys.executable).parent
    if sys.prefix == sys.base_prefix:
        return warn(
            "interpreter",
            f"{sys.executable} is not inside a virtualenv",
            "create one: python3 -m venv .venv && .venv/bin/pip install -e .",
        )
    try:
        site = Path(str(metadata.distribution("scoreminer").locate_file(""))).resolve()
    except metadata.PackageNotFoundError:
        return fail(
            "interpreter",
            f"{sys.executable}: scoreminer is not installed in this venv",
            f"{bin_dir}/pip install -e <scoreminer checkout>",
        )
    if not site.is_relative_to(Path(sys.prefix).resolve()):
        return fail(
            "interpreter",
            f"scoreminer is installed at {site}, outside this venv ({sys.prefix})",
            f"install it into this venv: {bin_dir}/pip install -e <scoreminer checkout>",
        )
    elsewhere = [
        f"`{name}` → {found}"
        for name in ("python", "uvicorn")
        if (found := shutil.which(name)) and Path(found).parent != bin_dir
    ]
    if elsewhere:
        return warn(
            "interpreter",
            f"venv {sys.prefix}; but on PATH " + ", ".join(elsewhere),
            f"use absolute paths ({sys.executable}, {bin_dir}/scoreminer), e.g. `scoreminer pm2`",
        )
    return ok("interpreter", f"venv {sys.prefix} holds scoreminer")


def check_packages() -> Check:
    """Every required package importable, with its version; a missing one (torch, say) is named, not raised."""
    ultralytics_offline()  # ultralytics is imported below: switched offline first, without the adapter (it needs torch)

    found, missing = [], []
    for dist, module in REQUIRED:
        try:
            importlib.import_module(module)
            found.append(f"{dist} {metadata.version(dist)}")
        except Exception as exc:  # a broken wheel raises anything on import
            missing.append(f"{dist} ({type(exc).__name__}: {str(exc)[:80]})")
    if missing:
        return fail(
            "packages",
            "cannot import: " + "; ".join(missing),
            f"{Path(sys.executable).parent}/pip install -e <scoreminer checkout>",
        )
    return ok("packages", ", ".join(found))
