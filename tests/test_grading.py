"""The grading tool on bad input: every case is graded or reported with a clear status and message,
never aborts the run, and never changes another student's grade.

One scratch class of assignment 01 is graded once by the real pipeline (two worker processes, the
sandbox kernel, nbgrader's preprocessors); each test then looks at one student's outcome.
"""

import copy
import csv
import json
import re
import shutil
import textwrap

import nbformat
import pytest
from conftest import COURSE

from autograder.assignments import HIDDEN_BEGIN, HIDDEN_END, nbgrader_meta
from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, release_notebook, write_submission
from autograder.grade import grade_course
from autograder.report import score_band_counts, write_report

pytestmark = pytest.mark.slow
A = "01_admissions"
CELL_TIMEOUT = 4
TIME_CAP = 20

WRONG_PREDICT = "def predict(X, W, b):\n    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)\n"
TAMPERING = {
    "tamper_numpy": "import numpy\nnumpy.equal = lambda *a, **k: numpy.ones(1, dtype=bool)\nnumpy.array_equal = lambda *a, **k: True\n",
    "tamper_builtins": "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.any = lambda x: False\n",
    "tamper_checks": ("import nnhelpers.checks as _c\n_c.check_equal = lambda *a, **k: None\n"
                      "_c.check_integer_dtype = lambda *a, **k: None\ncheck_equal = _c.check_equal\n"),
    "tamper_sys_modules": ("import sys, types\n_fake = types.ModuleType('nnhelpers.checks')\n"
                           "for _n in dir(sys.modules['nnhelpers.checks']):\n"
                           "    setattr(_fake, _n, lambda *a, **k: None)\n"
                           "sys.modules['nnhelpers.checks'] = _fake\n"),
    "tamper_ipython": ("get_ipython().input_transformers_cleanup.append(\n"
                       "    lambda lines: ['pass\\n'] if any('check_' in line for line in lines) else lines)\n"),
    # The runner's own code: every later cell reports no outputs, so no failure.
    "tamper_runner": "import sys\nsys.modules['_autograder_runner'].RunnerShell.run = lambda self, source: []\n",
    # An audit hook of its own that never lets the grader's integrity probe finish.
    "tamper_probe": ("import sys, time\n"
                     "sys.addaudithook(lambda event, args: time.sleep(3600) if event == 'autograder.probe' else None)\n"),
}
# Writes on the runner's connection to the grader, in the middle of the accuracy cell.
WRITES_TO_THE_GRADER = """
import os
for _fd in os.listdir('/proc/self/fd'):
    try:
        if os.readlink(f'/proc/self/fd/{_fd}').startswith('socket:'):
            os.write(int(_fd), b'{"op": "outputs", "id": 1, "size": 2}\\n[]')
    except OSError:
        pass
"""


def _cells(nb, grade_id):
    return [i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == grade_id]


