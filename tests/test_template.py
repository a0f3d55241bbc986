"""The warm kernel template: one worker grades one submission after another, and nothing passes between them.

The polluter changes everything a kernel could carry over (globals, patched modules, a module cache, files in
its folder, in /tmp and /dev/shm, a process and a thread left running); the observer, graded next by the
same worker (one worker, students in order), prints what it finds. It must find nothing, and get the grade
it gets from a worker that never graded anyone else.
"""

import ast
import json
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from conftest import COURSE, processes_with
from nbgrader.api import Gradebook

from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, write_submission
from autograder.grade import grade_course
from autograder.grading import jail

pytestmark = [pytest.mark.slow, pytest.mark.skipif(jail.bwrap_path() is None or not jail.template_supported(),
                                                   reason="the template's jail is built by bubblewrap run as root")]
A = "01_admissions"
MARKER = f"s14-template-{uuid.uuid4().hex[:8]}"
LIMITS = {"time_cap": 60, "scratch_bytes": 32 * 1024**2}

POLLUTE = f"""
import builtins, linecache, os, subprocess, sys, threading, time
import numpy
import nnhelpers.checks
builtins.LEFT_BY_A = "a"
numpy.LEFT_BY_A = "a"
numpy.mean = lambda *args, **kwargs: 0.5
nnhelpers.checks.LEFT_BY_A = "a"
linecache.cache["left-by-a"] = (1, None, ["a"], "left-by-a")
LEFT_BY_A_GLOBAL = "a"
for _path in ("left-by-a.txt", "/tmp/left-by-a.txt", "/tmp/scratch/left-by-a.txt", "/tmp/home-left-by-a",
              "/dev/shm/left-by-a"):
    with open(_path, "w") as _handle:
        _handle.write("a")
_sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", {MARKER!r}])
threading.Thread(target=time.sleep, args=(600,), name="left-by-a", daemon=True).start()
print("POLLUTED", os.getpid(), _sleeper.pid)
"""

OBSERVE = """
import builtins, linecache, os, sys, threading
import numpy
import nnhelpers.checks
print("OBSERVED", repr({
    "uid": os.getuid(),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "builtins": hasattr(builtins, "LEFT_BY_A"),
    "numpy": bool(hasattr(numpy, "LEFT_BY_A") or numpy.mean([1.0, 2.0]) != 1.5),
    "checks": hasattr(nnhelpers.checks, "LEFT_BY_A"),
    "globals": "LEFT_BY_A_GLOBAL" in globals(),
    "linecache": "left-by-a" in linecache.cache,
    "threads": sorted(t.name for t in threading.enumerate() if "left" in t.name),
    "work": sorted(os.listdir(".")),
    "tmp": sorted(os.listdir("/tmp")),
    "tmp_children": sorted(f for d in ("/tmp/scratch", "/tmp/home") for f in os.listdir(d)),
    "shm": sorted(os.listdir("/dev/shm")),
}))
"""


def _expected_tmp():
    """A kernel's /tmp: its own writable folders, and the read-only binds of a repository and Python that
    themselves live under /tmp (a CI clone)."""
    below_tmp = {Path(p).parts[2] for p in (sys.prefix, str(COURSE.root)) if Path(p).is_relative_to("/tmp")}
    return sorted({"cache", "conn", "home", "scratch", "work"} | below_tmp)


