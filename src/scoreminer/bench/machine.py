"""One line naming the machine a measurement came from, for the generated reports."""

from __future__ import annotations

import platform

import psutil


def describe_machine(device: str = "cpu") -> str:
    """Architecture, cores, memory, Python, and the GPU's name when measuring on CUDA."""
    text = (
        f"{platform.machine()}, {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )
    if device.startswith("cuda"):
        import torch

        text += f", GPU {torch.cuda.get_device_name(0)}"
    return text