def build_class(course):
    """{student: what the submission does}; writes them into submitted/."""
    perfect = answered_notebook(course, A)
    students = {}

    def submit(student, content, note, **kwargs):
        write_submission(course, student, A, content, **kwargs)
        students[student] = note

    submit("perfect", perfect, "every answer right")
    submit("blank", release_notebook(course, A), "the release, unanswered")
    submit("invalid_json", '{"cells": [', "a truncated file")
    (course.submitted_dir / "missing_notebook" / A).mkdir(parents=True)
    students["missing_notebook"] = "a folder without the notebook"

    nb = copy.deepcopy(perfect)
    del nb.cells[_cells(nb, "test_score_lesson_students")[0]]
    submit("deleted_test", nb, "deleted a test cell")

    nb = answered_notebook(course, A, replacements={"predict": WRONG_PREDICT})
    del nb.cells[_cells(nb, "test_predict_on_boundary")[0]]
    submit("wrong_and_deleted_test", nb, "a wrong answer, and deleted the test that catches it")

    nb = copy.deepcopy(perfect)
    nb.cells[_cells(nb, "test_predict_on_boundary")[0]].source = "# I do not like this test\npass"
    submit("edited_test", nb, "replaced a test by pass")

    nb = copy.deepcopy(perfect)
    index = _cells(nb, "test_score_single_point")[0]
    nb.cells.insert(index, copy.deepcopy(nb.cells[index]))
    submit("duplicated_test", nb, "duplicated a test cell")

    nb = copy.deepcopy(perfect)
    index = _cells(nb, "test_score_lesson_students")[0]
    first, second = copy.deepcopy(nb.cells[index]), copy.deepcopy(nb.cells[index])
    lines = nb.cells[index].source.splitlines()
    first.source, second.source = "\n".join(lines[:3]), "\n".join(lines[3:])
    nb.cells[index:index + 1] = [first, second]
    submit("split_test", nb, "split a test cell in two")

    nb = copy.deepcopy(perfect)
    nb.cells[_cells(nb, "test_accuracy_values")[0]].metadata = {}
    submit("stripped_metadata", nb, "removed a test cell's metadata")

    loop = "def predict(X, W, b):\n    while True:\n        pass\n"
    submit("endless_loop", answered_notebook(course, A, replacements={"predict": loop}), "predict never returns")
    score_cell = perfect.cells[_cells(perfect, "score")[0]].source
    stubborn = score_cell + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
    submit("ignores_interrupt", answered_notebook(course, A, replacements={"score": stubborn}),
           "an endless loop that ignores interrupts, early in the notebook")
    slow = score_cell.replace("def score(X, W, b):", "import time\n\ndef score(X, W, b):\n    time.sleep(3.5)", 1)
    submit("slow_answer", answered_notebook(course, A, replacements={"score": slow}),
           "a right answer that takes 3.5 s per call (each cell under the timeout)")
    exit_code = "import os\nos._exit(3)\n"
    submit("kernel_exit", answered_notebook(course, A, replacements={"accuracy": exit_code}), "exits the kernel")
    crash = "import ctypes\nctypes.string_at(0)\n"
    submit("kernel_crash", answered_notebook(course, A, replacements={"accuracy": crash}), "crashes the interpreter")
    solutions = answered_notebook(course, A)
    accuracy_cell = solutions.cells[_cells(solutions, "accuracy")[0]].source
    submit("writes_to_the_grader", answered_notebook(course, A, replacements={"accuracy": accuracy_cell + WRITES_TO_THE_GRADER}),
           "writes a forged answer on the runner's connection to the grader")
    submit("memory_hog", answered_notebook(course, A, replacements={"accuracy": accuracy_cell + "\nhog = bytearray(3 * 1024**3)\n"}),
           "allocates 3 GiB")
    submit("huge_output", answered_notebook(course, A, replacements={"accuracy": accuracy_cell + "\nfor i in range(200000):\n    print('x' * 80)\n"}),
           "prints 16 MB")
    noisy = ("import sys\n\ndef accuracy(y_true, y_pred):\n    print('computing accuracy', file=sys.stderr)\n"
             "    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))\n")
    submit("stderr_correct", answered_notebook(course, A, replacements={"accuracy": noisy}), "a right answer that writes to stderr")
    for student, code in TAMPERING.items():
        submit(student, answered_notebook(course, A, replacements={"predict": WRONG_PREDICT + code}), "a wrong answer and tampering")
    peek = WRONG_PREDICT + f"\n_leak = open({str(course.source_dir / A / (A + '.ipynb'))!r}).read()\n"
    submit("reads_source", answered_notebook(course, A, replacements={"predict": peek}), "a wrong answer that reads the source notebook")
    return students


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_scratch_course(tmp_path_factory.mktemp("grading") / "course", COURSE, [A])
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Execute.timeout = {CELL_TIMEOUT}\n")
    students = build_class(course)
    results = {r.student: r for r in grade_course(course, [A], workers=2, time_cap=TIME_CAP, memory_bytes=1024**3,
                                                   out=lambda *_: None)}
    rows, paths = write_report(course, [A])
    return course, students, results, {r.student_id: r for r in rows}, paths


def row(graded, student):
    return graded[3][student]


