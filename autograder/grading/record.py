"""The single writer: puts workers' results into the gradebook and onto disk.

Only the grading process calls this, one result at a time, so SQLite never sees two writers.
What a result may change: the auto scores and auto comments of that student's submission, its
autograded notebook, feedback and record file. It never touches another student, and it never
clears a grader's manual score (nbgrader's own rule: a manual score wins and the cell is marked
for review when the autograde changes under it).
"""

import datetime
import hashlib
import json
import sqlite3
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.course import venv_on_path
from autograder.feedback import copy_submission_stamps
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
    with Gradebook(course.db_url, course.config().CourseDirectory.course_id) as gb:
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
        for assignment, digest in stale:
            result = api.generate_assignment(assignment, force=True, create=True)
            if not result["success"]:
                from autograder.course import CourseError

                raise CourseError(f"nbgrader could not read source/{assignment}: {result.get('error') or result.get('log')}")
            state[assignment] = digest
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True))


def snapshot_gradebook(course, target):
    """A consistent read-only copy of the gradebook for the workers (SQLite's online backup)."""
    target = Path(target)
    source = sqlite3.connect(course.gradebook_path)
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    url = f"sqlite:///{target}"
    # nbgrader's preprocessors open the gradebook without a course id, and nbgrader then inserts
    # its default course if missing: do that write now, so the workers only ever read.
    Gradebook(url).close()
    return url


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


def record(course, result):
    """Record one result. An ungradable result keeps any grade recorded earlier (and says so)."""
    with Gradebook(course.db_url, course.config().CourseDirectory.course_id) as gb:
        gb.update_or_create_student(result.student)
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
        for nb in result.notebooks:
            for grade_id, (score, _points) in nb.grades.items():
                try:
                    grade = gb.find_grade(grade_id, nb.name, result.assignment, result.student)
                except MissingEntry:
                    continue
                grade.auto_score = 0.0 if nb.status == Status.UNGRADABLE else score
                # A grader's manual score stays; a tampered, ungradable or unscored cell goes to a person.
                grade.needs_manual_grade = (grade.manual_score is not None or grade.auto_score is None
                                            or result.tampered or nb.status == Status.UNGRADABLE)
            for grade_id, comment in nb.comments.items():
                try:
                    gb.find_comment(grade_id, nb.name, result.assignment, result.student).auto_comment = comment
                except MissingEntry:
                    continue
        gb.db.commit()
    _write_files(course, result)


def read_record(course, student, assignment):
    """The record of a graded submission (its ``flags`` as :class:`Flag`), or None."""
    path = course.autograded_dir / student / assignment / RECORD_FILE
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    record["flags"] = [Flag.from_json(f) for f in record.get("flags", [])]
    return record

