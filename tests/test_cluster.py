"""Grading on a Dask cluster: the same results as the local pool, nothing lost or doubled when a worker
dies, a clear end and a finishing rerun when the scheduler dies.

Real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (free ports, no dashboard, one
thread, local directories in the test's tmp folder) and a ``LocalCluster`` (the bench's helper), on a
class of three students of one assignment: one right, one wrong, one wrong and tampering.
"""

import contextlib
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from conftest import COURSE, ROOT
from distributed import Client
from nbgrader.api import Gradebook

from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, write_submission
from autograder.grade import grade_course, graded_already
from autograder.grading.cluster import ClusterError, grade_on_local_cluster
from autograder.grading.jail import JAIL_UID, PIDS_CGROUP_ROOT, SANDBOX_INSIDE, TEMPLATE_INSIDE
from autograder.grading.record import Recorder, read_record

pytestmark = pytest.mark.slow
A = "01_admissions"
BIN = Path(sys.executable).parent
WRONG_PREDICT = "def predict(X, W, b):\n    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)\n"
TAMPER = "import numpy\nnumpy.array_equal = lambda *a, **k: True\n"
STUDENTS = ("right", "wrong", "tampers")
WAIT = 60  # seconds any single step may take on a busy shared machine before the test gives up


def build_class(target):
    course = make_scratch_course(target, COURSE, [A])
    write_submission(course, "right", A, answered_notebook(course, A))
    write_submission(course, "wrong", A, answered_notebook(course, A, replacements={"predict": WRONG_PREDICT}))
    write_submission(course, "tampers", A, answered_notebook(course, A, replacements={"predict": WRONG_PREDICT + TAMPER}))
    return course


def outcome(course):
    """Everything grading left for each submission: the record (flags, statuses, scores), every grade
    cell's score in the gradebook, the feedback pages and the autograded notebooks (without the
    kernel's execution timestamps)."""
    found = {}
    with Gradebook(course.db_url) as gb:
        for student in STUDENTS:
            record = read_record(course, student, A)
            if record is None:
                continue
            record = {k: v for k, v in record.items() if k not in {"seconds", "graded_at"}}
            record["flags"] = [f.to_json() for f in record["flags"]]
            submission = gb.find_submission(A, student)
            grades = sorted((nb.name, g.name, g.auto_score, g.needs_manual_grade)
                            for nb in submission.notebooks for g in nb.grades)
            pages = {p.name: p.read_text() for p in sorted((course.feedback_dir / student / A).glob("*.html"))}
            notebooks = {}
            for path in sorted((course.autograded_dir / student / A).glob("*.ipynb")):
                nb = json.loads(path.read_text())
                for cell in nb["cells"]:
                    cell.get("metadata", {}).pop("execution", None)
                notebooks[path.name] = nb
            found[student] = {"record": record, "grades": grades, "feedback": pages, "autograded": notebooks}
    return found


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The local pool's outcome on the class: what every cluster run must reproduce."""
    course = build_class(tmp_path_factory.mktemp("reference") / "course")
    grade_course(course, workers=2, out=lambda *_: None)
    found = outcome(course)
    assert set(found) == set(STUDENTS)
    # The class is graded as intended, so "identical" compares real differences between students.
    assert found["right"]["record"]["autograde_score"] == found["right"]["record"]["max_score"] > 0
    assert 0 < found["wrong"]["record"]["autograde_score"] < found["wrong"]["record"]["max_score"]
    assert found["tampers"]["record"]["tampered"] and not found["wrong"]["record"]["tampered"]
    return found


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class DaskProcesses:
    """Real scheduler and worker processes, all stopped by :meth:`stop_all` (the fixture's finally)."""

    def __init__(self, folder):
        self.folder = folder
        self.processes = []

    def _start(self, argv, name, env=None):
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env or os.environ.copy(),
                                   start_new_session=True)
        process.log = log
        process.is_worker = argv[1] == "worker"
        self.processes.append(process)
        return process

    def scheduler(self):
        port = _free_port()
        process = self._start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], f"scheduler-{port}", self.course_environment())
        process.address = f"tcp://127.0.0.1:{port}"

        def listening():
            assert process.poll() is None, (self.folder / f"scheduler-{port}.log").read_text()
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        _wait_for(listening, "the scheduler to listen")
        return process

    @staticmethod
    def course_environment(env=None):
        # The grading tool is not installed in the environment (only nnhelpers is): the scheduler and
        # the workers run from the course's checkout, as docs/grading-on-a-cluster.md says.
        return dict(env or os.environ, PYTHONPATH=str(ROOT))

    def worker(self, scheduler, name, env=None, from_checkout=True):
        if from_checkout:
            env = self.course_environment(env)
        else:
            env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONPATH"}
        local = self.folder / name
        local.mkdir()
        return self._start([str(BIN / "dask"), "worker", scheduler.address, "--host", "127.0.0.1", "--nthreads", "1",
                            "--no-nanny", "--no-dashboard", "--local-directory", str(local), "--name", name,
                            "--death-timeout", "30"], name, env)

    def wait_for_workers(self, scheduler, count):
        """Until exactly ``count`` workers are connected (a killed one is gone, new ones have joined)."""
        with Client(scheduler.address, timeout=WAIT, set_as_default=False) as client:
            _wait_for(lambda: len(client.scheduler_info(n_workers=-1)["workers"]) == count, f"{count} worker(s)")

    @staticmethod
    def kill(process):
        if process.poll() is None:
            # The whole session: a worker's jailed kernels die with it anyway (--die-with-parent).
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT)
        process.log.close()

    def stop_all(self):
        # Workers first: a worker asked to stop while its scheduler is already gone waits to reconnect.
        workers = [p for p in self.processes if p.is_worker]
        for group in (workers, [p for p in self.processes if not p.is_worker]):
            for process in group:
                if process.poll() is None:
                    process.terminate()
            for process in group:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
                self.kill(process)
        # A worker killed outright could not remove the pids cgroups of its jails (named after their
        # grading run's parent, this process); they are empty now that the jails are gone.
        for cgroup in PIDS_CGROUP_ROOT.glob(f"autograder-{os.getpid()}-*"):
            with contextlib.suppress(OSError):
                cgroup.rmdir()


