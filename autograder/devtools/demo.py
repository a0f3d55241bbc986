"""The main job, end to end on a simulated class (``make demo``).

In a scratch course folder (``demo-course/``, never committed) it releases every assignment,
simulates a class of 30 students (perfect, blank, typical mistakes from the self-test catalogue,
and a few troublemakers: a broken file, a renamed copy, missing work, deleted tests, an endless
loop, a crash, a memory hog, a flood of output, tampering), exports their work as a zip like a
learning platform would, collects it, grades it in parallel and writes the report.
"""

import csv
import random
import shutil
import time
import zipfile
from pathlib import Path

import nbformat

from autograder.assignments import nbgrader_meta
from autograder.collect import collect
from autograder.course import make_scratch_course
from autograder.devtools.catalogue import load_cases
from autograder.devtools.simulate import answered_notebook, release_notebook, typical_submission
from autograder.grade import grade_course
from autograder.release import generate
from autograder.report import write_report

SEED = 42
CLASS_SIZE = 30

# Troublemakers: (assignment, what they do). Everything else they hand in is typical.
TROUBLE = {
    "student23": ("02_perceptron", "a truncated, invalid notebook file"),
    "student24": ("03_log_loss", "saved the work as a copy, 03_log_loss-Copy1.ipynb"),
    "student25": ("04_softmax", "did not hand in 04 and 05"),
    "student26": ("01_admissions", "deleted one test cell and emptied another"),
    "student27": ("06_maximum_likelihood", "left an endless loop in an answer cell"),
    "student28": ("07_gradient_descent", "an answer cell that exits the Python process"),
    "student29": ("08_backpropagation", "an answer cell that allocates 3 GiB"),
    "student30": ("01_admissions", "a wrong answer plus code that disables the checks"),
}


def _answer_cell(course, assignment, function):
    nb = answered_notebook(course, assignment)
    return next(c.source for c in nb.cells if nbgrader_meta(c).get("grade_id") == function)


def _first_function(course, assignment):
    nb = release_notebook(course, assignment)
    return next(nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution"))


def _trouble(course, assignment, student, cases):
    """The troublemaker's submission for its assignment: (file name, content, story)."""
    name = f"{assignment}.ipynb"
    function = _first_function(course, assignment)
    story = TROUBLE[student][1]
    if student == "student23":
        return name, nbformat.writes(answered_notebook(course, assignment))[:2000], story
    if student == "student24":
        return f"{assignment}-Copy1.ipynb", answered_notebook(course, assignment), story
    if student == "student26":
        nb = answered_notebook(course, assignment)
        tests = [i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade")]
        nb.cells[tests[1]].source = "# this test was annoying\npass"
        del nb.cells[tests[0]]
        return name, nb, story
    extra = {
        "student27": "\nwhile True:\n    pass\n",
        "student28": "\nimport os\nos._exit(1)\n",
        "student29": "\nhoard = bytearray(3 * 1024**3)\n",
    }
    if student in extra:
        code = _answer_cell(course, assignment, function) + extra[student]
        return name, answered_notebook(course, assignment, replacements={function: code}), story
    tamper = next(c for c in cases if c.assignment == assignment and c.expect == "tampered")
    return name, answered_notebook(course, assignment, replacements={tamper.function: tamper.code}), story


def simulate_class(course, inbound, cases, out):
    """Write the class's work as ``inbound/<student>/<assignment>/<file>`` and return the roster."""
    rng = random.Random(SEED)
    roster = []
    for number in range(1, CLASS_SIZE + 1):
        student = f"student{number:02d}"
        for assignment in course.assignments():
            folder = inbound / student / assignment
            if student == "student25" and assignment in ("04_softmax", "05_one_hot"):
                roster.append((student, assignment, "did not hand it in"))
                continue
            if number <= 4:
                filename, content, story = f"{assignment}.ipynb", answered_notebook(course, assignment), "perfect student"
            elif number <= 6:
                filename, content, story = f"{assignment}.ipynb", release_notebook(course, assignment), "handed in the blank notebook"
            elif student in TROUBLE and TROUBLE[student][0] == assignment:
                filename, content, story = _trouble(course, assignment, student, cases)
            else:
                content, story = typical_submission(course, assignment, cases, rng)
                filename = f"{assignment}.ipynb"
            folder.mkdir(parents=True, exist_ok=True)
            text = content if isinstance(content, str) else nbformat.writes(content)
            (folder / filename).write_text(text, encoding="utf-8")
            roster.append((student, assignment, story))
    out(f"      {CLASS_SIZE} students, {len(roster)} student-assignment pairs")
    return roster


def _export_zip(inbound, target):
    """Zip the class's folders inside one top folder, as a learning platform's download does."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(inbound.rglob("*")):
            if path.is_file():
                archive.write(path, Path("course-export") / path.relative_to(inbound))


def demo(course, target=None, workers=None, out=print):
    started = time.monotonic()
    target = Path(target or course.root / "demo-course")
    out(f"1/5 a scratch course in {target}")
    scratch = make_scratch_course(target, course, with_release=False)
    assignments = scratch.assignments()
    out(f"2/5 releasing {len(assignments)} assignments with nbgrader into {target / 'release'}")
    generate(scratch, assignments)
    out("3/5 simulating the class")
    cases = load_cases(assignments)
    inbound = target / "inbound"
    roster = simulate_class(scratch, inbound, cases, out)
    with (target / "class.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "assignment", "what the simulation handed in"])
        writer.writerows(roster)
    export = target / "submissions.zip"
    _export_zip(inbound, export)
    shutil.rmtree(inbound)
    out(f"4/5 collecting {export.name} (as downloaded from the learning platform)")
    report = collect(scratch, export, out=lambda line: None)
    out(f"      {len(report.taken)} taken, {len(report.renamed)} renamed, {len(report.refused)} refused")
    for line in report.renamed + report.refused:
        out(f"      {line}")
    out(f"5/5 grading with {workers or 'all'} worker process(es)")
    results = grade_course(scratch, assignments, workers=workers, out=lambda line: out(f"      {line}"))
    rows, paths = write_report(scratch, assignments)
    elapsed = time.monotonic() - started
    out("")
    out((paths["summary"]).read_text(encoding="utf-8").split("## Tests most often failed")[0].strip())
    out("")
    flagged = [r for r in rows if r.status != "missing" and (r.flags or r.status != "graded")]
    out(f"Graded {len(results)} submissions of {CLASS_SIZE} students in {elapsed:.0f} s; "
        f"{len(flagged)} need a person's look (listed in the summary).")
    out("The report:")
    for label, path in (("grades (one row per student and assignment)", paths["grades"]),
                        ("summary (statistics, most-failed tests, flagged work)", paths["summary"]),
                        ("per-test breakdown", paths["tests"]), ("histogram", paths["histogram"]),
                        ("feedback for students", scratch.feedback_dir),
                        ("what each simulated student did", target / "class.csv")):
        out(f"  {label:55} {path}")
    return rows
