"""Grading on a Dask cluster: the same pipeline and jail on workers anywhere, one writer here.

The grading process builds the same :class:`GradeTask` list as for the local pool and sends each
submission to a Dask scheduler; Dask workers run ``autograder.grading.pipeline.grade`` in the same
bubblewrap jail, and the results come back here, where they are recorded one at a time as they
arrive (this process stays the only writer of the gradebook).

Nothing has to be shared between this machine and the workers but the scheduler's address:

* once per run, a :class:`GraderPlugin` carries the course *kit*, everything a worker reads besides
  the submission itself: ``nbgrader_config.py``, ``data/``, the non-notebook files of each graded
  assignment's ``source/`` folder and the read-only gradebook snapshot (source cells and checksums).
  A course's kit is tens of kilobytes. Dask gives the plugin to every worker, also to one that joins
  or restarts mid-run; the worker unpacks it into its own local directory, checks its jail and
  prepares itself as a local-pool process would (``init_worker``).
* each task carries the submission's files (a student's notebooks: kilobytes) and the worker writes
  them into a private folder under its local directory for the length of that task.

What a worker must have installed is this repository's environment (``requirements.lock`` with the
``scale`` extra, the course's ``nnhelpers``) and bubblewrap; see docs/grading-on-a-cluster.md.

Resilience is Dask's: a worker that dies mid-task has its tasks rescheduled on others (up to the
scheduler's ``allowed-failures``), and each submission's future completes once, so each result is
recorded once. The scheduler going away ends the run with :class:`SchedulerLost`; what was recorded
stays, and ``--skip-graded`` grades the rest.
"""

import asyncio
import contextlib
import io
import logging
import os
import shutil
import tarfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import dask
from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.comm.core import CommClosedError
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

SQLITE_PREFIX = "sqlite:///"
SNAPSHOT_NAME = "gradebook-snapshot.db"
CONNECT_TIMEOUT = 20  # seconds to reach the scheduler, and to get it back after a lost connection
WORKER_WAIT = 60  # seconds to wait for a first worker to join the scheduler


# Dask's statistical profiler samples every worker thread's stack 100 times a second: CPU taken from
# grading, for a profile nobody reads here. For `dask worker`: DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


class ClusterError(RuntimeError):
    """The cluster cannot grade this run; the message names the scheduler or worker and the fix."""


class SchedulerLost(ClusterError):
    """The connection to the scheduler was lost mid-run; what was recorded is kept."""


class WorkerCannotGrade(RuntimeError):
    """Raised on a worker that lacks what grading needs (the jail, the environment, disk space)."""


# ---------------------------------------------------------------------------------------------
# The course kit: what every worker needs besides the submissions


