"""The instructor's report: grades.csv, a per-test breakdown, a summary and a histogram.

Scores come back from the gradebook, so a grader's manual changes (in formgrader) are included;
status and flags come from each submission's record file. The report is rebuilt from those two
sources every time, so it covers every student and assignment ever graded, not only this run's.
"""

import csv
import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field

from nbgrader.api import Assignment, BaseCell, Grade, Notebook, Student, SubmittedAssignment, SubmittedNotebook

from autograder.assignments import read_assignment_spec
from autograder.grade import roster
from autograder.gradebook import joined_to_cells, open_gradebook
from autograder.grading.integrity import Flag, FlagKind, Status
from autograder.grading.record import read_record

GRADES_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "flags"]
TESTS_COLUMNS = ["student_id", "assignment", "notebook", "test", "function", "hidden", "score", "max_score"]


@dataclass
class Row:
    student_id: str
    assignment: str
    score: float
    max_score: float
    status: Status
    flags: list[Flag] = field(default_factory=list)


def _fmt(value):
    return f"{value:g}"


def _submissions(gb, assignment):
    """{student: (score, max_score)} of an assignment's recorded submissions, in one query."""
    query = (gb.db.query(Student.id, SubmittedAssignment.score, SubmittedAssignment.max_score)
             .join(SubmittedAssignment, SubmittedAssignment.student_id == Student.id)
             .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
             .filter(Assignment.name == assignment))
    return {student: (float(score or 0.0), float(max_score or 0.0)) for student, score, max_score in query}


def _grades(gb, assignment):
    """{student: [(notebook, test, score, max_score, manual_score)]} of an assignment, in one query (reading them
    through each submission's notebooks and cells took several queries a cell)."""
    selected = gb.db.query(Student.id, Notebook.name, BaseCell.name, Grade.score, Grade.max_score, Grade.manual_score)
    query = (joined_to_cells(selected.select_from(Grade), Grade)
             .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
             .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
             .join(Student, Student.id == SubmittedAssignment.student_id)
             .filter(Assignment.name == assignment))
    grades = {}
    for student, *grade in query:
        grades.setdefault(student, []).append(tuple(grade))
    return grades


def collect_rows(course, assignments):
    rows, test_rows = [], []
    students = roster(course)
    with open_gradebook(course.db_url, course.course_id) as gb:
        for assignment in assignments:
            spec = read_assignment_spec(course, assignment)
            tests = {t.grade_id: t for t in spec.tests}
            order = {t.grade_id: index for index, t in enumerate(spec.tests)}
            submissions, grades = _submissions(gb, assignment), _grades(gb, assignment)
            for student in students:
                saved = read_record(course, student, assignment)
                if student not in submissions:
                    status = Status(saved["status"]) if saved else Status.MISSING
                    flags = saved["flags"] if saved else [Flag(FlagKind.UNGRADABLE, "no submission")]
                    rows.append(Row(student, assignment, 0.0, spec.max_score, status, list(flags)))
                    continue
                flags = list(saved["flags"]) if saved else []
                status = Status(saved["status"]) if saved else Status.GRADED
                score, max_score = submissions[student]
                cells = sorted(grades.get(student, []), key=lambda g: (g[0], order.get(g[1], len(order)), g[1]))
                manual = any(manual_score is not None for *_, manual_score in cells)
                if saved and saved.get("tampered"):
                    if manual:
                        flags.append(Flag(FlagKind.WITHHELD, "reviewed by a grader after tampering was flagged"))
                    else:
                        flags.append(Flag(FlagKind.WITHHELD,
                                          f"score withheld until a person reviews it (autograde gave {_fmt(score)})"))
                        score = 0.0
                rows.append(Row(student, assignment, score, max_score, status, flags))
                for notebook, name, cell_score, cell_max, _manual in cells:
                    test = tests.get(name)
                    test_rows.append([student, assignment, notebook, name, test.function if test else "",
                                      bool(test and test.hidden), _fmt(cell_score or 0.0), _fmt(cell_max or 0.0)])
    return rows, test_rows


