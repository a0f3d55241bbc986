"""Sandbox kernels for grading: started jailed (see ``autograder.grading.jail``), handed out warm, killed after use."""

import atexit
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from autograder.grading import jail

SANDBOX_KERNEL = "autograder-sandbox"
KERNEL_START_TIMEOUT = 10


@dataclass
class Slot:
    """A started kernel with its private host folder (``inbox/``: files copied into its working folder)."""

    km: object
    folder: Path
    settings_key: tuple
    cgroup: object = None

    @property
    def jailed(self):
        return isinstance(self.km, JailedKernelManager)

    @property
    def inbox(self):
        return self.folder / "inbox"

    @property
    def workdir(self):
        """Where the notebook runs, as the grader sees it (inside the jail it is /tmp/work)."""
        return self.folder / "work"

    @property
    def report(self):
        if self.jailed:
            root = self.km.jail_root
            return Path(root + jail.REPORT_INSIDE) if root else self.folder / "no-report"
        return self.folder / "report.jsonl"


class JailedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in a bubblewrap jail and is reached over IPC sockets.

    The sockets live in the jail's own tmpfs; the grader reaches them through ``/proc/<pid>/root``
    of the jail's first process, so no folder of the host is writable from inside.
    """

    def __init__(self, *, jail_folder, course_root, limits, settings, cgroup_procs=None, **kwargs):
        super().__init__(kernel_name=SANDBOX_KERNEL, transport="ipc", ip=f"{jail.CONN_DIR_INSIDE}/k", **kwargs)
        self.jail_folder = Path(jail_folder)
        self.course_root = course_root
        self.limits = limits
        self.settings = settings
        self.cgroup_procs = cgroup_procs
        self.jail_root = None
        self.connection_file = str(self.jail_folder / "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        command = [sys.executable, "-I", jail.SANDBOX_INSIDE, "-f", jail.CONNECTION_INSIDE, *(extra_arguments or [])]
        return jail.jail_command(command, self.connection_file, self.jail_folder / "inbox", self.course_root,
                                 self.limits, self.settings, self.cgroup_procs)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        outer = self.provisioner.process.pid
        deadline = time.monotonic() + KERNEL_START_TIMEOUT
        inner = None
        while inner is None and time.monotonic() < deadline and self.provisioner.process.poll() is None:
            inner = jail.kernel_pid_in_jail(outer)
            if inner is None:
                time.sleep(0.005)
        if inner is None:
            raise RuntimeError("the jailed kernel did not start (bubblewrap exited or never forked)")
        # From now on the grader's sockets use the jail's sockets through its root (ZMQ connects lazily).
        self.jail_root = f"/proc/{inner}/root"
        self.ip = self.jail_root + jail.CONN_DIR_INSIDE + "/k"

    async def interrupt_kernel(self):
        """SIGINT to the kernel itself: bubblewrap put it in its own session and PID namespace, out of reach
        of the signal jupyter_client sends to the launcher's process group."""
        if self.jail_root is None:
            return
        init = int(self.jail_root.split("/")[2])
        kernel = jail.kernel_pid_in_jail(init)
        if kernel is not None:
            with contextlib.suppress(OSError):
                os.kill(kernel, signal.SIGINT)

    def cleanup_ipc_files(self):
        pass  # they are in the jail's tmpfs, gone with it


def install_kernelspec(scratch_root):
    """Write the sandbox kernelspec under the scratch folder and point Jupyter at it (used without a jail;
    the jail builds its own command line)."""
    kernels = Path(scratch_root) / "jupyter" / "kernels" / SANDBOX_KERNEL
    kernels.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, str(Path(__file__).with_name("sandbox.py")), "-f", "{connection_file}"],
        "display_name": "Python 3 (autograder sandbox)",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    os.environ["JUPYTER_PATH"] = str(Path(scratch_root) / "jupyter")


