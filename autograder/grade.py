"""Grade everything submitted, in parallel processes, with one writer.

Each (student, assignment) folder under ``submitted/`` is an independent task for a worker
process (``autograder.grading.pipeline``); results are recorded by this process alone, as they arrive
(``autograder.grading.record``), so a class is graded by N processes without "database is locked" and
with the same grades as a sequential run. A student known to the course without a folder for an
assignment is reported as missing.
"""

import multiprocessing
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from nbgrader.api import MissingEntry

from autograder.assignments import read_assignment_spec
from autograder.course import venv_on_path
from autograder.feedback import regenerate
from autograder.gradebook import GradebookUnavailable, open_gradebook
from autograder.grading.integrity import Flag, FlagKind, Status
from autograder.grading.jail import NOT_PROTECTED, check_available
from autograder.grading.limits import limits_for
from autograder.grading.pipeline import GradeTask, NotebookResult, TaskResult, grade, init_worker
from autograder.grading.pool import RunnerTemplate, forks_from_a_template
from autograder.grading.record import Recorder, read_record, register_assignments, snapshot_gradebook

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")
TIMING_SAMPLE = 20  # recorded results per assignment that estimate how long its notebooks take


def roster(course):
    """Every student the course knows: a folder in submitted/ or an entry in the gradebook."""
    students = set()
    if course.submitted_dir.is_dir():
        students |= {p.name for p in course.submitted_dir.iterdir() if p.is_dir() and STUDENT_ID.match(p.name)}
    with open_gradebook(course.db_url, course.course_id) as gb:
        students |= {s.id for s in gb.students}
    return sorted(students)


def recorded_seconds(course, assignment, students):
    """The mean grading time of up to TIMING_SAMPLE recorded results of ``assignment``, or None without any."""
    seconds = []
    for student in students:
        record = read_record(course, student, assignment)
        if record and record.get("seconds"):
            seconds.append(float(record["seconds"]))
            if len(seconds) == TIMING_SAMPLE:
                break
    return sum(seconds) / len(seconds) if seconds else None


def longest_first(tasks, course, assignments, students):
    """``tasks`` in the order to start them: the slowest assignments first, so that the run does not end with
    one worker busy on a long notebook while the others wait (longest-processing-time-first scheduling).

    An assignment's time is its recorded results' mean; assignments never graded go first, the later in the
    course the sooner (in this course each builds on the ones before: lessons 09 and 10 train networks and
    take several times as long as lessons 01 to 06)."""
    position = {assignment: index for index, assignment in enumerate(assignments)}
    expected = {assignment: recorded_seconds(course, assignment, students) for assignment in assignments}

    def key(task):
        seconds = expected[task.assignment]
        return (seconds is not None, -(seconds or 0.0), -position[task.assignment])

    return sorted(tasks, key=key)  # stable: within an assignment, students keep their order


def _crashed(task, message):
    result = TaskResult(student=task.student, assignment=task.assignment, status=Status.UNGRADABLE)
    result.notebooks = [NotebookResult(name=n, status=Status.UNGRADABLE, message=message) for n in task.notebooks]
    result.flags.append(Flag(FlagKind.GRADER, message))
    return result


def _start_shared_template(tasks, workers, course_root):
    """One runner template for all the workers of this machine (None where runners need none, or it cannot start:
    then each worker starts its own, as a Dask worker does)."""
    limits = tasks[0].limits
    if not forks_from_a_template(limits):
        return None
    try:
        return RunnerTemplate(course_root, limits, shared_by=workers, wait=False)
    except Exception:  # only the sharing is lost
        return None


def _init_pool_worker(course_root, scratch, shared_templates, claimed):
    """A local pool worker: one of the shared template's connections (the next unclaimed), then ``init_worker``."""
    with claimed.get_lock():
        index = claimed.value
        claimed.value += 1
    mine = shared_templates[index] if index < len(shared_templates) else None
    for shared in shared_templates:
        if shared is not mine:
            shared.control.close()
    init_worker(course_root, scratch, leave_without_teardown=True, shared_template=mine)


def _run_pool(tasks, workers, course_root, scratch, on_result):
    """Run tasks in worker processes; a crashed worker costs a retry, never the run."""
    pending = list(tasks)
    for attempt in (1, 2):
        if not pending:
            return
        context = multiprocessing.get_context("spawn")
        unfinished = []
        processes = min(workers, len(pending))
        # The first attempt's workers share one template; a retry's start their own (after a crash, a fresh start).
        template = _start_shared_template(pending, processes, course_root) if attempt == 1 else None
        try:
            with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_init_pool_worker,
                                     initargs=(course_root, scratch, template.shared if template else [],
                                               context.Value("i", 0))) as pool:
                futures = {pool.submit(grade, task): task for task in pending}
                for future in as_completed(futures):
                    task = futures[future]
                    try:
                        on_result(future.result())
                    except BrokenProcessPool:
                        unfinished.append(task)
                    except GradebookUnavailable:  # nothing more can be recorded: stop, keep what was
                        pool.shutdown(cancel_futures=True)
                        raise
                    except Exception as error:  # a bug in the worker: report it on that submission only
                        on_result(_crashed(task, f"grader error: {type(error).__name__}: {error}"))
        except BrokenProcessPool:
            pass
        finally:
            if template is not None:
                template.close()
        done = {(t.student, t.assignment) for t in pending} - {(t.student, t.assignment) for t in unfinished}
        pending = [t for t in unfinished if (t.student, t.assignment) not in done]
        if attempt == 2:
            for task in pending:
                on_result(_crashed(task, "a grading process crashed twice on this submission"))


