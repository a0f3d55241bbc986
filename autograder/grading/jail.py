"""The jail a submission's runner runs in: bubblewrap namespaces, a private file system, limits.

Inside the jail a submission sees only what it needs, read-only: the operating system's libraries
(``/usr``), the Python environment, the helper package ``nnhelpers``, the course's ``data/`` (at
``/course/data``) and the runner with its launcher (``/opt/autograder/``). Everything it can write
is one size-limited tmpfs at ``/tmp``: its working folder ``/tmp/work``, its caches, and the
witness's report in ``/tmp/conn``. The course (``source/``, ``release/``, ``submitted/``,
the gradebook), the grader's own files and the instructor's home are not in the jail at all.

New user, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``): no network at all (the
grader talks to the runner over a socket pair, and reaches its inbox and report through
``/proc/<pid>/root``), uid 65534 without capabilities, and every process started inside dies with
the jail (``--die-with-parent`` and the PID namespace). The runner's launcher sets the resource
limits (memory, open files, file size, core dumps); processes are capped by a pids cgroup where the
host allows one, else by ``RLIMIT_NPROC`` (which Linux does not enforce for root).

When the grader runs as root, runners are not started by bubblewrap one by one: each worker starts one
warm template in a jail of this shape (``template_command``), and every runner forked from it builds
its own jail inside (``template.py``: new mount, PID, network, IPC and UTS namespaces, fresh tmpfs,
uid 65534 with no capabilities). ``jail_command`` remains the way for a grader run by another user.
"""

import contextlib
import functools
import json
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

SANDBOX_INSIDE = "/opt/autograder/sandbox.py"
RUNNER_INSIDE = "/opt/autograder/runner.py"
TEMPLATE_INSIDE = "/opt/autograder/template.py"
# What the template keeps, to build each runner's own jail; every runner drops all of them.
TEMPLATE_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_CHOWN", "CAP_NET_ADMIN")
CONN_DIR_INSIDE = "/tmp/conn"
WORKDIR_INSIDE = "/tmp/work"
INBOX_INSIDE = "/run/inbox"
DATA_INSIDE = "/course/data"
REPORT_INSIDE = f"{CONN_DIR_INSIDE}/report.jsonl"
JAIL_UID = 65534
PIDS_CGROUP_ROOT = Path("/sys/fs/cgroup/pids")

NOT_PROTECTED = (
    "GRADING WITHOUT A JAIL (--no-jail): submitted code runs as you, with your rights. It can read "
    "and overwrite the gradebook, source/ (solutions and hidden tests), other students' submissions and "
    "your home folder, reach the network, and leave processes running after grading. Only the memory "
    "limit, the time limits and the tampering witness apply. Use this only for code you trust."
)


class JailUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here; the message says what to do."""


@dataclass(frozen=True)
class Limits:
    """Per-submission limits: one place, filled from nbgrader_config.py and the command line."""

    cell_timeout: int = 30  # seconds per cell (nbgrader's Execute.timeout)
    time_cap: int = 120  # seconds for a whole notebook
    memory_bytes: int = 2 * 1024**3  # address space of each process in the jail
    max_processes: int = 64  # processes and threads the submission may have at once
    max_open_files: int = 512
    max_file_bytes: int = 64 * 1024**2  # the largest file it may write
    scratch_bytes: int = 256 * 1024**2  # its whole writable space (/tmp in the jail)
    jail: bool = True


def bwrap_path():
    return shutil.which("bwrap")


def check_available():
    """Raise JailUnavailable unless bubblewrap can start a jail here."""
    import subprocess

    bwrap = bwrap_path()
    if bwrap is None:
        raise JailUnavailable(
            "bubblewrap (bwrap) is not installed, so submissions cannot be graded in a jail. Install it "
            "(Debian/Ubuntu: apt-get install bubblewrap; `make .venv/.installed` does it when run as root), "
            "or pass --no-jail to grade without one (submitted code then runs with your rights).")
    probe = subprocess.run([bwrap, *_system_binds(), "--unshare-all", "--die-with-parent", "true"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        raise JailUnavailable(
            f"bubblewrap cannot create namespaces here ({probe.stderr.strip()[:200]}). Allow unprivileged user "
            "namespaces (sysctl kernel.unprivileged_userns_clone=1) or run as root, or pass --no-jail "
            "to grade without a jail (submitted code then runs with your rights).")


def _system_binds():
    binds = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            binds += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            binds += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/fonts", "/etc/localtime"):
        if os.path.exists(etc):
            binds += ["--ro-bind", etc, etc]
    return binds


def _python_binds():
    """The interpreter and its packages, at their own paths (the venv's links point there)."""
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)))}
    binds = []
    for root in sorted(roots):
        if not root.startswith("/usr/") and root != "/usr":
            binds += ["--ro-bind", root, root]
    package = jailed_nnhelpers()
    return binds + ["--ro-bind", package, package]