def test_every_student_is_in_the_report_with_a_status(graded):
    course, students, results, rows, paths = graded
    assert set(rows) == set(students)
    with open(paths["grades"], newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == ["student_id", "assignment", "score", "max_score", "status", "flags"]
    assert {r["status"] for r in table} <= {"graded", "ungradable", "missing"}


def test_the_histogram_counts_every_graded_submission_in_its_band(graded):
    course, students, results, rows, paths = graded
    expected = [0] * 10
    for r in rows.values():
        if r.status == "graded" and r.max_score:
            expected[min(int(100 * r.score / r.max_score // 10), 9)] += 1  # 100% is in the last band
    assert score_band_counts(list(rows.values()), [A]).tolist() == [expected] and sum(expected) >= 10
    assert paths["histogram"].read_bytes().startswith(b"\x89PNG")


def test_a_perfect_submission_next_to_broken_ones_keeps_full_marks(graded):
    r = row(graded, "perfect")
    assert (r.status, r.score, r.max_score, r.flags) == ("graded", 13, 13, [])


def test_blank_release_scores_zero(graded):
    assert row(graded, "blank").score == 0 and row(graded, "blank").status == "graded"


def test_invalid_json_is_ungradable_with_the_reason(graded):
    r = row(graded, "invalid_json")
    assert r.status == "ungradable" and r.score == 0
    assert any("not a valid notebook" in f for f in r.flags)


def test_missing_notebook_is_reported_missing(graded):
    r = row(graded, "missing_notebook")
    assert r.status == "missing" and any("no 01_admissions.ipynb" in f for f in r.flags)


@pytest.mark.parametrize(("student", "finding"), [
    ("deleted_test", "test cell test_score_lesson_students was deleted"),
    ("edited_test", "locked cell test_predict_on_boundary was edited (restored)"),
    ("duplicated_test", "test cell test_score_single_point appears 2 times"),
    ("split_test", "test cell test_score_lesson_students appears 2 times"),
    ("stripped_metadata", "test cell test_accuracy_values was deleted or lost its metadata"),
])
def test_tampered_cells_are_restored_graded_and_flagged(graded, student, finding):
    r = row(graded, student)
    assert r.status == "graded" and r.score == r.max_score == 13, r.flags
    assert any(finding in f for f in r.flags), r.flags


def test_deleting_the_test_that_catches_a_mistake_does_not_dodge_it(graded):
    r = row(graded, "wrong_and_deleted_test")
    assert r.score == 10 and any("test_predict_on_boundary was deleted" in f for f in r.flags)


def test_an_endless_loop_costs_only_the_cells_that_call_it(graded):
    r = row(graded, "endless_loop")
    assert r.status == "graded" and r.score == 13 - 5, r.flags  # the three predict tests: 2 + 1 + 2 points
    test_rows = _tests(graded, "endless_loop")
    assert test_rows["test_score_lesson_students"] == 2 and test_rows["test_predict_on_boundary"] == 0


def test_a_loop_that_ignores_interrupts_gets_its_kernel_stopped(graded):
    r = row(graded, "ignores_interrupt")
    assert r.status == "graded" and r.score == 0, r.flags
    assert any("did not stop when interrupted, so the kernel was stopped" in f for f in r.flags), r.flags
    assert graded[2]["ignores_interrupt"].seconds < TIME_CAP


def test_the_time_cap_bounds_a_submission_of_slow_cells(graded):
    r = row(graded, "slow_answer")
    assert r.status == "graded" and 0 < r.score < 13, r  # the first tests pass, the rest are not run
    assert any(f"stopped at its time limit of {TIME_CAP} s" in f for f in r.flags), r.flags
    assert graded[2]["slow_answer"].seconds < TIME_CAP + 15


@pytest.mark.parametrize("student", ["kernel_exit", "kernel_crash"])
def test_a_dying_kernel_keeps_what_ran_and_says_so(graded, student):
    r = row(graded, student)
    assert r.status == "graded" and r.score == 10, r.flags  # the three accuracy points are lost
    assert any("kernel died in accuracy" in f and "not run" in f for f in r.flags), r.flags


def test_a_notebook_writing_on_its_connection_to_the_grader_is_stopped_there(graded):
    """The grader reads what a runner sends as hostile data: a forged answer is not the answer to its request."""
    r = row(graded, "writes_to_the_grader")
    assert r.status == "graded" and r.score == 10, r.flags  # the accuracy tests after the cell never ran
    assert any("answer to accuracy could not be read" in f and "not run" in f for f in r.flags), r.flags


def test_memory_exhaustion_stops_only_that_cell(graded):
    r = row(graded, "memory_hog")
    assert r.status == "graded" and r.score == 13
    assert any("MemoryError: it went over the memory limit" in f for f in r.flags), r.flags


def test_huge_output_is_cut_down(graded):
    course = graded[0]
    r = row(graded, "huge_output")
    assert r.status == "graded" and r.score == 13
    size = (course.autograded_dir / "huge_output" / A / f"{A}.ipynb").stat().st_size
    assert size < 2_000_000, f"the autograded notebook kept {size} bytes of output"


def test_stderr_from_a_correct_answer_costs_nothing(graded):
    r = row(graded, "stderr_correct")
    assert (r.score, r.flags) == (13, [])


@pytest.mark.parametrize("student", sorted(TAMPERING))
def test_tampering_is_flagged_and_never_gives_a_wrong_answer_full_marks(graded, student):
    r = row(graded, student)
    assert r.score < r.max_score, r
    assert any("tampering" in f for f in r.flags), r.flags


def test_tampering_that_cannot_fool_the_tests_loses_their_points(graded):
    # The checks hold private references to NumPy and builtins: patching them changes no verdict.
    results = graded[2]
    for student in ("tamper_numpy", "tamper_builtins"):
        assert results[student].score == 10, (student, results[student].flags)


def test_reading_files_outside_the_submission_is_flagged(graded):
    r = row(graded, "reads_source")
    assert any("read files outside its folder" in f and "source" in f for f in r.flags), r.flags


def test_feedback_never_shows_hidden_test_code(graded):
    course = graded[0]
    source = nbformat.read(str(COURSE.source_dir / A / f"{A}.ipynb"), as_version=4)
    secrets = [line.strip() for cell in source.cells if HIDDEN_BEGIN in cell.source
               for line in cell.source.split(HIDDEN_BEGIN)[1].split(HIDDEN_END)[0].splitlines() if len(line.strip()) > 25]
    assert secrets
    for student in ("perfect", "blank", "wrong_and_deleted_test"):
        html = (course.feedback_dir / student / A / f"{A}.html").read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", "", html).replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{student}'s feedback shows hidden test code: {leaked[:2]}"
        assert "hidden test: its code is not shown" in text


def test_a_failed_hidden_test_shows_its_name_and_hint_in_feedback(graded):
    course = graded[0]
    html = (course.feedback_dir / "wrong_and_deleted_test" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "test_predict_hidden" in html and "must be labelled 1" in html


def _tests(graded, student):
    with open(graded[4]["tests"], newline="") as handle:
        return {r["test"]: float(r["score"]) for r in csv.DictReader(handle) if r["student_id"] == student}


def test_rerun_is_idempotent_keeps_manual_grades_and_matches_one_worker(graded, tmp_path):
    from nbgrader.api import Gradebook

    course, _students, _results, rows, _paths = graded
    again = make_scratch_course(tmp_path / "again", COURSE, [A])
    shutil.copy2(course.root / "nbgrader_config.py", again.root / "nbgrader_config.py")
    shutil.copy2(course.gradebook_path, again.gradebook_path)
    chosen = ["perfect", "blank", "wrong_and_deleted_test", "duplicated_test", "stderr_correct", "tamper_numpy"]
    for student in chosen:
        shutil.copytree(course.submitted_dir / student, again.submitted_dir / student)
    with Gradebook(again.db_url) as gb:
        grade = gb.find_grade("test_score_lesson_students", A, A, "blank")
        grade.manual_score = 1.5  # a grader gave partial credit by hand
        gb.db.commit()
    grade_course(again, [A], workers=1, time_cap=TIME_CAP, out=lambda *_: None)
    regraded, _ = write_report(again, [A])
    by_student = {r.student_id: r for r in regraded}
    for student in chosen:
        expected = rows[student].score + (1.5 if student == "blank" else 0)
        assert by_student[student].score == expected, student
    record = json.loads((again.autograded_dir / "blank" / A / "autograder.json").read_text())
    assert record["autograde_score"] == 0
    # The feedback page shows the grader's partial credit, not the autograde's zero.
    page = (again.feedback_dir / "blank" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Score: 1.5 / 13.0" in page and "hidden test: its code is not shown" in page


def test_cli_reports_a_wrong_course_folder_clearly(tmp_path, capsys):
    from autograder.cli import main

    assert main(["--course", str(tmp_path), "grade"]) == 2
    assert "no nbgrader_config.py" in capsys.readouterr().err


def test_cli_names_an_unknown_assignment(capsys):
    from autograder.cli import main

    assert main(["release", "99_nothing"]) == 2
    assert "No assignment 99_nothing" in capsys.readouterr().err


def test_the_sandbox_refuses_to_start_outside_the_grader():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "autograder.grading.sandbox"], capture_output=True, text=True, timeout=60,
                            cwd=COURSE.root)
    assert result.returncode != 0 and "started by the grading worker" in result.stderr


def test_hidden_tests_never_reach_the_release():
    for assignment in COURSE.assignments():
        source = nbformat.read(str(COURSE.source_dir / assignment / f"{assignment}.ipynb"), as_version=4)
        released = (COURSE.release_dir / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in released and "BEGIN SOLUTION" not in released
        visible = "\n".join(c.source.split(HIDDEN_BEGIN)[0] + c.source.split(HIDDEN_END)[-1] for c in source.cells)
        for cell in source.cells:
            if HIDDEN_BEGIN in cell.source:
                hidden = cell.source.split(HIDDEN_BEGIN)[1].split(HIDDEN_END)[0]
                for line in hidden.splitlines():
                    if len(line.strip()) > 30 and "import" not in line and line.strip() not in visible:
                        assert json.dumps(line.strip())[1:-1] not in released, f"{assignment}: {line.strip()!r} is in release/"


def test_the_student_package_does_not_ship_the_grader():
    import tomllib

    config = tomllib.loads((COURSE.root / "pyproject.toml").read_text())
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["nnhelpers", "nnhelpers.*"]
    assert "autograder" not in textwrap.dedent((COURSE.root / "environment.yml").read_text())
