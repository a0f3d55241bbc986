"""Sandbox kernels for grading: started jailed (see ``autograder.grading.jail``), handed out warm, killed after use."""

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

from autograder.grading import jail

SANDBOX_KERNEL = "autograder-sandbox"
KERNEL_START_TIMEOUT = 10
TEMPLATE_START_TIMEOUT = 120  # imports NumPy, pandas, matplotlib, ipykernel on a busy machine
TEMPLATE_ANSWER_TIMEOUT = 30


class GreetedKernelClient(AsyncKernelClient):
    """A client that knows its IOPub channel is connected when the kernel greets it.

    jupyter_client proves IOPub by waiting 0.2 s after the ``kernel_info`` reply for a message on it
    (starting over when the kernel's status went out before the subscription arrived, ZeroMQ's "slow
    joiner"), then flushes IOPub until it has been quiet for 0.2 s: on a freshly forked kernel, 0.3 s of
    idle wall time per notebook. ipykernel (7 and later) sends ``iopub_welcome`` to each new subscriber;
    once it is here nothing published is lost, and the flush ends at the ``idle`` status of our own
    ``kernel_info`` request."""

    greeting_timeout = 2.0  # a kernel that sends no greeting (older ipykernel) gets jupyter_client's wait
    reconnect_ms = 5  # a forked kernel binds its sockets about 20 ms after it starts; ZeroMQ retries every 100 ms
    reconnect_max_ms = 100  # doubling from 5 ms up to ZeroMQ's usual 100 ms, for a kernel that is gone

    @default("context")
    def _context_default(self):
        import zmq.asyncio

        self._created_context = True
        context = zmq.asyncio.Context()
        # For the sockets this context makes from now on.
        context.setsockopt(zmq.RECONNECT_IVL, self.reconnect_ms)
        context.setsockopt(zmq.RECONNECT_IVL_MAX, self.reconnect_max_ms)
        return context

    async def _async_wait_for_ready(self, timeout=None):
        from jupyter_client.client import KernelClient

        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        if not await self._next(self.iopub_channel, min(deadline, time.monotonic() + self.greeting_timeout),
                                lambda message: message["msg_type"] == "iopub_welcome"):
            return await KernelClient._async_wait_for_ready(self, timeout)
        request = self.kernel_info()
        reply = await self._next(self.shell_channel, deadline,
                                 lambda message: message["parent_header"].get("msg_id") == request)
        if reply is None:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        self._handle_kernel_info_reply(reply)
        await self._next(self.iopub_channel, deadline, lambda message: message["parent_header"].get("msg_id") == request
                         and message["content"].get("execution_state") == "idle")

    wait_for_ready = _async_wait_for_ready

    async def _next(self, channel, deadline, wanted):
        """The first message on ``channel`` that is ``wanted`` (others are dropped), or None at the deadline."""
        from queue import Empty

        while (left := deadline - time.monotonic()) > 0:
            try:
                message = await channel.get_msg(timeout=min(left, 1.0))
            except Empty:
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info") from None
                continue
            if wanted(message):
                return message
        return None


@dataclass
class Slot:
    """A started kernel with its private host folder (``inbox/``: files copied into its working folder)."""

    km: object
    folder: Path
    settings_key: tuple
    cgroup: object = None

    @property
    def jailed(self):
        return isinstance(self.km, JailedKernelManager) or (isinstance(self.km, ForkedKernelManager) and self.km.jailed)

    @property
    def inbox(self):
        """Where the grader puts the files the notebook gets (the kernel copies them into its folder)."""
        if isinstance(self.km, ForkedKernelManager) and self.km.jailed:
            return Path(self.km.jail_root + jail.INBOX_INSIDE)
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

    client_factory = Type(GreetedKernelClient, klass=AsyncKernelClient)

    def __init__(self, *, jail_folder, course_root, limits, settings, cgroup_procs=None, **kwargs):
        super().__init__(kernel_name=SANDBOX_KERNEL, transport="ipc", ip=f"{jail.CONN_DIR_INSIDE}/k", **kwargs)
        self.jail_folder = Path(jail_folder)
        self.course_root = course_root
        self.limits = limits
        self.settings = settings
        self.cgroup_procs = cgroup_procs
        self.jail_root = None
        self.connection_file = str(self.jail_folder / "kernel.json")
        self.lifeline = None  # the grader's end of the kernel's lifeline (see ``sandbox.die_with_the_grader``)
        self._kernels_end = None

    def format_kernel_cmd(self, extra_arguments=None):
        command = [sys.executable, "-I", jail.SANDBOX_INSIDE, "-f", jail.CONNECTION_INSIDE, *(extra_arguments or [])]
        self._kernels_end, self.lifeline = os.pipe()
        settings = {**self.settings, "lifeline_fd": self._kernels_end}
        return jail.jail_command(command, self.connection_file, self.jail_folder / "inbox", self.course_root,
                                 self.limits, settings, self.cgroup_procs)

    def close_lifeline(self):
        """The kernel ends itself when this closes (as it does when the grader dies, however it dies)."""
        for name in ("_kernels_end", "lifeline"):
            fd = getattr(self, name)
            setattr(self, name, None)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)

    async def _async_cleanup_resources(self, restart=False):
        self.close_lifeline()
        await super()._async_cleanup_resources(restart=restart)

    cleanup_resources = _async_cleanup_resources  # jupyter_client binds the name to its own method

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        try:
            await super()._async_launch_kernel(kernel_cmd, pass_fds=(self._kernels_end,), **kw)
        finally:
            with contextlib.suppress(OSError):
                os.close(self._kernels_end)  # the kernel's end lives on in the kernel only
            self._kernels_end = None
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


