"""The warm template the grading workers fork one runner per submission from.

Started once per machine by the grading process and shared by its local workers, or once per worker where
there is nothing to share (a Dask worker, a retry after a crash), in its own bubblewrap jail (see
``jail.template_command``) as ``python -I template.py``, with its settings in ``AUTOGRADER_TEMPLATE``. It
imports what every runner needs (IPython, NumPy, pandas, matplotlib with its font list, the course's checks),
makes the runner's IPython shell (``runner.make_shell``) and then waits, single-threaded, for requests on its
connections: its standard input (a Unix socket shared with its standard output; the template ends when its
starter closes it) and, when shared, one more socket per worker (``settings["shared_fds"]``). Each request is
one JSON line, answered on the connection it came on:

- ``{"op": "fork", "settings": {...}}``: fork a runner; the answer is ``{"pid": N}``, the runner's PID as the
  template sees it, sent with the grader's end of a socket pair whose other end only the runner holds. The
  runner waits before doing anything else, so the grader can put it into its pids cgroup;
- ``{"op": "go", "pid": N}``: let that runner start.

In a jail each fork builds a jail of its own inside the template's (``_enter_private_jail``): new mount,
PID, network, IPC and UTS namespaces; fresh size-limited tmpfs on ``/tmp``, ``/dev/shm`` and the inbox,
so nothing an earlier submission wrote is visible; everything else read-only; a fresh ``/proc`` of its
own PID namespace, where the runner is process 1 (so it cannot see or signal the template or another
runner, and killing it kills everything it started). Then it becomes uid 65534 with no capabilities at
all and ``no_new_privs``, so it can never undo a mount to look beneath it.
"""

import contextlib
import ctypes
import gc
import json
import os
import re
import select
import socket
import sys
import threading

JAIL_UID = 65534
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x4000000, 0x8000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 4, 24, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
PRIVATE_TMPFS = {"/tmp": "1777", "/dev/shm": "1777", "/run/inbox": "0755"}  # the inbox is filled by the grader
WRITABLE_DIRS = ("/tmp/work", "/tmp/conn", "/tmp/scratch", "/tmp/home", "/tmp/cache")

_libc = ctypes.CDLL(None, use_errno=True)


def _sandbox():
    """The runner's launcher beside this file (``python -I`` puts no script folder on sys.path, and the
    notebook must find no grader module there)."""
    import importlib.util

    if "sandbox" not in sys.modules:
        spec = importlib.util.spec_from_file_location("sandbox", os.path.join(os.path.dirname(__file__), "sandbox.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["sandbox"] = module
    return sys.modules["sandbox"]


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), f"mount {target}")


def _prctl(option, arg=0):
    _check(_libc.prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)),
           f"prctl {option}")


# What a runner imports before or while running a notebook: IPython's shell and its traceback formatting, and
# the course's own helpers (nnhelpers.datasets reads scikit-learn's iris table without importing scikit-learn).
WARM_MODULES = ("IPython", "IPython.core.ultratb", "stack_data", "pygments.lexers.python", "pygments.formatters.terminal256",
                "numpy", "pandas", "nnhelpers.checks", "nnhelpers.datasets", "nnhelpers.gradcheck")


def warm_imports():
    """Everything a runner imports before the first cell, done once (the point of the template)."""
    import importlib

    import matplotlib

    matplotlib.use("agg")
    import matplotlib.font_manager  # noqa: F401  (builds the font list once)
    import matplotlib.pyplot  # noqa: F401

    for name in (*WARM_MODULES, *_sandbox().PROTECTED_MODULES):
        importlib.import_module(name)
    # IPython's tracebacks look up each frame's module with inspect.getmodule, which the first time maps the
    # file of every loaded module (thousands of realpath calls): done here once, not in every runner's first error.
    import inspect

    inspect.getmodule(compile("", "<template>", "exec"))


def _mount_points_below(folders, mountinfo=None):
    """The mount points inside any of ``folders`` (not the folders themselves), parents first, from the lines of
    ``/proc/self/mountinfo`` (this namespace's when not given)."""
    if mountinfo is None:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as handle:
            mountinfo = handle.read().splitlines()
    points = []
    for line in mountinfo:
        # The fifth field; the kernel writes a space, tab, newline and backslash in it as \040, \011, \012, \134.
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
        if any(point.startswith(folder.rstrip("/") + "/") for folder in folders):
            points.append(point)
    return points


