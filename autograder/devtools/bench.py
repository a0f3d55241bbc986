"""Benchmark: plain ``nbgrader autograde`` against ``autograder grade`` on the same class (``make bench``).

One simulated class (every assignment, typical work only: right answers, answers written differently,
the catalogue's mistakes) is built once. In the same run, on identical copies of its first
``--students`` students:

1. plain ``nbgrader autograde <assignment>``, one assignment after another (the documented way);
2. ``autograder grade --workers N`` in its jail, with feedback pages and the report;
3. the same without the jail (``--no-jail``): what the jail costs;
4. the same on a fresh Dask ``LocalCluster`` of N worker processes (``--scheduler``; its start and stop
   included): what Dask costs;
5. the floor: a plain kernel started and a solved notebook's code run, with no grading around it.

The scores of every test cell must be identical across 1, 2 and 4. Then the class is graded at the
sizes of ``--scaling`` to show how the cost grows with it. Every time printed is wall time in this run;
"core-seconds per notebook" is wall time x processes / notebooks.

    python -m autograder.devtools.bench [--students 8] [--scaling 4,8,16] [--workers N] [--keep]
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
from autograder.grading.cluster import grade_on_local_cluster
from autograder.grading.record import register_assignments
from autograder.release import generate
from autograder.report import write_report

SEED = 2026
TARGET_SPEEDUP = 5.0  # issue 11: at least 5x plain nbgrader on 2 cores
TARGET_JAIL_COST = 1.10  # issue 10: the jail costs at most 10% more per notebook


def student_id(number):
    return f"student{number:03d}"


def build_class(course, students):
    """Write every student's submissions; student n's work does not depend on the class size."""
    cases = load_cases(course.assignments())
    count = 0
    for number in range(1, students + 1):
        rng = random.Random(SEED * 100_003 + number)
        for assignment in course.assignments():
            notebook, _story = typical_submission(course, assignment, cases, rng)
            write_submission(course, student_id(number), assignment, notebook)
            count += 1
    return count


def simulated_class(folder, students):
    """A scratch copy of this course at ``folder``, its releases generated and the first ``students`` simulated
    students' submissions written; (the course, how many notebooks were submitted)."""
    source = Course.at()
    course = make_scratch_course(folder, source, with_release=False)
    generate(course, source.assignments())
    return course, build_class(course, students)


def copy_of_class(master, target, students):
    """A fresh course with the releases and the first ``students`` students' submissions of ``master``."""
    course = make_scratch_course(target, master, with_release=False)
    shutil.copytree(master.release_dir, course.release_dir)
    for number in range(1, students + 1):
        shutil.copytree(master.submitted_dir / student_id(number), course.submitted_dir / student_id(number))
    return course


