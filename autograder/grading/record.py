"""The single writer: puts workers' results into the gradebook and onto disk.

Only the grading process calls this, one result at a time, so a SQLite gradebook never sees two
writers. On a database server (PostgreSQL) two runs on different assignments may record at the same
time: the only rows they share are the students', and a student added by the other run a moment
earlier is simply found.
What a result may change: the auto scores and auto comments of that student's submission, its
autograded notebook, feedback and record file. It never touches another student, and it never
clears a grader's manual score (nbgrader's own rule: a manual score wins and the cell is marked
for review when the autograde changes under it).
"""

import contextlib
import datetime
import fcntl
import hashlib
import json
import tempfile
import warnings
from dataclasses import asdict

from nbgrader.api import BaseCell, Comment, Grade, InvalidEntry, MissingEntry, Notebook, SubmittedNotebook
from sqlalchemy.exc import DBAPIError, IntegrityError

from autograder.course import venv_on_path
from autograder.feedback import copy_submission_stamps
from autograder.gradebook import GradebookUnavailable, explain, joined_to_cells, open_gradebook, snapshot_definitions
from autograder.grading.integrity import Flag, FlagKind, Status

RECORD_FILE = "autograder.json"
# nbgrader 0.9 builds submissions in a way SQLAlchemy 2 warns about (cascading backrefs); the rows
# are written correctly, and the warning would only bury the report in noise.
warnings.filterwarnings("ignore", message=".*not in session.*", module="nbgrader")


def _digest(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def register_assignments(course, assignments):
    """Make sure the gradebook knows each assignment's current source cells (nbgrader needs them).

    nbgrader records them when it generates the student version; that is done here into a scratch
    folder, and skipped when the source has not changed since the last registration.
    """
    state_file = course.root / ".autograder" / "registered.json"
    state = json.loads(state_file.read_text()) if state_file.is_file() else {}
    stale = []
    with open_gradebook(course.db_url, course.course_id) as gb:
        known = {a.name for a in gb.assignments}
    for assignment in assignments:
        digest = _digest([p for p in (course.source_dir / assignment).iterdir() if p.is_file()])
        if assignment not in known or state.get(assignment) != digest:
            stale.append((assignment, digest))
    if not stale:
        return
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = course.config()
    with tempfile.TemporaryDirectory(prefix="register-") as scratch, venv_on_path():
        config.CourseDirectory.release_directory = scratch
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        registered = {}
        for assignment, digest in stale:
            result = api.generate_assignment(assignment, force=True, create=True)
            if not result["success"]:
                from autograder.course import CourseError

                raise CourseError(f"nbgrader could not read source/{assignment}: {result.get('error') or result.get('log')}")
            registered[assignment] = digest
    _merge_state(state_file, registered)


def _merge_state(state_file, registered):
    """Add to the registration record under a lock: a concurrent run may be registering other assignments."""
    state_file.parent.mkdir(parents=True, exist_ok=True)
    with open(state_file.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(state_file.read_text()) if state_file.is_file() else {}
        state.update(registered)
        partial = state_file.with_suffix(".tmp")
        partial.write_text(json.dumps(state, indent=1, sort_keys=True))
        partial.replace(state_file)


def snapshot_gradebook(course, target):
    """A read-only copy of the assignments' definitions for the workers, as a SQLite file at ``target``.

    Whatever database holds the course's gradebook, workers never connect to it: they read cells and
    points from this copy. nbgrader's preprocessors open it without a course id, and nbgrader then
    inserts its default course if missing: that write is done here, so the workers only ever read.
    """
    return snapshot_definitions(course.db_url, target)


def _timestamp(text):
    if not text:
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text)
    except Exception:
        return None


def _write_files(course, result):
    autograded = course.autograded_dir / result.student / result.assignment
    feedback = course.feedback_dir / result.student / result.assignment
    for nb in result.notebooks:
        if nb.autograded is not None:
            autograded.mkdir(parents=True, exist_ok=True)
            (autograded / f"{nb.name}.ipynb").write_text(nb.autograded, encoding="utf-8")
        if nb.feedback_html is not None:
            feedback.mkdir(parents=True, exist_ok=True)
            (feedback / f"{nb.name}.html").write_text(nb.feedback_html, encoding="utf-8")
    copy_submission_stamps(course, result.student, result.assignment)
    autograded.mkdir(parents=True, exist_ok=True)
    summary = {
        "student": result.student, "assignment": result.assignment, "status": result.status,
        "flags": [Flag.from_json(f).to_json() if not isinstance(f, Flag) else f.to_json() for f in result.flags],
        "tampered": result.tampered, "seconds": result.seconds,
        "autograde_score": result.score, "max_score": result.max_score,
        "graded_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "notebooks": [{k: v for k, v in asdict(nb).items() if k not in {"autograded", "feedback_html"}}
                      for nb in result.notebooks],
    }
    (autograded / RECORD_FILE).write_text(json.dumps(summary, indent=1), encoding="utf-8")


