"""The self-test: the catalogue's answers graded by the real pipeline, as a class would be.

Each case becomes one student's submission (the release with every answer filled in from the
solutions, except the case's cell) in a scratch copy of the course; a perfect and a blank
submission per assignment come along as controls. Everything is graded with ``grade_course``,
the same code path as ``python -m autograder grade``, and then judged:

- perfect: full marks, no flags; blank: zero;
- ``correct``: full marks and no flags (a different but right answer is never marked wrong). Correct
  answers to different functions of one assignment share a submission (one per function at most),
  which is only sound because a wrong answer anywhere loses a point; a shared submission that does
  not get full marks is graded again one case at a time, so a failure always names its case;
- ``wrong``: loses points, on every test named in ``must_fail``;
- ``tampered``: is flagged, and either loses points on its ``must_fail`` tests (the tests held) or
  has its score withheld for review (the tampering fooled the tests inside the notebook).
"""

import shutil
import tempfile
import time
from pathlib import Path

from autograder.assignments import read_assignment_spec
from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, release_notebook, write_submission
from autograder.grade import grade_course
from autograder.grading.integrity import FlagKind
from autograder.report import collect_rows


def student_id(case):
    return f"{case.assignment[:2]}-{case.name}"[:100]


def correct_groups(cases):
    """{student id: [cases]}: each assignment's correct answers, at most one per function per submission."""
    by_function = {}
    for case in cases:
        if case.expect == "correct":
            by_function.setdefault((case.assignment, case.function), []).append(case)
    groups = {}
    for (assignment, _function), answers in sorted(by_function.items()):
        for number, case in enumerate(answers):
            groups.setdefault(f"{assignment[:2]}-correct-{number}", []).append(case)
    return groups


def _write_case_submission(scratch, student, cases):
    replacements = {case.function: case.code for case in cases}
    submission = answered_notebook(scratch, cases[0].assignment, replacements=replacements)
    write_submission(scratch, student, cases[0].assignment, submission)


def _graded_rows(scratch, assignments):
    rows, test_rows = collect_rows(scratch, assignments)
    by_pair = {(r.student_id, r.assignment): r for r in rows}
    tests = {}
    for student, assignment, _nb, test, _function, _hidden, score, points in test_rows:
        tests.setdefault((student, assignment), {})[test] = (float(score), float(points))
    return by_pair, tests


def check_catalogue(course, cases):
    """Problems with the catalogue itself: a case naming a function or test that does not exist."""
    problems = []
    specs = {}
    for case in cases:
        spec = specs.setdefault(case.assignment, read_assignment_spec(course, case.assignment))
        if case.function not in spec.functions:
            problems.append(f"{case.id}: no answer cell {case.function!r} in {case.assignment}")
        known = {t.grade_id for t in spec.tests}
        for test in case.must_fail:
            if test not in known:
                problems.append(f"{case.id}: must_fail names {test!r}, which is not a test of {case.assignment}")
    return problems


def judge(case, row, test_scores):
    """(ok, explanation) for one case given its report row and {test: (score, max)}."""
    lost = sorted(t for t, (score, points) in test_scores.items() if score < points)
    if case.expect == "correct":
        if row.score == row.max_score and not row.flags:
            return True, "full marks"
        return False, f"a correct answer lost points on {lost or 'nothing'} (flags: {row.flags})"
    withheld = any(f.kind == FlagKind.WITHHELD for f in row.flags)
    if row.score >= row.max_score:
        return False, f"a wrong answer got full marks (flags: {row.flags})"
    if case.expect == "tampered":
        if not any(f.kind in (FlagKind.TAMPERING, FlagKind.FILES) for f in row.flags):
            return False, "tampering was not flagged"
        if withheld:  # the tampering fooled the tests in the notebook; the grader held the score back
            return True, "flagged, score withheld for review"
    missed = [t for t in case.must_fail if t not in lost]
    if missed:
        return False, f"lost points on {lost} but not on {missed}"
    return True, f"{row.score:g}/{row.max_score:g}, lost points on {', '.join(lost)}"


def selftest(course, cases, workers=None, out=print, keep=None):
    """Run the self-test; True when every case and control behaves as expected."""
    problems = check_catalogue(course, cases)
    if problems:
        for problem in problems:
            out(f"catalogue error: {problem}")
        return False
    assignments = sorted({case.assignment for case in cases})
    started = time.monotonic()
    scratch_parent = Path(tempfile.mkdtemp(prefix="selftest-"))
    try:
        scratch = make_scratch_course(scratch_parent / "course", course, assignments)
        for assignment in assignments:
            write_submission(scratch, "control-perfect", assignment, answered_notebook(scratch, assignment))
            write_submission(scratch, "control-blank", assignment, release_notebook(scratch, assignment))
        groups = correct_groups(cases)
        student_of = {}
        for student, grouped in groups.items():
            _write_case_submission(scratch, student, grouped)
            student_of.update({case.id: student for case in grouped})
        for case in cases:
            if case.expect != "correct":
                student_of[case.id] = student_id(case)
                _write_case_submission(scratch, student_id(case), [case])
        grade_course(scratch, assignments, workers=workers, feedback=False, out=lambda *_: None)
        by_pair, tests = _graded_rows(scratch, assignments)
        # A shared submission that lost points: grade its cases one by one, to name the culprit.
        failed = [case for student, grouped in groups.items() for case in grouped
                  if not judge(case, by_pair[(student, case.assignment)], {})[0] and len(grouped) > 1]
        if failed:
            for case in failed:
                student_of[case.id] = student_id(case)
                _write_case_submission(scratch, student_id(case), [case])
            grade_course(scratch, sorted({c.assignment for c in failed}), workers=workers, feedback=False,
                         students={student_id(c) for c in failed}, out=lambda *_: None)
            by_pair, tests = _graded_rows(scratch, assignments)
        ok = True
        for assignment in assignments:
            perfect, blank = by_pair[("control-perfect", assignment)], by_pair[("control-blank", assignment)]
            if perfect.score != perfect.max_score or perfect.flags:
                ok = False
                out(f"BAD  {assignment}: the solutions get {perfect.score:g}/{perfect.max_score:g} {perfect.flags}")
            if blank.score != 0:
                ok = False
                out(f"BAD  {assignment}: the unanswered release gets {blank.score:g} points")
        counts = {"wrong": 0, "correct": 0, "tampered": 0}
        for case in cases:
            key = (student_of[case.id], case.assignment)
            good, why = judge(case, by_pair[key], tests.get(key, {}))
            ok &= good
            counts[case.expect] += 1
            out(f"{'ok  ' if good else 'BAD '} {case.id} ({case.expect}): {why}")
        out(f"self-test: {len(cases)} cases ({counts['wrong']} wrong, {counts['correct']} correct, "
            f"{counts['tampered']} tampered; the correct ones in {len(groups)} shared submissions) and "
            f"{2 * len(assignments)} controls in {time.monotonic() - started:.0f} s: "
            f"{'all as expected' if ok else 'PROBLEMS above'}")
        return ok
    finally:
        if keep:
            shutil.copytree(scratch_parent / "course", keep, dirs_exist_ok=True)
        shutil.rmtree(scratch_parent, ignore_errors=True)