def graded_already(course, gradebook, student, assignment):
    """Whether this submission has a result recorded for its current timestamp (for --skip-graded).

    The gradebook keeps the timestamp of the submission it graded (timestamp.txt); a new hand-in has
    a new one. Without a timestamp.txt, a recorded result counts."""
    if read_record(course, student, assignment) is None:
        return False
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return False
    stamp_file = course.submitted_dir / student / assignment / "timestamp.txt"
    if not stamp_file.is_file():
        return True
    from nbgrader.utils import parse_utc

    try:
        current = parse_utc(stamp_file.read_text(encoding="utf-8").strip())
    except Exception:  # an unreadable stamp: the grader records no timestamp for it either
        return True
    return submission.timestamp == current


def grade_course(course, assignments=None, workers=None, feedback=True, students=None, out=print,
                 scheduler=None, skip_graded=False, **limits):
    """Grade every submission of ``assignments`` (all by default). Returns the list of results.

    ``limits`` override the course's (see ``autograder.grading.limits``): ``time_cap``, ``memory_bytes``,
    ``jail`` and the others. Without bubblewrap this raises JailUnavailable unless ``jail=False``.
    ``scheduler`` (an address such as ``tcp://127.0.0.1:8786``, a ``distributed.Client`` or a cluster
    object) grades on that Dask cluster instead of local processes (``autograder.grading.cluster``).
    ``skip_graded`` leaves out submissions with a result recorded for their current timestamp.
    """
    with venv_on_path():
        return _grade_course(course, assignments, workers, feedback, students, out, limits, scheduler, skip_graded)


def _grade_course(course, assignments, workers, feedback, students, out, overrides, scheduler=None, skip_graded=False):
    assignments = course.resolve_assignments(assignments)
    workers = max(1, int(workers or os.cpu_count() or 1))
    config = course.config()
    limits = limits_for(config, **overrides)
    if limits.jail:
        check_available()
    else:
        out(NOT_PROTECTED)
    register_assignments(course, assignments)
    scratch = course.root / ".autograder" / f"run-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        db_url = snapshot_gradebook(course, scratch / "gradebook-snapshot.db")
        everyone = [s for s in roster(course) if students is None or s in students]
        tasks, results, skipped = [], [], 0
        done = set()
        if skip_graded:
            with open_gradebook(course.db_url, course.course_id) as gradebook:
                done = {(s, a) for a in assignments for s in everyone if graded_already(course, gradebook, s, a)}
        for assignment in assignments:
            spec = read_assignment_spec(course, assignment)
            hidden = spec.hidden_test_views()
            replay = spec.replay_plans()
            for student in everyone:
                folder = course.submitted_dir / student / assignment
                if folder.is_dir() and (student, assignment) in done:
                    skipped += 1
                elif folder.is_dir():
                    tasks.append(GradeTask(
                        student=student, assignment=assignment, submission_dir=str(folder),
                        notebooks=[nb.name for nb in spec.notebooks], hidden_tests=hidden, replay=replay,
                        db_url=db_url,
                        course_root=str(course.root), source_dir=str(course.source_dir / assignment),
                        scratch_root=str(scratch), limits=limits, feedback=feedback,
                    ))
        tasks = longest_first(tasks, course, assignments, everyone)
        if skipped:
            out(f"skipping {skipped} submission(s) already graded at their current timestamp (--skip-graded)")
        where = "on a Dask cluster" if scheduler is not None else f"with {workers} worker process(es)"
        out(f"grading {len(tasks)} submission(s) of {len(everyone)} student(s) {where}")

        with Recorder(course) as recorder:
            def on_result(result):
                recorder.record(result)
                results.append(result)

            if scheduler is not None:
                from autograder.grading.cluster import run_on_cluster

                run_on_cluster(scheduler, tasks, course, assignments, db_url, limits, on_result, _crashed, out)
            else:
                _run_pool(tasks, workers, str(course.root), str(scratch), on_result)
        if feedback:
            # Where a grader already changed scores by hand, the pages must show those, not the autograde.
            regenerate(course, assignments, students={r.student for r in results}, only_reviewed=True)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
