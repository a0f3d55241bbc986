"""The gradebook on a real PostgreSQL server: same scores as SQLite, a grader's manual work kept,
two grading runs at once losing nothing, and a clear message when the server cannot be used.

One throw-away server serves the whole module (see ``postgres_server``); each test gets its own database.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import COURSE, ROOT
from postgres_server import INSTALL_HINT, PostgresServer, free_port, server_binaries

from autograder.cli import main
from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, release_notebook, write_submission
from autograder.grade import grade_course
from autograder.gradebook import open_gradebook
from autograder.report import write_report

pytestmark = pytest.mark.slow
A, B = "01_admissions", "05_one_hot"
WRONG_PREDICT = "def predict(X, W, b):\n    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)\n"


@pytest.fixture(scope="module")
def server():
    bin_dir = server_binaries()
    if bin_dir is None:
        pytest.fail(INSTALL_HINT)  # a missing server is a broken test machine, not a reason to skip
    running = PostgresServer(bin_dir)
    try:
        yield running.start()
    finally:
        running.stop()


def _course(tmp_path, assignments, db_url=None):
    course = make_scratch_course(tmp_path / "course", COURSE, assignments)
    if db_url:
        with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
    return course


def _small_class(course):
    write_submission(course, "perfect", A, answered_notebook(course, A))
    write_submission(course, "blank", A, release_notebook(course, A))
    write_submission(course, "wrong", A, answered_notebook(course, A, replacements={"predict": WRONG_PREDICT}))


def _scores(course):
    """{(student, assignment, notebook, grade cell): (auto score, manual score, needs manual grade)}."""
    with open_gradebook(course.db_url, course.course_id) as gb:
        return {(s.student.id, a.name, nb.name, g.name): (g.auto_score, g.manual_score, g.needs_manual_grade)
                for a in gb.assignments for s in gb.assignment_submissions(a.name)
                for nb in s.notebooks for g in nb.grades}


@pytest.fixture(scope="module")
def graded_on_both(server, tmp_path_factory):
    """The same small class graded into a PostgreSQL gradebook and into a SQLite one."""
    postgres = _course(tmp_path_factory.mktemp("pg"), [A], server.create_database("same_scores"))
    sqlite = _course(tmp_path_factory.mktemp("sqlite"), [A])
    for course in (postgres, sqlite):
        _small_class(course)
        grade_course(course, [A], workers=1, out=lambda *_: None)
    return postgres, sqlite


def test_the_course_reads_the_server_url_from_its_config(graded_on_both, server):
    postgres, sqlite = graded_on_both
    assert postgres.db_url.startswith("postgresql+psycopg2://") and postgres.gradebook_path is None
    assert not (postgres.root / "gradebook.db").exists()  # nothing went to a SQLite file by mistake
    assert sqlite.gradebook_path == sqlite.root / "gradebook.db" and sqlite.gradebook_path.is_file()


def test_grading_into_postgres_gives_the_same_scores_as_sqlite(graded_on_both):
    postgres, sqlite = graded_on_both
    on_server, in_file = _scores(postgres), _scores(sqlite)
    assert on_server == in_file and len(on_server) > 0
    # The class is not uniform: the comparison is between different scores, not all zeros.
    totals = {row.student_id: row.score for row in write_report(postgres, [A])[0]}
    assert totals == {row.student_id: row.score for row in write_report(sqlite, [A])[0]}
    assert totals["perfect"] > totals["wrong"] > totals["blank"] == 0


def test_an_existing_sqlite_gradebook_is_copied_to_postgres_with_every_grade(graded_on_both, server, tmp_path, capsys):
    _, sqlite = graded_on_both
    url = server.create_database("migrated")
    assert main(["copy-gradebook", "--course", str(sqlite.root), url]) == 0
    output = capsys.readouterr().out
    assert "1 assignment(s), 3 student(s), 3 submission(s)" in output and server.password not in output
    assert f"postgresql+psycopg2://nntest@127.0.0.1:{server.port}/migrated" in output
    moved = _course(tmp_path, [A], url)
    shutil.copytree(sqlite.autograded_dir, moved.autograded_dir)  # the record files beside the gradebook
    assert _scores(moved) == _scores(sqlite)
    assert [(r.student_id, r.score) for r in write_report(moved, [A])[0]] == \
        [(r.student_id, r.score) for r in write_report(sqlite, [A])[0]]
    # A second copy would mix two gradebooks: refused, and the first copy is untouched.
    assert main(["copy-gradebook", "--course", str(sqlite.root), url]) == 2
    assert "already holds assignments or students" in capsys.readouterr().err
    assert _scores(moved) == _scores(sqlite)


def test_formgraders_manual_score_and_comment_survive_a_rerun(graded_on_both, server, capsys):
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    postgres, _ = graded_on_both
    # Exactly what formgrader's GradeHandler.put and CommentHandler.put do, on formgrader's own gradebook.
    coursedir = CourseDirectory(config=postgres.config())
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        grade = gb.find_grade("test_score_lesson_students", A, A, "blank")
        comment = gb.find_comment("predict", A, A, "blank")
        grade_id, comment_id = grade.id, comment.id
        grade = gb.find_grade_by_id(grade_id)
        grade.manual_score, grade.extra_credit = 1.5, None
        grade.needs_manual_grade = False
        gb.db.commit()
        comment = gb.find_comment_by_id(comment_id)
        comment.manual_comment = "Right idea: use the boundary's sign."
        gb.db.commit()

    assert main(["grade", "--course", str(postgres.root), A, "--workers", "1"]) == 0
    assert "***" not in capsys.readouterr().out  # nothing printed a URL at all
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        grade = gb.find_grade("test_score_lesson_students", A, A, "blank")
        assert (grade.manual_score, grade.auto_score, grade.score) == (1.5, 0.0, 1.5)
        comment = gb.find_comment("predict", A, A, "blank")
        assert comment.manual_comment == "Right idea: use the boundary's sign."
        assert gb.find_submission(A, "blank").score == 1.5
    page = (postgres.feedback_dir / "blank" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Right idea: use the boundary" in page and "Score: 1.5 / " in page
    # The password is in nbgrader_config.py only: no record, report, page or log the runs wrote holds it.
    written = [p for p in postgres.root.rglob("*") if p.is_file() and p.name != "nbgrader_config.py"]
    assert len(written) > 10
    assert not [p for p in written if server.password.encode() in p.read_bytes()]


def test_two_grading_runs_on_different_assignments_at_once_lose_nothing(server, tmp_path):
    # Both start on an empty database: they also race to create nbgrader's tables and the same students.
    course = _course(tmp_path, [A, B], server.create_database("two_runs"))
    students = ["ada", "ben"]
    for student in students:
        for assignment in (A, B):
            write_submission(course, student, assignment, answered_notebook(course, assignment))
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    runs = [subprocess.Popen([sys.executable, "-m", "autograder", "grade", "--course", str(course.root), assignment,
                              "--workers", "1", "--no-feedback"], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for assignment in (A, B)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with open_gradebook(course.db_url, course.course_id) as gb:
        for assignment in (A, B):
            submitted = {s.student.id: s for s in gb.assignment_submissions(assignment)}
            assert sorted(submitted) == students, assignment
            for student, submission in submitted.items():
                # Every submission is the solution: full marks, every test cell scored.
                assert submission.max_score > 0
                assert submission.score == submission.max_score, (assignment, student)
                assert all(g.auto_score is not None for nb in submission.notebooks for g in nb.grades)
        assert sorted(s.id for s in gb.students) == students  # each student once, though both runs added them


def _grade_output(course, capsys):
    code = main(["grade", "--course", str(course.root), A, "--workers", "1"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_unreachable_server_gets_a_clear_message_without_the_password(server, tmp_path, capsys):
    port = free_port()  # nothing listens there
    course = _course(tmp_path, [A], f"postgresql+psycopg2://grader:Secret-pw-42@127.0.0.1:{port}/course")
    write_submission(course, "ada", A, answered_notebook(course, A))
    code, output = _grade_output(course, capsys)
    assert code == 2
    assert f"postgresql+psycopg2://grader:***@127.0.0.1:{port}/course" in output
    assert "Connection refused" in output and f"pg_isready -h 127.0.0.1 -p {port}" in output
    assert "Secret-pw-42" not in output and "Traceback" not in output and "sqlalchemy" not in output.lower()
    assert not course.autograded_dir.exists()  # nothing graded that could not be recorded


def test_a_missing_database_names_the_command_that_creates_it(server, tmp_path, capsys):
    course = _course(tmp_path, [A], server.url("never_created"))
    code, output = _grade_output(course, capsys)
    assert code == 2
    assert f"createdb -h 127.0.0.1 -p {server.port} -U nntest never_created" in output
    assert server.password not in output and "Traceback" not in output


def test_a_bare_postgresql_url_says_which_driver_to_name(server, tmp_path, capsys):
    course = _course(tmp_path, [A], server.url("same_scores").replace("+psycopg2", ""))
    code, output = _grade_output(course, capsys)
    assert code == 2 and "postgresql+psycopg2://" in output and server.password not in output


def test_the_hubs_formgrader_opens_the_gradebook_the_grading_tool_writes(graded_on_both, tmp_path):
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    sys.path.insert(0, str(ROOT / "hub"))
    try:
        from hubctl import instructor_nbgrader_config
    finally:
        sys.path.remove(str(ROOT / "hub"))
    for course in graded_on_both:  # the PostgreSQL course, then the SQLite one
        role = tmp_path / course.root.parent.name
        role.mkdir()
        (role / "nbgrader_config.py").write_text(instructor_nbgrader_config(course.root))
        config = PyFileConfigLoader("nbgrader_config.py", path=str(role)).load_config()
        assert CourseDirectory(config=config).db_url == course.db_url


def test_a_server_lost_mid_run_keeps_what_was_recorded_and_a_rerun_finishes(server, tmp_path, monkeypatch):
    from autograder.gradebook import GradebookUnavailable
    from autograder.grading.record import Recorder

    course = _course(tmp_path, [A], server.create_database("outage"))
    write_submission(course, "perfect", A, answered_notebook(course, A))
    write_submission(course, "blank", A, release_notebook(course, A))
    recorded = []

    record = Recorder.record

    def record_then_lose_the_server(recorder, result):
        record(recorder, result)
        recorded.append(result.student)
        if len(recorded) == 1:
            server.halt()

    monkeypatch.setattr(Recorder, "record", record_then_lose_the_server)
    try:
        with pytest.raises(GradebookUnavailable) as raised:
            grade_course(course, [A], workers=1, feedback=False, out=lambda *_: None)
    finally:
        server.resume()
    message = str(raised.value)
    assert f"127.0.0.1:{server.port}" in message and server.password not in message
    assert "run the command again" in message
    # The first result was committed before the outage and is still there; no other was half-written.
    with open_gradebook(course.db_url, course.course_id) as gb:
        assert [s.student.id for s in gb.assignment_submissions(A)] == recorded
    assert sorted(p.name for p in course.autograded_dir.iterdir()) == recorded

    monkeypatch.setattr(Recorder, "record", record)
    grade_course(course, [A], workers=1, feedback=False, out=lambda *_: None)
    with open_gradebook(course.db_url, course.course_id) as gb:
        assert sorted(s.student.id for s in gb.assignment_submissions(A)) == ["blank", "perfect"]
