"""Grade one submission: a task in, a result out, no shared state.

A worker process never writes to the course's gradebook. It reads the assignment's source cells
from a read-only snapshot of it, runs nbgrader's own sanitising preprocessors and scoring rules,
executes the notebook in a jailed runner (``autograder.grading.runner``) inside a private working folder, renders the feedback
with hidden tests redacted, and returns everything as a :class:`TaskResult`. The grading process
records results one at a time (see ``autograder.grading.record``), so any number of workers can run at once.
"""

import atexit
import contextlib
import copy
import functools
import logging
import os
import secrets
import shutil
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.feedback import WITHHELD_NOTICE, render_feedback
from autograder.grading.executor import NotebookExecution
from autograder.grading.integrity import Flag, FlagKind, Status, cell_findings, read_report
from autograder.grading.jail import INBOX_INSIDE, Limits
from autograder.grading.pool import RunnerPool
from autograder.grading.replay import ReplaySession, VerdictProcess

# Errors that mean a limit was hit (worth a person's look even in a cell that is not a test).
RESOURCE_ERRORS = {"MemoryError": "it went over the memory limit", "CellTimeoutError": "it ran too long"}


@dataclass
class GradeTask:
    student: str
    assignment: str
    submission_dir: str
    notebooks: list  # notebook names (without .ipynb) the assignment has
    hidden_tests: dict  # {notebook: {grade_id: the visible part of the cell}}
    replay: dict  # {notebook: the trusted re-check's plan}, see AssignmentSpec.replay_plans
    db_url: str  # a read-only snapshot of the gradebook
    course_root: str
    source_dir: str  # source/<assignment>, for the non-notebook files nbgrader copies in
    scratch_root: str
    limits: Limits = field(default_factory=Limits)
    feedback: bool = True


@dataclass
class NotebookResult:
    name: str
    status: Status
    grades: dict = field(default_factory=dict)  # grade_id -> [auto_score, max_score]
    comments: dict = field(default_factory=dict)  # grade_id -> auto comment or None
    autograded: str | None = None  # the executed notebook (JSON text), hidden tests included
    feedback_html: str | None = None
    message: str = ""
    tampered: bool = False

    @property
    def score(self):
        return sum(s for s, _ in self.grades.values() if s is not None)

    @property
    def max_score(self):
        return sum(m for _, m in self.grades.values())


@dataclass
class TaskResult:
    student: str
    assignment: str
    status: Status
    notebooks: list = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    tampered: bool = False
    seconds: float = 0.0
    timestamp: str | None = None

    @property
    def score(self):
        return sum(nb.score for nb in self.notebooks)

    @property
    def max_score(self):
        return sum(nb.max_score for nb in self.notebooks)


# ---------------------------------------------------------------------------------------------
# Per-process setup


_STATE = {}


def init_worker(course_root, scratch_root, leave_without_teardown=False, shared_template=None):
    """Prepare this process: quiet single-threaded maths, the course config. ``leave_without_teardown`` (a process
    of the local pool, which only grades) ends it without tearing down its interpreter; ``shared_template`` is its
    connection to the runner template the grading process started for all its workers."""
    from autograder.course import Course

    # One BLAS thread per runner: the parallelism is across submissions, and a thread pool per
    # runner would oversubscribe the cores and inflate the address space under the memory cap.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    os.environ["NNHELPERS_PROGRESS"] = "off"
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    os.environ.pop("AUTOGRADER_SANDBOX", None)
    # Students' notebooks often carry duplicate cell ids or old metadata; nbformat's warnings about
    # them would flood the instructor's terminal, and the findings that matter become flags.
    warnings.filterwarnings("ignore", module="nbformat")
    if leave_without_teardown:
        # Registered first, so run last: after the runners, the template and the verdict process are closed.
        atexit.register(_leave_without_teardown)
    _STATE["config"] = Course.at(course_root).config()
    _STATE["runners"] = RunnerPool(shared_template=shared_template)
    _STATE["verdict"] = None


