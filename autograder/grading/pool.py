"""Sandboxed runners for grading: started jailed (see ``autograder.grading.jail``), handed out warm, killed after use.

A runner is the process a submission's cells run in (``sandbox.py`` serving ``runner.py``'s requests). When the
grader runs as root, each worker keeps one warm template (``template.py``) and forks every runner from it, each
in a jail of its own; otherwise each runner is started by bubblewrap. Either way the grader talks to a runner
on its end of a socket pair, and reads what comes back as hostile data (``Runner``).
"""

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.grading import framing, jail

RUNNER_START_TIMEOUT = 10
TEMPLATE_START_TIMEOUT = 120  # imports NumPy, pandas, matplotlib, IPython on a busy machine
TEMPLATE_ANSWER_TIMEOUT = 30
MAX_ANSWER_BYTES = 100 * 1024**2  # a cell's outputs or a function's pickled result
MAX_HEADER_BYTES = 1 << 16
INTERRUPT_GRACE = 5  # seconds a runner has to answer after its interrupt, before it is killed


class RunnerGone(Exception):
    """The runner died or closed its end of the connection."""


class RunnerGarbled(Exception):
    """The runner sent something that is not the answer to the grader's request (its code was changed)."""


class RunnerAnswerTooLarge(RunnerGarbled):
    """An answer larger than ``MAX_ANSWER_BYTES`` (a cell that displays more than the grader keeps)."""


class RunnerTimeout(Exception):
    """No answer before the deadline; the request's answer is still awaited (``Runner.wait``)."""


class Runner:
    """The grader's end of one runner: a request out, its answer back within a deadline, signals through a pidfd
    (immune to the PID being reused). Everything read is bounded and checked: the notebook's code runs in the
    runner's process and can write anything on its socket."""

    def __init__(self, pid, channel):
        self.pid = pid
        self.pidfd = os.pidfd_open(pid)
        self.channel = channel
        self.reader = framing.FramedReader(channel.fileno(), MAX_HEADER_BYTES, MAX_ANSWER_BYTES)
        self.last_id = 0

    def alive(self):
        return self.pidfd is not None and not select.select([self.pidfd], [], [], 0)[0]

    def _signal(self, signum):
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self.pidfd, signum)

    def interrupt(self):
        """SIGINT: KeyboardInterrupt in the request the runner is running (as a kernel's interrupt)."""
        self._signal(signal.SIGINT)

    def interrupted(self):
        """After a deadline passed: interrupt the request, and its answer within ``INTERRUPT_GRACE``; a runner that
        does not stop is killed (RunnerTimeout)."""
        self.interrupt()
        try:
            return self.wait(time.monotonic() + INTERRUPT_GRACE)
        except RunnerTimeout:
            self.kill()
            raise

    def kill(self, wait=0):
        """SIGKILL; with ``wait``, up to that many seconds for the process to be gone."""
        self._signal(signal.SIGKILL)
        if wait and self.pidfd is not None:
            select.select([self.pidfd], [], [], wait)

    def close(self):
        with contextlib.suppress(OSError):
            self.channel.close()
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None

    def request(self, op, payload=b"", deadline=None, **fields):
        """Send a request and wait for its answer until ``deadline``: (header, payload)."""
        self.last_id += 1
        message = framing.frame({"op": op, "id": self.last_id, **fields}, payload)
        try:
            self.channel.settimeout(max(0.001, deadline - time.monotonic()) if deadline else None)
            self.channel.sendall(message)
        except TimeoutError as error:
            # Half a request may be on its way: nothing the runner does after it can be trusted to match.
            raise RunnerGarbled("the runner stopped reading the grader's requests") from error
        except OSError as error:
            raise RunnerGone(f"the runner's connection closed ({error})") from error
        finally:
            with contextlib.suppress(OSError):
                self.channel.settimeout(None)
        return self.wait(deadline)

    def wait(self, deadline=None):
        """The answer to the last request, waiting until ``deadline`` (RunnerTimeout) or the runner's end (RunnerGone)."""
        try:
            header, payload = self.reader.receive(deadline)
        except TimeoutError:
            raise RunnerTimeout() from None
        except framing.TooLarge as error:
            raise RunnerAnswerTooLarge(f"{error.size / 1024**2:.0f} MiB of outputs, more than the "
                                       f"{error.limit // 1024**2} MiB the grader keeps") from None
        except framing.Malformed as error:
            raise RunnerGarbled(f"an answer that is not a message: {error}") from None
        except framing.Closed as error:
            raise RunnerGone(str(error)) from None
        if header.get("id") != self.last_id or not isinstance(header.get("op"), str):
            raise RunnerGarbled("an answer that is not the answer to the grader's request")
        return header, payload