def build_kit(course, assignments, db_url):
    """The course's files a worker needs, as a gzipped tar (bytes), and the db_url workers use.

    The snapshot of the assignments' definitions (``snapshot_gradebook``, a SQLite file) is shipped in
    the kit; were ``db_url`` ever a server's, it would be passed as it is and the workers would need to
    reach that server, read-only."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(course.root / "nbgrader_config.py", arcname="nbgrader_config.py")
        data = course.root / "data"
        if data.is_dir():
            tar.add(data, arcname="data")
        for assignment in assignments:
            for item in sorted((course.source_dir / assignment).iterdir()):
                # Source notebooks hold the solutions and hidden tests: workers get those cells from the
                # gradebook snapshot, as the local pool does, never as files.
                if item.is_file() and item.suffix != ".ipynb":
                    tar.add(item, arcname=f"source/{assignment}/{item.name}")
        if db_url.startswith(SQLITE_PREFIX):
            tar.add(db_url[len(SQLITE_PREFIX):], arcname=SNAPSHOT_NAME)
    return buffer.getvalue()


def _unpack_kit(kit, target):
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(kit), mode="r:gz") as tar:
        tar.extractall(target, filter="data")


def _submission_files(folder):
    """The files of a submission folder (the pipeline reads only its top level)."""
    folder = Path(folder)
    return {item.name: item.read_bytes() for item in sorted(folder.iterdir()) if item.is_file()}


# ---------------------------------------------------------------------------------------------
# Worker side

_RUNS = {}  # run id -> {"root", "course", "scratch", "db_url", "config"} or the WorkerCannotGrade it hit
# The pipeline keeps one runner pool and config per process: tasks of a worker with several threads
# (or of two runs sharing a cluster) take turns. Parallelism comes from more worker processes.
_GRADING = threading.Lock()


def _worker_address(worker):
    return getattr(worker, "address", None) or "this worker"


class GraderPlugin(WorkerPlugin):
    """Prepares a Dask worker for one grading run (also a worker that joins later) and cleans up after it."""

    idempotent = False

    def __init__(self, run_id, kit, db_url, jail):
        self.run_id = run_id
        self.kit = kit
        self.db_url = db_url
        self.jail = jail

    async def setup(self, worker):
        # Checking the jail and importing nbgrader take seconds: off the worker's event loop, which
        # must keep answering the scheduler meanwhile.
        address = _worker_address(worker)
        try:
            _RUNS[self.run_id] = await asyncio.to_thread(self._prepare, worker)
        except WorkerCannotGrade as error:
            _RUNS[self.run_id] = error
            raise
        except Exception as error:  # unpacking, disk space, a broken environment: say which worker
            _RUNS[self.run_id] = WorkerCannotGrade(
                f"worker {address} could not prepare for grading: {type(error).__name__}: {error}")
            raise _RUNS[self.run_id] from error

    def _prepare(self, worker):
        from autograder.grading.jail import JailUnavailable, check_available, jailed_nnhelpers

        address = _worker_address(worker)
        root = Path(worker.local_directory) / f"autograder-{self.run_id}"
        course_root, scratch = root / "course", root / "scratch"
        with _GRADING:
            try:
                if self.jail:
                    check_available()
                    jailed_nnhelpers()
            except JailUnavailable as error:
                raise WorkerCannotGrade(f"worker {address} cannot grade in a jail: {error}") from None
            # Imported only now: nbgrader takes seconds to import, wasted on a worker that refuses.
            from autograder.course import Course
            from autograder.grading import pipeline

            shutil.rmtree(root, ignore_errors=True)
            _unpack_kit(self.kit, course_root)
            scratch.mkdir(parents=True)
            db_url = self.db_url
            if db_url.startswith(SQLITE_PREFIX):
                db_url = SQLITE_PREFIX + str(course_root / SNAPSHOT_NAME)
            previous = pipeline._STATE.get("runners")
            if previous is not None:  # a warm runner of an earlier run on this worker: not needed any more
                previous.close()
            pipeline.init_worker(str(course_root), str(scratch))
            config = Course.at(course_root).config()
        return {"root": root, "course": course_root, "scratch": scratch, "db_url": db_url, "config": config}

    def teardown(self, worker):
        from autograder.grading import pipeline

        run = _RUNS.pop(self.run_id, None)
        if isinstance(run, dict):
            with _GRADING:
                runners = pipeline._STATE.get("runners")
                if runners is not None:
                    runners.close()
                shutil.rmtree(run["root"], ignore_errors=True)


def grade_shipped(run_id, task, files):
    """On a worker: write the submission's files into a private folder and grade them there."""
    from autograder.grading import pipeline

    run = _RUNS.get(run_id)
    if isinstance(run, WorkerCannotGrade):
        raise run
    if run is None:
        raise WorkerCannotGrade(f"worker {get_worker().address} was not prepared for grading run {run_id} "
                                "(its setup did not run; see the worker's log)")
    with _GRADING:
        folder = run["root"] / "submissions" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        try:
            for name, content in files.items():
                (folder / name).write_bytes(content)
            local = replace(task, submission_dir=str(folder), course_root=str(run["course"]),
                            source_dir=str(run["course"] / "source" / task.assignment),
                            scratch_root=str(run["scratch"]), db_url=run["db_url"])
            pipeline._STATE["config"] = run["config"]
            return pipeline.grade(local)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Grading-process side


@contextlib.contextmanager
def connect(scheduler):
    """A ``distributed.Client`` for an address, a cluster object (``LocalCluster`` and the like) or a Client."""
    if isinstance(scheduler, Client):
        yield scheduler
        return
    address = getattr(scheduler, "scheduler_address", scheduler)
    # Dask logs each failed attempt to reach a lost scheduler with a traceback; the run ends with one
    # clear message instead (SchedulerLost).
    quiet = logging.getLogger("distributed.client")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as error:
        quiet.setLevel(level)
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({type(error).__name__}: {error}). "
                           "Start one (`dask scheduler`) and its workers (`dask worker ADDRESS --nthreads 1`), "
                           "or check the address; see docs/grading-on-a-cluster.md.") from None
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)
        quiet.setLevel(level)


def _address(client):
    with contextlib.suppress(Exception):
        return client.scheduler.address
    return "the scheduler"