def _leave_without_teardown():
    """A worker's last act: its work is recorded and its processes closed, so it leaves without tearing down an
    interpreter full of nbgrader, nbconvert and SQLAlchemy (a quarter of a second the whole run waited for)."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _verdict_process(task):
    """The worker's verdict process for these settings (one for the worker's life; it never runs student code)."""
    verdict = _STATE.get("verdict")
    if verdict is not None and (verdict.course_root, verdict.limits) == (task.course_root, task.limits):
        return verdict
    if verdict is not None:
        verdict.close()
    verdict = _STATE["verdict"] = VerdictProcess(task.course_root, task.limits)
    atexit.register(verdict.close)
    return verdict


def _config():
    if "config" not in _STATE:
        raise RuntimeError("init_worker() must run in this process before grade()")
    return _STATE["config"]


@functools.lru_cache(maxsize=64)
def _source_cells(db_url, notebook, assignment):
    from autograder.grading.preparation import source_gradebook

    source = source_gradebook(db_url).find_notebook(notebook, assignment)
    graded = {c.name for c in source.grade_cells}
    solutions = {c.name for c in source.solution_cells}
    points = {c.name: c.max_score for c in source.grade_cells}
    return {c.name: {"checksum": c.checksum, "locked": c.locked, "grade": c.name in graded,
                     "solution": c.name in solutions, "points": points.get(c.name)}
            for c in source.source_cells}


# ---------------------------------------------------------------------------------------------
# The task


def _read_submitted(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, "the file is not UTF-8 text, so it is not a notebook"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several types for broken JSON and old formats
        return None, f"not a valid notebook ({type(error).__name__}: {str(error).splitlines()[0][:200]})"
    # A slightly malformed notebook is still gradable: nbgrader restores the cells that matter.
    with contextlib.suppress(nbformat.ValidationError):
        nbformat.validate(nb)
    return nb, None


class RunnerLost(RuntimeError):
    """The runner died with the worker's template, not because of the notebook."""


def _execute(task, nb, resources, retry=True):
    """Run the notebook in a fresh runner: the executed notebook, the execution, the witness's report."""
    nonce = secrets.token_hex(16)
    runners = _STATE["runners"]
    limits = task.limits
    slot = runners.take(task.course_root, task.scratch_root, limits)
    copy_task_files(task.submission_dir, task.source_dir, slot.inbox if slot.jailed else slot.workdir)
    execution = NotebookExecution(slot.runner, cell_timeout=limits.cell_timeout, time_cap=limits.time_cap, nonce=nonce,
                                  inbox=INBOX_INSIDE if slot.jailed else None)
    plan = task.replay.get(resources["nbgrader"]["notebook"])
    if plan is not None:
        execution.replay = ReplaySession(_verdict_process(task), plan, execution)
    lost = False
    try:
        try:
            nb, resources = execution.preprocess(nb, resources)
            files, probes = read_report(slot.report, nonce)
        except Exception:
            lost = runners.lost(slot)
            if not (retry and lost):
                raise
        lost = lost or (execution.dead and runners.lost(slot))
    finally:
        runners.dispose(slot)
        # The next submission's runner starts while this one's feedback is rendered and recorded.
        runners.warm_up(task.course_root, task.scratch_root, limits)
    if lost and retry:
        raise RunnerLost("the runner template died during the notebook")
    return nb, resources, execution, files, probes


