"""The repo and code rules the validator's compliance loop enforces before it runs a chute miner (security.py)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

MAX_REPO_BYTES = 31_457_280  # 30 MiB
MAX_MINER_BYTES = 1_048_576
BANNED_SUFFIXES = {".so", ".dylib", ".dll", ".exe", ".bin", ".pt", ".pth", ".ckpt", ".safetensors"}
ALLOWED_SUFFIXES = {".onnx", ".py", ".json", ".txt", ".md", ".yml", ".yaml", ".labels", ".csv", ""}
BANNED_IMPORTS = {
    "socket", "subprocess", "ctypes", "multiprocessing", "requests", "urllib", "http", "ftplib", "telnetlib",
    "paramiko",
}  # fmt: skip
BANNED_CALLS = {"eval", "exec", "__import__", "open"}
BANNED_OS_CALLS = {"system", "popen", "remove", "unlink", "rmdir", "removedirs"}


@dataclass(frozen=True)
class Finding:
    """One rule broken: where, and why the validator refuses it."""

    rule: str
    where: str
    why: str


def file_findings(folder: Path, cap_bytes: int = MAX_REPO_BYTES) -> list[Finding]:
    """File types, the size cap, at least one .onnx, no symlink leaving the folder."""
    found: list[Finding] = []
    paths = sorted(p for p in folder.rglob("*") if ".git" not in p.relative_to(folder).parts)
    total = 0
    for path in paths:
        name = str(path.relative_to(folder))
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            found.append(Finding("files", name, "a symlink out of the repo"))
            continue
        if not path.is_file():
            continue
        total += path.stat().st_size
        suffix = path.suffix.lower()
        if suffix in BANNED_SUFFIXES:
            found.append(Finding("files", name, f"{suffix} files are banned (weights must be .onnx)"))
        elif suffix not in ALLOWED_SUFFIXES:
            found.append(Finding("files", name, f"{suffix} is not an allowed file type"))
    if total > cap_bytes:
        found.append(Finding("size", str(folder), f"{total / 2**20:.1f} MiB, over {cap_bytes / 2**20:.0f} MiB"))
    if not any(p.suffix.lower() == ".onnx" for p in paths if p.is_file()):
        found.append(Finding("files", str(folder), "no .onnx model"))
    if not (folder / "miner.py").is_file():
        found.append(Finding("files", "miner.py", "missing at the repo's root"))
    return found


def code_findings(miner: Path) -> list[Finding]:
    """The AST rules on miner.py: size, banned imports, banned calls."""
    if not miner.is_file():
        return [Finding("code", miner.name, "missing")]
    source = miner.read_bytes()
    if len(source) > MAX_MINER_BYTES:
        return [Finding("code", miner.name, f"{len(source)} bytes, over 1 MiB")]
    try:
        tree = ast.parse(source, filename=str(miner))
    except SyntaxError as exc:
        return [Finding("code", f"{miner.name}:{exc.lineno}", f"does not parse ({exc.msg})")]
    found = []
    for node in ast.walk(tree):
        line = f"{miner.name}:{getattr(node, 'lineno', 0)}"
        for module in _imported(node):
            if module.split(".")[0] in BANNED_IMPORTS:
                found.append(Finding("code", line, f"imports {module}"))
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            if name in BANNED_CALLS:
                found.append(Finding("code", line, f"calls {name}()"))
            elif name.startswith("os.") and name[3:] in BANNED_OS_CALLS:
                found.append(Finding("code", line, f"calls {name}()"))
            elif name.startswith("subprocess."):
                found.append(Finding("code", line, f"calls {name}()"))
    return found


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return []


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = _call_name(func.value)
        return f"{owner}.{func.attr}" if owner else func.attr
    return ""