def _observed(course, student):
    nb = nbformat.read(str(course.autograded_dir / student / A / f"{A}.ipynb"), as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    return ast.literal_eval(next(line for line in text.splitlines() if line.startswith("OBSERVED"))[len("OBSERVED "):])


def _grades(course, student):
    with Gradebook(course.db_url) as gb:
        submission = gb.find_submission(A, student)
        return {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades}


def test_nothing_passes_from_one_submission_to_the_next_in_the_same_worker(tmp_path):
    accuracy = next(c.source for c in answered_notebook(COURSE, A).cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "accuracy")
    shared = make_scratch_course(tmp_path / "shared", COURSE, [A])
    fresh = make_scratch_course(tmp_path / "fresh", COURSE, [A])
    write_submission(shared, "a_polluter", A, answered_notebook(shared, A, replacements={"accuracy": accuracy + POLLUTE}))
    for course in (shared, fresh):
        write_submission(course, "b_observer", A, answered_notebook(course, A, replacements={"accuracy": accuracy + OBSERVE}))

    grade_course(shared, [A], workers=1, out=lambda *_: None, **LIMITS)
    grade_course(fresh, [A], workers=1, out=lambda *_: None, **LIMITS)

    polluted = nbformat.read(str(shared.autograded_dir / "a_polluter" / A / f"{A}.ipynb"), as_version=4)
    assert "POLLUTED 1 " in "".join(o.get("text", "") for c in polluted.cells for o in c.get("outputs", []))
    observed = _observed(shared, "b_observer")
    assert observed == {
        "uid": 65534, "pids": [1],  # alone in its PID namespace: no sleeper, no template, no other kernel
        "builtins": False, "numpy": False, "checks": False, "globals": False, "linecache": False, "threads": [],
        "work": observed["work"], "tmp": _expected_tmp(), "tmp_children": [], "shm": [],
    }
    assert "left-by-a.txt" not in observed["work"]
    assert observed == _observed(fresh, "b_observer")  # the same as in a worker that graded nobody before
    grades = _grades(shared, "b_observer")
    assert grades == _grades(fresh, "b_observer")
    assert all(score is not None for score in grades.values()) and sum(grades.values()) > 0
    assert processes_with(MARKER) == []  # the polluter's sleeper died with its kernel


def _template_processes(ancestor):
    """This test's kernel templates: processes running template.py below ``ancestor``."""
    found = []
    for pid in processes_with(jail.TEMPLATE_INSIDE):
        try:
            parent = pid
            while parent > 1 and parent != ancestor:
                with open(f"/proc/{parent}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            if parent == ancestor:
                found.append(pid)
        except (OSError, ValueError):
            continue
    return found


def _kernels_of(template):
    try:
        children = Path(f"/proc/{template}/task/{template}/children").read_text().split()
        return [k for c in children for k in Path(f"/proc/{c}/task/{c}/children").read_text().split()]
    except OSError:
        return []


def test_a_template_that_dies_under_a_notebook_costs_a_second_try_not_the_grade(tmp_path):
    """The template is the grader's, not the student's: its death is never the submission's failure."""
    course = make_scratch_course(tmp_path / "course", COURSE, [A])
    slow = next(c.source for c in answered_notebook(COURSE, A).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "accuracy") + (
        "\nimport time\nopen('in-the-slow-cell', 'w').close()\ntime.sleep(4)\n")
    write_submission(course, "slow", A, answered_notebook(course, A, replacements={"accuracy": slow}))
    killed = []

    def kill_the_template_in_the_slow_cell():
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for template in _template_processes(os.getpid()):
                if any(os.path.exists(f"/proc/{k}/root/tmp/work/in-the-slow-cell") for k in _kernels_of(template)):
                    os.kill(template, signal.SIGKILL)  # in the middle of the notebook
                    killed.append(template)
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_template_in_the_slow_cell, daemon=True)
    killer.start()
    results = grade_course(course, [A], workers=1, out=lambda *_: None, **LIMITS)
    killer.join(5)
    assert killed, "the test never saw the notebook in its slow cell"
    assert [(r.student, r.status.value) for r in results] == [("slow", "graded")]
    assert not [f for f in results[0].flags if "grader error" in f.text], results[0].flags
    assert results[0].score == results[0].max_score > 0
    with Gradebook(course.db_url) as gb:
        assert [s.student.id for s in gb.assignment_submissions(A)] == ["slow"]


def _run(slot, code):
    """Run ``code`` in a started runner, as grading runs a cell; its printed output."""
    header, payload = slot.runner.request("run", code.encode(), time.monotonic() + 60)
    outputs = json.loads(payload)
    assert header["op"] == "outputs" and not [o for o in outputs if o["output_type"] == "error"], outputs
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream")


LISTEN = """
import ctypes, os, socket
_abstract = socket.socket(socket.AF_UNIX)
_abstract.bind("\\0s14-neighbour")
_abstract.listen()
_tcp = socket.create_server(("127.0.0.1", 47123))
_libc = ctypes.CDLL(None, use_errno=True)
print("SHM", _libc.shmget(0x5141, 4096, 0o1666), os.getpid())
"""

PROBE = """
import ctypes, errno, os, socket
def _connect(family, address):
    try:
        socket.socket(family).connect(address)
        return "CONNECTED"
    except OSError as error:
        return errno.errorcode[error.errno]
_libc = ctypes.CDLL(None, use_errno=True)
_shm = _libc.shmget(0x5141, 0, 0)
print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()), _connect(socket.AF_UNIX, "\\0s14-neighbour"),
      _connect(socket.AF_INET, ("127.0.0.1", 47123)), _shm, errno.errorcode.get(ctypes.get_errno()))
"""


def test_two_runners_of_one_template_cannot_see_or_reach_each_other(tmp_path):
    from autograder.grading.jail import Limits
    from autograder.grading.pool import RunnerPool

    pool = RunnerPool()
    limits = Limits(scratch_bytes=LIMITS["scratch_bytes"])
    first = pool.take(COURSE.root, tmp_path, limits)
    second = pool.take(COURSE.root, tmp_path, limits)
    try:
        assert first.template is second.template
        shm, pid = _run(first, LISTEN).split()[1:]
        assert int(shm) >= 0 and pid == "1"  # the listener made its socket, port and shared memory
        # Its own PID namespace, loopback, abstract socket namespace and SysV IPC: nothing of the other.
        assert _run(second, PROBE).strip() == "[1] ECONNREFUSED ECONNREFUSED -1 ENOENT"
    finally:
        for slot in (first, second):
            pool.dispose(slot)
        pool.close()


def test_the_mounts_a_kernels_fresh_tmpfs_would_hide_are_found_to_be_bound_again():
    """A repository under /tmp (a CI clone): the template's jail binds its Python environment there, and each
    runner's fresh /tmp must not hide it (every kernel once died before its first reply)."""
    from autograder.grading.template import PRIVATE_TMPFS, _mount_points_below

    mountinfo = [
        "21 1 0:19 / / ro,nosuid shared:1 - tmpfs tmpfs rw",
        "22 21 0:20 / /tmp rw,nosuid - tmpfs tmpfs rw",
        "23 22 8:1 /work/cc/.venv /tmp/cc/.venv ro,nosuid - ext4 /dev/sda1 rw",
        "24 22 8:1 /srv/my\\040course/nnhelpers /tmp/my\\040course/nnhelpers ro - ext4 /dev/sda1 rw",
        "25 21 8:1 /usr /usr ro,nosuid - ext4 /dev/sda1 rw",
        "26 21 0:21 / /tmpfiles rw - tmpfs tmpfs rw",
        "27 21 0:22 / /dev/shm rw - tmpfs tmpfs rw",
    ]
    assert _mount_points_below(PRIVATE_TMPFS, mountinfo) == ["/tmp/cc/.venv", "/tmp/my course/nnhelpers"]


def test_the_workers_of_a_machine_share_one_template_each_on_its_own_connection(tmp_path):
    from autograder.grading.jail import Limits
    from autograder.grading.pool import RunnerPool, RunnerTemplate

    limits = Limits(scratch_bytes=LIMITS["scratch_bytes"])
    template = RunnerTemplate(COURSE.root, limits, shared_by=2, wait=False)
    workers = [RunnerPool(shared_template=shared) for shared in template.shared]
    try:
        slots = [worker.take(COURSE.root, tmp_path, limits) for worker in workers]
        assert [_run(slot, "print(6 * 7)") for slot in slots] == ["42\n", "42\n"]
        under_the_template = set(jail.process_tree(template.pid))
        assert {slot.runner.pid for slot in slots} <= under_the_template
        assert [p for p in _template_processes(os.getpid()) if p not in under_the_template] == []  # no other one
        # A worker that has finished lets go of its connection; the other one's runners still come.
        workers[0].dispose(slots[0])
        workers[0].close()
        assert template.alive()
        workers[1].dispose(slots[1])
        again = workers[1].take(COURSE.root, tmp_path, limits)
        assert _run(again, "print(7 * 6)") == "42\n"
        workers[1].dispose(again)
    finally:
        for worker in workers:
            worker.close()
        template.close()
    assert _template_processes(os.getpid()) == []


def test_a_runner_forked_for_a_worker_that_went_away_before_letting_it_start_exits(tmp_path):
    from autograder.grading import pool
    from autograder.grading.jail import Limits

    limits = Limits(scratch_bytes=LIMITS["scratch_bytes"])
    template = pool.RunnerTemplate(COURSE.root, limits, shared_by=1, wait=False)
    try:
        worker = pool.RunnerTemplate.attach(template.shared[0])
        folder = tmp_path / "runner"
        for part in ("work", "inbox"):
            (folder / part).mkdir(parents=True)
        answer, fds = worker._ask({"op": "fork", "settings": pool._sandbox_settings(folder, COURSE.root, tmp_path, limits)})
        runner = worker._host_pid(answer["pid"])
        for fd in fds:
            os.close(fd)
        worker.close()  # the worker dies between its fork and its go
        deadline = time.monotonic() + 30
        while os.path.exists(f"/proc/{runner}") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not os.path.exists(f"/proc/{runner}")
        assert template.alive()
    finally:
        template.close()


def test_a_worker_whose_shared_template_is_gone_starts_its_own(tmp_path):
    from autograder.grading.jail import Limits
    from autograder.grading.pool import RunnerPool, RunnerTemplate

    limits = Limits(scratch_bytes=LIMITS["scratch_bytes"])
    template = RunnerTemplate(COURSE.root, limits, shared_by=1, wait=False)
    os.kill(template.pid, signal.SIGKILL)
    template.process.wait(10)
    worker = RunnerPool(shared_template=template.shared[0])
    try:
        slot = worker.take(COURSE.root, tmp_path, limits)
        assert slot.template.pid != template.pid and _run(slot, "print(6 * 7)") == "42\n"
        worker.dispose(slot)
    finally:
        worker.close()
        template.close()


@pytest.fixture(scope="module")
def template_pool(tmp_path_factory):
    """One pool, and so one template, for the tests of single runners (a template takes seconds to start)."""
    from autograder.grading.pool import RunnerPool

    pool = RunnerPool()
    try:
        yield pool, tmp_path_factory.mktemp("runners")
    finally:
        pool.close()


@pytest.fixture
def forked_runner(template_pool):
    """A runner forked from a template, as grading starts one."""
    from autograder.grading.jail import Limits

    pool, scratch = template_pool
    slot = pool.take(COURSE.root, scratch, Limits(scratch_bytes=LIMITS["scratch_bytes"]))
    try:
        yield slot
    finally:
        pool.dispose(slot)


def test_a_runner_that_died_before_its_first_request_is_reported_not_waited_for(forked_runner):
    from autograder.grading.pool import RunnerGone

    forked_runner.runner.kill(wait=10)
    started = time.monotonic()
    with pytest.raises(RunnerGone):
        forked_runner.runner.request("run", b"1 + 1", time.monotonic() + 60)
    assert time.monotonic() - started < 10


def test_a_runner_is_alone_unprivileged_and_jailed_with_its_own_shell(forked_runner):
    """Process 1 of its own PID namespace, uid 65534, no grader module importable, the runner's shell."""
    printed = _run(forked_runner, "import importlib.util, os, sys\n"
                                  "print(os.getpid(), os.getuid(), importlib.util.find_spec('autograder'),"
                                  " type(get_ipython()).__name__, sys.stdout.__class__.__name__)")
    assert printed.split() == ["1", "65534", "None", "RunnerShell", "RecordingStream"]


def test_runners_forked_from_one_template_draw_different_random_numbers(template_pool):
    """A fresh interpreter seeds Python's and NumPy's random states from the OS; a forked runner must too."""
    from autograder.grading.jail import Limits

    pool, scratch = template_pool
    draws = []
    for _ in range(2):
        slot = pool.take(COURSE.root, scratch, Limits(scratch_bytes=LIMITS["scratch_bytes"]))
        try:
            draws.append(_run(slot, "import random, numpy\nprint(random.random(), numpy.random.random())").split())
        finally:
            pool.dispose(slot)
    assert draws[0][0] != draws[1][0] and draws[0][1] != draws[1][1], draws