@functools.cache
def jailed_nnhelpers():
    """The folder of the nnhelpers a jailed runner will import: the interpreter's own (``python -I``, as the
    runner is started), which is not always the one this process imported (PYTHONPATH)."""
    import subprocess

    found = subprocess.run([sys.executable, "-I", "-c", "import nnhelpers, os; print(os.path.dirname(os.path.realpath("
                            "nnhelpers.__file__)))"], capture_output=True, text=True, timeout=60)
    if found.returncode != 0:
        raise JailUnavailable(f"the Python environment has no nnhelpers package ({found.stderr.strip()[-200:]}); "
                              "install it (make .venv/.installed)")
    return found.stdout.strip()


def readable_inside():
    """The folders a notebook legitimately opens files in, inside the jail."""
    roots = [WORKDIR_INSIDE, CONN_DIR_INSIDE, "/tmp/cache", "/tmp/home", "/tmp/scratch", "/usr", "/proc", "/dev", "/sys", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/run",
             "/opt/autograder", DATA_INSIDE, jailed_nnhelpers()]
    return roots + sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)})


class PidsCgroup:
    """A pids cgroup (v1) capping the jail's processes and threads, when the host lets us make one."""

    def __init__(self, limit):
        self.path = None
        if not os.access(PIDS_CGROUP_ROOT, os.W_OK):
            return
        # Named after the grading run (the workers' parent), so a run can tell its own from another's.
        path = PIDS_CGROUP_ROOT / f"autograder-{os.getppid()}-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(limit))
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            return
        self.path = path

    @property
    def procs(self):
        return str(self.path / "cgroup.procs") if self.path else None

    def remove(self):
        if self.path is not None:
            # The jail's processes are gone by now (killed with it); rmdir fails only while one lingers.
            with contextlib.suppress(OSError):
                self.path.rmdir()
                self.path = None


def jail_command(command, inbox, course_root, limits, settings, cgroup_procs=None):
    """The argv that runs ``command`` (already written for the inside paths) in a fresh jail."""
    args = [bwrap_path(), "--size", str(limits.scratch_bytes), "--tmpfs", "/tmp", *_system_binds(), *_python_binds(),
            *_data_bind(course_root)]
    args += [
        *_runner_binds(),
        "--ro-bind", str(inbox), INBOX_INSIDE,
        "--proc", "/proc", "--dev", "/dev",
        "--dir", WORKDIR_INSIDE, "--dir", CONN_DIR_INSIDE, "--dir", "/tmp/scratch", "--chdir", WORKDIR_INSIDE,
        "--unshare-all", "--uid", str(JAIL_UID), "--gid", str(JAIL_UID), "--cap-drop", "ALL",
        "--die-with-parent", "--new-session", "--hostname", "sandbox",
        "--clearenv", *_runner_environment(),
    ]
    args += ["--setenv", "AUTOGRADER_SANDBOX", json.dumps(settings)]
    args += ["--", *command]
    if cgroup_procs:
        # Join the cgroup first (as the grader's user, before bwrap drops everything), then become bwrap.
        args = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', cgroup_procs, *args]
    return args


def _runner_binds():
    """The runner's launcher and the runner itself, read-only beside each other (the launcher loads it by path)."""
    return ["--ro-bind", str(Path(__file__).with_name("sandbox.py")), SANDBOX_INSIDE,
            "--ro-bind", str(Path(__file__).with_name("runner.py")), RUNNER_INSIDE]


def _environment(**specific):
    """``--setenv`` arguments for a jailed process: what every jail of the grader sets, then ``specific``."""
    return [item for name, value in {
        "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": "/tmp/home", "LANG": "C.UTF-8",
        "MPLBACKEND": "agg", "NNHELPERS_DATA_DIR": DATA_INSIDE, "NNHELPERS_PROGRESS": "off",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
        "VIRTUAL_ENV": sys.prefix, **specific,
    }.items() for item in ("--setenv", name, value)]