class TemplateFailed(RuntimeError):
    """The worker's kernel template died or answered nonsense; the worker starts a new one."""


class KernelTemplate:
    """A worker's warm template process (``template.py``): started once, it forks one kernel per notebook.

    Start-up (the interpreter, ipykernel, NumPy, pandas, matplotlib, the checks) is paid here once per
    worker instead of once per notebook. In a jail the template runs in bubblewrap and every kernel it
    forks builds its own jail inside (see ``template.py``)."""

    def __init__(self, course_root, limits):
        command, settings = jail.template_command(course_root, limits)
        self.jailed = limits.jail
        env = dict(os.environ, AUTOGRADER_TEMPLATE=json.dumps(settings))
        started = time.monotonic()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        env=env, cwd="/", start_new_session=True)
        try:
            self._answer(TEMPLATE_START_TIMEOUT)
        except TemplateFailed:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - started

    def alive(self):
        return self.process.poll() is None

    def answers(self):
        """Alive and answering (a kernel that died with its template is the grader's failure, not the notebook's)."""
        if not self.alive():
            return False
        try:
            self._ask({"op": "ping"})
        except TemplateFailed:
            self.close()
            return False
        return True

    def _answer(self, timeout):
        """One JSON line from the template, or TemplateFailed."""
        stream = self.process.stdout
        ready, _, _ = select.select([stream], [], [], timeout)
        line = stream.readline() if ready else b""
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "error" in answer:
            reason = answer["error"] if isinstance(answer, dict) else ("no answer" if not line else "a garbled answer")
            raise TemplateFailed(f"the kernel template failed ({reason}; exit status {self.process.poll()})")
        return answer

    def _ask(self, request):
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except OSError as error:
            raise TemplateFailed(f"the kernel template is gone ({error})") from error
        return self._answer(TEMPLATE_ANSWER_TIMEOUT)

    def fork(self, connection, settings, extra_arguments, cgroup_procs=None):
        """Fork a kernel; its PID in the grader's PID namespace, put into ``cgroup_procs`` before it starts."""
        inner = self._ask({"op": "fork", "connection": connection, "settings": settings,
                           "extra_arguments": extra_arguments})["pid"]
        pid = self._host_pid(inner)
        if cgroup_procs:
            Path(cgroup_procs).write_text(str(pid))
        self._ask({"op": "go", "pid": inner})
        return pid

    def _host_pid(self, inner):
        """The grader's PID of the template's process ``inner`` (a descendant of the template's bubblewrap)."""
        level = 1 if self.jailed else 0
        for pid in jail.process_tree(self.process.pid):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("NSpid:"):
                        ids = line.split()[1:]
                        if len(ids) > level and int(ids[level]) == inner:
                            return pid
        raise TemplateFailed(f"the kernel the template forked ({inner}) is not among its processes")

    def close(self):
        with contextlib.suppress(OSError):
            os.kill(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(Exception):
                stream.close()


class ForkedProcess:
    """What jupyter_client needs of a kernel's process (poll, wait, kill), for a kernel the template forked:
    not the grader's child, so it is watched through a pidfd (immune to the PID being reused)."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid = pid
        self.pidfd = os.pidfd_open(pid)
        self.returncode = None

    def poll(self):
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            self.returncode = -signal.SIGKILL  # its parent in the template collects the real status
            os.close(self.pidfd)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            select.select([self.pidfd], [], [], timeout)
            if self.poll() is None:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return self.returncode

    def send_signal(self, signum):
        if self.returncode is None:
            signal.pidfd_send_signal(self.pidfd, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is forked by the worker's template (in its own jail when ``jailed``).

    In a jail the kernel is process 1 of its own PID namespace: killing it kills everything it started.
    Its sockets are in its private tmpfs, reached through ``/proc/<pid>/root`` as with ``JailedKernelManager``."""

    client_factory = Type(GreetedKernelClient, klass=AsyncKernelClient)

    def __init__(self, *, template, folder, settings, cgroup_procs=None, **kwargs):
        self.jailed = template.jailed
        if self.jailed:
            kwargs.update(transport="ipc", ip=f"{jail.CONN_DIR_INSIDE}/k")
        super().__init__(kernel_name=SANDBOX_KERNEL, **kwargs)
        self.template = template
        self.settings = settings
        self.cgroup_procs = cgroup_procs
        self.jail_root = None
        self.connection_file = str(Path(folder) / "kernel.json")

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        connection = json.loads(Path(self.connection_file).read_text())
        extra = kernel_cmd[kernel_cmd.index("-f") + 2:]  # what follows the connection file: the extra arguments
        pid = self.template.fork(connection, self.settings, extra, self.cgroup_procs)
        self.provisioner.process = ForkedProcess(pid)
        self.provisioner.pid = self.provisioner.pgid = pid
        if self.jailed:
            self.jail_root = f"/proc/{pid}/root"
            self.ip = self.jail_root + jail.CONN_DIR_INSIDE + "/k"

    async def interrupt_kernel(self):
        process = self.provisioner.process if self.provisioner else None
        if process is not None:
            with contextlib.suppress(OSError):
                process.send_signal(signal.SIGINT)

    def cleanup_ipc_files(self):
        if not self.jailed:
            super().cleanup_ipc_files()


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
    """Hands out started sandbox kernels and keeps one more starting in the background.

    Kernels are forked from the worker's warm template (``KernelTemplate``); ``use_template=False`` (or a
    grader not run by root, with a jail) starts each one in a jail of its own instead, as before the template."""

    def __init__(self, use_template=True):
        self.use_template = use_template
        self.ready = None
        self.template = None
        self.template_key = None
        atexit.register(self.close)

    def _template(self, course_root, limits):
        """The worker's kernel template for these settings, started (or restarted) when needed."""
        key = (str(course_root), limits.jail, limits.scratch_bytes)
        if self.template is not None and (self.template_key != key or not self.template.alive()):
            self.template.close()
            self.template = None
        if self.template is None:
            self.template = KernelTemplate(course_root, limits)
            self.template_key = key
        return self.template

    def lost(self, slot):
        """Whether the kernel died with the template (a grader-side failure: the notebook is graded again)."""
        return isinstance(slot.km, ForkedKernelManager) and not slot.km.template.answers()

    def _start(self, course_root, scratch_root, limits):
        folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=scratch_root))
        (folder / "work").mkdir()
        (folder / "inbox").mkdir()
        settings = _sandbox_settings(folder, course_root, scratch_root, limits)
        key = (str(course_root), str(scratch_root), limits)
        extra = ["--HistoryManager.hist_file=:memory:"]
        if limits.jail and not (self.use_template and jail.template_supported()):
            return self._start_in_own_jail(folder, key, settings, course_root, limits, extra)
        template = self._template(course_root, limits)
        cgroup = jail.PidsCgroup(limits.max_processes) if limits.jail else None
        if cgroup is not None:
            settings["nproc_rlimit"] = cgroup.path is None
        km = ForkedKernelManager(template=template, folder=folder, settings=settings,
                                 cgroup_procs=cgroup.procs if cgroup else None)
        try:
            return self._launch(km, folder, key, cgroup, extra)
        except Exception as error:
            if not template.alive() or isinstance(error, TemplateFailed):
                template.close()  # the next start makes a new one
            raise

    def _start_in_own_jail(self, folder, key, settings, course_root, limits, extra):
        """A kernel started by its own bubblewrap (where no template can be jailed: a grader not run by root)."""
        cgroup = jail.PidsCgroup(limits.max_processes)
        settings["nproc_rlimit"] = cgroup.path is None
        km = JailedKernelManager(jail_folder=folder, course_root=course_root, limits=limits, settings=settings,
                                 cgroup_procs=cgroup.procs)
        return self._launch(km, folder, key, cgroup, extra)

    def _launch(self, km, folder, key, cgroup, extra):
        """Start ``km``'s kernel; when it fails, nothing of it (process, folder, cgroup) is left."""
        from jupyter_core.utils import run_sync

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
        if slot is not None and slot.settings_key == key and slot.km.has_kernel and slot.km.provisioner.process.poll() is None \
                and not self.lost(slot):
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
        template, self.template = self.template, None
        if template is not None:
            template.close()