def run_nbgrader(course, assignments, log):
    """The documented way: nbgrader autograde, one assignment after another."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    api = course.api()
    for assignment in assignments:
        api.generate_assignment(assignment, force=True, create=True)  # before the clock, as for ours
    started = time.perf_counter()
    for assignment in assignments:
        command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"]
        with open(log, "a", encoding="utf-8") as handle:
            result = subprocess.run(command, cwd=course.root, env=env, stdout=handle, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise SystemExit(f"nbgrader autograde {assignment} failed (exit {result.returncode}); see {log}")
    return time.perf_counter() - started


def run_ours(course, assignments, workers, on_local_cluster=False, **options):
    """Seconds to grade and report; ``on_local_cluster`` grades on a fresh Dask LocalCluster, its start
    and stop counted, as a user of a new cluster pays them."""
    register_assignments(course, assignments)  # before the clock, as nbgrader's generate_assignment
    started = time.perf_counter()
    if on_local_cluster:
        grade_on_local_cluster(course, workers, assignments=assignments, out=lambda *_: None, **options)
    else:
        grade_course(course, assignments, workers=workers, out=lambda *_: None, **options)
    write_report(course, assignments)
    return time.perf_counter() - started


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


def floor_per_notebook(course, assignments, repeats=1):
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


def differences(expected, got):
    keys = set(expected) | set(got)
    return sorted(key for key in keys if expected.get(key) != got.get(key))


def linear_fit(points):
    """Least-squares seconds = fixed + per_notebook * notebooks, and the worst relative residual."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    slope, intercept = statistics.linear_regression(xs, ys)
    worst = max(abs(y - (intercept + slope * x)) / y for x, y in points)
    return intercept, slope, worst


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=8,
                        help="the class every tool grades (default 8: the largest whose bench stays well under 10 minutes on 2 cores)")
    parser.add_argument("--scaling", default="4,8,16",
                        help="class sizes graded by the local grader to show how its cost grows (default 4,8,16)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask cluster")
    parser.add_argument("--keep", action="store_true", help="keep the scratch courses (printed at the end)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.scaling.split(",") if s.strip()})
    source = Course.at()
    assignments = source.assignments()
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    os.environ["NNHELPERS_PROGRESS"] = "off"
    workers = args.workers
    try:
        with venv_on_path():
            largest = max([args.students, *sizes])
            print(f"preparing a class of {largest} students x {len(assignments)} assignments ...", flush=True)
            master, _ = simulated_class(scratch / "master", largest)
            notebooks = args.students * len(assignments)
            runs = {}

            print(f"1 nbgrader autograde, sequential, {notebooks} notebooks ...", flush=True)
            plain = copy_of_class(master, scratch / "nbgrader", args.students)
            runs["nbgrader"] = (run_nbgrader(plain, assignments, scratch / "nbgrader.log"), 1)
            expected = scores(plain)

            print(f"2 autograder grade --workers {workers}, jailed ...", flush=True)
            jailed = copy_of_class(master, scratch / "jailed", args.students)
            runs["jailed"] = (run_ours(jailed, assignments, workers), workers)

            print(f"3 autograder grade --workers {workers} --no-jail ...", flush=True)
            unjailed = copy_of_class(master, scratch / "unjailed", args.students)
            runs["unjailed"] = (run_ours(unjailed, assignments, workers, jail=False), workers)

            if not args.no_dask:
                print(f"4 autograder grade --scheduler (a Dask cluster of {workers} worker processes), jailed ...", flush=True)
                on_dask = copy_of_class(master, scratch / "dask", args.students)
                runs["dask"] = (run_ours(on_dask, assignments, workers, on_local_cluster=True), workers)

            print("5 the floor: a plain kernel running each solved notebook ...", flush=True)
            floor = floor_per_notebook(master, assignments)

            scaling = []
            for size in sizes:
                if size == args.students:
                    scaling.append((size * len(assignments), runs["jailed"][0]))
                    continue
                print(f"6 scaling: autograder grade --workers {workers} on {size} students ...", flush=True)
                course = copy_of_class(master, scratch / f"class-{size}", size)
                scaling.append((size * len(assignments), run_ours(course, assignments, workers)))

        graded = {"jailed": scores(jailed), "unjailed": scores(unjailed)}
        if "dask" in runs:
            graded["dask"] = scores(on_dask)
        mismatched = {name: differences(expected, table) for name, table in graded.items()}
        labels = {"nbgrader": "nbgrader autograde (1 process)", "jailed": f"autograder, jailed ({workers} workers)",
                  "unjailed": f"autograder, no jail ({workers} workers)", "dask": f"autograder on Dask ({workers} workers)"}
        print()
        print(f"{notebooks} notebooks ({args.students} students x {len(assignments)} assignments), {workers} workers, "
              f"{os.cpu_count()} cores")
        print(f"{'':38} {'wall time':>10} {'notebooks/s':>12} {'core-s per notebook':>20} {'x floor':>8}")
        for key, (seconds, processes) in runs.items():
            per_notebook = seconds * processes / notebooks
            print(f"{labels[key]:38} {seconds:9.1f}s {notebooks / seconds:12.2f} {per_notebook:20.2f} {per_notebook / floor:8.2f}")
        print(f"{'floor: start a plain kernel, run code':38} {'':>10} {'':>12} {floor:20.2f} {1:8.2f}")
        print()
        speedup = runs["nbgrader"][0] / runs["jailed"][0]
        jail_cost = runs["jailed"][0] / runs["unjailed"][0]
        print(f"speed-up over nbgrader: {speedup:.2f}x (target at least {TARGET_SPEEDUP:.0f}x on 2 cores)")
        print(f"jail cost: {jail_cost:.3f}x the time without it (target at most {TARGET_JAIL_COST:.2f}x)")
        if "dask" in runs:
            print(f"Dask cost: {runs['dask'][0] / runs['jailed'][0]:.3f}x the local pool with the same {workers} workers")
        jailed_per_notebook = runs["jailed"][0] * workers / notebooks
        print(f"per notebook: {jailed_per_notebook:.2f} core-s against a floor of {floor:.2f} "
              f"({jailed_per_notebook / floor:.2f}x; target at most 0.5x)")
        if len(scaling) >= 2:
            fixed, per_notebook, worst = linear_fit(scaling)
            print("scaling (local grader, jailed): " + ", ".join(
                f"{n} notebooks {s:.1f}s ({s / n:.3f} s each)" for n, s in scaling))
            print(f"  fits seconds = {fixed:.1f} + {per_notebook:.3f} x notebooks (worst residual {worst:.1%}): "
                  + ("linear" if worst < 0.1 else "not linear"))
        for name, keys in mismatched.items():
            print(f"scores, {name} against nbgrader: {len(expected)} test cells compared, {len(keys)} different")
            for key in keys[:10]:
                print(f"  {key}: nbgrader {expected.get(key)}, {name} {graded[name].get(key)}")
        if args.keep:
            print(f"kept: {scratch}")
        return 1 if any(mismatched.values()) else 0
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