def _enter_private_jail(scratch_bytes):
    """In the forked child, still privileged: its own namespaces and fresh writable mounts (see module doc)."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    # What the template's jail binds below a folder that gets a fresh tmpfs here (the Python environment and
    # the course of a repository under /tmp): held open now, bound again on top of the new tmpfs.
    held = [(point, os.open(point, os.O_PATH)) for point in _mount_points_below(PRIVATE_TMPFS)]
    for target in PRIVATE_TMPFS:
        _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_bytes},mode={PRIVATE_TMPFS[target]}")
    for point, fd in held:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(point, 0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(point), 0o755, exist_ok=True)
            os.close(os.open(point, os.O_WRONLY | os.O_CREAT, 0o644))
        _mount(f"/proc/self/fd/{fd}", point, None, MS_BIND | MS_REC)
        _mount("none", point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    for folder in WRITABLE_DIRS:
        os.makedirs(folder, 0o755, exist_ok=True)  # already there when a bind above lives inside it (/tmp/work/...)
        os.chown(folder, JAIL_UID, JAIL_UID)
    _mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
    # The template's root and /dev are shared by every runner it forks: read-only here.
    for target in ("/", "/dev"):
        _mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _check(_libc.sethostname(b"sandbox", 7), "sethostname")
    _loopback_up()


def _loopback_up():
    """A network namespace starts with its loopback down; a notebook may use localhost (as in bubblewrap's jail)."""
    import fcntl
    import socket
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
        flags = struct.unpack("16sh", fcntl.ioctl(handle, siocgifflags, struct.pack("16sh", b"lo", 0))[:18])[1]
        fcntl.ioctl(handle, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def _drop_privileges():
    """uid 65534, no capabilities in any set, and no way to gain one (setuid files, file capabilities)."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0) != 0 and ctypes.get_errno() != 22:  # EINVAL: no such cap
            raise OSError(ctypes.get_errno(), "dropping the capability bounding set")
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    os.setgroups([])
    os.setresgid(JAIL_UID, JAIL_UID, JAIL_UID)
    os.setresuid(JAIL_UID, JAIL_UID, JAIL_UID)  # clears the permitted and effective capabilities
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    _check(_libc.capset(header, (ctypes.c_uint32 * 6)()), "capset")  # and the inheritable ones
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    with open("/proc/self/status") as handle:
        status = dict(line.split(":\t", 1) for line in handle.read().splitlines() if ":\t" in line)
    for field in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        if int(status[field], 16) != 0:
            raise OSError(f"{field} is {status[field].strip()} after dropping privileges")
    # The runner reads its own /proc entries (its file descriptors, its memory map) as any process may.
    _prctl(PR_SET_DUMPABLE, 1)


def _become_runner(request, go, jailed, connection, shell):
    """The runner process: wait for the grader's go, finish the jail, serve the grader. Never returns."""
    sandbox = _sandbox()
    settings = request["settings"]
    if os.read(go, 1) != b"g":
        os._exit(1)  # the template went away: nothing to grade for
    os.close(go)
    os.setsid()
    if jailed:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        _drop_privileges()
    os.chdir(settings["workdir"])
    # A fresh interpreter draws NumPy's global random state from the OS: a forked one must too, or every
    # submission would share the template's (Python's own reseeds itself after a fork).
    import numpy

    numpy.random.seed()
    sandbox.run_runner(settings, shell, connection)
    os._exit(0)


def _fork_runner(request, jailed, scratch_bytes, shell):
    """Fork the child that builds the jail and forks the runner (process 1 of its PID namespace); answer its PID
    and the grader's end of the runner's socket."""
    go_read, go_write = os.pipe()
    pid_read, pid_write = os.pipe()
    graders_end, runners_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    child = os.fork()
    if child == 0:
        try:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            # Nothing of the template's (its control socket above all) reaches a runner.
            keep = sorted({0, 1, 2, go_read, pid_write, runners_end.fileno()})
            for low, high in zip(keep, [*keep[1:], os.sysconf("SC_OPEN_MAX")], strict=True):
                os.closerange(low + 1, high)
            if jailed:
                _enter_private_jail(scratch_bytes)
            runner = os.fork()
            if runner == 0:
                os.close(pid_write)
                try:
                    _become_runner(request, go_read, jailed, runners_end.detach(), shell)
                except BaseException:
                    import traceback

                    traceback.print_exc()  # into the runner's log once it has one
                    raise
            os.close(go_read)
            runners_end.close()
            os.write(pid_write, str(runner).encode())
            os.close(pid_write)
            os.waitpid(runner, 0)
        finally:
            os._exit(0)
    os.close(go_read)
    os.close(pid_write)
    runners_end.close()
    answer = b""
    while chunk := os.read(pid_read, 32):
        answer += chunk
    os.close(pid_read)
    if not answer:
        os.close(go_write)
        graders_end.close()
        return {"error": "the runner could not be forked (its jail could not be built)"}, None, None
    return {"pid": int(answer)}, (int(answer), go_write), graders_end


def main():
    settings = json.loads(os.environ.pop("AUTOGRADER_TEMPLATE", "{}"))
    if not settings:
        sys.exit("autograder.grading.template is started by the grading worker (it needs AUTOGRADER_TEMPLATE).")
    # Started as a script without -I (no jail), this file's folder is first on sys.path: the grader's own
    # modules must not be importable by a notebook.
    if sys.path and os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)):
        del sys.path[0]
    jailed = bool(settings.get("jail"))
    if not jailed:
        _prctl(PR_SET_PDEATHSIG, 9)  # in a jail, bubblewrap's --die-with-parent does this
    # Plots are not rendered into outputs, with or without a jail (every jail sets this).
    os.environ.setdefault("MPLBACKEND", "agg")
    # The starter's connection (standard input and output are one socket) and, for a template shared by the
    # workers of a machine, one more connection per worker.
    starters = socket.socket(fileno=os.dup(0))
    channels = {starters: b""}
    for fd in settings.get("shared_fds", []):
        channels[socket.socket(fileno=fd)] = b""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    try:
        warm_imports()
        runner = _sandbox().runner_module()
        shell = runner.make_shell()
        runner.warm_tracebacks(shell)
        if threading.active_count() != 1:
            raise RuntimeError("a thread was started while importing: a fork would copy it half-done")
    except Exception as error:  # the grader shows this message
        for channel in channels:
            with contextlib.suppress(OSError):
                channel.sendall((json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n").encode())
        raise SystemExit(1) from error
    # Nothing forked from here may read the template's memory (a runner runs as another uid anyway).
    _prctl(PR_SET_DUMPABLE, 0)
    # What was imported moves out of the collector's reach, so a runner's collections do not write to (and
    # so copy) every page it shares with the template.
    gc.collect()
    gc.freeze()
    waiting = {}  # runner PID -> (the pipe that lets it start, the connection that asked for it)
    for channel in channels:
        with contextlib.suppress(OSError):
            channel.sendall(b'{"ready": true}\n')
    while starters in channels:  # the starter closing its end ends the template (and its runners' parents)
        for channel in select.select(list(channels), [], [])[0]:
            try:
                data = channel.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                del channels[channel]  # a worker that has finished (or died), or the starter
                channel.close()
                for pid in [pid for pid, (_, asker) in waiting.items() if asker is channel]:
                    os.close(waiting.pop(pid)[0])  # a runner nobody will let go: it exits
                continue
            channels[channel] += data
            while b"\n" in channels.get(channel, b""):
                line, _, channels[channel] = channels[channel].partition(b"\n")
                _answer(channel, json.loads(line), waiting, jailed, settings, shell)


def _answer(channel, request, waiting, jailed, settings, shell):
    """Carry out one request from one of the template's connections and answer it there."""
    connection = None
    if request["op"] == "fork":
        answer, pending, connection = _fork_runner(request, jailed, settings["scratch_bytes"], shell)
        if pending:
            waiting[pending[0]] = (pending[1], channel)
    elif request["op"] == "go":
        go, _ = waiting.pop(request["pid"])
        os.write(go, b"g")
        os.close(go)
        answer = {"ok": True}
    elif request["op"] == "ping":
        answer = {"ok": True}
    else:
        answer = {"error": f"unknown request {request['op']!r}"}
    while True:  # reap the runners' parents that have finished
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    data = (json.dumps(answer) + "\n").encode()
    try:
        if connection is None:
            channel.sendall(data)
        else:
            socket.send_fds(channel, [data], [connection.fileno()])
    except OSError:
        pass  # that worker is gone; the runner it asked for dies with its parent's end of the socket
    finally:
        if connection is not None:
            connection.close()

if __name__ == "__main__":
    main()