def _runner_environment():
    return _environment(TMPDIR="/tmp/scratch", MPLCONFIGDIR="/tmp/cache/matplotlib", IPYTHONDIR="/tmp/cache/ipython",
                        PYDEVD_DISABLE_FILE_VALIDATION="1")


def _data_bind(course_root):
    """The course's ``data/``, read-only at the path the helpers look in (nothing when the course has none)."""
    data = Path(course_root) / "data"
    return ["--ro-bind", str(data), DATA_INSIDE] if data.is_dir() else []


def template_supported():
    """The template builds each runner's jail with namespaces of the host's user namespace, which takes a
    bubblewrap started by root (an unprivileged one puts every mount out of the template's reach)."""
    return os.geteuid() == 0


def template_command(course_root, limits, shared_fds=()):
    """The argv of a worker's runner template (``template.py``) in a jail: the same file system as a runner's
    jail, its own PID, network, IPC and UTS namespaces, and only the capabilities needed to build each
    runner's jail inside it (``TEMPLATE_CAPABILITIES``, all dropped by every runner). ``shared_fds`` are the
    template's ends of more connections, one per worker, for a template the workers of a machine share."""
    command = [sys.executable, "-I", TEMPLATE_INSIDE]
    settings = {"jail": limits.jail, "scratch_bytes": limits.scratch_bytes, "shared_fds": list(shared_fds)}
    if not limits.jail:
        # Without a jail: not isolated (-I), so PYTHONPATH still counts, as for any process of the grader's.
        return [sys.executable, str(Path(__file__).with_name("template.py"))], settings
    binds = [*_system_binds(), *_python_binds(), *_data_bind(course_root)]
    binds += [*_runner_binds(), "--ro-bind", str(Path(__file__).with_name("template.py")), TEMPLATE_INSIDE]
    # Run by root, bubblewrap makes the folders leading to a bind 0700: a runner (uid 65534 of the
    # host here, not of a user namespace) could not reach its own Python.
    parents = sorted({str(parent) for i, arg in enumerate(binds) if arg == "--ro-bind"
                      for parent in Path(binds[i + 2]).parents if str(parent) != "/"}, key=lambda p: p.count("/"))
    args = [bwrap_path(), "--tmpfs", "/tmp", *(item for parent in parents for item in ("--perms", "0755", "--dir", parent)), *binds]
    args += [
        "--proc", "/proc", "--dev", "/dev", "--dir", INBOX_INSIDE, "--dir", "/tmp/cache", "--chdir", "/",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--cap-drop", "ALL", *(item for cap in TEMPLATE_CAPABILITIES for item in ("--cap-add", cap)),
        "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv", *_runner_environment(),
        "--setenv", "AUTOGRADER_TEMPLATE", json.dumps(settings), "--", *command,
    ]
    return args, settings


def process_tree(pid):
    """``pid`` and its live descendants (PIDs in the caller's namespace), each before its children."""
    pending = [pid]
    while pending:
        current = pending.pop()
        yield current
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                pending += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]


def first_child(outer_pid):
    """The PID (in the grader's namespace) of the first child of process ``outer_pid`` (bubblewrap's first process
    in its jail, once bubblewrap has forked it), or None."""
    path = Path(f"/proc/{outer_pid}/task/{outer_pid}/children")
    try:
        children = path.read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


VERDICT_INSIDE = "/opt/autograder/verdict.py"


def verdict_command(course_root, limits, settings):
    """The argv of the verdict process (``autograder.grading.verdict``) in a jail of its own: it never runs
    student code, but it reads values the student's code made, so it gets no network, a read-only file
    system and nothing of the course but ``data/``."""
    command = [sys.executable, "-I", VERDICT_INSIDE, json.dumps(settings)]
    args = [bwrap_path(), "--size", str(32 * 1024**2), "--tmpfs", "/tmp", *_system_binds(), *_python_binds(),
            *_data_bind(course_root)]
    args += [
        "--ro-bind", str(Path(__file__).with_name("verdict.py")), VERDICT_INSIDE,
        "--proc", "/proc", "--dev", "/dev", "--dir", "/tmp/home", "--chdir", "/tmp",
        "--unshare-all", "--uid", str(JAIL_UID), "--gid", str(JAIL_UID), "--cap-drop", "ALL",
        "--die-with-parent", "--new-session", "--hostname", "verdict", "--clearenv",
        *_environment(TMPDIR="/tmp", MPLCONFIGDIR="/tmp/matplotlib"),
    ]
    return [*args, "--", *command]