@dataclass
class Slot:
    """A started runner with its private host folder (``inbox/``: files copied into its working folder)."""

    runner: Runner
    folder: Path
    settings_key: tuple
    jail_root: str | None = None  # /proc/<pid>/root of the runner's jail (None without one)
    template: object = None  # the template it was forked from (None: started by its own bubblewrap)
    process: object = None  # its bubblewrap, when it has its own
    lifeline: int | None = None  # the grader's end of its lifeline (see ``sandbox.die_with_the_grader``)
    cgroup: object = None

    @property
    def jailed(self):
        return self.jail_root is not None

    @property
    def inbox(self):
        """Where the grader puts the files the notebook gets (the runner copies them into its folder)."""
        if self.jailed and self.template is not None:
            return Path(self.jail_root + jail.INBOX_INSIDE)  # the runner's own tmpfs
        return self.folder / "inbox"  # bound read-only into a bubblewrap jail

    @property
    def workdir(self):
        """Where the notebook runs, as the grader sees it (inside a jail it is /tmp/work)."""
        return self.folder / "work"

    @property
    def report(self):
        if self.jailed:
            return Path(self.jail_root + jail.REPORT_INSIDE)
        return self.folder / "report.jsonl"


class TemplateFailed(RuntimeError):
    """The worker's runner template died or answered nonsense; the worker starts a new one."""


