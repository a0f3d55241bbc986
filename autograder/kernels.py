"""Sandbox kernels for a worker process, one kept warm.

Starting a kernel (a Python process importing NumPy, ipykernel and the checks) is most of the cost
of grading a short notebook. A worker therefore starts the next kernel as soon as a notebook has
run, so that it boots while the worker renders feedback and the grading process records the
result. Each kernel gets its own empty working folder and report file, and is killed after one
notebook: no state ever passes from one submission to the next.
"""

import atexit
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SANDBOX_KERNEL = "autograder-sandbox"


@dataclass
class Slot:
    """A started kernel with its private folder: ``work/`` is its working directory."""

    km: object
    folder: Path
    settings_key: tuple

    @property
    def workdir(self):
        return self.folder / "work"

    @property
    def report(self):
        return self.folder / "report.jsonl"


def install_kernelspec(scratch_root):
    """Write the sandbox kernelspec under the scratch folder and point Jupyter at it."""
    kernels = Path(scratch_root) / "jupyter" / "kernels" / SANDBOX_KERNEL
    kernels.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, str(Path(__file__).with_name("sandbox.py")), "-f", "{connection_file}"],
        "display_name": "Python 3 (autograder sandbox)",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    os.environ["JUPYTER_PATH"] = str(Path(scratch_root) / "jupyter")


def _sandbox_settings(folder, course_root, scratch_root, memory_bytes):
    home = os.path.expanduser("~")
    return {
        "report_path": str(folder / "report.jsonl"),
        "workdir": str(folder / "work"),
        "memory_bytes": memory_bytes,
        # Reading anything here is worth a look, except the student's own folder and what the
        # notebook legitimately uses: the course data, the helper package, Python itself, caches.
        "watched_roots": [str(course_root), str(scratch_root), home],
        "allowed_roots": [str(Path(course_root) / "data"), str(Path(course_root) / "nnhelpers"), sys.prefix,
                          sys.base_prefix, os.path.join(tempfile.gettempdir(), "matplotlib"),
                          *(os.path.join(home, d) for d in (".cache", ".config", ".ipython", ".local", ".matplotlib",
                                                            ".jupyter"))],
    }


class KernelPool:
    """Hands out started sandbox kernels and keeps one more starting in the background."""

    def __init__(self):
        self.ready = None
        atexit.register(self.close)

    def _start(self, course_root, scratch_root, memory_bytes):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=scratch_root))
        (folder / "work").mkdir()
        env = dict(os.environ)
        env["AUTOGRADER_SANDBOX"] = json.dumps(_sandbox_settings(folder, course_root, scratch_root, memory_bytes))
        km = AsyncKernelManager(kernel_name=SANDBOX_KERNEL)
        run_sync(km.start_kernel)(cwd=str(folder / "work"), env=env,
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
        return Slot(km=km, folder=folder, settings_key=(str(course_root), str(scratch_root), memory_bytes))

    def take(self, course_root, scratch_root, memory_bytes):
        """A started kernel for these settings (the warm one when it matches)."""
        key = (str(course_root), str(scratch_root), memory_bytes)
        slot, self.ready = self.ready, None
        if slot is not None and slot.settings_key == key and slot.km.has_kernel:
            return slot
        if slot is not None:
            self.dispose(slot)
        return self._start(course_root, scratch_root, memory_bytes)

    def warm_up(self, course_root, scratch_root, memory_bytes):
        """Start the next kernel now, so it is ready when the next notebook comes."""
        if self.ready is None:
            self.ready = self._start(course_root, scratch_root, memory_bytes)

    @staticmethod
    def dispose(slot, client=None):
        """Kill a used kernel at once (its results are in) and remove its folder."""
        from jupyter_core.utils import run_sync

        if client is not None:
            with contextlib.suppress(Exception):
                client.stop_channels()
        process = getattr(getattr(slot.km, "provisioner", None), "process", None)
        if process is not None:
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                process.wait(timeout=10)
        with contextlib.suppress(Exception):
            run_sync(slot.km.cleanup_resources)()
        shutil.rmtree(slot.folder, ignore_errors=True)

    def close(self):
        slot, self.ready = self.ready, None
        if slot is not None:
            self.dispose(slot)
