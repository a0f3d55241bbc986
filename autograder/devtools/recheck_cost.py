"""What the trusted re-check costs per notebook: the same submissions graded with it and without it.

    python -m autograder.devtools.recheck_cost [--assignments 01_admissions 08_backpropagation] [--copies 3]

Each assignment gets ``copies`` correct submissions, graded by the real pipeline on one worker (jail on),
after a warm-up run: once with the re-check switched off (the test cells then run in the runner only,
hidden parts included: the grader before the re-check), then as the grader does. Prints the mean
seconds per notebook of each run, the difference and the ratio. The re-check cannot be switched off
outside this measurement.
"""

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from autograder.assignments import AssignmentSpec
from autograder.course import Course, make_scratch_course
from autograder.devtools.simulate import answered_notebook, write_submission
from autograder.grade import grade_course


def without_recheck():
    """Grading inside this context runs no trusted re-check: each test cell runs in the runner only, hidden
    part included (the grader before the re-check). Only for measuring what the re-check costs."""
    return mock.patch.object(AssignmentSpec, "replay_plans", lambda self: {})


def _grade(course, assignments, recheck):
    with contextlib.nullcontext() if recheck else without_recheck():
        started = time.monotonic()
        results = grade_course(course, assignments, workers=1, feedback=False, out=lambda *_: None)
        wall = time.monotonic() - started
    full = all(r.score == r.max_score and not r.flags for r in results)
    return [r.seconds for r in results], wall, full


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="*", default=["01_admissions", "05_one_hot", "08_backpropagation",
                                                               "10_multiclass"])
    parser.add_argument("--copies", type=int, default=3)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="recheck-cost-"))
    try:
        course = make_scratch_course(scratch / "course", Course.at(Path(__file__).resolve().parents[2]), args.assignments)
        for assignment in args.assignments:
            for copy in range(args.copies):
                write_submission(course, f"student{copy}", assignment, answered_notebook(course, assignment))
        _grade(course, args.assignments[:1], recheck=False)  # warm the file cache before measuring
        runs = {}
        for label, recheck in (("without the re-check", False), ("with the re-check", True)):
            seconds, wall, full = _grade(course, args.assignments, recheck)
            runs[label] = statistics.mean(seconds)
            print(f"{label:>22}: {len(seconds)} notebooks, {runs[label]:.2f} s per notebook (mean), "
                  f"{wall:.1f} s in all; every one full marks and unflagged: {full}")
        before, after = runs["without the re-check"], runs["with the re-check"]
        print(f"the re-check adds {after - before:+.2f} s per notebook (ratio {after / before:.2f})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