def _summary(rows, test_rows, assignments):
    lines = ["# Grading summary", ""]
    by_assignment = {a: [r for r in rows if r.assignment == a] for a in assignments}
    lines += ["| assignment | graded | ungradable | missing | mean | median | min | max | out of |",
              "|---|---|---|---|---|---|---|---|---|"]
    for assignment, group in by_assignment.items():
        graded = [r.score for r in group if r.status == "graded"]
        counts = Counter(r.status for r in group)
        stats = (f"{statistics.mean(graded):.1f} | {statistics.median(graded):.1f} | {min(graded):g} | {max(graded):g}"
                 if graded else "- | - | - | -")
        out_of = group[0].max_score if group else 0
        lines.append(f"| {assignment} | {counts['graded']} | {counts['ungradable']} | {counts['missing']} | {stats} | {out_of:g} |")
    lines += ["", "## Tests most often failed", "",
              "The tests that the most graded submissions lost points on: where to spend the next class.", ""]
    for assignment in assignments:
        failures = Counter()
        totals = Counter()
        for _student, a, _nb, test, _function, _hidden, score, max_score in test_rows:
            if a != assignment:
                continue
            totals[test] += 1
            if float(score) < float(max_score):
                failures[test] += 1
        worst = [(t, n) for t, n in failures.most_common(3) if n]
        if worst:
            described = ", ".join(f"`{t}` ({n} of {totals[t]})" for t, n in worst)
            lines.append(f"- **{assignment}**: {described}")
    flagged = [r for r in rows if r.status != "missing" and (r.flags or r.status != "graded")]
    lines += ["", "## Submissions a person should look at", ""]
    if not flagged:
        lines.append("None.")
    for r in flagged:
        lines.append(f"- **{r.student_id} / {r.assignment}** ({r.status}, {r.score:g}/{r.max_score:g}): " + "; ".join(r.flags))
    return "\n".join(lines) + "\n"


SCORE_BANDS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001]  # percent; the last band includes 100


def score_band_counts(rows, assignments):
    """How many graded submissions of each assignment fall in each band of SCORE_BANDS: one row per assignment."""
    import numpy as np

    counts = []
    for assignment in assignments:
        graded = [100 * r.score / r.max_score for r in rows if r.assignment == assignment and r.status == "graded" and r.max_score]
        counts.append(np.histogram(graded, bins=SCORE_BANDS)[0])
    return np.array(counts, dtype=int).reshape(len(assignments), len(SCORE_BANDS) - 1)


def _histogram(rows, assignments, path):
    """The class's scores as one table of histograms: a row per assignment, a column per band of 10 points, each
    square shaded and labelled with its number of submissions (one set of axes: a tenth of the drawing a figure
    of ten histograms took)."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nnhelpers.plotting import use_course_style

    use_course_style()
    names = list(assignments) or ["(no assignments)"]
    shown = score_band_counts(rows, assignments) if assignments else np.zeros((1, len(SCORE_BANDS) - 1), dtype=int)
    label_inches = 0.3 + 0.085 * max(len(name) for name in names)
    width, height = label_inches + 6.4, 1.3 + 0.32 * len(names)
    figure, ax = plt.subplots(figsize=(width, height))
    figure.subplots_adjust(left=label_inches / width, right=1 - 0.2 / width, bottom=0.75 / height, top=1 - 0.45 / height)
    ax.imshow(shown, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, int(shown.max())))
    ax.grid(False)
    ax.set_xticks(range(len(SCORE_BANDS) - 1), [f"{low}-{high:.0f}" for low, high in itertools.pairwise(SCORE_BANDS)])
    ax.set_yticks(range(len(names)), names)
    ax.tick_params(length=0)
    for (line, column), count in np.ndenumerate(shown):
        if count:
            ax.text(column, line, str(count), ha="center", va="center", fontsize=8,
                    color="white" if count > shown.max() / 2 else "black")
    ax.set_xlabel("score (%)")
    ax.set_title("graded submissions per score band", fontsize=10)
    figure.savefig(path, dpi=90)
    plt.close(figure)


def write_report(course, assignments=None):
    """Write grades.csv and reports/; returns (rows, paths)."""
    assignments = course.resolve_assignments(assignments)
    rows, test_rows = collect_rows(course, assignments)
    course.reports_dir.mkdir(exist_ok=True)
    grades_path = course.root / "grades.csv"
    with grades_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(GRADES_COLUMNS)
        for r in rows:
            writer.writerow([r.student_id, r.assignment, _fmt(r.score), _fmt(r.max_score), r.status, "; ".join(r.flags)])
    tests_path = course.reports_dir / "tests.csv"
    with tests_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TESTS_COLUMNS)
        writer.writerows(test_rows)
    summary_path = course.reports_dir / "summary.md"
    summary_path.write_text(_summary(rows, test_rows, assignments), encoding="utf-8")
    histogram_path = course.reports_dir / "histogram.png"
    _histogram(rows, assignments, histogram_path)
    return rows, {"grades": grades_path, "tests": tests_path, "summary": summary_path, "histogram": histogram_path}
