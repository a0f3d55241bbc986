"""Benchmark: plain ``nbgrader autograde`` against ``autograder grade`` on the same class (``make bench``).

A simulated class (60 students by default, every assignment, typical work only: right answers,
answers written differently, the catalogue's mistakes) is put into two identical scratch courses.
In the same run, one is graded the documented way (``nbgrader autograde <assignment>`` for each
assignment, sequentially) and the other with ``autograder grade --workers N`` (which also renders
every feedback page and the report). The scores of every test cell must agree. It prints both wall
times, notebooks per second, their ratio, and each tool's cost per notebook next to the floor: a
plain kernel started and the notebook's code run, with no grading around it.

    python -m autograder.devtools.bench [--students 60] [--workers N] [--keep]
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.course import Course, make_scratch_course, venv_on_path
from autograder.devtools.catalogue import load_cases
from autograder.devtools.simulate import answered_notebook, typical_submission, write_submission
from autograder.grade import grade_course
from autograder.grading.record import register_assignments
from autograder.release import generate
from autograder.report import write_report

SEED = 2026


def build_class(course, students):
    cases = load_cases(course.assignments())
    rng = random.Random(SEED)
    count = 0
    for number in range(1, students + 1):
        for assignment in course.assignments():
            notebook, _story = typical_submission(course, assignment, cases, rng)
            write_submission(course, f"student{number:03d}", assignment, notebook)
            count += 1
    return count


def run_nbgrader(course, assignments, log):
    """The documented way: nbgrader autograde, one assignment after another."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    for assignment in assignments:
        command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"]
        with open(log, "a", encoding="utf-8") as handle:
            result = subprocess.run(command, cwd=course.root, env=env, stdout=handle, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise SystemExit(f"nbgrader autograde {assignment} failed (exit {result.returncode}); see {log}")


def scores(course):
    """{(student, assignment, notebook, grade cell): auto score} from a gradebook."""
    table = {}
    with Gradebook(course.db_url) as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        table[(submission.student.id, assignment.name, notebook.name, grade.name)] = grade.auto_score
    return table


def floor_per_notebook(course, assignments, repeats=2):
    """Seconds to start a plain kernel and run a solved notebook's code, with nothing else around it."""
    from nbclient import NotebookClient

    timings = []
    for assignment in assignments:
        nb = answered_notebook(course, assignment)
        for _ in range(repeats):
            started = time.perf_counter()
            NotebookClient(nbformat.from_dict(nb), kernel_name="python3", timeout=120, allow_errors=True,
                           extra_arguments=["--IPKernelApp.log_level=ERROR"],
                           resources={"metadata": {"path": str(course.source_dir / assignment)}}).execute()
            timings.append(time.perf_counter() - started)
    return statistics.mean(timings)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the two scratch courses (printed at the end)")
    args = parser.parse_args(argv)
    source = Course.at()
    assignments = source.assignments()
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    os.environ["NNHELPERS_PROGRESS"] = "off"
    try:
        with venv_on_path():
            print(f"preparing a class of {args.students} students x {len(assignments)} assignments ...", flush=True)
            plain = make_scratch_course(scratch / "nbgrader", source, with_release=False)
            generate(plain, assignments)
            notebooks = build_class(plain, args.students)
            ours = make_scratch_course(scratch / "autograder", source, with_release=False)
            shutil.copytree(plain.release_dir, ours.release_dir)
            shutil.copytree(plain.submitted_dir, ours.submitted_dir)
            # Both gradebooks know the assignments before the clock starts (nbgrader's
            # generate_assignment for one, the same registration for the other).
            api = plain.api()
            for assignment in assignments:
                api.generate_assignment(assignment, force=True, create=True)
            register_assignments(ours, assignments)

            print(f"1/3 nbgrader autograde, sequential, {notebooks} notebooks ...", flush=True)
            started = time.perf_counter()
            run_nbgrader(plain, assignments, scratch / "nbgrader.log")
            plain_seconds = time.perf_counter() - started

            print(f"2/3 autograder grade --workers {args.workers} (with feedback and report) ...", flush=True)
            started = time.perf_counter()
            grade_course(ours, assignments, workers=args.workers, out=lambda *_: None)
            write_report(ours, assignments)
            our_seconds = time.perf_counter() - started

            print("3/3 the floor: a plain kernel running each solved notebook ...", flush=True)
            floor = floor_per_notebook(plain, assignments)

        expected, got = scores(plain), scores(ours)
        differences = [key for key in expected if expected[key] != got.get(key)]
        ratio = plain_seconds / our_seconds
        print()
        print(f"{'':32} {'wall time':>10} {'notebooks/s':>12} {'core-seconds per notebook':>26}")
        print(f"{'nbgrader autograde (1 process)':32} {plain_seconds:9.1f}s {notebooks / plain_seconds:12.2f} "
              f"{plain_seconds / notebooks:26.2f}")
        print(f"{f'autograder grade ({args.workers} workers)':32} {our_seconds:9.1f}s {notebooks / our_seconds:12.2f} "
              f"{our_seconds * args.workers / notebooks:26.2f}")
        print(f"{'floor: start a kernel, run code':32} {'':>10} {'':>12} {floor:26.2f}")
        print()
        print(f"speed-up: {ratio:.2f}x nbgrader on {args.workers} worker(s) (target on 2 cores: at least 1.8x)")
        print(f"per notebook: nbgrader {plain_seconds / notebooks / floor:.2f}x the floor, autograder "
              f"{our_seconds * args.workers / notebooks / floor:.2f}x the floor (core-seconds)")
        print(f"scores: {len(expected)} test cells compared, {len(differences)} different")
        for key in differences[:10]:
            print(f"  {key}: nbgrader {expected[key]}, autograder {got.get(key)}")
        if args.keep:
            print(f"kept: {scratch}")
        return 1 if differences or len(got) != len(expected) else 0
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