def _sandbox_settings(folder, course_root, scratch_root, limits):
    limit_settings = {"memory_bytes": limits.memory_bytes, "max_open_files": limits.max_open_files,
                      "max_file_bytes": limits.max_file_bytes, "max_processes": limits.max_processes}
    if limits.jail:
        # Nothing else exists in the jail, but reaching for it (the gradebook, source/, another student's
        # folder, by its path on the host) is worth a person's look.
        return {"report_path": jail.REPORT_INSIDE, "workdir": jail.WORKDIR_INSIDE, **limit_settings, "jail": True,
                "watched_roots": ["/"], "allowed_roots": jail.readable_inside()}
    home = os.path.expanduser("~")
    return {
        "report_path": str(folder / "report.jsonl"),
        "workdir": str(folder / "work"),
        **limit_settings,
        # Without a jail, reading anything here is worth a look, except the student's own folder and what
        # the notebook legitimately uses: the course data, the helper package, Python itself, caches.
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

    def _start(self, course_root, scratch_root, limits):
        from jupyter_core.utils import run_sync

        folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=scratch_root))
        (folder / "work").mkdir()
        (folder / "inbox").mkdir()
        settings = _sandbox_settings(folder, course_root, scratch_root, limits)
        key = (str(course_root), str(scratch_root), limits)
        extra = ["--HistoryManager.hist_file=:memory:"]
        if not limits.jail:
            env = dict(os.environ, AUTOGRADER_SANDBOX=json.dumps(settings))
            km = AsyncKernelManager(kernel_name=SANDBOX_KERNEL)
            run_sync(km.start_kernel)(cwd=str(folder / "work"), env=env, extra_arguments=extra)
            return Slot(km=km, folder=folder, settings_key=key)
        cgroup = jail.PidsCgroup(limits.max_processes)
        settings["nproc_rlimit"] = cgroup.path is None
        km = JailedKernelManager(jail_folder=folder, course_root=course_root, limits=limits, settings=settings,
                                 cgroup_procs=cgroup.procs)
        slot = Slot(km=km, folder=folder, settings_key=key, cgroup=cgroup)
        try:
            run_sync(km.start_kernel)(cwd=str(folder), env=dict(os.environ), extra_arguments=extra)
        except Exception:
            self.dispose(slot)
            raise
        return slot

    def take(self, course_root, scratch_root, limits):
        """A started kernel for these settings (the warm one when it matches and is still alive)."""
        key = (str(course_root), str(scratch_root), limits)
        slot, self.ready = self.ready, None
        if slot is not None and slot.settings_key == key and slot.km.has_kernel and slot.km.provisioner.process.poll() is None:
            return slot
        if slot is not None:
            self.dispose(slot)
        try:
            return self._start(course_root, scratch_root, limits)
        except Exception:
            # A start can fail for a reason that passes (a busy machine): one more try before the
            # notebook is reported ungradable.
            return self._start(course_root, scratch_root, limits)

    def warm_up(self, course_root, scratch_root, limits):
        """Start the next kernel now, so it is ready when the next notebook comes.

        Never raises: this runs after a notebook was graded, and a failure to start the *next*
        kernel must not turn that notebook's result into "ungradable" (it once did: a correct
        submission reported 0 points). ``take`` starts a kernel itself when none is warm."""
        if self.ready is None:
            with contextlib.suppress(Exception):
                self.ready = self._start(course_root, scratch_root, limits)

    @staticmethod
    def dispose(slot, client=None):
        """Kill a used kernel at once (its results are in), with everything it started, and remove its folder."""
        from jupyter_core.utils import run_sync

        if client is not None:
            with contextlib.suppress(Exception):
                client.stop_channels()
        process = getattr(getattr(slot.km, "provisioner", None), "process", None)
        if process is not None:
            # In a jail this is bubblewrap: its death takes the jail's PID namespace, and so every
            # process the submission started, with it.
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                process.wait(timeout=10)
            # jupyter_client closes the kernel's stdin pipe only in its own shutdown path, not after a kill:
            # without this every notebook leaked a descriptor in the worker.
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    with contextlib.suppress(Exception):
                        stream.close()
        with contextlib.suppress(Exception):
            run_sync(slot.km.cleanup_resources)()
        # The kernel manager made its own ZMQ context; cleanup_resources destroys it only when the
        # kernel got as far as starting. A context left open keeps an I/O thread and file descriptors.
        context = slot.km._trait_values.get("context")  # only if it was ever made (reading the trait would make one)
        if context is not None and not context.closed:
            with contextlib.suppress(Exception):
                context.destroy(linger=0)
        if slot.cgroup is not None:
            for _ in range(50):
                slot.cgroup.remove()
                if slot.cgroup.path is None:
                    break
                time.sleep(0.02)
        shutil.rmtree(slot.folder, ignore_errors=True)

    def close(self):
        slot, self.ready = self.ready, None
        if slot is not None:
            self.dispose(slot)