class Recorder:
    """The single writer of one grading run, on one gradebook connection for all its results: opening one per
    result cost more than the writes (nbgrader's Gradebook checks every table when it opens, and SQLAlchemy
    compiles every statement again for each new connection engine). Each result is its own transaction."""

    def __init__(self, course):
        self.course = course
        self._opened = None
        self.gradebook = None

    def __enter__(self):
        self._opened = open_gradebook(self.course.db_url, self.course.course_id)
        self.gradebook = self._opened.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self._opened.__exit__(*exc_info)

    def record(self, result):
        """Record one result. An ungradable result keeps any grade recorded earlier (and says so)."""
        try:
            _record(self.gradebook, self.course, result)
        except BaseException as error:
            with contextlib.suppress(Exception):
                self.gradebook.db.rollback()  # the next result starts from a clean session
            if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
                raise GradebookUnavailable(explain(self.course.db_url, error)) from None
            raise


def record(course, result):
    """Record one result on a connection of its own (see ``Recorder`` for many)."""
    with Recorder(course) as recorder:
        recorder.record(result)


def _record(gb, course, result):
    try:
        gb.update_or_create_student(result.student)
    except InvalidEntry:  # another grading run (another assignment) added this student just now
        gb.db.rollback()
        gb.find_student(result.student)
    try:
        submission = gb.find_submission(result.assignment, result.student)
        had_grade = True
    except MissingEntry:
        submission = gb.add_submission(result.assignment, result.student, timestamp=_timestamp(result.timestamp))
        had_grade = False
    if result.status == Status.UNGRADABLE and had_grade:
        result.flags.append(Flag(FlagKind.KEPT, "this run could not grade the submission; the grade recorded earlier is kept"))
        _write_files(course, result)
        return
    if result.timestamp and _timestamp(result.timestamp):
        submission.timestamp = _timestamp(result.timestamp)
    grades, comments = _entries(gb, Grade, submission), _entries(gb, Comment, submission)
    for nb in result.notebooks:
        for grade_id, (score, _points) in nb.grades.items():
            grade = grades.get((nb.name, grade_id))
            if grade is None:
                continue
            grade.auto_score = 0.0 if nb.status == Status.UNGRADABLE else score
            # A grader's manual score stays; a tampered, ungradable or unscored cell goes to a person.
            grade.needs_manual_grade = (grade.manual_score is not None or grade.auto_score is None
                                        or result.tampered or nb.status == Status.UNGRADABLE)
        for grade_id, comment in nb.comments.items():
            if (nb.name, grade_id) in comments:
                comments[(nb.name, grade_id)].auto_comment = comment
    gb.db.commit()
    _write_files(course, result)


def _entries(gb, kind, submission):
    """{(notebook, cell): Grade or Comment} of one submission in one query; nbgrader's find_grade and find_comment
    make one (and flush the session) per cell, which was half of recording a result."""
    rows = (joined_to_cells(gb.db.query(kind, Notebook.name, BaseCell.name), kind)
            .filter(SubmittedNotebook.assignment_id == submission.id))
    return {(notebook, cell): entry for entry, notebook, cell in rows}


def read_record(course, student, assignment):
    """The record of a graded submission (its ``flags`` as :class:`Flag`), or None."""
    path = course.autograded_dir / student / assignment / RECORD_FILE
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    record["flags"] = [Flag.from_json(f) for f in record.get("flags", [])]
    return record

