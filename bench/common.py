"""What the benchmarks share: the checkout's folders, peak memory, and running a phase in a child process."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from rag.settings import runtime_env

__all__ = ["ROOT", "peak_mb", "run_child"]

ROOT = Path(__file__).resolve().parent.parent  # benchmarks run from a checkout: they read eval/ and corpus/


def peak_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(module: str, phase: str, *args: str) -> dict[str, Any]:
    """Run `python -m module --phase phase ARGS` in a fresh process; return the JSON its last line prints."""
    proc = subprocess.run([sys.executable, "-m", module, "--phase", phase, *args], capture_output=True, text=True,
                          env=runtime_env(), cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {phase} phase failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