def run_on_cluster(scheduler, tasks, course, assignments, db_url, limits, on_result, crashed, out=print):
    """Grade ``tasks`` on a Dask cluster, calling ``on_result`` here, once per task, as results arrive.

    ``crashed(task, message)`` makes the result recorded for a submission the workers kept dying on.
    Raises :class:`ClusterError` when no worker can grade and :class:`SchedulerLost` when the
    scheduler goes away; every result received before that has been recorded."""
    run_id = uuid.uuid4().hex[:12]
    plugin_name = f"autograder-{run_id}"
    pending = {}  # key -> (future, task), until its result is recorded
    with connect(scheduler) as client:
        address = _address(client)
        try:
            _prepare_workers(client, address, GraderPlugin(run_id, build_kit(course, assignments, db_url), db_url,
                                                           limits.jail), plugin_name, out)
            for task in tasks:
                future = client.submit(grade_shipped, run_id, task, _submission_files(task.submission_dir),
                                       key=f"grade-{task.student}-{task.assignment}-{run_id}", pure=False)
                pending[future.key] = (future, task)
            for future in as_completed([f for f, _ in pending.values()], loop=client.loop):
                task = pending[future.key][1]
                on_result(_result_of(future, task, client, address, pending, crashed))
                del pending[future.key]
                future.release()
        except (CommClosedError, OSError):
            if client.status == "running":
                raise
            raise SchedulerLost(_lost_message(address, pending)) from None
        finally:
            if client.status == "running":
                with contextlib.suppress(Exception):
                    client.cancel([f for f, _ in pending.values()])
                with contextlib.suppress(Exception):
                    client.unregister_worker_plugin(plugin_name)


def _prepare_workers(client, address, plugin, plugin_name, out):
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined the scheduler at {address} within {WORKER_WAIT} s: start "
                           f"workers with `dask worker {address} --nthreads 1`") from None
    workers = client.scheduler_info(n_workers=-1)["workers"]
    out(f"grading on the Dask cluster at {address} with {len(workers)} worker(s) at the start")
    # Dask's scheduler unpickles the tasks too: it needs the package as much as the workers do.
    if not client.run_on_scheduler(eval, AUTOGRADER_PROBE):
        raise ClusterError(NO_AUTOGRADER.format(who=f"the Dask scheduler at {address}"))
    missing = sorted(worker for worker, found in client.run(eval, AUTOGRADER_PROBE).items() if not found)
    if missing:
        raise ClusterError(NO_AUTOGRADER.format(who="worker " + ", ".join(missing)))
    try:
        client.register_plugin(plugin, name=plugin_name)
    except WorkerCannotGrade as error:
        raise ClusterError(f"{error}\nFix that worker or stop it, then grade again.") from None
    except ImportError:
        raise ClusterError(NO_AUTOGRADER.format(who="a worker that just joined")) from None


def _result_of(future, task, client, address, pending, crashed):
    """The TaskResult of a finished future; raises when the run cannot go on."""
    try:
        return future.result()
    except KilledWorker:
        return crashed(task, "the workers grading this submission died several times; it was not graded")
    except ImportError:
        raise ClusterError(NO_AUTOGRADER.format(who="a worker that joined during the run")) from None
    except WorkerCannotGrade as error:
        raise ClusterError(f"{error}\nFix that worker or stop it, then grade again with --skip-graded: "
                           "the submissions recorded so far are kept.") from None
    except Exception as error:
        if future.cancelled() or client.status != "running":
            raise SchedulerLost(_lost_message(address, pending)) from None
        if "deserialization of the task graph" in str(error):
            raise ClusterError(f"the Dask scheduler at {address} or a worker could not read the grading tasks: "
                               "run them in the course's environment (see docs/grading-on-a-cluster.md)") from None
        # A bug in the worker: reported on that submission only, as in the local pool.
        return crashed(task, f"grader error: {type(error).__name__}: {error}")


# Evaluated by the builtin eval: a function of this module could not even be unpickled where the
# autograder package is missing, which is what this finds out.
AUTOGRADER_PROBE = "__import__('importlib.util').util.find_spec('autograder') is not None"
NO_AUTOGRADER = ("{who} cannot import the autograder package: start the scheduler and every worker from a "
                 "checkout of the course, in its environment (e.g. `PYTHONPATH=/path/to/course dask worker "
                 "ADDRESS --nthreads 1`); see docs/grading-on-a-cluster.md")


def _lost_message(address, pending):
    return (f"lost the connection to the Dask scheduler at {address}; {len(pending)} submission(s) were not "
            "graded. Every result received before that is recorded. Start the scheduler and its workers again, "
            "then rerun the same command with --skip-graded to grade only what is left.")


def grade_on_local_cluster(course, workers=2, **kwargs):
    """Grade on a throw-away ``LocalCluster`` of ``workers`` single-threaded processes (for the bench).

    ``kwargs`` go to :func:`autograder.grade.grade_course`. Returns (results, seconds), the seconds
    counting the cluster's start and stop too, as a user of a fresh cluster would pay them."""
    from autograder.grade import grade_course

    started = time.monotonic()
    local_directory = Path(course.root) / ".autograder" / f"dask-{os.getpid()}"
    local_directory.mkdir(parents=True, exist_ok=True)
    try:
        with dask.config.set(WORKER_CONFIG), LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1",
                local_directory=str(local_directory)) as cluster:
            results = grade_course(course, scheduler=cluster, **kwargs)
    finally:
        shutil.rmtree(local_directory, ignore_errors=True)
    return results, round(time.monotonic() - started, 3)