def scores_and_comments(nb):
    """nbgrader's scoring of an executed notebook: {grade_id: [score, points]}, {grade_id: auto comment or None}."""
    from nbgrader import utils

    grades, comments = {}, {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if utils.is_grade(cell):
            score, points = utils.determine_grade(cell)
            grades[meta["grade_id"]] = [score, points]
        if utils.is_solution(cell) or utils.is_task(cell):
            unchanged = meta.get("checksum") == utils.compute_checksum(cell) and not utils.is_task(cell)
            comments[meta["grade_id"]] = "No response." if unchanged else None
    return grades, comments


def _grade_notebook(task, notebook, flags):
    from nbgrader import utils

    from autograder.grading.preparation import outputs_filtered, prepared_for_running

    config = _config()
    result = NotebookResult(name=notebook, status=Status.GRADED)
    path = Path(task.submission_dir) / f"{notebook}.ipynb"
    source_cells = _source_cells(task.db_url, notebook, task.assignment)
    if not path.is_file():
        result.status = Status.MISSING
        result.message = f"no {notebook}.ipynb in the submission"
        for name, cell in source_cells.items():
            if cell["grade"]:
                result.grades[name] = [0.0, float(cell["points"])]
        return result, None
    nb, problem = _read_submitted(path)
    if nb is None:
        result.status = Status.UNGRADABLE
        result.message = f"{notebook}.ipynb: {problem}"
        return result, None
    flags.extend(Flag(FlagKind.CELLS, f"{notebook}: {finding}") for finding in cell_findings(nb, source_cells))

    resources = {"nbgrader": {"db_url": task.db_url, "assignment": task.assignment, "notebook": notebook,
                              "student": task.student}, "metadata": {}}
    nb, resources = prepared_for_running(nb, resources, config)

    limits = task.limits
    pristine = copy.deepcopy(nb), copy.deepcopy(resources)
    try:
        nb, resources, executor, files, probes = _execute(task, nb, resources)
    except RunnerLost:
        # The worker's runner template died under this notebook: a grader-side failure, so the notebook is
        # graded once more with a new template (and recorded once, by the grading process, as always).
        nb, resources, executor, files, probes = _execute(task, *pristine, retry=False)
    nb, resources = outputs_filtered(nb, resources, config)
    result.grades, result.comments = scores_and_comments(nb)

    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or utils.is_grade(cell):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in RESOURCE_ERRORS:
                where = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
                reason = output.get("evalue") or RESOURCE_ERRORS[output["ename"]]
                flags.append(Flag(FlagKind.RESOURCE, f"{notebook}: {where} stopped with {output['ename']}: {reason[:120]}"))
    if executor.dead:
        flags.append(Flag(FlagKind.STOPPED, f"{notebook}: {executor.dead}; the cells after it were not run"))
    elif executor.capped:
        flags.append(Flag(FlagKind.STOPPED,
                          f"{notebook}: stopped at its time limit of {limits.time_cap} s; the cells after that were not run"))
    for grade_id, outcome in executor.divergences:
        message = (outcome.get("evalue") or "").strip().splitlines()
        flags.append(Flag(FlagKind.TAMPERING, f"{notebook}: tampering: {grade_id} passed in the notebook but failed the "
                                              f"trusted re-check ({outcome['ename']}: {(message or [''])[0][:200]})"))
        result.tampered = True
    if executor.replay is not None and executor.replay.problem:
        flags.append(Flag(FlagKind.GRADER, f"{notebook}: {executor.replay.problem}; its test cells count as failed"))
    if files:
        flags.append(Flag(FlagKind.FILES, f"{notebook}: the notebook read files outside its folder: {', '.join(files[:3])}"))
    findings = list(dict.fromkeys(f for probe in probes for f in probe["tampering"]))
    if executor.probe_failed:
        flags.append(Flag(FlagKind.TAMPERING, f"{notebook}: tampering: {executor.probe_failed}"))
        result.tampered = True
    elif (not probes or len(probes) < executor.probes_sent) and not executor.dead:
        flags.append(Flag(FlagKind.TAMPERING, f"{notebook}: tampering: the integrity check could not run "
                                              "(sys.audit or the kernel was interfered with)"))
        result.tampered = True
    elif findings:
        flags.append(Flag(FlagKind.TAMPERING, f"{notebook}: tampering: {'; '.join(findings[:20])}"))
        result.tampered = True
    result.autograded = nbformat.writes(nb)
    return result, nb


def grade(task):
    """Grade one submission; never raises (a failure becomes an ``ungradable`` result)."""
    started = time.monotonic()
    result = TaskResult(student=task.student, assignment=task.assignment, status=Status.GRADED)
    timestamp_file = Path(task.submission_dir) / "timestamp.txt"
    if timestamp_file.is_file():
        result.timestamp = timestamp_file.read_text(encoding="utf-8").strip() or None
    try:
        for notebook in task.notebooks:
            try:
                nb_result, executed = _grade_notebook(task, notebook, result.flags)
            except Exception as error:  # one broken notebook must never stop the class's run
                nb_result, executed = NotebookResult(name=notebook, status=Status.UNGRADABLE), None
                nb_result.message = f"{notebook}.ipynb could not be graded: {type(error).__name__}: {error}"
                result.flags.append(Flag(FlagKind.GRADER,
                                         "grader error: " + traceback.format_exc(limit=3).strip().splitlines()[-1]))
            result.tampered |= nb_result.tampered
            if executed is not None and task.feedback:
                notice = WITHHELD_NOTICE if result.tampered else None
                try:
                    nb_result.feedback_html = render_feedback(
                        executed, nb_result.grades, nb_result.comments, task.hidden_tests.get(notebook, {}),
                        task.student, task.assignment, notebook, notice)
                except Exception as error:
                    result.flags.append(Flag(FlagKind.FEEDBACK,
                                             f"{notebook}: feedback could not be rendered ({type(error).__name__}: {error})"))
            result.notebooks.append(nb_result)
        statuses = {nb.status for nb in result.notebooks}
        if Status.UNGRADABLE in statuses:
            result.status = Status.UNGRADABLE
        elif statuses == {Status.MISSING}:
            result.status = Status.MISSING
        for nb in result.notebooks:
            if nb.message:
                kind = FlagKind.UNGRADABLE if nb.status == Status.UNGRADABLE else FlagKind.CELLS
                result.flags.append(Flag(kind, nb.message))
    finally:
        result.seconds = round(time.monotonic() - started, 3)
    return result


def copy_task_files(submission_dir, source_dir, workdir):
    """The assignment's files (data and the like) and the student's own non-notebook files, but
    never a notebook: the code runs where nothing reveals the hidden tests."""
    for folder in (Path(submission_dir), Path(source_dir)):
        for item in folder.iterdir() if folder.is_dir() else []:
            if item.is_file() and item.suffix != ".ipynb" and item.name != "timestamp.txt":
                shutil.copy2(item, workdir / item.name)