@pytest.fixture
def dask_processes(tmp_path):
    processes = DaskProcesses(tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()


def _kernels_of(pid):
    """The jailed kernels a worker process runs (only started to grade a notebook), once their jail is fully
    built: a kernel's own interpreter in a jail of its own (bubblewrap has armed --die-with-parent), or a
    kernel forked from the worker's template that has dropped to the jail's uid."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            command = child.cmdline()[1:3]
            forked = command == ["-I", TEMPLATE_INSIDE] and child.uids().real == JAIL_UID
            if command == ["-I", SANDBOX_INSIDE] or forked:
                found.append(child)
        except psutil.Error:
            continue
    return found


def _alive(process):
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _grade_cli(course, *args):
    return [sys.executable, "-m", "autograder", "--course", str(course.root), "grade", A, *args]


def test_local_cluster_grades_like_the_local_pool(tmp_path, reference):
    # The bench's helper: a LocalCluster of 2 single-threaded worker processes, local directories in
    # the course's .autograder/ (here in tmp_path), removed afterwards.
    course = build_class(tmp_path / "course")
    results, seconds = grade_on_local_cluster(course, 2, out=lambda *_: None)
    assert sorted(r.student for r in results) == sorted(STUDENTS) and seconds > 0
    assert outcome(course) == reference
    assert not list((course.root / ".autograder").glob("dask-*"))


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(tmp_path, reference, dask_processes, monkeypatch):
    course = build_class(tmp_path / "course")
    scheduler = dask_processes.scheduler()
    victim = dask_processes.worker(scheduler, "victim")
    dask_processes.worker(scheduler, "survivor")
    dask_processes.wait_for_workers(scheduler, 2)

    recorded = []
    real_record = Recorder.record

    def counting_record(recorder, result):
        recorded.append((result.student, result.assignment))
        real_record(recorder, result)

    monkeypatch.setattr(Recorder, "record", counting_record)
    failure = []

    def run():
        # A Client of the caller's own (the CLI test below passes an address): left open for the caller.
        try:
            with Client(scheduler.address, set_as_default=False) as client:
                grade_course(course, scheduler=client, out=lambda *_: None)
                assert client.status == "running"
        except BaseException as error:  # reported by the main thread
            failure.append(error)

    grading = threading.Thread(target=run)
    with Client(scheduler.address, set_as_default=False) as observer:
        address = next(a for a, w in observer.scheduler_info(n_workers=-1)["workers"].items() if w["name"] == "victim")

        def victim_grading():
            # A jailed kernel runs and the scheduler has a submission on the victim: killing it now loses
            # work in flight, which Dask must give to the survivor.
            kernels = _kernels_of(victim.pid)
            return kernels if kernels and observer.processing(workers=[address])[address] else None

        grading.start()
        try:
            kernels = _wait_for(lambda: victim_grading() or not grading.is_alive(), "the victim worker to grade")
            assert grading.is_alive(), failure
            dask_processes.kill(victim)
            assert len(recorded) < len(STUDENTS)
        finally:
            grading.join(timeout=3 * WAIT)
    assert not grading.is_alive() and not failure, failure
    assert sorted(recorded) == sorted((s, A) for s in STUDENTS)  # each exactly once
    assert outcome(course) == reference
    # The dead worker's jailed kernels did not outlive it.
    _wait_for(lambda: not any(_alive(k) for k in kernels), "the killed worker's kernels to exit", timeout=10)


def test_the_scheduler_dying_ends_the_run_and_a_rerun_finishes_it(tmp_path, reference, dask_processes):
    course = build_class(tmp_path / "course")
    scheduler = dask_processes.scheduler()

    # First a worker that cannot import the grader, then one that cannot jail (no /usr/bin on its PATH:
    # bubblewrap is not found there, as on a machine without it). Each time the run refuses, naming the
    # worker, before anything is graded.
    lost = dask_processes.worker(scheduler, "nograder", from_checkout=False)
    dask_processes.wait_for_workers(scheduler, 1)
    with pytest.raises(ClusterError, match=r"worker tcp://127\.0\.0\.1:\d+ cannot import the autograder package"):
        grade_course(course, scheduler=scheduler.address, out=lambda *_: None)
    dask_processes.kill(lost)
    dask_processes.wait_for_workers(scheduler, 0)
    refusing = dask_processes.worker(scheduler, "nojail", env=dict(os.environ, PATH=str(BIN)))
    dask_processes.wait_for_workers(scheduler, 1)
    with pytest.raises(ClusterError, match=r"worker tcp://127\.0\.0\.1:\d+ cannot grade in a jail: bubblewrap .*--no-jail"):
        grade_course(course, scheduler=scheduler.address, out=lambda *_: None)
    assert not any(read_record(course, s, A) for s in STUDENTS)
    dask_processes.kill(refusing)
    dask_processes.wait_for_workers(scheduler, 0)

    dask_processes.worker(scheduler, "first")
    dask_processes.wait_for_workers(scheduler, 1)
    run = subprocess.Popen(_grade_cli(course, "--scheduler", scheduler.address), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        _wait_for(lambda: any(read_record(course, s, A) for s in STUDENTS) or run.poll() is not None,
                  "a first result to be recorded")
        dask_processes.kill(scheduler)
        stdout, stderr = run.communicate(timeout=WAIT)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 3, (stdout, stderr)
    assert "lost the connection to the Dask scheduler" in stderr and "--skip-graded" in stderr
    assert "Traceback" not in stderr
    kept = {s: read_record(course, s, A)["graded_at"] for s in STUDENTS if read_record(course, s, A)}
    assert 1 <= len(kept) < len(STUDENTS)

    scheduler = dask_processes.scheduler()
    dask_processes.worker(scheduler, "second")
    dask_processes.wait_for_workers(scheduler, 1)
    rerun = subprocess.run(_grade_cli(course, "--scheduler", scheduler.address, "--skip-graded"),
                           capture_output=True, text=True, cwd=ROOT, timeout=3 * WAIT)
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipping {len(kept)} submission(s) already graded at their current timestamp" in rerun.stdout
    assert f"grading {len(STUDENTS) - len(kept)} submission(s)" in rerun.stdout
    assert {s: read_record(course, s, A)["graded_at"] for s in kept} == kept  # not graded again
    assert outcome(course) == reference
    # A student who hands in again after grading is graded again by --skip-graded.
    write_submission(course, "wrong", A, answered_notebook(course, A),
                     timestamp=datetime.datetime(2026, 11, 21, 9, 30, tzinfo=datetime.UTC))
    with Gradebook(course.db_url) as gb:
        assert not graded_already(course, gb, "wrong", A)
        assert graded_already(course, gb, "right", A) and graded_already(course, gb, "tampers", A)