class RunnerTemplate:
    """A warm template process (``template.py``): started once, it forks one runner per notebook, for one worker
    or, shared (``shared_by``, ``attach``), for all the workers of a machine.

    Start-up (the interpreter, IPython, NumPy, pandas, matplotlib, the checks, the shell) is paid here once per
    machine (or per worker) instead of once per notebook. In a jail the template runs in bubblewrap and every runner it forks
    builds its own jail inside (see ``template.py``). Requests and answers are JSON lines on a Unix socket, which
    also carries each runner's connection to the grader."""

    def __init__(self, course_root, limits, shared_by=0, wait=True):
        """Start a template. ``shared_by`` makes that many more connections to it, for other processes
        (``SharedTemplate``); ``wait=False`` returns before it is ready (whoever uses it waits)."""
        worker_ends, templates_ends = [], []
        for _ in range(shared_by):
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            worker_ends.append(ours)
            templates_ends.append(theirs)
        command, settings = jail.template_command(course_root, limits, [end.fileno() for end in templates_ends])
        self.jailed = limits.jail
        self.key = template_key(course_root, limits)
        env = dict(os.environ, AUTOGRADER_TEMPLATE=json.dumps(settings))
        self.control, templates_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.buffer = b""
        self.pidfd = None
        started = time.monotonic()
        try:
            self.process = subprocess.Popen(command, stdin=templates_end.fileno(), stdout=templates_end.fileno(),
                                            stderr=subprocess.DEVNULL, env=env, cwd="/", start_new_session=True,
                                            pass_fds=[end.fileno() for end in templates_ends])
        except BaseException:
            for end in worker_ends:
                end.close()
            raise
        finally:
            templates_end.close()
            for end in templates_ends:
                end.close()
        self.pid = self.process.pid
        self.shared = [SharedTemplate(end, self.pid, self.jailed, self.key) for end in worker_ends]
        self.startup_seconds = None
        if wait:
            self._until_ready(started)

    @classmethod
    def attach(cls, shared):
        """This process's use of a template another process started (``SharedTemplate``), once it is ready."""
        template = cls.__new__(cls)
        template.control, template.pid, template.jailed, template.key = shared.control, shared.pid, shared.jailed, shared.key
        template.process, template.buffer, template.shared = None, b"", []
        started = time.monotonic()
        try:
            template.pidfd = os.pidfd_open(shared.pid)
        except OSError as error:
            template.control.close()
            raise TemplateFailed(f"the shared runner template is gone ({error})") from error
        template._until_ready(started)
        return template

    def _until_ready(self, started):
        """Wait for the template's "ready"; TemplateFailed (and the template let go of) if it does not come."""
        try:
            self._answer(TEMPLATE_START_TIMEOUT)
        except TemplateFailed:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - started

    def alive(self):
        if self.process is not None:
            return self.process.poll() is None
        return self.pidfd is not None and not select.select([self.pidfd], [], [], 0)[0]

    def exit_status(self):
        return self.process.poll() if self.process is not None else None

    def answers(self):
        """Alive and answering (a runner that died with its template is the grader's failure, not the notebook's)."""
        if not self.alive():
            return False
        try:
            self._ask({"op": "ping"})
        except TemplateFailed:
            self.close()
            return False
        return True

    def _answer(self, timeout):
        """One JSON line from the template and the descriptors that came with it, or TemplateFailed."""
        deadline = time.monotonic() + timeout
        received = []
        try:
            while b"\n" not in self.buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self.control], [], [], remaining)[0]:
                    break
                data, fds, _flags, _address = socket.recv_fds(self.control, 1 << 16, 4)
                received += fds
                if not data:
                    break
                self.buffer += data
        except OSError:
            pass
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "error" in answer:
            for fd in received:
                os.close(fd)
            reason = answer["error"] if isinstance(answer, dict) else ("no answer" if not line else "a garbled answer")
            raise TemplateFailed(f"the runner template failed ({reason}; exit status {self.exit_status()})")
        return answer, received

    def _ask(self, request, timeout=TEMPLATE_ANSWER_TIMEOUT):
        try:
            self.control.sendall((json.dumps(request) + "\n").encode())
        except OSError as error:
            raise TemplateFailed(f"the runner template is gone ({error})") from error
        return self._answer(timeout)

    def fork(self, settings, cgroup_procs=None):
        """Fork a runner; (its PID in the grader's PID namespace, the grader's end of its socket), the runner put
        into ``cgroup_procs`` before it starts."""
        answer, fds = self._ask({"op": "fork", "settings": settings})
        if len(fds) != 1 or not isinstance(answer.get("pid"), int):
            for fd in fds:
                os.close(fd)
            raise TemplateFailed(f"the runner template answered {answer!r} to a fork")
        channel = socket.socket(fileno=fds[0])
        try:
            pid = self._host_pid(answer["pid"])
            if cgroup_procs:
                Path(cgroup_procs).write_text(str(pid))
            self._ask({"op": "go", "pid": answer["pid"]})
        except BaseException:
            channel.close()
            raise
        return pid, channel

    def _host_pid(self, inner):
        """The grader's PID of the template's process ``inner`` (a descendant of the template's bubblewrap)."""
        level = 1 if self.jailed else 0
        for pid in jail.process_tree(self.pid):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("NSpid:"):
                        ids = line.split()[1:]
                        if len(ids) > level and int(ids[level]) == inner:
                            return pid
        raise TemplateFailed(f"the runner the template forked ({inner}) is not among its processes")

    def close(self):
        """Stop the template (one this process started; a shared one is only let go of)."""
        if self.process is not None:
            with contextlib.suppress(OSError):
                os.kill(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                self.process.wait(timeout=10)
        for handle in (self.control, *(shared.control for shared in self.shared)):
            with contextlib.suppress(OSError):
                handle.close()
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None


@dataclass(frozen=True)
class SharedTemplate:
    """One worker's connection to a template the grading process started for all the workers of a machine:
    one template's start-up (interpreter, imports, shell) instead of one per worker. Picklable: a spawned
    worker receives it as an argument of its initialiser."""

    control: socket.socket
    pid: int
    jailed: bool
    key: tuple


def forks_from_a_template(limits):
    """Whether a RunnerPool forks runners for these limits from a template: always, except in a jail that only a
    grader run by root can build around a template (see ``jail.template_supported``)."""
    return not limits.jail or jail.template_supported()


def template_key(course_root, limits):
    """What a template depends on: runners of other settings need another one."""
    return (str(course_root), limits.jail, limits.scratch_bytes)


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


class RunnerPool:
    """Hands out started runners and keeps one more starting in the background.

    Runners are forked from the worker's warm template (``RunnerTemplate``); ``use_template=False`` (or a grader
    not run by root, with a jail) starts each one in a bubblewrap jail of its own instead."""

    def __init__(self, use_template=True, shared_template=None):
        self.use_template = use_template
        self.shared_template = shared_template  # a SharedTemplate, used first (see _template)
        self.ready = None
        self.template = None
        self.template_key = None
        atexit.register(self.close)

    def _template(self, course_root, limits):
        """The worker's runner template for these settings, started (or restarted) when needed."""
        key = template_key(course_root, limits)
        if self.template is not None and (self.template_key != key or not self.template.alive()):
            self.template.close()
            self.template = None
        shared, self.shared_template = self.shared_template, None  # tried once: if it dies, this worker starts its own
        if self.template is None and shared is not None and shared.key == key:
            with contextlib.suppress(TemplateFailed):
                self.template = RunnerTemplate.attach(shared)
        elif shared is not None:
            shared.control.close()
        if self.template is None:
            self.template = RunnerTemplate(course_root, limits)
        self.template_key = key
        return self.template

    @staticmethod
    def lost(slot):
        """Whether the runner died with its template (a grader-side failure: the notebook is graded again)."""
        return slot.template is not None and not slot.template.answers()

    def _start(self, course_root, scratch_root, limits):
        folder = Path(tempfile.mkdtemp(prefix="runner-", dir=scratch_root))
        (folder / "work").mkdir()
        (folder / "inbox").mkdir()
        settings = _sandbox_settings(folder, course_root, scratch_root, limits)
        slot = Slot(runner=None, folder=folder, settings_key=(str(course_root), str(scratch_root), limits))
        if limits.jail:
            slot.cgroup = jail.PidsCgroup(limits.max_processes)
            settings["nproc_rlimit"] = slot.cgroup.path is None
        try:
            if limits.jail and not (self.use_template and jail.template_supported()):
                self._start_in_own_jail(slot, settings, course_root, limits)
            else:
                self._fork_from_template(slot, settings, course_root, limits)
        except Exception:
            self.dispose(slot)
            raise
        return slot

    def _fork_from_template(self, slot, settings, course_root, limits):
        template = self._template(course_root, limits)
        try:
            pid, channel = template.fork(settings, slot.cgroup.procs if slot.cgroup else None)
        except Exception as error:
            if not template.alive() or isinstance(error, TemplateFailed):
                template.close()  # the next start makes a new one
            raise
        slot.runner, slot.template = Runner(pid, channel), template
        if limits.jail:
            slot.jail_root = f"/proc/{pid}/root"

    def _start_in_own_jail(self, slot, settings, course_root, limits):
        """A runner started by its own bubblewrap (where no template can be jailed: a grader not run by root)."""
        graders_end, runners_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        lifeline_read, slot.lifeline = os.pipe()
        settings = {**settings, "connection_fd": runners_end.fileno(), "lifeline_fd": lifeline_read}
        command = jail.jail_command([sys.executable, "-I", jail.SANDBOX_INSIDE], slot.folder / "inbox", course_root,
                                    limits, settings, slot.cgroup.procs)
        try:
            slot.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, pass_fds=(runners_end.fileno(), lifeline_read),
                                            start_new_session=True)
        except BaseException:
            graders_end.close()
            raise
        finally:
            runners_end.close()  # the runner's end lives on in the runner only
            os.close(lifeline_read)
        # bubblewrap's first process in the jail is the PID namespace's init; the runner is its child.
        deadline = time.monotonic() + RUNNER_START_TIMEOUT
        init = pid = None
        while pid is None and time.monotonic() < deadline and slot.process.poll() is None:
            init = jail.first_child(slot.process.pid)
            pid = jail.first_child(init) if init else None
            if pid is None:
                time.sleep(0.005)
        if pid is None:
            graders_end.close()
            raise RuntimeError("the jailed runner did not start (bubblewrap exited or never forked)")
        slot.runner, slot.jail_root = Runner(pid, graders_end), f"/proc/{init}/root"

    def take(self, course_root, scratch_root, limits):
        """A started runner for these settings (the warm one when it matches and is still alive)."""
        key = (str(course_root), str(scratch_root), limits)
        slot, self.ready = self.ready, None
        if slot is not None and slot.settings_key == key and slot.runner.alive() and not self.lost(slot):
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
        """Start the next runner now, so it is ready when the next notebook comes.

        Never raises: this runs after a notebook was graded, and a failure to start the *next*
        runner must not turn that notebook's result into "ungradable" (it once did: a correct
        submission reported 0 points). ``take`` starts a runner itself when none is warm."""
        if self.ready is None:
            with contextlib.suppress(Exception):
                self.ready = self._start(course_root, scratch_root, limits)

    @staticmethod
    def dispose(slot):
        """Kill a used runner at once (its results are in), with everything it started, and remove its folder."""
        if slot.runner is not None:
            # In a jail the runner is process 1 of its PID namespace (or bubblewrap is, below): its death takes
            # every process the submission started with it.
            slot.runner.kill(wait=10)
            slot.runner.close()
        if slot.process is not None:
            with contextlib.suppress(OSError):
                os.kill(slot.process.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                slot.process.wait(timeout=10)
        if slot.lifeline is not None:
            with contextlib.suppress(OSError):
                os.close(slot.lifeline)
            slot.lifeline = None
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
